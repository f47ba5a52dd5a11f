"""The :class:`Annotations` table: who gave which label to which item."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._votes.matrix import VoteMatrix
from weaklabel.annotations._adjudication import (
    Adjudication,
    adjudication_frame,
    merge_adjudication,
    read_adjudication,
)
from weaklabel.annotations._codes import Codes
from weaklabel.annotations._consensus import consensus_frame
from weaklabel.annotations._files import codes_from_long, codes_from_wide, read_codes
from weaklabel.annotations._gold import gold_array
from weaklabel.exceptions import ParameterError

__all__ = ["Annotations"]


class Annotations:
    """An immutable long table of annotations: (item, annotator, label[, created_at]).

    Build one with :meth:`from_frame`, :meth:`from_wide` or :meth:`read`. Labels are held as class
    indices into :attr:`classes`; an item labeled twice by one annotator keeps the latest label
    (by ``created_at`` when known, else the last), with an
    :class:`~weaklabel.exceptions.AnnotationWarning`. Items keep the order they first appear in;
    annotators are sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel.annotations import Annotations
    >>> ann = Annotations.from_frame(pd.DataFrame({
    ...     "item": [1, 1, 2, 2, 3],
    ...     "annotator": ["ana", "bo", "ana", "bo", "ana"],
    ...     "label": ["spam", "spam", "ham", "spam", "ham"]}))
    >>> ann
    Annotations(n_annotations=5, n_items=3, n_annotators=2, classes=['ham', 'spam'])
    >>> ann.consensus(method="majority").tolist()
    ['spam', 'ham', 'ham']
    >>> ann.for_adjudication()["item"].tolist()  # a 1-1 tie and a single label
    [2, 3]
    """

    __slots__ = ("_adjudication", "_codes")

    def __init__(self, codes: Codes, *, adjudication: Adjudication | None = None) -> None:
        if not isinstance(codes, Codes):
            raise ParameterError(
                "Annotations are built with Annotations.from_frame, Annotations.from_wide or "
                f"Annotations.read. Got {type(codes).__name__}."
            )
        for array in (codes.item, codes.annotator, codes.label, codes.created_at):
            if array is not None:
                array.flags.writeable = False
        self._codes = codes
        self._adjudication = adjudication

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        item: str = "item",
        annotator: str = "annotator",
        label: str = "label",
        classes: Sequence[str] | None = None,
        created_at: str = "created_at",
    ) -> Annotations:
        """Annotations from a long DataFrame, one annotation per row.

        Parameters
        ----------
        df : pandas.DataFrame
        item, annotator, label : str
            The columns of the item id, the annotator and the label (a class name).
        classes : sequence of str, optional
            The class names in class-index order. When None: the labels seen, sorted
            (numerically when every label is a whole number). A label that is not one of them
            is an error naming the row.
        created_at : str
            The column of the annotation times (ISO 8601), used when present: the latest label
            of an annotator for an item wins.
        """
        if not isinstance(df, pd.DataFrame):
            raise ParameterError(
                "The 'df' parameter of Annotations.from_frame must be a pandas DataFrame. Got "
                f"{type(df).__name__} instead."
            )
        frame = df.reset_index(drop=True)
        return cls(
            codes_from_long(
                frame,
                item=item,
                annotator=annotator,
                label=label,
                created_at=created_at,
                classes=classes,
                where=lambda i: f"row {i}",
                source="the annotations frame",
            )
        )

    @classmethod
    def from_wide(
        cls, df: pd.DataFrame, *, item: str = "item", classes: Sequence[str] | None = None
    ) -> Annotations:
        """Annotations from a wide DataFrame: one row per item, one column per annotator.

        Every column but ``item`` is an annotator; an empty cell (missing or ``""``) means the
        annotator did not label the item.

        Examples
        --------
        >>> import pandas as pd
        >>> from weaklabel.annotations import Annotations
        >>> wide = pd.DataFrame({"item": ["a", "b"], "ana": ["x", "y"], "bo": ["x", None]})
        >>> Annotations.from_wide(wide).to_frame().values.tolist()
        [['a', 'ana', 'x'], ['a', 'bo', 'x'], ['b', 'ana', 'y']]
        """
        return cls(
            codes_from_wide(
                df.reset_index(drop=True),
                item=item,
                classes=classes,
                where=lambda i: f"row {i}",
                source="the annotations frame",
            )
        )

    @classmethod
    def read(
        cls,
        path: str | Path,
        *,
        classes: Sequence[str] | None = None,
        layout: str = "auto",
        item: str | None = None,
        from_name: str | None = None,
    ) -> Annotations:
        """Read annotations from a Label Studio JSON export or a long or wide table.

        Parameters
        ----------
        path : str or Path
            ``*.json``: a Label Studio JSON export (items are the tasks' ``data["row_id"]``,
            else the task id; cancelled annotations are left out; the annotator is the user's
            email, else ``user-<id>``). ``*.csv`` / ``*.jsonl``: a table, long (columns
            ``item``, ``annotator``, ``label`` [, ``created_at``]) or wide (an item column and
            one column per annotator); see ``layout``.
        classes : sequence of str, optional
            The class names in class-index order (default: the labels seen, sorted). A label
            that is not one of them is an error naming the line (or the task).
        layout : {"auto", "long", "wide"}
            For tables: "auto" reads a table with an ``annotator`` or ``label`` column as long,
            any other as wide.
        item : str, optional
            The item column (default ``item``; a wide table without one uses ``id``).
        from_name : str, optional
            For a Label Studio project with several ``<Choices>`` tags: the one to read.

        Raises
        ------
        DataError
            The file is missing, empty, truncated or malformed, lacks a column, or holds a
            label that is not a class; the message names the file and the line (or task).
        """
        return cls(read_codes(path, classes=classes, layout=layout, item=item, from_name=from_name))

    # -- the table ----------------------------------------------------------------------------

    @property
    def items(self) -> pd.Index:
        """The annotated items, in the order they first appear."""
        return self._codes.items

    @property
    def annotators(self) -> tuple[str, ...]:
        """The annotators, sorted."""
        return self._codes.annotators

    @property
    def classes(self) -> tuple[str, ...]:
        """The class names, in class-index order."""
        return self._codes.classes

    @property
    def n_items(self) -> int:
        """How many items were annotated."""
        return self._codes.n_items

    @property
    def n_annotators(self) -> int:
        """How many annotators there are."""
        return len(self._codes.annotators)

    def __len__(self) -> int:
        return len(self._codes.item)

    def __repr__(self) -> str:
        return (
            f"Annotations(n_annotations={len(self)}, n_items={self.n_items}, "
            f"n_annotators={self.n_annotators}, classes={list(self.classes)})"
        )

    def to_frame(self) -> pd.DataFrame:
        """The annotations as a DataFrame: ``item``, ``annotator``, ``label`` (class names), and
        ``created_at`` (UTC) when the annotations have times."""
        c = self._codes
        frame = pd.DataFrame(
            {
                "item": c.items[c.item],
                "annotator": np.array(c.annotators, dtype=object)[c.annotator],
                "label": np.array(c.classes, dtype=object)[c.label],
            }
        )
        if c.created_at is not None:
            times = np.where(
                c.created_at == np.iinfo(np.int64).min,
                np.datetime64("NaT", "ns").astype(np.int64),
                c.created_at,
            )
            frame["created_at"] = pd.to_datetime(times, unit="ns", utc=True)
        return frame

    # -- consensus ----------------------------------------------------------------------------

    def consensus(self, *, method: str = "dawid-skene") -> pd.Series:
        """The consensus label (a class name) of every item, indexed by item.

        ``method`` is ``"dawid-skene"`` (annotators' confusion matrices by EM) or
        ``"majority"``; adjudicated items take the adjudicated label. See
        :meth:`consensus_table` for the confidence of each.
        """
        table = self.consensus_table(method=method)
        return pd.Series(table["label"].to_numpy(), index=table["item"], name="label")

    def consensus_table(self, *, method: str = "dawid-skene") -> pd.DataFrame:
        """One row per item: ``item``, ``label``, ``confidence`` (the consensus probability of
        the label), ``n_annotators``, ``n_agree`` (annotators who gave that label) and
        ``adjudicated``.

        Examples
        --------
        >>> import pandas as pd
        >>> from weaklabel.annotations import Annotations
        >>> ann = Annotations.from_frame(pd.DataFrame({
        ...     "item": [1, 1, 1, 2], "annotator": ["a", "b", "c", "a"],
        ...     "label": ["x", "x", "y", "y"]}))
        >>> ann.consensus_table(method="majority").round(3).values.tolist()
        [[1, 'x', 0.667, 3, 2, False], [2, 'y', 1.0, 1, 1, False]]
        """
        adjudicated = self._adjudication
        override = None if adjudicated is None else (adjudicated.item, adjudicated.label)
        return consensus_frame(self._codes, override, method, owner="Annotations.consensus_table")

    # -- adjudication -------------------------------------------------------------------------

    def for_adjudication(
        self, *, threshold: float = 0.8, method: str = "dawid-skene"
    ) -> pd.DataFrame:
        """The items a person should settle, least certain first.

        Items labeled by one annotator, and items whose consensus confidence is below
        ``threshold``, that are not adjudicated yet; the columns of :meth:`consensus_table`
        (without ``adjudicated``) and ``reason`` (``"one annotator"`` or ``"low confidence"``).
        """
        from weaklabel._core.params import check_float

        threshold = check_float(
            "threshold", threshold, owner="Annotations.for_adjudication", minimum=0, maximum=1
        )
        table = self.consensus_table(method=method)
        single = table["n_annotators"].to_numpy() == 1
        low = table["confidence"].to_numpy() < threshold
        chosen = table[(single | low) & ~table["adjudicated"].to_numpy()].copy()
        chosen["reason"] = np.where(
            chosen["n_annotators"].to_numpy() == 1, "one annotator", "low confidence"
        )
        chosen = chosen.drop(columns="adjudicated")
        return chosen.sort_values("confidence", kind="stable").reset_index(drop=True)

    def with_adjudication(self, adjudication: str | Path | pd.DataFrame) -> Annotations:
        """These annotations with adjudicated labels that override the consensus of their items.

        ``adjudication`` is a CSV or JSON Lines file, or a DataFrame, with the columns ``item``,
        ``label`` and optionally ``adjudicator``. The annotations themselves (and so every
        agreement statistic) are unchanged; a second call overrides the first item by item.

        Examples
        --------
        >>> import pandas as pd
        >>> from weaklabel.annotations import Annotations
        >>> ann = Annotations.from_frame(pd.DataFrame({
        ...     "item": [1, 1, 2], "annotator": ["a", "b", "a"], "label": ["x", "y", "y"]}))
        >>> settled = ann.with_adjudication(pd.DataFrame({"item": [1], "label": ["y"]}))
        >>> settled.consensus(method="majority").tolist()
        ['y', 'y']
        >>> settled.for_adjudication()["item"].tolist()  # item 2 still has one annotator
        [2]
        """
        new = read_adjudication(adjudication, self._codes)
        return Annotations(self._codes, adjudication=merge_adjudication(self._adjudication, new))

    @property
    def adjudication(self) -> pd.DataFrame:
        """The adjudicated items: ``item``, ``label``, ``adjudicator`` (empty when none)."""
        return adjudication_frame(self._adjudication, self._codes)

    # -- gold ---------------------------------------------------------------------------------

    def to_gold(
        self,
        votes: VoteMatrix,
        *,
        method: str = "dawid-skene",
        gold: Any = None,
        unknown_items: str = "raise",
    ) -> np.ndarray:
        """The consensus as gold labels for ``votes``: an int64 array aligned with
        ``votes.row_ids``, the class index of each annotated row and -1 elsewhere, ready for
        ``model.fit(votes, gold=...)``.

        Items are matched to row ids (``7`` and ``"7"`` alike); an item that is no row of the
        votes is an error, or left out with ``unknown_items="ignore"``. ``gold`` (labels you
        already have) fills the rows the annotations do not cover and wins over a consensus
        label that differs (with a warning); one that differs from an adjudicated label is an
        error.

        Examples
        --------
        >>> import pandas as pd
        >>> from weaklabel import VoteMatrix
        >>> from weaklabel.annotations import Annotations
        >>> votes = VoteMatrix.from_dense([[0], [1], [1]], cardinality=2,
        ...                               class_names=["ham", "spam"], row_ids=["a", "b", "c"])
        >>> ann = Annotations.from_frame(pd.DataFrame(
        ...     {"item": ["c", "a"], "annotator": ["ana", "ana"], "label": ["ham", "ham"]}),
        ...     classes=["ham", "spam"])
        >>> ann.to_gold(votes).tolist()
        [0, -1, 0]
        """
        table = self.consensus_table(method=method)
        index = {name: c for c, name in enumerate(self.classes)}
        label = np.array([index[x] for x in table["label"].tolist()], dtype=np.int64)
        return gold_array(
            self._codes,
            label,
            table["adjudicated"].to_numpy(),
            votes,
            gold=gold,
            unknown_items=unknown_items,
        )
