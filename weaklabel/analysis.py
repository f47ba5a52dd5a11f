"""Analysis of labeling functions and labels: tables for code, and the HTML report for people.

>>> from weaklabel.analysis import lf_pairs, label_summary, conflict_examples, explain
>>> from weaklabel.analysis import expected_calibration_error, reliability_table, lf_reliability
>>> from weaklabel.analysis import build_report
"""

from weaklabel._analysis.calibration import expected_calibration_error, reliability_table
from weaklabel._analysis.examples import conflict_examples
from weaklabel._analysis.explain import explain
from weaklabel._analysis.labels import LabelSummary, label_summary
from weaklabel._analysis.lf_calibration import lf_reliability
from weaklabel._analysis.metrics import wilson_interval
from weaklabel._analysis.pairs import lf_pairs
from weaklabel._analysis.summary import lf_summary
from weaklabel._report.report import Report, build_report

__all__ = [
    "LabelSummary",
    "Report",
    "build_report",
    "conflict_examples",
    "expected_calibration_error",
    "explain",
    "label_summary",
    "lf_pairs",
    "lf_reliability",
    "lf_summary",
    "reliability_table",
    "wilson_interval",
]
