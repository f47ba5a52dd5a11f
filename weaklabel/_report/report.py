"""The HTML report: one self-contained page (inline CSS, SVG images as data URIs, no network).

Everything that comes from the data (texts, ids, LF names) goes through Jinja2 with autoescaping,
so a ``<script>`` in a comment shows as text.
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._analysis.advice import lf_advice
from weaklabel._analysis.examples import conflict_examples
from weaklabel._analysis.labels import label_summary
from weaklabel._analysis.pairs import lf_pairs
from weaklabel._analysis.summary import lf_summary
from weaklabel._core.columns import require_column
from weaklabel._core.random import check_random_state
from weaklabel._io.atomic import atomic_write
from weaklabel._report.annotations import annotation_section
from weaklabel._report.calibration import calibration_section
from weaklabel._report.figures import cards, lf_figures, overview_figures
from weaklabel._report.lf_confidence import lf_confidence_section
from weaklabel._report.tables import example_table, explanations, label_tables, lf_table
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel._votes.rows import align_rows
from weaklabel.exceptions import DataError

__all__ = ["Report", "build_report"]

_SAMPLE_ROWS = 100_000  # pair rates and dependencies are estimated on this many rows at most


@dataclass(frozen=True)
class Report:
    """A rendered HTML report; ``save(path)`` writes it, notebooks display it inline."""

    html: str

    def save(self, path: str | Path) -> Path:
        """Write the report to ``path`` atomically and return the path."""
        path = Path(path)
        with atomic_write(path) as handle:
            handle.write(self.html)
        return path

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'style="width:100%;height:800px;border:1px solid #ddd"></iframe>'
        )

    def __len__(self) -> int:
        return len(self.html)


def build_report(
    votes: VoteMatrix,
    model: Any,
    *,
    probs: np.ndarray | None = None,
    data: pd.DataFrame | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    gold: Any = None,
    dependencies: Any = "learn",
    descriptions: dict[str, str] | None = None,
    title: str = "",
    per_lf: int = 3,
    n_explanations: int = 3,
    random_state: int | None = 0,
    annotations: Any = None,
) -> Report:
    """Build the HTML report of a fitted model on ``votes``.

    Parameters
    ----------
    votes : VoteMatrix
    model : fitted label model
    probs : ndarray, optional
        The probabilities to report (``model.predict_proba(votes)`` when not given;
        ``weaklabel run`` gives the final labels' probabilities). The labels, the accuracy
        against gold and the calibration are all computed from these.
    data : pandas.DataFrame, optional
        The rows, for showing texts beside the example rows: matched to the votes by
        ``id_column``, else by position (then in the same order as ``votes``).
    text_column : str, optional
        The column of ``data`` to show (``"text"`` when present).
    id_column : str, optional
        The column of ``data`` holding the row ids the votes were built with.
    gold : array-like or mapping, optional
        Gold labels: adds accuracies, intervals, confusion matrix, wrong-LF examples, and the
        calibration of ``probs`` (ECE and a reliability diagram over the gold rows with a vote,
        15 bins).
    dependencies : networkx.Graph, "learn" or None
        The dependency graph to draw: given, learned from the votes, or none. Pair rates (the
        conflict heatmap) and learned dependencies use at most 100,000 rows drawn at random.
    descriptions : dict of str to str, optional
        One line per LF name (e.g. ``{lf.name: lf.description for lf in lfs}``).
    title : str
        Shown at the top.
    per_lf : int
        Example rows per LF and kind (the report stays small whatever the data's size).
    n_explanations : int
        Least confident rows explained vote by vote.
    random_state : int, optional
        Seed for the example rows (and the bootstrap of the annotators' agreement).
    annotations : weaklabel.annotations.Annotations, optional
        People's labels: adds an Annotations section (agreement, each annotator, the items to
        adjudicate).
    """
    if not isinstance(votes, VoteMatrix):
        raise DataError("build_report expects the VoteMatrix the model was fitted on.")
    own = model.predict_proba(votes) if probs is None or votes.has_confidences else None
    if probs is None:
        probs = own
    assert probs is not None
    names = class_names_or_default(votes.class_names, votes.cardinality)
    texts = _texts(data, text_column, id_column, votes)
    graph = _graph(votes, dependencies)
    summary = lf_summary(votes, gold=gold, model=model, dependencies=graph)
    labels = label_summary(votes, probs, gold=gold, model=model)
    pairs = lf_pairs(_sample(votes))
    examples = conflict_examples(
        votes, probs, gold=gold, model=model, per_lf=per_lf, random_state=random_state
    )
    calibration = calibration_section(votes, probs, gold, model)
    lf_confidence = lf_confidence_section(votes, own, gold, summary)
    context = {
        "title": title or "labels",
        "n_rows": f"{votes.n_rows:,}",
        "n_lfs": votes.n_lfs,
        "classes": list(names),
        "model_name": type(model).__name__,
        "written": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cards": cards(votes, labels, pairs) + calibration["cards"],
        "advice": lf_advice(summary, model, names),
        "overview": overview_figures(labels, names),
        "lf_columns": [],
        "lf_rows": [],
        "has_gold": gold is not None,
        "calibration": calibration["calibration"],
        "lf_confidence": lf_confidence,
        "per_lf": per_lf,
    }
    context["lf_columns"], context["lf_rows"] = lf_table(summary, descriptions or {}, names)
    context["lf_figures"], note = lf_figures(summary, pairs, graph)
    if votes.n_rows > _SAMPLE_ROWS:
        note += (
            f" Conflicts between LFs and dependencies are estimated on {_SAMPLE_ROWS:,} rows drawn"
            " at random."
        )
    context["heatmap_note"] = note
    context.update(label_tables(labels))
    context["example_columns"], context["example_rows"] = example_table(examples, texts, names)
    context["explanations"] = explanations(model, votes, probs, texts, names, n_explanations)
    context["annotations"] = annotation_section(annotations, random_state)
    return Report(_render(context))


# -- pieces ----------------------------------------------------------------------------------------


def _render(context: dict[str, Any]) -> str:
    import jinja2

    source = (
        resources.files("weaklabel._report").joinpath("templates/report.html").read_text("utf-8")
    )
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(source).render(**context)


def _texts(
    data: pd.DataFrame | None, text_column: str | None, id_column: str | None, votes: VoteMatrix
) -> list[Any] | None:
    if data is None:
        return None
    rows = align_rows(data, votes, id_column=id_column)
    column = text_column or ("text" if "text" in data.columns else None)
    if column is None:
        return None
    require_column(column, data.columns, role="text")
    return rows[column].tolist()


def _graph(votes: VoteMatrix, dependencies: Any) -> Any:
    import networkx as nx

    if dependencies is None:
        return None
    if isinstance(dependencies, nx.Graph):
        return dependencies
    if dependencies != "learn":
        raise DataError(
            "build_report: dependencies must be a networkx.Graph, 'learn' or None; got "
            f"{dependencies!r}."
        )
    from weaklabel.models import learn_dependencies

    try:
        return learn_dependencies(_sample(votes))
    except DataError:
        return None  # too few rows to learn from


def _sample(votes: VoteMatrix) -> VoteMatrix:
    """At most _SAMPLE_ROWS rows drawn at random (seed 0): pair rates and dependencies."""
    if votes.n_rows <= _SAMPLE_ROWS:
        return votes
    rows = check_random_state(0).choice(votes.n_rows, _SAMPLE_ROWS, replace=False)
    return votes[np.sort(rows)]
