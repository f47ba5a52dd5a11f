"""Running the labeling functions on one chunk of rows.

A chunk is a pandas DataFrame of consecutive rows. Each distinct chain of preprocessors runs once
per chunk; row LFs are mapped over light examples built from its columns, vectorized LFs get the
chunk itself. The votes come back as the chunk's CSR parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._apply.outputs import FAILED, LFOutputs
from weaklabel._core.columns import missing_column
from weaklabel._lfs.example import Example, iter_examples
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._lfs.preprocessor import Preprocessor
from weaklabel._lfs.rules import MatchRule, Screen
from weaklabel._votes.confidence import FULL_CONFIDENCE
from weaklabel._votes.encoding import ABSTAIN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import LabelingFunctionError, WeaklabelError

__all__ = ["ChunkApplier", "ChunkVotes", "assemble"]


@dataclass(frozen=True)
class ChunkVotes:
    """The votes of one chunk, in CSR parts: votes per row, LF of each vote, class of each vote,
    failures per LF, and each vote's confidence when an LF stated one (else None)."""

    counts: np.ndarray
    lfs: np.ndarray
    labels: np.ndarray
    failures: np.ndarray
    confidences: np.ndarray | None = None


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
        self.outputs = LFOutputs(cardinality, class_names)

    def apply(self, frame: pd.DataFrame, row_ids: list[Any]) -> ChunkVotes:
        n, m = len(frame), len(self.lfs)
        block = np.empty((n, m), dtype=np.int16)  # votes are -1.._MAX_CLASS
        failures = np.zeros(m, dtype=np.int64)
        sure: np.ndarray | None = None  # rows x LFs confidences, once an LF states one
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
                votes, confidences = self._vectorized(lf, prepared, row_ids, screened.get(j))
            else:
                votes, confidences = self._row_votes(lf, prepared, row_ids)
            if confidences is not None:
                if sure is None:
                    sure = np.full((n, m), FULL_CONFIDENCE, dtype=np.float32)
                sure[:, j] = confidences
            failed = votes == FAILED
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
            confidences=None if sure is None else sure.ravel()[cells],
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
    ) -> tuple[np.ndarray, np.ndarray | None]:
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
                    raw.append(FAILED)
        return self.outputs.row_votes(lf, raw, row_ids)

    def _vectorized(
        self,
        lf: LabelingFunction,
        prepared: _Prepared,
        row_ids: list[Any],
        screened: tuple[MatchRule, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
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
            return np.full(n, FAILED, dtype=np.int64), None
        except Exception as exc:
            self._failed(lf, exc, _span(row_ids), what="it")
            return np.full(n, FAILED, dtype=np.int64), None
        return self.outputs.vector_votes(lf, out, n, row_ids)

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
        confidences=_confidences(results),
        trusted=True,
    )


def _confidences(results: list[ChunkVotes]) -> np.ndarray | None:
    """Every chunk's confidences in order, 1.0 in chunks without any; None when none has any."""
    if all(r.confidences is None for r in results):
        return None
    return np.concatenate(
        [
            r.confidences if r.confidences is not None else np.ones(len(r.labels), np.float32)
            for r in results
        ]
    )
