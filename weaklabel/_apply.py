"""Applying labeling functions to a dataset, chunk by chunk, into a sparse :class:`VoteMatrix`."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaklabel._example import Example, iter_examples
from weaklabel._lf import LabelingFunction, Preprocessor
from weaklabel._params import check_choice, check_int
from weaklabel._votes import ABSTAIN, VoteMatrix
from weaklabel.exceptions import DataError, LabelingFunctionError, ParameterError

__all__ = ["apply_lfs", "check_lfs", "resolve_classes"]

_ON_ERROR = ("raise", "abstain")


def apply_lfs(
    lfs: Sequence[LabelingFunction],
    data: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    cardinality: int | None = None,
    classes: Sequence[str] | None = None,
    id_column: str | None = None,
    on_error: str = "raise",
    progress: bool = True,
    chunk_size: int = 4096,
) -> VoteMatrix:
    """Run every labeling function on every row and collect the votes.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        The LFs, with unique names; they become the columns of the vote matrix, in order.
    data : pandas.DataFrame or sequence of mappings
        One example per row; LFs read its columns as attributes (``x.text``).
    cardinality : int, optional
        Number of classes. When neither ``cardinality`` nor ``classes`` is given it is inferred as
        the largest vote + 1 (at least 2); give it so that out-of-range votes are caught.
    classes : sequence of str, optional
        Class names, in class-index order; sets the cardinality.
    id_column : str, optional
        Column holding a unique id per row; by default the DataFrame's index (row positions for a
        sequence of mappings).
    on_error : {"raise", "abstain"}
        What to do when an LF raises: stop with a :class:`LabelingFunctionError` naming the LF and
        the row, or count the failure (``VoteMatrix.lf_failures``) and treat it as an abstain.
    progress : bool
        Show a progress bar.
    chunk_size : int
        Rows per chunk.

    Returns
    -------
    VoteMatrix

    Examples
    --------
    >>> from weaklabel import ABSTAIN, apply_lfs, labeling_function
    >>> @labeling_function
    ... def short(x):
    ...     return 0 if len(x.text) < 10 else ABSTAIN
    >>> @labeling_function
    ... def link(x):
    ...     return 1 if "http" in x.text else ABSTAIN
    >>> votes = apply_lfs([short, link], [{"text": "ok"}, {"text": "http://spam.example"}],
    ...                   classes=["ham", "spam"], progress=False)
    >>> votes.to_dense().tolist()
    [[0, -1], [-1, 1]]
    """
    lfs = check_lfs(lfs, owner="apply_lfs")
    on_error = check_choice("on_error", on_error, _ON_ERROR, owner="apply_lfs")
    chunk_size = check_int("chunk_size", chunk_size, owner="apply_lfs", minimum=1)
    k, class_names = resolve_classes(cardinality, classes, owner="apply_lfs")
    frame = _as_frame(data)
    row_ids = _row_ids(frame, id_column)
    names = _field_names(frame)
    applier = _ChunkApplier(lfs, k, class_names, on_error)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    with tqdm(
        total=len(frame), desc="Applying LFs", unit="rows", disable=not progress, leave=False
    ) as bar:
        for start in range(0, len(frame), chunk_size):
            chunk = frame.iloc[start : start + chunk_size]
            columns = [chunk.iloc[:, c].tolist() for c in range(chunk.shape[1])]
            examples = list(iter_examples(names, columns))
            parts.append(applier.apply(examples, row_ids[start : start + len(chunk)].tolist()))
            bar.update(len(chunk))
    counts = np.concatenate([p[0] for p in parts])
    indptr = np.zeros(len(frame) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    labels = np.concatenate([p[2] for p in parts])
    if k is None:
        k = max(2, int(labels.max()) + 1 if labels.size else 2)
    return VoteMatrix._from_csr_parts(
        indptr,
        np.concatenate([p[1] for p in parts]),
        labels,
        cardinality=k,
        lf_names=[lf.name for lf in lfs],
        class_names=class_names,
        row_ids=row_ids,
        lf_failures=applier.failures,
    )


class _ChunkApplier:
    """Runs the LFs over one chunk of examples and returns its CSR parts."""

    def __init__(
        self,
        lfs: list[LabelingFunction],
        cardinality: int | None,
        class_names: tuple[str, ...] | None,
        on_error: str,
    ) -> None:
        self.lfs = lfs
        self.cardinality = cardinality
        self.class_names = class_names
        self.on_error = on_error
        self.failures = np.zeros(len(lfs), dtype=np.int64)

    def apply(
        self, examples: list[Example], row_ids: list[Any]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        block = np.full((len(examples), len(self.lfs)), ABSTAIN, dtype=np.int64)
        prepared: dict[tuple[Preprocessor, ...], list[Example | None]] = {}
        for j, lf in enumerate(self.lfs):
            if lf.pre and lf.pre not in prepared:
                prepared[lf.pre] = self._preprocess(lf, examples, row_ids)
            rows = prepared[lf.pre] if lf.pre else examples
            block[:, j] = self._votes(j, lf, rows, row_ids)
        rows_i, lfs_j = np.nonzero(block != ABSTAIN)
        counts = np.bincount(rows_i, minlength=len(examples))
        return counts, lfs_j.astype(np.int32), block[rows_i, lfs_j]

    def _preprocess(
        self, lf: LabelingFunction, examples: list[Example], row_ids: list[Any]
    ) -> list[Example | None]:
        out: list[Example | None] = []
        for i, x in enumerate(examples):
            current: Example | None = x
            for p in lf.pre:
                try:
                    current = p(current)  # type: ignore[arg-type]
                except Exception as exc:
                    self._failed(
                        lf, exc, row_ids[i], what=f"its preprocessor {p.name!r}", x=current
                    )
                    current = None
                    break
            out.append(current)
        return out

    def _votes(
        self,
        j: int,
        lf: LabelingFunction,
        examples: Sequence[Example | None],
        row_ids: list[Any],
    ) -> np.ndarray:
        func, resources = lf.func, lf.resources
        try:
            if None in examples:
                raise _SlowPath
            raw = [func(x, **resources) for x in examples]
        except Exception:
            raw = []
            for i, x in enumerate(examples):
                if x is None:  # its preprocessor failed; counted already
                    self.failures[j] += 1
                    raw.append(ABSTAIN)
                    continue
                try:
                    raw.append(func(x, **resources))
                except Exception as exc:
                    self._failed(lf, exc, row_ids[i], what="it", x=x)
                    self.failures[j] += 1
                    raw.append(ABSTAIN)
        return self._check_votes(lf, raw, row_ids)

    def _failed(
        self, lf: LabelingFunction, exc: Exception, row_id: Any, *, what: str, x: Example | None
    ) -> None:
        if isinstance(x, Example) and isinstance(exc, AttributeError) and exc.obj is x:
            fields = ", ".join(Example.keys(x))
            raise LabelingFunctionError(
                f"Labeling function {lf.name!r} reads the field {exc.name!r}, which the data "
                f"lacks (row {row_id!r}). Available fields: {fields}. Rename the "
                "column in the data or fix the LF.",
                lf_name=lf.name,
                row_id=row_id,
            ) from exc
        if self.on_error == "raise":
            raise LabelingFunctionError(
                f"Labeling function {lf.name!r} failed on row {row_id!r}: {what} raised "
                f"{type(exc).__name__}: {exc}. Fix the LF, or pass on_error='abstain' "
                "(CLI: --on-error abstain) to count such failures as abstains.",
                lf_name=lf.name,
                row_id=row_id,
            ) from exc

    def _check_votes(self, lf: LabelingFunction, raw: list[Any], row_ids: list[Any]) -> np.ndarray:
        if not all(type(v) is int for v in raw):
            raw = [self._coerce(lf, v, row_ids[i]) for i, v in enumerate(raw)]
        votes = np.array(raw, dtype=np.int64)
        high = self.cardinality if self.cardinality is not None else np.iinfo(np.int16).max - 1
        bad = (votes < ABSTAIN) | (votes >= high)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            self._invalid(lf, raw[i], row_ids[i])
        return votes

    def _coerce(self, lf: LabelingFunction, value: Any, row_id: Any) -> int:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
            return int(value)
        self._invalid(lf, value, row_id)
        raise AssertionError("unreachable")

    def _invalid(self, lf: LabelingFunction, value: Any, row_id: Any) -> None:
        k, names = self.cardinality, self.class_names
        valid = (
            f"a class index 0..{k - 1} or ABSTAIN (-1)"
            if k is not None
            else "a class index (>= 0) or ABSTAIN (-1)"
        )
        if names:
            valid += " (" + ", ".join(f"{n}={i}" for i, n in enumerate(names)) + ")"
        if value is None:
            why = "did a branch forget to return ABSTAIN?"
        elif isinstance(value, str):
            why = (
                f"return the class index {names.index(value)} for {value!r}."
                if names and value in names
                else "LFs return class indices, not class names."
            )
        elif isinstance(value, bool | np.bool_):
            why = "return a class index, not True/False."
        elif isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
            why = "votes are int class indices, not scores or floats."
        elif k is not None and isinstance(value, numbers.Integral):
            why = f"there are {k} classes."
        else:
            why = "votes are int class indices."
        raise LabelingFunctionError(
            f"Labeling function {lf.name!r} returned {value!r} ({type(value).__name__}) on row "
            f"{row_id!r}, but an LF must return {valid}; {why}",
            lf_name=lf.name,
            row_id=row_id,
        )


class _SlowPath(Exception):
    """Internal signal: take the row-by-row path."""


def check_lfs(lfs: Any, *, owner: str) -> list[LabelingFunction]:
    """Check ``lfs`` is a non-empty sequence of LabelingFunctions with unique names."""
    if isinstance(lfs, LabelingFunction):
        lfs = [lfs]
    if not isinstance(lfs, Iterable) or isinstance(lfs, str | bytes | Mapping):
        raise ParameterError(
            f"The 'lfs' parameter of {owner} must be a list of labeling functions. "
            f"Got {type(lfs).__name__} instead."
        )
    lfs = list(lfs)
    if not lfs:
        raise ParameterError(
            f"The 'lfs' parameter of {owner} must hold at least one labeling function. Got an "
            "empty list; decorate your functions with @labeling_function and pass them in."
        )
    for lf in lfs:
        if not isinstance(lf, LabelingFunction):
            name = getattr(lf, "__name__", repr(lf))
            raise ParameterError(
                f"The 'lfs' parameter of {owner} must hold LabelingFunction objects. Got {name} "
                f"({type(lf).__name__}); decorate it with @labeling_function."
            )
    seen: dict[str, int] = {}
    for lf in lfs:
        seen[lf.name] = seen.get(lf.name, 0) + 1
    duplicated = [n for n, c in seen.items() if c > 1]
    if duplicated:
        raise ParameterError(
            f"Labeling function names must be unique; {', '.join(map(repr, duplicated))} "
            "appear(s) more than once. Rename one with @labeling_function(name=...)."
        )
    return lfs


def resolve_classes(
    cardinality: int | None, classes: Sequence[str] | None, *, owner: str
) -> tuple[int | None, tuple[str, ...] | None]:
    """The number of classes and their names from ``cardinality`` and/or ``classes``."""
    names: tuple[str, ...] | None = None
    if classes is not None:
        if isinstance(classes, str):
            raise ParameterError(
                f"The 'classes' parameter of {owner} must be a list of class names. Got the "
                f"string {classes!r}; use {classes.split(',')!r}."
            )
        names = tuple(str(c) for c in classes)
        if len(names) < 2 or len(set(names)) != len(names):
            raise ParameterError(
                f"The 'classes' parameter of {owner} must hold at least two distinct names. "
                f"Got {list(names)} instead."
            )
    if cardinality is not None:
        cardinality = check_int("cardinality", cardinality, owner=owner, minimum=2)
        if names is not None and len(names) != cardinality:
            raise ParameterError(
                f"The 'cardinality' parameter of {owner} ({cardinality}) disagrees with the "
                f"{len(names)} names in 'classes'; pass only one of them."
            )
    elif names is not None:
        cardinality = len(names)
    return cardinality, names


def _as_frame(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, Sequence) and not isinstance(data, str | bytes):
        for i, record in enumerate(data):
            if not isinstance(record, Mapping):
                raise DataError(
                    f"data[{i}] is a {type(record).__name__}; each record must be a mapping "
                    "(dict) of field names to values."
                )
        frame = pd.DataFrame.from_records(list(data)) if len(data) else pd.DataFrame()
    else:
        raise DataError(
            f"data must be a pandas DataFrame or a sequence of dicts; got {type(data).__name__}. "
            "Read files with weaklabel.read_data()."
        )
    if len(frame) == 0:
        raise DataError("data has no rows; there is nothing to label.")
    return frame


def _field_names(frame: pd.DataFrame) -> tuple[str, ...]:
    names = tuple(str(c) for c in frame.columns)
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise DataError(f"data has repeated column name(s) {repeated}; make column names unique.")
    return names


def _row_ids(frame: pd.DataFrame, id_column: str | None) -> np.ndarray:
    if id_column is None:
        ids = frame.index.to_numpy()
        what = "the DataFrame index"
    else:
        if id_column not in frame.columns:
            raise DataError(
                f"id column {id_column!r} is not in the data; columns: "
                f"{', '.join(map(str, frame.columns))}."
            )
        ids = frame[id_column].to_numpy()
        what = f"id column {id_column!r}"
    if ids.dtype == object or ids.dtype.kind in "OSU" or str(ids.dtype).startswith("str"):
        ids = np.asarray(["" if x is None else str(x) for x in ids])
    duplicated = pd.Index(ids).duplicated()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        raise DataError(
            f"{what} must hold unique row ids; {ids.tolist()[i]!r} repeats (row {i}). Pick a "
            "unique id column, or reset the index."
        )
    return ids
