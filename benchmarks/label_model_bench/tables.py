"""The label-model benchmark's tables: datasets, accuracy and ECE (models down, datasets across,
with the means of the real and of the synthetic sets), and one detailed row per dataset and
model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from harness.tables import render, speed

from label_model_bench.benches import REFERENCE, Bench, Result

__all__ = [
    "accuracy_table",
    "dataset_table",
    "detail_table",
    "find",
    "model_order",
    "set_mean",
    "usable",
]

Results = dict[str, list[Result]]  # dataset name -> every model's result on it


def seconds(value: float) -> str:
    return f"{value:.3g}"


def model_order(results: Results) -> list[str]:
    order: dict[str, None] = {}
    for per_bench in results.values():
        order.update(dict.fromkeys(r.model for r in per_bench))
    return list(order)


def find(results: list[Result], model: str) -> Result | None:
    return next((r for r in results if r.model == model), None)


def usable(results: list[Result], model: str) -> Result | None:
    """The model's result if it ran without error."""
    result = find(results, model)
    return result if result is not None and result.ok else None


def set_mean(
    benches: Sequence[Bench], results: Results, model: str, metric: str = "accuracy"
) -> tuple[float | None, int]:
    """The model's mean ``metric`` (mean over seeds) over ``benches``, and on how many it ran."""
    scores = [
        float(np.mean(values))
        for b in benches
        if (r := usable(results[b.name], model)) and (values := getattr(r, metric))
    ]
    return (float(np.mean(scores)) if scores else None), len(scores)


def mean_cell(benches: Sequence[Bench], results: Results, model: str, metric: str) -> str:
    """Mean over ``benches``; '(j/n)' when the model ran on only j of them."""
    mean, count = set_mean(benches, results, model, metric)
    if mean is None:
        return "n/a"
    note = "" if count == len(benches) else f" ({count}/{len(benches)})"
    return f"{mean:.3f}{note}"


def cell(result: Result | None, metric: str = "accuracy") -> str:
    if result is None:
        return "n/a"
    if not result.ok:
        return result.error or "n/a"
    if metric == "ece" and result.hard_labels:
        return "hard labels"
    values = getattr(result, metric)
    return f"{np.mean(values):.3f}" if values else "n/a"


def accuracy_table(
    benches: Sequence[Bench], results: Results, markdown: bool, metric: str = "accuracy"
) -> str:
    """Models down, datasets across: the mean of ``metric`` over the seeds (``"accuracy"``, with
    F1 where reported, or ``"ece"``), and its mean over the real and over the synthetic sets."""
    groups = {
        "real": [b for b in benches if b.real],
        "synthetic": [b for b in benches if not b.real],
    }
    columns: list[tuple[str, Bench | str, str]] = []  # header, dataset or group, metric
    for bench in benches:
        columns.append((bench.name, bench, metric))
        if metric == "accuracy" and bench.data.positive is not None:
            columns.append((f"{bench.name} F1", bench, "f1"))
        for group, members in groups.items():
            if members and bench is members[-1]:
                columns.append((f"mean of {len(members)} {group}", group, metric))
    rows = []
    for model in model_order(results):
        row = [model]
        for _, source, what in columns:
            if isinstance(source, str):
                row.append(mean_cell(groups[source], results, model, what))
            else:
                row.append(cell(find(results[source.name], model), what))
        rows.append(row)
    headers = ["model", *(header for header, _, _ in columns)]
    return render(headers, rows, markdown=markdown, text_columns=1)


DETAIL_HEADERS = (
    "dataset",
    "model",
    "accuracy",
    "range",
    "on voted rows",
    "ECE",
    "F1",
    "fit s",
    "fit+predict s",
    f"vs {REFERENCE}",
)


def detail_row(bench: Bench, result: Result, reference: Result | None) -> list[str]:
    row = [bench.name, result.model] + [""] * (len(DETAIL_HEADERS) - 2)
    if not result.ok:
        row[2] = result.error or "n/a"
        return row
    row[2] = f"{result.mean_accuracy():.3f}"
    if len(result.accuracy) > 1:
        row[3] = f"{min(result.accuracy):.3f}-{max(result.accuracy):.3f}"
    row[4] = f"{np.mean(result.voted_accuracy):.3f}"
    row[5] = cell(result, "ece")
    row[6] = f"{np.mean(result.f1):.3f}" if result.f1 else ""
    if result.kind == "oracle":
        return row
    total = min(result.total_seconds)
    row[7], row[8] = seconds(min(result.fit_seconds)), seconds(total)
    if result.model == REFERENCE:
        row[9] = "reference"
    elif reference is not None and reference.ok:
        row[9] = speed(total, min(reference.total_seconds))
    return row


def detail_table(benches: Sequence[Bench], results: Results, markdown: bool) -> str:
    """One row per dataset and model: accuracy, its range over seeds, accuracy and ECE on the
    rows with a vote, F1, times, speed ratio."""
    rows: list[list[str]] = []
    for bench in benches:
        reference = find(results[bench.name], REFERENCE)
        rows.extend(detail_row(bench, r, reference) for r in results[bench.name])
    return render(DETAIL_HEADERS, rows, markdown=markdown, text_columns=2)


def dataset_table(benches: Sequence[Bench], markdown: bool) -> str:
    headers = ["dataset", "fit rows", "test rows", "LFs", "classes", "test rows without votes"]
    rows = []
    for bench in benches:
        fit, test = bench.data.fit, bench.data.test
        silent = float(np.mean((test.votes < 0).all(axis=1)))
        same = " (same rows)" if fit is test else ""
        rows.append(
            [
                bench.name,
                f"{len(fit.gold)}{same}",
                str(len(test.gold)),
                str(test.votes.shape[1]),
                str(bench.k),
                f"{silent:.1%}",
            ]
        )
    return render(headers, rows, markdown=markdown, text_columns=1)
