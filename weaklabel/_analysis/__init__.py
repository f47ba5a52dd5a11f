"""Looking at LFs and labels: tables computed from the sparse votes, for code and for the report.

- :mod:`~weaklabel._analysis.summary`: :func:`~weaklabel.lf_summary`, one row per LF;
- :mod:`~weaklabel._analysis.pairs`: overlap and conflict rates of pairs of LFs;
- :mod:`~weaklabel._analysis.labels`: the labels as a whole (coverage, balance, confidence, gold);
- :mod:`~weaklabel._analysis.examples`: example rows where an LF disagrees or is wrong;
- :mod:`~weaklabel._analysis.explain`: how one row's votes make its probabilities;
- :mod:`~weaklabel._analysis.metrics`: accuracy and Wilson intervals;
- :mod:`~weaklabel._analysis.calibration`: expected calibration error and the reliability table;
- :mod:`~weaklabel._analysis.lf_calibration`: each LF's stated confidences against gold and the
  label model.

Labels are taken as the model's ``predict`` gives them
(:func:`weaklabel.models._ties.predicted_labels`).
"""
