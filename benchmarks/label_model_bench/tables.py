"""The label-model benchmark's tables: datasets, accuracy (models down, datasets across), and
one detailed row per dataset and model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from harness.tables import render, speed

from label_model_bench.benches import REFERENCE, Bench, Result

__all__ = ["accuracy_table", "dataset_table", "detail_table", "find", "model_order", "usable"]

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


def real_mean(benches: Sequence[Bench], results: Results, model: str) -> str:
    """Mean accuracy over the real sets; '(j/n)' when the model ran on only j of them."""
    real = [b for b in benches if b.real]
    scores = [r.mean_accuracy() for b in real if (r := usable(results[b.name], model))]
    if not scores:
        return "n/a"
    note = "" if len(scores) == len(real) else f" ({len(scores)}/{len(real)})"
    return f"{np.mean(scores):.3f}{note}"


def cell(result: Result | None, metric: str = "accuracy") -> str:
    if result is None:
        return "n/a"
    if not result.ok:
        return result.error or "n/a"
    return f"{np.mean(getattr(result, metric)):.3f}"


def accuracy_table(benches: Sequence[Bench], results: Results, markdown: bool) -> str:
    """Models down, datasets across: mean accuracy, F1 where reported, mean of the real sets."""
    real = [b for b in benches if b.real]
    columns: list[tuple[str, Bench | None, str]] = []  # header, dataset (None: mean), metric
    for bench in benches:
        columns.append((bench.name, bench, "accuracy"))
        if bench.data.positive is not None:
            columns.append((f"{bench.name} F1", bench, "f1"))
        if real and bench is real[-1]:
            columns.append((f"mean of {len(real)} real", None, "accuracy"))
    rows = []
    for model in model_order(results):
        row = [model]
        for _, source, metric in columns:
            if source is None:
                row.append(real_mean(benches, results, model))
            else:
                row.append(cell(find(results[source.name], model), metric))
        rows.append(row)
    headers = ["model", *(header for header, _, _ in columns)]
    return render(headers, rows, markdown=markdown, text_columns=1)


DETAIL_HEADERS = (
    "dataset",
    "model",
    "accuracy",
    "range",
    "on voted rows",
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
    row[5] = f"{np.mean(result.f1):.3f}" if result.f1 else ""
    if result.kind == "oracle":
        return row
    total = min(result.total_seconds)
    row[6], row[7] = seconds(min(result.fit_seconds)), seconds(total)
    if result.model == REFERENCE:
        row[8] = "reference"
    elif reference is not None and reference.ok:
        row[8] = speed(total, min(reference.total_seconds))
    return row


def detail_table(benches: Sequence[Bench], results: Results, markdown: bool) -> str:
    """One row per dataset and model: accuracy, its range over seeds, F1, times, speed ratio."""
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
