"""The HTML report: one self-contained page (inline CSS, SVG images as data URIs, no network).

Everything that comes from the data (texts, ids, LF names) goes through Jinja2 with autoescaping,
so a ``<script>`` in a comment shows as text.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel import _svg
from weaklabel._analysis import conflict_examples, explain, label_summary, lf_pairs
from weaklabel._atomic import atomic_write
from weaklabel._gold import UNKNOWN
from weaklabel._summary import lf_summary
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import DataError

__all__ = ["Report", "build_report"]

_MAX_HEATMAP = 40
_SAMPLE_ROWS = 100_000  # pair rates and dependencies are estimated on this many rows at most
_TEXT_CHARS = 400


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
    gold: Any = None,
    dependencies: Any = "learn",
    descriptions: dict[str, str] | None = None,
    title: str = "",
    per_lf: int = 3,
    n_explanations: int = 3,
    random_state: int | None = 0,
) -> Report:
    """Build the HTML report of a fitted model on ``votes``.

    Parameters
    ----------
    votes : VoteMatrix
    model : fitted label model
    probs : ndarray, optional
        ``model.predict_proba(votes)`` when already computed.
    data : pandas.DataFrame, optional
        The rows, for showing texts beside the example rows (same order as ``votes``).
    text_column : str, optional
        The column of ``data`` to show (``"text"`` when present).
    gold : array-like or mapping, optional
        Gold labels: adds accuracies, intervals, confusion matrix and wrong-LF examples.
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
        Seed for the example rows.
    """
    if not isinstance(votes, VoteMatrix):
        raise DataError("build_report expects the VoteMatrix the model was fitted on.")
    if probs is None:
        probs = model.predict_proba(votes)
    names = votes.class_names or tuple(str(c) for c in range(votes.cardinality))
    texts = _texts(data, text_column, votes.n_rows)
    graph = _graph(votes, model, dependencies)
    summary = lf_summary(votes, gold=gold, model=model, dependencies=graph)
    labels = label_summary(votes, probs, gold=gold, model=model)
    pairs = lf_pairs(_sample(votes))
    examples = conflict_examples(votes, probs, gold=gold, per_lf=per_lf, random_state=random_state)
    context = {
        "title": title or "labels",
        "n_rows": f"{votes.n_rows:,}",
        "n_lfs": votes.n_lfs,
        "classes": list(names),
        "model_name": type(model).__name__,
        "written": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cards": _cards(votes, labels, pairs),
        "overview": _overview_figures(summary, labels, names),
        "lf_columns": [],
        "lf_rows": [],
        "has_gold": gold is not None,
        "per_lf": per_lf,
    }
    context["lf_columns"], context["lf_rows"] = _lf_table(summary, descriptions or {}, names)
    context["lf_figures"], note = _lf_figures(votes, summary, pairs, graph)
    if votes.n_rows > _SAMPLE_ROWS:
        note += (
            f" Conflicts between LFs and dependencies are estimated on {_SAMPLE_ROWS:,} rows drawn"
            " at random."
        )
    context["heatmap_note"] = note
    context.update(_label_tables(labels))
    context["example_columns"], context["example_rows"] = _example_table(examples, texts, names)
    context["explanations"] = _explanations(model, votes, probs, texts, names, n_explanations)
    return Report(_render(context))


# -- pieces ----------------------------------------------------------------------------------------


def _render(context: dict[str, Any]) -> str:
    import jinja2

    source = resources.files("weaklabel").joinpath("_templates/report.html").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(source).render(**context)


def _image(svg: str, alt: str) -> dict[str, str]:
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {"src": f"data:image/svg+xml;base64,{encoded}", "alt": alt}


def _texts(data: pd.DataFrame | None, text_column: str | None, n_rows: int) -> list[Any] | None:
    if data is None:
        return None
    if len(data) != n_rows:
        raise DataError(
            f"build_report: data has {len(data)} rows but the votes have {n_rows}; pass the rows "
            "the votes were made from, in the same order."
        )
    column = text_column or ("text" if "text" in data.columns else None)
    if column is None:
        return None
    if column not in data.columns:
        raise DataError(
            f"build_report: text column {column!r} is not in the data; columns: "
            f"{', '.join(map(str, data.columns))}."
        )
    return data[column].tolist()


def _graph(votes: VoteMatrix, model: Any, dependencies: Any) -> Any:
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
    rows = np.random.default_rng(0).choice(votes.n_rows, _SAMPLE_ROWS, replace=False)
    return votes[np.sort(rows)]


def _cards(votes: VoteMatrix, labels: Any, pairs: pd.DataFrame) -> list[dict[str, str]]:
    per_row = votes.votes_per_row()
    conflicted = int((((votes.class_counts() > 0).sum(axis=1)) > 1).sum())
    cards = [
        {"name": "rows with a vote", "value": f"{labels.coverage:.1%}"},
        {"name": "votes per row (mean)", "value": f"{per_row.mean():.2f}" if len(per_row) else "0"},
        {"name": "rows where LFs disagree", "value": f"{conflicted / max(votes.n_rows, 1):.1%}"},
        {"name": "LF pairs that overlap", "value": f"{len(pairs):,}"},
    ]
    if labels.accuracy is not None:
        cards.append(
            {"name": f"accuracy on {labels.n_gold:,} gold rows", "value": f"{labels.accuracy:.3f}"}
        )
        if labels.accuracy_covered is not None:
            cards.append(
                {
                    "name": "accuracy on gold rows with a vote",
                    "value": f"{labels.accuracy_covered:.3f}",
                }
            )
    return cards


def _overview_figures(
    summary: pd.DataFrame, labels: Any, names: tuple[str, ...]
) -> list[dict[str, str]]:
    figures = []
    hist = labels.confidence_histogram
    edges = [*hist["low"].tolist(), float(hist["high"].iloc[-1])]
    figures.append(
        _image(
            _svg.histogram(
                edges,
                hist["rows"].tolist(),
                title="Confidence of the labels",
                x_label="top class probability",
            ),
            "Histogram of the top class probability of every row",
        )
    )
    balance = labels.model_balance if labels.model_balance is not None else labels.predicted_balance
    second = None if labels.gold_balance is None else labels.gold_balance.tolist()
    figures.append(
        _image(
            _svg.bar_chart(
                list(names),
                balance.tolist(),
                title="Class balance",
                second=second,
                legend=("estimated", "gold"),
            ),
            "Estimated class balance" + (" and gold class balance" if second else ""),
        )
    )
    return figures


def _lf_table(
    summary: pd.DataFrame, descriptions: dict[str, str], names: tuple[str, ...]
) -> tuple[list[str], list[list[dict[str, Any]]]]:
    columns = ["lf", "description", "polarity"]
    numeric = [
        c
        for c in (
            "coverage",
            "overlaps",
            "conflicts",
            "n_votes",
            "failures",
            "learned_accuracy",
            "weight",
            "empirical_accuracy",
            "accuracy_low",
            "accuracy_high",
            "correct",
            "incorrect",
        )
        if c in summary.columns
    ]
    has_deps = "dependencies" in summary.columns
    rows = []
    for lf, record in summary.iterrows():
        row: list[dict[str, Any]] = [
            {"text": str(lf)},
            {"text": descriptions.get(str(lf), "")},
            {"text": ", ".join(names[c] if c < len(names) else str(c) for c in record["polarity"])},
        ]
        for column in numeric:
            value = record[column]
            missing = value is None or (isinstance(value, float) and np.isnan(value))
            text = (
                ""
                if missing
                else (
                    f"{int(value):,}"
                    if column in ("n_votes", "failures", "correct", "incorrect")
                    else f"{float(value):.3f}"
                )
            )
            row.append(
                {"text": text, "num": True, "sort": "" if missing else f"{float(value):.6g}"}
            )
        if has_deps:
            row.append({"text": ", ".join(record["dependencies"])})
        rows.append(row)
    return columns + numeric + (["dependencies"] if has_deps else []), rows


def _lf_figures(
    votes: VoteMatrix, summary: pd.DataFrame, pairs: pd.DataFrame, graph: Any
) -> tuple[list[dict[str, str]], str]:
    names = list(summary.index)
    figures = [
        _image(
            _svg.bar_chart(
                names,
                summary["coverage"].tolist(),
                title="Coverage (share of rows voted on)",
                max_value=max(float(summary["coverage"].max()), 1e-9),
            ),
            "Coverage of each LF",
        )
    ]
    if "learned_accuracy" in summary.columns or "empirical_accuracy" in summary.columns:
        first = (
            summary["learned_accuracy"]
            if "learned_accuracy" in summary.columns
            else summary["empirical_accuracy"]
        )
        second = (
            summary["empirical_accuracy"].tolist()
            if {"learned_accuracy", "empirical_accuracy"} <= set(summary.columns)
            else None
        )
        figures.append(
            _image(
                _svg.bar_chart(
                    names,
                    first.tolist(),
                    title="Accuracy of each LF",
                    second=second,
                    legend=("learned", "empirical (gold)"),
                ),
                "Learned and empirical accuracy of each LF",
            )
        )
    if {"learned_accuracy", "empirical_accuracy"} <= set(summary.columns):
        figures.append(
            _image(
                _svg.scatter(
                    names,
                    summary["learned_accuracy"].tolist(),
                    summary["empirical_accuracy"].tolist(),
                    title="Learned vs empirical accuracy",
                    x_label="learned",
                    y_label="empirical",
                ),
                "Learned accuracy against empirical accuracy, one point per LF",
            )
        )
    shown = names
    note = ""
    if len(names) > _MAX_HEATMAP:
        shown = list(summary.sort_values("conflicts", ascending=False).index[:_MAX_HEATMAP])
        shown.sort(key=names.index)
        note = f"The conflict heatmap shows the {_MAX_HEATMAP} LFs with the most conflicts."
    position = {name: i for i, name in enumerate(shown)}
    matrix = np.zeros((len(shown), len(shown)))
    for a, b, conflict in pairs[["lf_a", "lf_b", "conflict"]].itertuples(index=False):
        if a in position and b in position:
            matrix[position[a], position[b]] = matrix[position[b], position[a]] = conflict
    figures.append(
        _image(
            _svg.heatmap(
                shown,
                matrix.tolist(),
                title="Conflicts between LFs",
                max_value=max(float(matrix.max()), 1e-9),
            ),
            "Heatmap of the share of rows where two LFs vote for different classes",
        )
    )
    if graph is not None:
        import networkx as nx

        nodes = [n for n in names if graph.degree(n) > 0] if graph.number_of_edges() else names[:0]
        sub = graph.subgraph(nodes)
        positions = nx.circular_layout(sub) if len(nodes) else {}
        edges = [(a, b, float(d.get("weight", 1.0))) for a, b, d in sub.edges(data=True)]
        figures.append(
            _image(
                _svg.graph_drawing(
                    nodes,
                    edges,
                    {n: (float(p[0]), float(p[1])) for n, p in positions.items()},
                    title="Dependencies between LFs",
                ),
                "Graph of the LFs that depend on each other beyond the class",
            )
        )
    return figures, note


def _label_tables(labels: Any) -> dict[str, Any]:
    columns = ["predicted share"]
    series = [labels.predicted_balance]
    if labels.model_balance is not None:
        columns.append("model's class balance")
        series.append(labels.model_balance)
    if labels.gold_balance is not None:
        columns.append("gold share")
        series.append(labels.gold_balance)
    rows = [
        {"name": name, "values": [f"{float(s[name]):.3f}" for s in series]}
        for name in labels.class_names
    ]
    out: dict[str, Any] = {
        "balance_columns": columns,
        "balance_rows": rows,
        "per_class_rows": [],
        "confusion_rows": [],
    }
    if labels.per_class is not None:
        out["per_class_rows"] = [
            [name, f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f1:.3f}", f"{int(r.support):,}"]
            for name, r in labels.per_class.iterrows()
        ]
        out["confusion_rows"] = [
            [name, *[f"{int(v):,}" for v in row]] for name, row in labels.confusion.iterrows()
        ]
    return out


def _example_table(
    examples: pd.DataFrame, texts: list[Any] | None, names: tuple[str, ...]
) -> tuple[list[str], list[list[dict[str, Any]]]]:
    columns = ["lf", "kind", "row id", "vote", "label", "confidence"]
    has_gold = "gold" in examples.columns
    if has_gold:
        columns.append("gold")
    if texts is not None:
        columns.append("text")
    rows: list[list[dict[str, Any]]] = []
    for record in examples.to_dict("records"):
        row: list[dict[str, Any]] = [
            {"text": record["lf"]},
            {"text": str(record["kind"]).replace("_", " ")},
            {"text": str(record["row_id"])},
            {"text": names[int(record["vote"])]},
            {"text": names[int(record["label"])]},
            {"text": f"{record['confidence']:.3f}", "cls": "num"},
        ]
        if has_gold:
            gold = int(record["gold"])
            row.append({"text": names[gold] if gold != UNKNOWN else ""})
        if texts is not None:
            row.append({"text": _clip(texts[int(record["row"])]), "cls": "text"})
        rows.append(row)
    return columns, rows


def _explanations(
    model: Any,
    votes: VoteMatrix,
    probs: np.ndarray,
    texts: list[Any] | None,
    names: tuple[str, ...],
    n: int,
) -> list[dict[str, Any]]:
    voted = np.flatnonzero(votes.votes_per_row() > 0)
    if not len(voted) or n <= 0:
        return []
    confidence = probs[voted].max(axis=1)
    chosen = voted[np.argsort(confidence, kind="stable")[:n]]
    items = []
    for row in chosen.tolist():
        table = explain(model, votes, row)
        label = int(np.argmax(probs[row]))
        columns = ["LF", "vote", "learned accuracy", *[f"effect on {c}" for c in names]]
        rows = [
            [
                r["lf"],
                r["vote"],
                ""
                if r["learned_accuracy"] is None or pd.isna(r["learned_accuracy"])
                else f"{r['learned_accuracy']:.3f}",
                *[f"{r[f'effect_{c}']:+.3f}" for c in names],
            ]
            for r in table.to_dict("records")
        ]
        items.append(
            {
                "row_id": str(votes.row_ids[row]),
                "label": names[label],
                "confidence": f"{probs[row, label]:.3f}",
                "text": None if texts is None else _clip(texts[row]),
                "columns": columns,
                "rows": rows,
            }
        )
    return items


def _clip(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value)
    return text if len(text) <= _TEXT_CHARS else text[: _TEXT_CHARS - 1] + "…"
