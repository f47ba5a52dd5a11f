"""Analysis of labeling functions and labels: tables for code, and the HTML report for people.

>>> from weaklabel.analysis import lf_pairs, label_summary, conflict_examples, explain
>>> from weaklabel.analysis import build_report
"""

from weaklabel._analysis import LabelSummary, conflict_examples, explain, label_summary, lf_pairs
from weaklabel._report import Report, build_report
from weaklabel._summary import lf_summary, wilson_interval

__all__ = [
    "LabelSummary",
    "Report",
    "build_report",
    "conflict_examples",
    "explain",
    "label_summary",
    "lf_pairs",
    "lf_summary",
    "wilson_interval",
]
