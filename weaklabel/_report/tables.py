"""The report's tables: LFs, class balance and scores, example rows, explained rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaklabel._analysis.explain import explain
from weaklabel._votes.gold import UNKNOWN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.models._ties import predicted_labels

__all__ = ["example_table", "explanations", "label_tables", "lf_table"]

#: characters of a text shown beside an example row
_TEXT_CHARS = 400


def lf_table(
    summary: pd.DataFrame, descriptions: dict[str, str], names: tuple[str, ...]
) -> tuple[list[str], list[list[dict[str, Any]]]]:
    columns = ["lf", "description", "polarity"]
    numeric = [
        c
        for c in (
            "coverage",
            "overlaps",
            "conflicts",
            "n_votes",
            "failures",
            "learned_accuracy",
            "weight",
            "empirical_accuracy",
            "accuracy_low",
            "accuracy_high",
            "correct",
            "incorrect",
        )
        if c in summary.columns
    ]
    has_deps = "dependencies" in summary.columns
    rows = []
    for lf, record in summary.iterrows():
        row: list[dict[str, Any]] = [
            {"text": str(lf)},
            {"text": descriptions.get(str(lf), "")},
            {"text": ", ".join(names[c] if c < len(names) else str(c) for c in record["polarity"])},
        ]
        for column in numeric:
            value = record[column]
            missing = value is None or (isinstance(value, float) and np.isnan(value))
            text = (
                ""
                if missing
                else (
                    f"{int(value):,}"
                    if column in ("n_votes", "failures", "correct", "incorrect")
                    else f"{float(value):.3f}"
                )
            )
            row.append(
                {"text": text, "num": True, "sort": "" if missing else f"{float(value):.6g}"}
            )
        if has_deps:
            row.append({"text": ", ".join(record["dependencies"])})
        rows.append(row)
    return columns + numeric + (["dependencies"] if has_deps else []), rows


def label_tables(labels: Any) -> dict[str, Any]:
    columns = ["predicted share"]
    series = [labels.predicted_balance]
    if labels.model_balance is not None:
        columns.append("model's class balance")
        series.append(labels.model_balance)
    if labels.gold_balance is not None:
        columns.append("gold share")
        series.append(labels.gold_balance)
    rows = [
        {"name": name, "values": [f"{float(s[name]):.3f}" for s in series]}
        for name in labels.class_names
    ]
    out: dict[str, Any] = {
        "balance_columns": columns,
        "balance_rows": rows,
        "per_class_rows": [],
        "confusion_rows": [],
    }
    if labels.per_class is not None:
        out["per_class_rows"] = [
            [name, f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f1:.3f}", f"{int(r.support):,}"]
            for name, r in labels.per_class.iterrows()
        ]
        out["confusion_rows"] = [
            [name, *[f"{int(v):,}" for v in row]] for name, row in labels.confusion.iterrows()
        ]
    return out


def example_table(
    examples: pd.DataFrame, texts: list[Any] | None, names: tuple[str, ...]
) -> tuple[list[str], list[list[dict[str, Any]]]]:
    columns = ["lf", "kind", "row id", "vote", "label", "confidence"]
    has_gold = "gold" in examples.columns
    if has_gold:
        columns.append("gold")
    if texts is not None:
        columns.append("text")
    rows: list[list[dict[str, Any]]] = []
    for record in examples.to_dict("records"):
        row: list[dict[str, Any]] = [
            {"text": record["lf"]},
            {"text": str(record["kind"]).replace("_", " ")},
            {"text": str(record["row_id"])},
            {"text": names[int(record["vote"])]},
            {"text": names[int(record["label"])]},
            {"text": f"{record['confidence']:.3f}", "cls": "num"},
        ]
        if has_gold:
            gold = int(record["gold"])
            row.append({"text": names[gold] if gold != UNKNOWN else ""})
        if texts is not None:
            row.append({"text": _clip(texts[int(record["row"])]), "cls": "text"})
        rows.append(row)
    return columns, rows


def explanations(
    model: Any,
    votes: VoteMatrix,
    probs: np.ndarray,
    texts: list[Any] | None,
    names: tuple[str, ...],
    n: int,
) -> list[dict[str, Any]]:
    voted = np.flatnonzero(votes.votes_per_row() > 0)
    if not len(voted) or n <= 0:
        return []
    confidence = probs[voted].max(axis=1)
    chosen = voted[np.argsort(confidence, kind="stable")[:n]]
    labels = predicted_labels(probs[chosen], model)
    items = []
    for row, label in zip(chosen.tolist(), labels.tolist(), strict=True):
        table = explain(model, votes, row)
        columns = ["LF", "vote", "learned accuracy", *[f"effect on {c}" for c in names]]
        rows = [
            [
                r["lf"],
                r["vote"],
                ""
                if r["learned_accuracy"] is None or pd.isna(r["learned_accuracy"])
                else f"{r['learned_accuracy']:.3f}",
                *[f"{r[f'effect_{c}']:+.3f}" for c in names],
            ]
            for r in table.to_dict("records")
        ]
        items.append(
            {
                "row_id": str(votes.row_ids[row]),
                "label": names[label],
                "confidence": f"{probs[row, label]:.3f}",
                "text": None if texts is None else _clip(texts[row]),
                "columns": columns,
                "rows": rows,
            }
        )
    return items


def _clip(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value)
    return text if len(text) <= _TEXT_CHARS else text[: _TEXT_CHARS - 1] + "…"
