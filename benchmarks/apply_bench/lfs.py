"""weaklabel's side of the LFs in ``apply_bench.spec``, and what every worker needs: the rows
to label and a place for the votes it cast (compared cell by cell in ``apply_bench.agreement``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from apply_bench import spec

__all__ = ["lf_set", "read_rows", "row_lfs", "save_votes", "spacy_lfs", "vectorized_lfs"]


def read_rows(path: str | Path, rows: int) -> pd.DataFrame:
    """The first ``rows`` texts of a Parquet file (column ``text``), indexed from 0."""
    frame = pd.read_parquet(path, columns=["text"])
    return frame.iloc[:rows].reset_index(drop=True)


def save_votes(votes: Any, path: str | None) -> None:
    """The votes as a dense int8 array (-1 = abstain) in ``path``, when one is given."""
    if path:
        np.save(path, votes.to_dense().astype(np.int8))


def row_lfs() -> list[Any]:
    """weaklabel row LFs: the Python functions Snorkel runs too."""
    from weaklabel import labeling_function

    return [labeling_function(name=name)(rule) for name, rule in spec.row_rules()]


def vectorized_lfs() -> list[Any]:
    """weaklabel's vectorized builders, from the same spec."""
    from weaklabel import keyword_lf, length_lf, regex_lf

    lfs = []
    for entry in spec.SPEC:
        name, label = entry["name"], entry["label"]
        if entry["kind"] == "keyword":
            lfs.append(keyword_lf(name, entry["words"], label))
        elif entry["kind"] == "regex":
            case = bool(entry.get("case", False))
            lfs.append(regex_lf(name, entry["pattern"], label, case_sensitive=case))
        else:
            unit, low, high = entry["unit"], entry.get("min"), entry.get("max")
            lfs.append(length_lf(name, label, unit=unit, min=low, max=high))
    return lfs


def lf_set(kind: str) -> list[Any]:
    """``"row"``: :func:`row_lfs`; ``"vectorized"``: :func:`vectorized_lfs`."""
    return row_lfs() if kind == "row" else vectorized_lfs()


def spacy_lfs(nlp: Any, cache_dir: str | None) -> list[Any]:
    """weaklabel's spaCy LFs for ``spec.SPACY_SPEC``, sharing one ``spacy_preprocessor``."""
    from weaklabel import entity_lf, pattern_lf, phrase_lf, spacy_preprocessor

    pre = spacy_preprocessor(nlp, cache_dir=cache_dir)
    lfs = []
    for entry in spec.SPACY_SPEC:
        name, label = entry["name"], entry["label"]
        if entry["kind"] == "entity":
            lfs.append(entity_lf(name, entry["entity"], label, nlp=pre))
        elif entry["kind"] == "pattern":
            lfs.append(pattern_lf(name, [entry["pattern"]], label, nlp=pre))
        else:
            lfs.append(phrase_lf(name, entry["phrases"], label, nlp=pre, attr="LOWER"))
    return lfs
