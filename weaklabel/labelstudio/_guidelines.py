"""Labeling guidelines: each class with its description, clear examples, then the hard cases.

Clear examples of a class are rows the model gives that class with the highest confidence and
on which no two labeling functions disagree; hard cases are rows where the LFs conflict, the
ones the model is least sure of first. Repeated texts are shown once. The examples are chosen
from the votes and the model's probabilities: a person should read them before annotators do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.columns import require_column
from weaklabel._core.params import check_int, closest, parameter_error
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.labelstudio._render import Case, ClassPart, render_html, render_markdown
from weaklabel.labelstudio._rows import (
    check_probs,
    json_value,
    prepare_rows,
    resolve_class_names,
)
from weaklabel.models._ties import predicted_labels

__all__ = ["Guidelines", "guidelines"]


@dataclass(frozen=True)
class Guidelines:
    """Labeling guidelines in two forms; ``str(guidelines)`` is the Markdown.

    Attributes
    ----------
    markdown : str
        For a file beside the tasks (``guidelines.md``) or a wiki; texts are escaped.
    html : str
        For Label Studio's labeling instructions (the project's ``expert_instruction``, which
        holds HTML); every text, name and description is HTML-escaped.
    """

    markdown: str
    html: str

    def __str__(self) -> str:
        return self.markdown


def guidelines(
    data: pd.DataFrame,
    votes: VoteMatrix,
    probs: Any,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    classes: Sequence[str] | None = None,
    descriptions: Mapping[str, str] | None = None,
    model: Any = None,
    n_examples: int = 3,
    n_hard: int = 5,
    max_chars: int = 300,
    title: str = "Labeling guidelines",
) -> Guidelines:
    """Labeling guidelines from the votes and the model: classes, clear examples, hard cases.

    Parameters
    ----------
    data : pandas.DataFrame
        The rows the votes were made from (matched by ``id_column``, or by position).
    votes : VoteMatrix
        The LF votes: hard cases are rows where they conflict.
    probs : array-like
        The model's probabilities, ``model.predict_proba(votes)``.
    text_column, id_column : str
        The text column, and the id column matching ``data`` to the votes.
    classes : sequence of str, optional
        Class names, by default the votes'.
    descriptions : mapping of str to str, optional
        A description per class name, such as an LF file's ``CLASS_DESCRIPTIONS``
        (:attr:`weaklabel.LFSuite.class_descriptions`). Written as given in the Markdown,
        escaped in the HTML.
    model : label model, optional
        The model that gave ``probs``: its tie policy picks the class of a tied row.
    n_examples : int
        Clear examples per class.
    n_hard : int
        Hard cases in all.
    max_chars : int
        Longer texts are cut there (with an ellipsis); whitespace runs become one space.
    title : str
        The heading.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.labelstudio import guidelines
    >>> votes = VoteMatrix.from_dense([[1, 1], [0, -1], [0, 1]], cardinality=2,
    ...                               lf_names=["link", "praise"], class_names=["ham", "spam"])
    >>> data = pd.DataFrame({"text": ["<b>win</b> at x.io", "nice song", "great x.io"]})
    >>> probs = [[0.1, 0.9], [0.8, 0.2], [0.5, 0.5]]
    >>> g = guidelines(data, votes, probs, descriptions={"spam": "Ads and self-promotion."})
    >>> print(g.markdown)  # doctest: +ELLIPSIS
    # Labeling guidelines
    ...
    ### spam
    <BLANKLINE>
    Ads and self-promotion.
    <BLANKLINE>
    Clear examples:
    <BLANKLINE>
    - "\\<b\\>win\\</b\\> at x.io" (row 0; model confidence 0.90)
    ...
    - "great x.io" (row 2): ham: link; spam: praise. The model leans to ham (0.50).
    >>> "&lt;b&gt;win&lt;/b&gt;" in g.html
    True
    """
    owner = "guidelines"
    if not isinstance(votes, VoteMatrix):
        raise parameter_error("votes", owner, "a VoteMatrix", type(votes).__name__)
    n_examples = check_int("n_examples", n_examples, owner=owner, minimum=0)
    n_hard = check_int("n_hard", n_hard, owner=owner, minimum=0)
    max_chars = check_int("max_chars", max_chars, owner=owner, minimum=10)
    rows = prepare_rows(data, votes, id_column=id_column, owner=owner)
    require_column(text_column, rows.frame.columns, role="text")
    array = check_probs(probs, votes.n_rows, owner=owner, name="probs")
    names = resolve_class_names(classes, votes, array.shape[1], owner=owner)
    described = _check_descriptions(descriptions, names, owner=owner)
    texts = rows.frame[text_column]
    labels = predicted_labels(array, model)
    confidence = array[np.arange(votes.n_rows), labels]
    vote_labels = votes.labels()
    conflict, voted = _conflicts(votes, vote_labels)
    parts = []
    for c, name in enumerate(names):
        candidates = np.flatnonzero((labels == c) & voted & ~conflict)
        order = candidates[np.argsort(-confidence[candidates], kind="stable")]
        examples = [
            Case(text=text, row_id=str(json_value(rows.ids[i])), confidence=float(confidence[i]))
            for i, text in _distinct_texts(order, texts, n_examples, max_chars)
        ]
        parts.append(ClassPart(name=name, description=described.get(name), examples=examples))
    hard_rows = np.flatnonzero(conflict)
    order = hard_rows[
        np.lexsort((-votes.votes_per_row()[hard_rows], confidence[hard_rows]))
    ]  # least sure first; then more votes first
    hard = [
        Case(
            text=text,
            row_id=str(json_value(rows.ids[i])),
            confidence=float(confidence[i]),
            label=names[int(labels[i])],
            voters=_voters(votes, vote_labels, i, names),
        )
        for i, text in _distinct_texts(order, texts, n_hard, max_chars)
    ]
    return Guidelines(
        markdown=render_markdown(title, parts, hard), html=render_html(title, parts, hard)
    )


def _check_descriptions(
    descriptions: Mapping[str, str] | None, names: tuple[str, ...], *, owner: str
) -> dict[str, str]:
    if descriptions is None:
        return {}
    if not isinstance(descriptions, Mapping):
        raise parameter_error(
            "descriptions",
            owner,
            "a mapping of class name to description",
            type(descriptions).__name__,
        )
    out = {}
    for key, text in descriptions.items():
        if key not in names:
            guess = closest(str(key), names)
            hint = f"Did you mean {guess!r}?" if guess else f"The classes are: {', '.join(names)}."
            raise parameter_error("descriptions", owner, "keyed by class names", key, hint)
        if not isinstance(text, str):
            raise parameter_error(
                "descriptions", owner, "text for each class", text, f"Describe {key!r} in words."
            )
        out[str(key)] = text
    return out


def _conflicts(votes: VoteMatrix, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: whether two LFs voted different classes, and whether any LF voted."""
    counts = votes.votes_per_row()
    voted = counts > 0
    conflict = np.zeros(votes.n_rows, dtype=bool)
    if votes.n_votes:
        starts = np.asarray(votes.indptr[:-1])[voted]
        low = np.minimum.reduceat(labels, starts)
        high = np.maximum.reduceat(labels, starts)
        conflict[voted] = low != high
    return conflict, voted


def _distinct_texts(
    order: np.ndarray, texts: pd.Series, limit: int, max_chars: int
) -> list[tuple[int, str]]:
    """The first ``limit`` rows of ``order`` with a text not seen before (shortened)."""
    out: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i in order.tolist():
        if len(out) >= limit:
            break
        value = json_value(texts.iloc[i])
        if value is None:
            continue
        text = " ".join(str(value).split())
        key = text.casefold()
        if not text or key in seen:
            continue
        seen.add(key)
        out.append((i, text if len(text) <= max_chars else text[: max_chars - 1] + "…"))
    return out


def _voters(
    votes: VoteMatrix, vote_labels: np.ndarray, row: int, names: tuple[str, ...]
) -> dict[str, list[str]]:
    """The LFs that voted on ``row``, grouped by the class they voted for (class order)."""
    start, stop = int(votes.indptr[row]), int(votes.indptr[row + 1])
    lfs = votes.lfs[start:stop].tolist()
    labels = vote_labels[start:stop].tolist()
    out: dict[str, list[str]] = {}
    for lf, label in sorted(zip(lfs, labels, strict=True), key=lambda p: (p[1], p[0])):
        out.setdefault(names[label], []).append(votes.lf_names[lf])
    return out
