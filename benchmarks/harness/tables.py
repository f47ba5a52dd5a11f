"""Tables as the benchmarks print them (aligned plain text, or Markdown), and speed ratios."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["family_table", "print_scores", "ratio", "render", "speed"]


def render(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    markdown: bool,
    text_columns: int | None = None,
) -> str:
    """A table of strings.

    ``text_columns=None``: every column left-aligned, Markdown rule ``|---|``. ``text_columns=n``:
    the first ``n`` columns left-aligned and the others (numbers) right-aligned, in Markdown
    (``---`` / ``--:``) as in plain text, where a rule of dashes follows the headers.
    """
    rows = [list(map(str, row)) for row in rows]
    if markdown:
        if text_columns is None:
            lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
            return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
        rule = ["---" if i < text_columns else "--:" for i in range(len(headers))]
        return "\n".join("| " + " | ".join(cells) + " |" for cells in [headers, rule, *rows])
    widths = [max(len(row[i]) for row in [list(headers), *rows]) for i in range(len(headers))]
    left = len(headers) if text_columns is None else text_columns

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i < left else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(headers)]
    if text_columns is not None:
        out.append(line(["-" * w for w in widths]))
    return "\n".join(out + [line(r) for r in rows])


def ratio(value: float | None, reference: float | None) -> str:
    """``value / reference`` as ``12.3x``; empty when either is missing or zero."""
    return f"{value / reference:.1f}x" if value and reference else ""


def speed(total: float, reference: float) -> str:
    """How many times slower or faster than the reference, e.g. '12x slower'."""
    if not (total > 0 and reference > 0):
        return ""
    times = max(total / reference, reference / total)
    label = f"{times:.1f}x" if times < 10 else f"{times:.0f}x"
    return f"{label} slower" if total >= reference else f"{label} faster"


def print_scores(label: str, scores: Mapping[str, Mapping[str, float]]) -> None:
    """One progress line on stderr: ``label`` then each model's ``accuracy/ece``."""
    shown = "  ".join(f"{name} {s['accuracy']:.3f}/{s['ece']:.3f}" for name, s in scores.items())
    print(f"{label}  {shown}", file=sys.stderr, flush=True)


def family_table(
    results: Sequence[Mapping[str, Any]],
    models: Sequence[str],
    *,
    label: str,
    markdown: bool,
    slack: float = 0.005,
) -> str:
    """Mean accuracy / ECE of each model over all the sets and per ``family``, and how often
    LabelModel is more than ``slack`` below MajorityVote, and below the better of MajorityVote
    and DawidSkene. Each result holds ``family`` and ``scores[model]`` (``accuracy``, ``ece``); a
    model missing from some sets shows how many it was scored on."""
    rows = []
    for family in ["all", *sorted({r["family"] for r in results})]:
        chosen = [r for r in results if family in ("all", r["family"])]
        cells = [family, str(len(chosen))]
        for name in models:
            scored = [r["scores"][name] for r in chosen if name in r["scores"]]
            cells.append(
                f"{np.mean([s['accuracy'] for s in scored]):.3f} / "
                f"{np.mean([s['ece'] for s in scored]):.3f}"
                + ("" if len(scored) == len(chosen) else f" ({len(scored)})")
                if scored
                else "n/a"
            )
        ours, mv, ds = (
            np.array([r["scores"][name]["accuracy"] for r in chosen])
            for name in ("LabelModel", "MajorityVote", "DawidSkene")
        )
        cells += [
            str(int((ours < mv - slack).sum())),
            str(int((ours < np.maximum(mv, ds) - slack).sum())),
        ]
        rows.append(cells)
    headers = [label, "n", *[f"{m} acc / ECE" for m in models]]
    headers += ["LabelModel < MV - 0.5", "LabelModel < best - 0.5"]
    return render(headers, rows, markdown=markdown, text_columns=1)
