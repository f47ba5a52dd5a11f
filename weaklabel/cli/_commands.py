"""The commands of the ``weaklabel`` command line, each a few library calls."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from weaklabel._analysis.advice import lf_advice
from weaklabel._analysis.summary import lf_summary, summary_table
from weaklabel._apply.api import apply_lfs
from weaklabel._core.columns import require_column
from weaklabel._io.atomic import atomic_write, check_output_file
from weaklabel._io.labels import write_labels_jsonl
from weaklabel._io.readers import read_data
from weaklabel._io.runinfo import file_fingerprint
from weaklabel._lfs.suite import load_lfs
from weaklabel._votes.gold import as_gold
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel._votes.rows import align_rows
from weaklabel.cli._job import JobResult, check_out_dir, run_job
from weaklabel.exceptions import DataError
from weaklabel.models import model_class
from weaklabel.models._ties import describe, predicted_labels

__all__ = ["apply", "fit", "predict", "report", "run", "summary"]

DEMO_LFS = "labeling_functions.spam"


def run(args: argparse.Namespace) -> None:
    check_out_dir(args.out)
    if args.data is None:
        from weaklabel.datasets import load_youtube_spam

        data = load_youtube_spam()
        source: dict[str, Any] = {"bundled": "youtube-spam"}
        lfs_source = args.lfs or DEMO_LFS
        text_column, id_column, gold_column = "text", "id", "label"
        title = "YouTube Spam Collection (demo)"
        _info(
            args,
            f"No --data given: running the demo on the bundled YouTube Spam Collection "
            f"({len(data):,} comments) with the LFs in {lfs_source}.",
        )
    else:
        if args.lfs is None:
            raise DataError(
                "--lfs is required with --data: name the Python file defining your LFs."
            )
        data = read_data(args.data, format=args.format, encoding=args.encoding)
        source = {**file_fingerprint(args.data), "format": args.format, "encoding": args.encoding}
        lfs_source, text_column = args.lfs, args.text_column
        id_column, gold_column = args.id_column, args.gold_column
        title = str(args.data)
    suite = load_lfs(lfs_source)
    classes = _classes(args, suite.classes)
    annotations = None
    if args.annotations is not None:
        from weaklabel.cli._loop import read_annotations

        annotations = read_annotations(args, classes)
    result = run_job(
        data,
        suite.lfs,
        out_dir=args.out,
        text_column=text_column,
        id_column=id_column,
        gold_column=gold_column,
        model=args.model,
        cardinality=args.cardinality,
        classes=classes,
        on_error=args.on_error,
        n_jobs=args.n_jobs,
        checkpoint_dir=args.checkpoint,
        random_state=args.seed,
        progress=not args.quiet,
        title=title,
        annotations=annotations,
        end_model=args.end_model,
        policy=args.final_label,
        provenance={
            "data": source,
            "lfs": str(lfs_source),
            "annotations": None
            if args.annotations is None
            else str(Path(args.annotations).resolve()),
        },
    )
    _report_run(args, result)


def apply(args: argparse.Namespace) -> None:
    check_output_file(args.out)
    data = read_data(args.data, format=args.format, encoding=args.encoding)
    suite = load_lfs(args.lfs)
    votes = apply_lfs(
        suite.lfs,
        data,
        text_column=args.text_column,
        cardinality=args.cardinality,
        classes=_classes(args, suite.classes),
        id_column=args.id_column,
        on_error=args.on_error,
        n_jobs=args.n_jobs,
        checkpoint_dir=args.checkpoint,
        progress=not args.quiet,
    )
    votes.save(args.out)
    _warn_failures(votes)
    _info(
        args,
        f"Wrote {votes.n_rows:,} rows x {votes.n_lfs} LFs ({votes.n_votes:,} votes) to {args.out}",
    )


def fit(args: argparse.Namespace) -> None:
    check_output_file(args.out)
    votes = VoteMatrix.load(args.votes)
    cls = model_class(args.model)
    params: dict[str, Any] = {"cardinality": args.cardinality or votes.cardinality}
    params["random_state"] = args.seed
    if "progress" in cls._param_names():
        params["progress"] = not args.quiet
    model = cls(**params).fit(votes, gold=_gold(args, votes, _data(args)))
    model.save(args.out)
    _info(args, f"Fitted {type(model).__name__} on {votes.n_rows:,} rows; wrote {args.out}")


def report(args: argparse.Namespace) -> None:
    from weaklabel._report.report import build_report
    from weaklabel.models import load_model

    check_output_file(args.out)
    votes = VoteMatrix.load(args.votes)
    model = load_model(args.model)
    data = _data(args)
    report = build_report(
        votes,
        model,
        data=data,
        text_column=args.text_column,
        id_column=args.id_column,
        gold=_gold(args, votes, data),
        title=args.title or str(args.data or args.votes),
    )
    report.save(args.out)
    _info(args, f"Wrote {args.out} ({len(report) / 1024:,.0f} KB)")


def summary(args: argparse.Namespace) -> None:
    if args.out is not None:
        check_output_file(args.out)
    votes = VoteMatrix.load(args.votes)
    summary = lf_summary(votes, gold=_gold(args, votes, _data(args)))
    if args.out is not None:
        with atomic_write(args.out) as handle:
            summary_table(summary, votes.class_names).to_csv(handle)
    print(_format_summary(summary, votes.class_names))


def predict(args: argparse.Namespace) -> None:
    from weaklabel.models import load_model

    check_output_file(args.out)
    votes = VoteMatrix.load(args.votes)
    model = load_model(args.model)
    probs = model.predict_proba(votes)
    data = _data(args)
    texts = None
    if data is not None:
        rows = align_rows(data, votes, id_column=args.id_column, source=str(args.data))
        column = args.text_column or ("text" if "text" in data.columns else None)
        if column is not None:
            require_column(column, data.columns, role="text", source=str(args.data))
            texts = rows[column].tolist()
    names = model.class_names_ or votes.class_names
    end_probs = sources = None
    final = probs
    if args.end_model is not None:
        end_probs, sources, final = _end_model_labels(args, votes, probs, texts)
    write_labels_jsonl(
        args.out,
        final,
        predicted_labels(final, model),
        row_ids=votes.row_ids,
        class_names=class_names_or_default(names, model.cardinality),
        texts=texts,
        sources=None if sources is None else sources.tolist(),
        label_model_probs=probs,
        end_model_probs=end_probs,
    )
    _info(args, f"Wrote {votes.n_rows:,} labels from {type(model).__name__} to {args.out}")


def _end_model_labels(
    args: argparse.Namespace, votes: VoteMatrix, probs: Any, texts: list[Any] | None
) -> tuple[Any, Any, Any]:
    """The end model's probabilities, each row's source and the final probabilities."""
    from weaklabel.cli._final import as_text
    from weaklabel.endmodel import EndModel, combine

    if texts is None:
        raise DataError(
            "--end-model needs the texts: give --data (and --text-column when the text column "
            "is not called 'text')."
        )
    end = EndModel.load(args.end_model)
    if end.n_classes_ != votes.cardinality:
        raise DataError(
            f"--end-model {args.end_model} has {end.n_classes_} classes but the votes have "
            f"{votes.cardinality}; give the end_model.npz of the run these votes come from."
        )
    end.progress = not args.quiet
    end_probs = end.predict_proba(as_text(texts))
    final, sources = combine(probs, end_probs, votes.votes_per_row() > 0, policy=args.final_label)
    return end_probs, sources, final


# -- helpers ------------------------------------------------------------------------------------


def _classes(args: argparse.Namespace, suite_classes: tuple[str, ...] | None) -> list[str] | None:
    if args.classes is not None:
        return [c.strip() for c in args.classes.split(",")]
    if args.cardinality is None and suite_classes is not None:
        return list(suite_classes)
    return None


def _data(args: argparse.Namespace) -> pd.DataFrame | None:
    if args.data is None:
        return None
    return read_data(args.data, format=args.format, encoding=args.encoding)


def _gold(args: argparse.Namespace, votes: VoteMatrix, data: pd.DataFrame | None) -> Any:
    """The gold labels of ``--gold-column``, matched to the votes by ``--id-column`` if given."""
    if args.gold_column is None:
        return None
    if data is None:
        raise DataError("--gold-column needs --data: the file that holds the gold labels.")
    require_column(args.gold_column, data.columns, role="gold", source=str(args.data))
    rows = align_rows(data, votes, id_column=args.id_column, source=str(args.data))
    owner = f"--gold-column {args.gold_column}"
    return as_gold(rows[args.gold_column].tolist(), votes, owner=owner)


def _format_summary(summary: pd.DataFrame, class_names: tuple[str, ...] | None) -> str:
    shown = summary.copy()
    names = class_names or ()
    shown["polarity"] = [
        ",".join(names[c] if c < len(names) else str(c) for c in pol) for pol in shown["polarity"]
    ]
    if not shown["failures"].any():
        shown = shown.drop(columns="failures")
    floats = {c: "{:.3f}".format for c in shown.columns if shown[c].dtype.kind == "f"}
    return shown.to_string(formatters=floats)


def _report_run(args: argparse.Namespace, result: JobResult) -> None:
    _warn_failures(result.votes)
    names = class_names_or_default(result.votes.class_names, result.votes.cardinality)
    for advice in lf_advice(result.summary, result.model, names):
        print(f"weaklabel: warning: {advice}", file=sys.stderr)
    if args.quiet:
        return
    print(_format_summary(result.summary, result.votes.class_names))
    print()
    if result.scores is not None:
        scores = result.scores
        n_gold = int(scores["n_gold"].iloc[0])
        coverage = float(scores["coverage"].iloc[0])
        uncovered = (
            "the label model gives the rows with no vote one distribution, the end model "
            "reads their text"
            if result.end_model is not None
            else "the rows with no vote get one distribution"
        )
        print(
            f"Accuracy against gold over all {n_gold:,} rows with a gold label "
            f"(LF coverage {coverage:.1%}; {uncovered}; {describe(result.model.tie_break)}; "
            "calibration error: top-class ECE, 15 bins, on the rows with a vote):"
        )
        for name, row in scores.iterrows():
            print(
                f"  {name:<16} {row['accuracy']:.4f}  "
                f"(on the {coverage:.1%} of rows with a vote: {row['accuracy_covered']:.4f}; "
                f"calibration error {row['ece']:.3f})"
            )
        print()
    print(f"Wrote {', '.join(str(p) for p in result.files.values())}")


def _warn_failures(votes: VoteMatrix) -> None:
    failed = {n: int(c) for n, c in zip(votes.lf_names, votes.lf_failures, strict=True) if c}
    if failed:
        listed = ", ".join(f"{n} ({c} rows)" for n, c in failed.items())
        print(
            f"weaklabel: warning: LFs raised and were counted as abstaining: {listed}",
            file=sys.stderr,
        )


def _info(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)
