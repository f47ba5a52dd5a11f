"""The report's figures: overview cards, charts of the labels and of the LFs, as inline SVG."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._report import svg
from weaklabel._votes.matrix import VoteMatrix

__all__ = ["cards", "image", "lf_figures", "overview_figures"]

#: at most this many LFs in the conflict heatmap
MAX_HEATMAP = 40


def image(svg: str, alt: str) -> dict[str, str]:
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {"src": f"data:image/svg+xml;base64,{encoded}", "alt": alt}


def cards(votes: VoteMatrix, labels: Any, pairs: pd.DataFrame) -> list[dict[str, str]]:
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


def overview_figures(labels: Any, names: tuple[str, ...]) -> list[dict[str, str]]:
    figures = []
    hist = labels.confidence_histogram
    edges = [*hist["low"].tolist(), float(hist["high"].iloc[-1])]
    figures.append(
        image(
            svg.histogram(
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
        image(
            svg.bar_chart(
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


def lf_figures(
    summary: pd.DataFrame, pairs: pd.DataFrame, graph: Any
) -> tuple[list[dict[str, str]], str]:
    names = list(summary.index)
    figures = [
        image(
            svg.bar_chart(
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
            image(
                svg.bar_chart(
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
            image(
                svg.scatter(
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
    if len(names) > MAX_HEATMAP:
        shown = list(summary.sort_values("conflicts", ascending=False).index[:MAX_HEATMAP])
        shown.sort(key=names.index)
        note = f"The conflict heatmap shows the {MAX_HEATMAP} LFs with the most conflicts."
    position = {name: i for i, name in enumerate(shown)}
    matrix = np.zeros((len(shown), len(shown)))
    for a, b, conflict in pairs[["lf_a", "lf_b", "conflict"]].itertuples(index=False):
        if a in position and b in position:
            matrix[position[a], position[b]] = matrix[position[b], position[a]] = conflict
    figures.append(
        image(
            svg.heatmap(
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
            image(
                svg.graph_drawing(
                    nodes,
                    edges,
                    {n: (float(p[0]), float(p[1])) for n, p in positions.items()},
                    title="Dependencies between LFs",
                ),
                "Graph of the LFs that depend on each other beyond the class",
            )
        )
    return figures, note
