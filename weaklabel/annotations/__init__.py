"""Annotations by people: read them, measure agreement, reach a consensus, use it as gold.

::

    ann = Annotations.read("export.json")        # Label Studio JSON export, or a CSV / JSONL table
    krippendorff_alpha(ann)                      # how far the annotators agree
    ann.consensus()                              # one label per item (Dawid-Skene over annotators)
    ann.for_adjudication()                       # items a person should settle
    ann = ann.with_adjudication("settled.csv")   # their labels override the consensus
    model.fit(votes, gold=ann.to_gold(votes))    # back into the label model

Agreement functions return Python floats and follow the textbook definitions (see
docs/annotations.md); they refuse, with a clear error, annotations where agreement is undefined
(one annotator, no item labeled twice, a single class).
"""

from __future__ import annotations

from weaklabel.annotations._agreement import (
    class_agreement,
    cohen_kappa,
    cohen_kappa_matrix,
    fleiss_kappa,
    percent_agreement,
)
from weaklabel.annotations._annotators import annotator_confusion, annotator_summary
from weaklabel.annotations._consensus import METHODS as CONSENSUS_METHODS
from weaklabel.annotations._krippendorff import (
    AlphaInterval,
    krippendorff_alpha,
    krippendorff_alpha_interval,
)
from weaklabel.annotations._table import Annotations

__all__ = [
    "CONSENSUS_METHODS",
    "AlphaInterval",
    "Annotations",
    "annotator_confusion",
    "annotator_summary",
    "class_agreement",
    "cohen_kappa",
    "cohen_kappa_matrix",
    "fleiss_kappa",
    "krippendorff_alpha",
    "krippendorff_alpha_interval",
    "percent_agreement",
]
