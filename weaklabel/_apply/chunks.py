"""Running the labeling functions on one chunk of rows.

A chunk is a pandas DataFrame of consecutive rows. Each distinct chain of preprocessors runs once
per chunk; row LFs are mapped over light examples built from its columns, vectorized LFs get the
chunk itself. The votes come back as the chunk's CSR parts.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.columns import missing_column
from weaklabel._lfs.example import Example, iter_examples
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._lfs.preprocessor import Preprocessor
from weaklabel._lfs.rules import MatchRule, Screen
from weaklabel._votes.encoding import ABSTAIN, MAX_CARDINALITY
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import LabelingFunctionError, WeaklabelError

__all__ = ["ChunkApplier", "ChunkVotes", "assemble"]

#: largest class index a vote may have when the number of classes is not given
_MAX_CLASS = MAX_CARDINALITY - 1


@dataclass(frozen=True)
class ChunkVotes:
    """The votes of one chunk, in CSR parts: votes per row, LF of each vote, class of each vote."""

    counts: np.ndarray
    lfs: np.ndarray
    labels: np.ndarray
    failures: np.ndarray


class ChunkApplier:
    """Applies a fixed list of LFs to chunks of rows.

    Parameters
    ----------
    lfs : list of LabelingFunction
    cardinality : int or None
        Votes must be below it (any class index when None).
    class_names : tuple of str or None
        Used in error messages.
    on_error : {"raise", "abstain"}
    """

    def __init__(
        self,
        lfs: list[LabelingFunction],
        cardinality: int | None,
        class_names: tuple[str, ...] | None,
        on_error: str,
    ) -> None:
        self.lfs = lfs
        self.screens = Screen.plan(lfs)
        self.cardinality = cardinality
        self.class_names = class_names
        self.on_error = on_error

    def apply(self, frame: pd.DataFrame, row_ids: list[Any]) -> ChunkVotes:
        n, m = len(frame), len(self.lfs)
        block = np.empty((n, m), dtype=np.int16)  # votes are -1.._MAX_CLASS
        failures = np.zeros(m, dtype=np.int64)
        chains: dict[tuple[Preprocessor, ...], _Prepared] = {}
        screened: dict[int, tuple[MatchRule, np.ndarray]] = {}
        for screen in self.screens:
            rows = screen.rows(frame)
            if rows is not None:
                screened.update({j: (rule, rows) for j, rule in screen.rules.items()})
        for j, lf in enumerate(self.lfs):
            prepared = chains.get(lf.pre)
            if prepared is None:
                prepared = chains[lf.pre] = self._prepare(lf, frame, row_ids)
            if lf.vectorized:
                votes = self._vectorized(lf, prepared, row_ids, screened.get(j))
            else:
                votes = self._row_votes(lf, prepared, row_ids)
            failed = votes == _FAILED
            if prepared.failed.any() or failed.any():
                failed |= prepared.failed
                failures[j] = int(failed.sum())
                votes = np.where(failed, ABSTAIN, votes)
            block[:, j] = votes
        cells = np.flatnonzero(block.ravel() != ABSTAIN)
        rows = cells // m
        return ChunkVotes(
            counts=np.bincount(rows, minlength=n).astype(np.int64),
            lfs=(cells - rows * m).astype(np.int32),
            labels=block.ravel()[cells].astype(np.int64),
            failures=failures,
        )

    # -- preprocessing ------------------------------------------------------------------------

    def _prepare(self, lf: LabelingFunction, frame: pd.DataFrame, row_ids: list[Any]) -> _Prepared:
        """Run ``lf``'s preprocessor chain over the chunk, once for every LF sharing it."""
        prepared = _Prepared(frame, np.zeros(len(frame), dtype=bool))
        for p in lf.pre:
            current = prepared.frame
            if p.batch:
                try:
                    added = p.columns(current)
                except Exception as exc:
                    self._failed(lf, exc, _span(row_ids), what=f"its preprocessor {p.name!r}")
                    return _Prepared(current, np.ones(len(current), dtype=bool))
            else:
                added = self._row_preprocess(lf, p, prepared, row_ids)
            prepared = _Prepared(current.assign(**added), prepared.failed)
        return prepared

    def _row_preprocess(
        self, lf: LabelingFunction, p: Preprocessor, prepared: _Prepared, row_ids: list[Any]
    ) -> dict[str, list[Any]]:
        rows: list[dict[str, Any]] = []
        for i, x in enumerate(prepared.examples()):
            if prepared.failed[i]:
                rows.append({})
                continue
            try:
                rows.append(dict(p.fields(x)))
            except Exception as exc:
                self._failed(lf, exc, row_ids[i], what=f"its preprocessor {p.name!r}", x=x)
                prepared.failed[i] = True
                rows.append({})
        names = list(dict.fromkeys(name for row in rows for name in row))
        return {name: [row.get(name) for row in rows] for name in names}

    # -- voting -------------------------------------------------------------------------------

    def _row_votes(
        self, lf: LabelingFunction, prepared: _Prepared, row_ids: list[Any]
    ) -> np.ndarray:
        func, resources = lf.func, lf.resources
        examples = prepared.examples()
        try:
            if prepared.failed.any():
                raise _SlowPath
            raw = (
                list(map(func, examples))
                if not resources
                else [func(x, **resources) for x in examples]
            )
        except Exception:
            raw = []
            for i, x in enumerate(examples):
                if prepared.failed[i]:
                    raw.append(ABSTAIN)
                    continue
                try:
                    raw.append(func(x, **resources))
                except Exception as exc:
                    self._failed(lf, exc, row_ids[i], what="it", x=x)
                    raw.append(_FAILED)
        if set(map(type, raw)) - {int}:  # a C-speed check of the common case
            raw = [self._coerce(lf, v, row_ids[i]) for i, v in enumerate(raw)]
        votes = np.array(raw, dtype=np.int64)
        self._check_range(lf, votes, raw, row_ids)
        return votes

    def _vectorized(
        self,
        lf: LabelingFunction,
        prepared: _Prepared,
        row_ids: list[Any],
        screened: tuple[MatchRule, np.ndarray] | None = None,
    ) -> np.ndarray:
        n = len(prepared.frame)
        try:
            if screened is None:
                out = lf.vote_batch(prepared.frame)
            else:  # a keyword or regex builder, which can only fire on these rows
                rule, rows = screened
                out = rule.on_rows(prepared.frame, rows)
        except WeaklabelError as exc:
            raise LabelingFunctionError(
                f"Labeling function {lf.name!r} cannot run on rows {_span(row_ids)}: {exc}",
                lf_name=lf.name,
                row_id=row_ids[0] if row_ids else None,
            ) from exc
        except KeyError as exc:
            if exc.args and exc.args[0] not in prepared.frame.columns:
                message = missing_column(
                    str(exc.args[0]),
                    prepared.frame.columns,
                    hint="Rename the column in the data or fix the LF.",
                )
                raise LabelingFunctionError(
                    f"Labeling function {lf.name!r} reads a column the data lacks: {message}",
                    lf_name=lf.name,
                ) from exc
            self._failed(lf, exc, _span(row_ids), what="it")
            return np.full(n, _FAILED, dtype=np.int64)
        except Exception as exc:
            self._failed(lf, exc, _span(row_ids), what="it")
            return np.full(n, _FAILED, dtype=np.int64)
        votes = self._vector_output(lf, out, n, row_ids)
        self._check_range(lf, votes, votes, row_ids)
        return votes

    def _vector_output(
        self, lf: LabelingFunction, out: Any, n: int, row_ids: list[Any]
    ) -> np.ndarray:
        array = np.asarray(out)
        if array.shape != (n,):
            raise LabelingFunctionError(
                f"Vectorized labeling function {lf.name!r} returned an array of shape "
                f"{array.shape} for a chunk of {n} rows (rows {_span(row_ids)}); return one vote "
                "per row, e.g. np.where(mask, LABEL, ABSTAIN).",
                lf_name=lf.name,
            )
        if array.dtype.kind in "iu":
            return array.astype(np.int64)
        if array.dtype.kind == "f":
            integral = np.isfinite(array) & (array == np.round(array))
            if integral.all():
                return array.astype(np.int64)
            i = int(np.flatnonzero(~integral)[0])
            self._invalid(lf, array[i].item(), row_ids[i])
        for i, value in enumerate(array.tolist()):
            self._coerce(lf, value, row_ids[i])
        return np.array(array.tolist(), dtype=np.int64)

    def _check_range(
        self, lf: LabelingFunction, votes: np.ndarray, raw: Any, row_ids: list[Any]
    ) -> None:
        high = self.cardinality if self.cardinality is not None else _MAX_CLASS + 1
        bad = ((votes < ABSTAIN) & (votes != _FAILED)) | (votes >= high)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            self._invalid(lf, _python(raw[i]), row_ids[i])

    # -- errors -------------------------------------------------------------------------------

    def _failed(
        self,
        lf: LabelingFunction,
        exc: Exception,
        where: Any,
        *,
        what: str,
        x: Example | None = None,
    ) -> None:
        if isinstance(x, Example) and isinstance(exc, AttributeError) and exc.obj is x:
            message = missing_column(
                str(exc.name),
                Example.keys(x),
                source=f"the data (row {where!r})",
                noun="field",
                hint="Rename the column in the data or fix the LF.",
            )
            raise LabelingFunctionError(
                f"Labeling function {lf.name!r} reads a field the data lacks: {message}",
                lf_name=lf.name,
                row_id=where,
            ) from exc
        if self.on_error == "raise":
            place = f"row {where!r}" if not isinstance(where, _Span) else f"rows {where}"
            raise LabelingFunctionError(
                f"Labeling function {lf.name!r} failed on {place}: {what} raised "
                f"{type(exc).__name__}: {exc}. Fix the LF, or pass on_error='abstain' "
                "(CLI: --on-error abstain) to count such failures as abstains.",
                lf_name=lf.name,
                row_id=where if not isinstance(where, _Span) else where.first,
            ) from exc

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


