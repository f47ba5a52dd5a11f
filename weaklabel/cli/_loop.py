"""The human loop on the command line: ``weaklabel select`` and ``weaklabel agreement``.

``select`` writes the next batch people should label (a CSV, and Label Studio tasks); ``agreement``
prints how far the annotators agree; ``run --annotations`` feeds their consensus back as gold.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import numpy as np

from weaklabel._io.atomic import atomic_write, check_output_file
from weaklabel._io.labels import read_end_model_probs
from weaklabel._io.readers import read_data
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel._votes.rows import align_rows
from weaklabel.active import query
from weaklabel.annotations import (
    Annotations,
    annotator_summary,
    class_agreement,
    cohen_kappa_matrix,
    fleiss_kappa,
    krippendorff_alpha_interval,
    percent_agreement,
)
from weaklabel.exceptions import DataError, WeaklabelError

__all__ = ["agreement", "read_annotations", "select"]


def read_annotations(args: argparse.Namespace, classes: Sequence[str] | None) -> Annotations:
    """``--annotations`` (and ``--adjudication``, when given) as Annotations."""
    annotations = Annotations.read(args.annotations, classes=classes)
    adjudication = getattr(args, "adjudication", None)
    if adjudication is not None:
        annotations = annotations.with_adjudication(adjudication)
    return annotations


def select(args: argparse.Namespace) -> None:
    from weaklabel.models import load_model

    check_output_file(args.out)
    if args.tasks is not None:
        check_output_file(args.tasks)
    votes = VoteMatrix.load(args.votes)
    model = load_model(args.model)
    data = None
    texts = None
    if args.data is not None:
        data = align_rows(
            read_data(args.data, format=args.format, encoding=args.encoding),
            votes,
            id_column=args.id_column,
            source=str(args.data),
        )
        column = args.text_column or ("text" if "text" in data.columns else None)
        texts = None if column is None else data[column].tolist()
    labeled = _labeled(args, votes, model)
    end = None
    if args.labels is not None:
        names = class_names_or_default(model.class_names_ or votes.class_names, model.cardinality)
        end = read_end_model_probs(args.labels, row_ids=votes.row_ids, class_names=names)
        if end is None:
            raise DataError(
                f"--labels {args.labels} holds no end_model_probs: that run trained no end model "
                "(no text column, or --no-end-model). Leave --labels out to choose by the label "
                "model."
            )
    batch = query(votes, model, args.n, strategy=args.strategy, labeled=labeled,
                  random_state=args.seed, texts=texts, end_model_probs=end)  # fmt: skip
    if texts is not None:
        batch = batch.assign(text=[texts[r] for r in batch["row"]])
    with atomic_write(args.out) as handle:
        batch.to_csv(handle, index=False)
    if args.tasks is not None:
        _write_tasks(args, batch, data, votes, model, end)
    if not args.quiet:
        print(batch.drop(columns=["text"], errors="ignore").to_string(index=False))


def _write_tasks(
    args: argparse.Namespace,
    batch: Any,
    data: Any,
    votes: VoteMatrix,
    model: Any,
    end: np.ndarray | None,
) -> None:
    """The batch as Label Studio tasks, best first, with the model's suggestion unless blind:
    the end model's when ``--labels`` gave its probabilities (its label is the final one)."""
    from weaklabel.labelstudio import tasks, write_tasks

    if data is None:
        raise DataError(
            "select --tasks needs --data: Label Studio tasks hold each row's text. Pass the data "
            "the votes were made from (and --id-column)."
        )
    column = args.text_column or "text"
    probs = None if args.blind else model.predict_proba(votes) if end is None else end
    chosen = tasks(data, votes, text_column=column, predictions=probs, model=model,
                   selection=batch)  # fmt: skip
    write_tasks(args.tasks, chosen)


def _labeled(args: argparse.Namespace, votes: VoteMatrix, model: Any) -> np.ndarray:
    """Positions of the rows people already labeled (``--annotations``), never asked again."""
    if args.annotations is None:
        return np.zeros(0, dtype=np.int64)
    annotations = read_annotations(args, model.class_names_ or votes.class_names)
    gold = annotations.to_gold(votes, unknown_items="ignore")
    return np.flatnonzero(gold >= 0)


def agreement(args: argparse.Namespace) -> None:
    classes = None if args.classes is None else [c.strip() for c in args.classes.split(",")]
    annotations = read_annotations(args, classes)
    interval = _or_none(lambda: krippendorff_alpha_interval(annotations, random_state=args.seed))
    lines = [
        f"{annotations.n_items:,} items, {annotations.n_annotators:,} annotators, "
        f"{len(annotations):,} annotations; classes: {', '.join(annotations.classes)}",
        f"percent agreement    {_show(lambda: percent_agreement(annotations))}",
        f"Fleiss' kappa        {_show(lambda: fleiss_kappa(annotations))}",
        "Krippendorff's alpha "
        + (
            "n/a"
            if interval is None
            else f"{interval.alpha:.3f} (95% interval {interval.low:.3f} to {interval.high:.3f})"
        ),
    ]
    print("\n".join(lines))
    tables: list[tuple[str, Any]] = [
        ("Cohen's kappa, each pair of annotators", lambda: cohen_kappa_matrix(annotations)),
        ("Agreement per class", lambda: class_agreement(annotations)),
        ("Annotators against the consensus", lambda: annotator_summary(annotations)),
        ("Items to adjudicate", lambda: annotations.for_adjudication()),
    ]
    for title, make in tables:
        table = _or_none(make)
        if table is not None:
            shown = table.head(20) if title.startswith("Items") else table
            print(f"\n{title}{f' ({len(table):,}; first 20)' if len(table) > 20 else ''}:")
            print(shown.to_string(index=title.startswith("Cohen"), float_format="{:.3f}".format))
    if args.out is not None:
        with atomic_write(args.out) as handle:
            annotator_summary(annotations).to_csv(handle, index=False)


def _or_none(make: Any) -> Any:
    try:
        return make()
    except WeaklabelError:
        return None


def _show(make: Any) -> str:
    try:
        return f"{make():.3f}"
    except WeaklabelError as exc:
        return f"n/a ({str(exc).split('. ')[0]})"
