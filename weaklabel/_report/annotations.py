"""The report's Annotations section: how far people agree, each annotator, what to adjudicate."""

from __future__ import annotations

import math
from typing import Any

from weaklabel.annotations import (
    Annotations,
    annotator_summary,
    class_agreement,
    fleiss_kappa,
    krippendorff_alpha_interval,
    percent_agreement,
)
from weaklabel.exceptions import WeaklabelError

__all__ = ["annotation_section"]

#: items listed for adjudication at most
_MAX_ITEMS = 20


def annotation_section(annotations: Annotations | None, random_state: Any) -> dict[str, Any] | None:
    """The template's ``annotations`` context, or None without annotations."""
    if annotations is None:
        return None
    stats = [
        ["items", f"{annotations.n_items:,}"],
        ["annotators", f"{annotations.n_annotators:,}"],
        ["annotations", f"{len(annotations):,}"],
        ["percent agreement", _try(lambda: f"{percent_agreement(annotations):.3f}")],
        ["Fleiss' kappa", _try(lambda: f"{fleiss_kappa(annotations):.3f}")],
        ["Krippendorff's alpha (95% interval)", _try(lambda: _alpha(annotations, random_state))],
    ]
    annotators = annotator_summary(annotations)
    adjudicate = annotations.for_adjudication()
    return {
        "stats": stats,
        "annotator_columns": ["annotator", "labels", "shared", "agreement with consensus"],
        "annotator_rows": [
            [r.annotator, f"{r.n_labels:,}", f"{r.n_shared:,}", f"{r.consensus_agreement:.3f}"]
            for r in annotators.itertuples()
        ],
        "class_columns": ["class", "labels", "specific agreement", "alpha"],
        "class_rows": _class_rows(annotations),
        "adjudicate_total": len(adjudicate),
        "adjudicate_rows": [
            [str(r.item), str(r.label), f"{r.confidence:.3f}", f"{r.n_annotators}", r.reason]
            for r in adjudicate.head(_MAX_ITEMS).itertuples()
        ],
    }


def _alpha(annotations: Annotations, random_state: Any) -> str:
    interval = krippendorff_alpha_interval(annotations, random_state=random_state)
    return f"{interval.alpha:.3f} ({interval.low:.3f} to {interval.high:.3f})"


def _class_rows(annotations: Annotations) -> list[list[str]]:
    try:
        table = class_agreement(annotations)
    except WeaklabelError:
        return []
    return [
        [str(r["class"]), f"{int(r['n_labels']):,}", _number(r["specific_agreement"]),
         _number(r["alpha"])]
        for r in table.to_dict("records")
    ]  # fmt: skip


def _number(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _try(compute: Any) -> str:
    """A statistic, or why it is undefined here (one annotator, uneven ratings, ...)."""
    try:
        return str(compute())
    except WeaklabelError as exc:
        return f"n/a: {str(exc).split('. ')[0]}"
