"""Every vote matrix against the others, cell by cell: same LFs, same votes, whoever cast them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from harness.tables import render

from apply_bench import spec
from apply_bench.lfs import read_rows
from apply_bench.run import Run

__all__ = ["PAIRS", "Agreement", "compare", "report"]

#: (left, right, LF names): the measurements whose votes are compared
PAIRS = (
    ("row", "vectorized", spec.LF_NAMES),
    ("row", "snorkel", spec.LF_NAMES),
    ("vectorized", "snorkel", spec.LF_NAMES),
    ("snorkel", "snorkel-dask", spec.LF_NAMES),
    ("row", "row-jobs2", spec.LF_NAMES),
    ("vectorized", "vectorized-jobs2", spec.LF_NAMES),
    ("vectorized", "dask-vectorized", spec.LF_NAMES),
    ("row", "dask-row", spec.LF_NAMES),
    ("spacy-batch", "snorkel-spacy", spec.SPACY_LF_NAMES),
    ("spacy", "snorkel-spacy", spec.SPACY_LF_NAMES),
    ("spacy-warm", "snorkel-spacy", spec.SPACY_LF_NAMES),
    ("snorkel-spacy", "snorkel-spacy-nomemo", spec.SPACY_LF_NAMES),
)
MAX_EXAMPLES = 12


@dataclass
class Agreement:
    left: str
    right: str
    rows: int
    cells: int
    agree: int
    per_lf: dict[str, int]  # disagreeing cells per LF (only LFs with some)
    examples: list[tuple[str, int, int, int]]  # (LF, row, left vote, right vote)

    @property
    def share(self) -> float:
        return self.agree / self.cells if self.cells else float("nan")


def compare(left: str, a: np.ndarray, right: str, b: np.ndarray, names: Sequence[str]) -> Agreement:
    """The first rows both matrices have, compared cell by cell."""
    rows = min(len(a), len(b))
    a, b = a[:rows], b[:rows]
    differ = a != b
    per_lf = {names[j]: int(c) for j, c in enumerate(differ.sum(axis=0)) if c}
    examples = []
    for j in np.flatnonzero(differ.any(axis=0)):
        for i in np.flatnonzero(differ[:, j])[:3]:
            examples.append((names[j], int(i), int(a[i, j]), int(b[i, j])))
    return Agreement(
        left, right, rows, differ.size, int(differ.size - differ.sum()), per_lf, examples
    )


def report(run: Run) -> list[str]:
    """The agreement table, and up to 12 differing cells with their texts."""
    found = []
    for left, right, names in PAIRS:
        a, b = run.load_votes(left), run.load_votes(right)
        if a is not None and b is not None:
            found.append(compare(left, a, right, b, names))
    run.results["agreement"] = {f"{x.left} vs {x.right}": x.per_lf for x in found}
    lines = ["agreement of the vote matrices (cells equal / cells compared):"]
    rows = [
        [
            x.left,
            x.right,
            f"{x.rows:,}",
            f"{100 * x.share:.4f}%",
            ", ".join(f"{k}: {v}" for k, v in x.per_lf.items()) or "-",
        ]
        for x in found
    ]
    headers = ["left", "right", "rows", "agree", "differing cells per LF"]
    lines.append(render(headers, rows, markdown=run.args.markdown))
    texts: dict[Path, pd.Series] = {}
    examples = [(x, example) for x in found for example in x.examples][:MAX_EXAMPLES]
    for x, (name, i, va, vb) in examples:
        path = run.text_path(x.left)
        if path not in texts:
            texts[path] = read_rows(path, 10**9)["text"]
        text = texts[path].iloc[i]
        lines.append(f"  {x.left} vs {x.right}, {name}, row {i}: {va} vs {vb}: {text!r:.160}")
    return lines