#: internal marker of a row where the LF raised (counted as a failure, then abstains)
_FAILED = -(2**31)


class _SlowPath(Exception):
    """Internal signal: take the row-by-row path."""


@dataclass
class _Prepared:
    """A chunk after a preprocessor chain: its frame and the rows where the chain failed."""

    frame: pd.DataFrame
    failed: np.ndarray

    def __post_init__(self) -> None:
        self._examples: list[Example] | None = None

    def examples(self) -> list[Example]:
        if self._examples is None:
            names = tuple(str(c) for c in self.frame.columns)
            columns = [self.frame.iloc[:, c].tolist() for c in range(self.frame.shape[1])]
            self._examples = list(iter_examples(names, columns))
        return self._examples


@dataclass(frozen=True)
class _Span:
    first: Any
    last: Any

    def __str__(self) -> str:
        return f"{self.first!r}..{self.last!r}"


def _span(row_ids: list[Any]) -> _Span:
    return _Span(row_ids[0], row_ids[-1]) if row_ids else _Span(None, None)


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def assemble(
    results: list[ChunkVotes],
    lfs: list[LabelingFunction],
    k: int | None,
    class_names: tuple[str, ...] | None,
    row_ids: np.ndarray,
    n_rows: int,
) -> VoteMatrix:
    counts = np.concatenate([r.counts for r in results]) if results else np.zeros(0, np.int64)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    labels = np.concatenate([r.labels for r in results]).astype(np.int64)
    if k is None:
        k = max(2, int(labels.max()) + 1 if labels.size else 2)
    return VoteMatrix.from_csr_parts(
        indptr,
        np.concatenate([r.lfs for r in results]),
        labels,
        cardinality=k,
        lf_names=[lf.name for lf in lfs],
        class_names=class_names,
        row_ids=row_ids,
        lf_failures=np.sum([r.failures for r in results], axis=0),
        trusted=True,
    )
