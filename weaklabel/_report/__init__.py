"""The HTML report: one self-contained page of the LFs and labels (inline CSS and SVG, no network).

- :mod:`~weaklabel._report.report`: :func:`~weaklabel.analysis.build_report` and ``Report``;
- :mod:`~weaklabel._report.figures` / :mod:`~weaklabel._report.tables`: its parts;
- :mod:`~weaklabel._report.calibration`: the calibration block (ECE, reliability diagram);
- :mod:`~weaklabel._report.svg`: the charts, drawn as SVG;
- ``templates/report.html``: the Jinja2 page (autoescaped).
"""
