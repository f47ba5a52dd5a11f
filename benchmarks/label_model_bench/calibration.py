"""The label-model benchmark's calibration report: reliability tables, the focus rows of a set
(e.g. the rows where only a random LF voted), mean ECE per model, and the means for the JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from harness.tables import render

from label_model_bench.benches import ECE_BINS, REFERENCE, Bench, pooled
from label_model_bench.tables import Results, find, model_order, set_mean, usable

__all__ = [
    "RELIABILITY_MODELS",
    "calibration_lines",
    "focus_table",
    "model_means",
    "reliability_table",
]

#: the models whose reliability diagram is printed (every model's is in the JSON results)
RELIABILITY_MODELS = (REFERENCE, "MajorityVote")


def groups(benches: Sequence[Bench]) -> dict[str, list[Bench]]:
    return {
        "real": [b for b in benches if b.real],
        "synthetic": [b for b in benches if not b.real],
    }


def pooled_reliability(
    benches: Sequence[Bench], results: Results, model: str
) -> list[dict[str, Any]]:
    """The model's reliability table over ``benches`` (their voted test rows, seeds pooled)."""
    table: list[dict[str, Any]] = []
    for bench in benches:
        result = usable(results[bench.name], model)
        if result is not None and result.reliability:
            table = pooled(table, result.reliability)
    return table


def reliability_table(
    benches: Sequence[Bench], results: Results, markdown: bool, *, real: bool
) -> str:
    """A text reliability diagram of ``RELIABILITY_MODELS`` over the real (or synthetic) sets:
    per bin of the top-class probability, each model's mean confidence, accuracy and rows."""
    members = groups(benches)["real" if real else "synthetic"]
    tables = {m: pooled_reliability(members, results, m) for m in RELIABILITY_MODELS}
    tables = {m: t for m, t in tables.items() if t}
    if not tables:
        return ""
    headers = ["confidence bin"]
    for model in tables:
        headers += [f"{model} confidence", f"{model} accuracy", f"{model} rows"]
    rows = []
    for b in range(ECE_BINS):
        if not any(t[b]["rows"] for t in tables.values()):
            continue
        first = next(iter(tables.values()))[b]
        row = [f"{first['lower']:.2f}-{first['upper']:.2f}"]
        for table in tables.values():
            entry = table[b]
            if entry["rows"]:
                row += [f"{entry['confidence']:.3f}", f"{entry['accuracy']:.3f}"]
            else:
                row += ["", ""]
            row.append(str(entry["rows"]))
        rows.append(row)
    return render(headers, rows, markdown=markdown, text_columns=1)


def focus_table(benches: Sequence[Bench], results: Results, markdown: bool) -> str:
    """For each set with focus rows: every model's mean top-class probability and accuracy
    there (a calibrated model's confidence matches its accuracy)."""
    rows = []
    for bench in benches:
        if bench.focus is None:
            continue
        for model in model_order(results):
            result = find(results[bench.name], model)
            if result is None or not result.ok or not result.focus_accuracy:
                continue
            confidence = float(np.mean(result.focus_confidence))
            accuracy = float(np.mean(result.focus_accuracy))
            rows.append(
                [
                    bench.name,
                    model,
                    f"{confidence:.3f}",
                    f"{accuracy:.3f}",
                    f"{confidence - accuracy:+.3f}",
                    str(int(bench.focus.sum())),
                ]
            )
    if not rows:
        return ""
    headers = ["dataset", "model", "mean confidence", "accuracy", "gap", "rows"]
    return render(headers, rows, markdown=markdown, text_columns=2)


def model_means(benches: Sequence[Bench], results: Results) -> dict[str, Any]:
    """Per model, its mean accuracy and ECE over the real and over the synthetic sets."""
    out: dict[str, Any] = {}
    for model in model_order(results):
        out[model] = {}
        for group, members in groups(benches).items():
            if not members:
                continue
            accuracy, ran = set_mean(members, results, model, "accuracy")
            ece, scored = set_mean(members, results, model, "ece")
            out[model][group] = {
                "accuracy": accuracy,
                "ece": ece,
                "datasets": len(members),
                "datasets_run": ran,
                "datasets_with_ece": scored,
            }
    return out


def calibration_lines(benches: Sequence[Bench], results: Results) -> list[str]:
    """Each model's mean ECE over the real and over the synthetic sets, best first."""
    lines = [f"Mean ECE (top class, {ECE_BINS} bins, test rows with a vote; lower is better):"]
    means = model_means(benches, results)
    for group in ("real", "synthetic"):
        scored = [
            (m[group]["ece"], model, m[group])
            for model, m in means.items()
            if group in m and m[group]["ece"] is not None
        ]
        if not scored:
            continue
        parts = []
        for ece, model, info in sorted(scored, key=lambda item: item[0]):
            subset = (
                ""
                if info["datasets_with_ece"] == info["datasets"]
                else f" ({info['datasets_with_ece']}/{info['datasets']})"
            )
            parts.append(f"{model} {ece:.3f}{subset}")
        lines.append(f"  {group} sets: " + "; ".join(parts))
    return lines if len(lines) > 1 else []
