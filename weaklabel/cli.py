"""The ``weaklabel`` command line: a thin layer that wires the library's calls together.

Exit status: 0 on success, 1 when the input or a labeling function is at fault (a one-paragraph
message on stderr; ``--debug`` adds the traceback), 2 for a malformed command line, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from weaklabel import __version__
from weaklabel._apply import apply_lfs
from weaklabel._gold import as_gold
from weaklabel._pipeline import OUTPUT_FILES, JobResult, run_job
from weaklabel._readers import FORMATS, read_data
from weaklabel._suite import load_lfs
from weaklabel._summary import lf_summary
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import DataError, WeaklabelError
from weaklabel.models import model_class, model_names
from weaklabel.models._ties import describe

__all__ = ["main"]

DEMO_LFS = "labeling_functions.spam"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (``sys.argv[1:]`` by default); return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return 2
    try:
        args.handler(args)
    except KeyboardInterrupt:
        print("weaklabel: interrupted", file=sys.stderr)
        return 130
    except (WeaklabelError, OSError) as exc:
        if args.debug:
            traceback.print_exc()
        message = str(exc) if isinstance(exc, WeaklabelError) else f"{exc.strerror}: {exc.filename}"
        hint = "" if args.debug else " (run with --debug for the traceback)"
        print(f"weaklabel: error: {message}{hint}", file=sys.stderr)
        return 1
    return 0


# -- the commands -------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> None:
    if args.data is None:
        from weaklabel.datasets import load_youtube_spam

        data = load_youtube_spam()
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
        lfs_source, text_column = args.lfs, args.text_column
        id_column, gold_column = args.id_column, args.gold_column
        title = str(args.data)
    suite = load_lfs(lfs_source)
    classes = _classes(args, suite.classes)
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
    )
    _report_run(args, result)


def _apply(args: argparse.Namespace) -> None:
    data = read_data(args.data, format=args.format, encoding=args.encoding)
    suite = load_lfs(args.lfs)
    if args.text_column is not None:
        if args.text_column not in data.columns:
            raise DataError(
                f"The text column {args.text_column!r} is not in the data; its columns are: "
                f"{', '.join(map(str, data.columns))}."
            )
        if "text" not in data.columns:
            data = data.assign(text=data[args.text_column])
    votes = apply_lfs(
        suite.lfs,
        data,
        cardinality=args.cardinality,
        classes=_classes(args, suite.classes),
        id_column=args.id_column,
        on_error=args.on_error,
        n_jobs=args.n_jobs,
        checkpoint_dir=args.checkpoint,
        progress=not args.quiet,
    )
    votes.save(args.out)
    _warn_failures(args, votes)
    _info(
        args,
        f"Wrote {votes.n_rows:,} rows x {votes.n_lfs} LFs ({votes.n_votes:,} votes) to {args.out}",
    )


def _fit(args: argparse.Namespace) -> None:
    votes = VoteMatrix.load(args.votes)
    cls = model_class(args.model)
    params: dict[str, Any] = {"cardinality": args.cardinality or votes.cardinality}
    params["random_state"] = args.seed
    if "progress" in cls._param_names():
        params["progress"] = not args.quiet
    model = cls(**params).fit(votes, gold=_gold(args, votes))
    model.save(args.out)
    _info(args, f"Fitted {type(model).__name__} on {votes.n_rows:,} rows; wrote {args.out}")


def _report(args: argparse.Namespace) -> None:
    from weaklabel._report import build_report
    from weaklabel.models import load_model

    votes = VoteMatrix.load(args.votes)
    model = load_model(args.model)
    data = None
    if args.data is not None:
        data = read_data(args.data, format=args.format, encoding=args.encoding)
        if len(data) != votes.n_rows:
            raise DataError(
                f"{args.data} has {len(data):,} rows but {args.votes} has {votes.n_rows:,}; pass "
                "the data the votes were made from."
            )
    report = build_report(
        votes,
        model,
        data=data,
        text_column=args.text_column,
        gold=_gold(args, votes),
        title=args.title or str(args.data or args.votes),
    )
    report.save(args.out)
    _info(args, f"Wrote {args.out} ({len(report) / 1024:,.0f} KB)")


def _summary(args: argparse.Namespace) -> None:
    votes = VoteMatrix.load(args.votes)
    summary = lf_summary(votes, gold=_gold(args, votes))
    if args.out is not None:
        from weaklabel._atomic import atomic_write

        with atomic_write(args.out) as handle:
            summary.to_csv(handle)
    print(_format_summary(summary, votes.class_names))


# -- helpers ------------------------------------------------------------------------------------


def _classes(args: argparse.Namespace, suite_classes: tuple[str, ...] | None) -> list[str] | None:
    if args.classes is not None:
        return [c.strip() for c in args.classes.split(",")]
    if args.cardinality is None and suite_classes is not None:
        return list(suite_classes)
    return None


def _gold(args: argparse.Namespace, votes: VoteMatrix) -> Any:
    if args.gold_column is None:
        return None
    if args.data is None:
        raise DataError("--gold-column needs --data: the file that holds the gold labels.")
    data = read_data(args.data, format=args.format, encoding=args.encoding)
    if args.gold_column not in data.columns:
        raise DataError(
            f"The gold column {args.gold_column!r} is not in {args.data}; its columns are: "
            f"{', '.join(map(str, data.columns))}."
        )
    if args.id_column is None:
        return as_gold(
            data[args.gold_column].tolist(), votes, owner=f"--gold-column {args.gold_column}"
        )
    mapping = dict(zip(data[args.id_column].tolist(), data[args.gold_column].tolist(), strict=True))
    return as_gold(mapping, votes, owner=f"--gold-column {args.gold_column}")


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
    _warn_failures(args, result.votes)
    if args.quiet:
        return
    print(_format_summary(result.summary, result.votes.class_names))
    print()
    if result.scores is not None:
        scores = result.scores
        n_gold = int(scores["n_gold"].iloc[0])
        coverage = float(scores["coverage"].iloc[0])
        print(
            f"Accuracy against gold over all {n_gold:,} rows with a gold label "
            f"(LF coverage {coverage:.1%}; rows with no vote get the class prior; "
            f"{describe(result.model.tie_break)}):"
        )
        for name, row in scores.iterrows():
            print(
                f"  {name:<16} {row['accuracy']:.4f}  "
                f"(on the {coverage:.1%} of rows with a vote: {row['accuracy_covered']:.4f})"
            )
        print()
    print(f"Wrote {', '.join(str(p) for p in result.files.values())}")


def _warn_failures(args: argparse.Namespace, votes: VoteMatrix) -> None:
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


# -- the parser ---------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    # --quiet and --debug work before or after the command; the copy on each command must not
    # reset a value given before it, hence SUPPRESS there.
    parser = argparse.ArgumentParser(
        prog="weaklabel",
        description="Turn labeling functions into probabilistic training labels.",
        epilog="Run `weaklabel COMMAND --help` for a command's options.",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or reports")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress bars or reports",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    parser.add_argument("--version", action="version", version=f"weaklabel {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        parents=[common],
        help="apply LFs, fit a label model and write labels (the demo without --data)",
        description=(
            "Apply labeling functions to a dataset, fit a label model and write into --out: "
            f"{', '.join(OUTPUT_FILES.values())}. Without --data it runs the demo on the bundled "
            "YouTube Spam Collection with labeling_functions/spam.py."
        ),
    )
    _data_options(run, required=False)
    _lf_options(run, required=False)
    run.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    run.add_argument("--gold-column", metavar="C", help="column of gold labels (for scoring only)")
    _model_options(run)
    run.set_defaults(handler=_run)

    apply = commands.add_parser(
        "apply",
        parents=[common],
        help="apply LFs and save the vote matrix",
        description="Apply labeling functions to a dataset and save the sparse vote matrix (.npz).",
    )
    _data_options(apply, required=True)
    _lf_options(apply, required=True)
    apply.add_argument("--out", type=Path, required=True, help="where to write the votes (.npz)")
    apply.set_defaults(handler=_apply)

    fit = commands.add_parser(
        "fit",
        parents=[common],
        help="fit a label model on saved votes",
        description="Fit a label model on a saved vote matrix and save it as JSON.",
    )
    fit.add_argument("--votes", type=Path, required=True, help="vote matrix from `weaklabel apply`")
    fit.add_argument("--out", type=Path, required=True, help="where to write the model (.json)")
    _model_options(fit)
    fit.add_argument("--cardinality", type=int, metavar="K", help="number of classes")
    _gold_options(fit)
    fit.set_defaults(handler=_fit)

    summary = commands.add_parser(
        "summary",
        parents=[common],
        help="print the per-LF summary of saved votes",
        description="Print coverage, overlaps, conflicts (and accuracy, with gold) for each LF.",
    )
    summary.add_argument(
        "--votes", type=Path, required=True, help="vote matrix from `weaklabel apply`"
    )
    summary.add_argument("--out", type=Path, help="also write the summary as CSV")
    _gold_options(summary)
    summary.set_defaults(handler=_summary)

    report = commands.add_parser(
        "report",
        parents=[common],
        help="write the HTML report of saved votes and a saved model",
        description=(
            "Write one self-contained HTML page (no network needed to open it): LF table, "
            "coverage, accuracy, conflicts, dependencies, confidence, example rows."
        ),
    )
    report.add_argument(
        "--votes", type=Path, required=True, help="vote matrix from `weaklabel apply`"
    )
    report.add_argument("--model", type=Path, required=True, help="model from `weaklabel fit`")
    report.add_argument("--out", type=Path, default=Path("report.html"), help="the HTML file")
    report.add_argument("--text-column", metavar="C", help="column of --data shown beside examples")
    report.add_argument("--title", help="title shown at the top")
    _gold_options(report)
    report.set_defaults(handler=_report)
    return parser


def _data_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--data", type=Path, required=required, help="CSV, JSONL or Parquet file")
    parser.add_argument("--format", choices=FORMATS, help="file format (default: from the suffix)")
    parser.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    parser.add_argument(
        "--text-column", metavar="C", help="column with the text (also shown to LFs as x.text)"
    )
    parser.add_argument(
        "--id-column", metavar="C", help="column with unique row ids (default: row number)"
    )


def _lf_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--lfs",
        required=required,
        metavar="FILE",
        help="Python file (or module) defining the labeling functions",
    )
    classes = parser.add_mutually_exclusive_group()
    classes.add_argument("--cardinality", type=int, metavar="K", help="number of classes")
    classes.add_argument(
        "--classes",
        metavar="A,B",
        help="class names in class-index order (default: CLASSES in the LF file)",
    )
    parser.add_argument(
        "--on-error",
        choices=("raise", "abstain"),
        default="raise",
        help="when an LF raises: stop (default), or count it and abstain",
    )
    parser.add_argument(
        "--n-jobs", type=int, default=1, metavar="N", help="worker processes (-1: one per CPU)"
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        metavar="DIR",
        help="store finished chunks in DIR; a run started again resumes from them",
    )


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        default="label-model",
        choices=model_names(),
        help="label model (default: label-model)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")


def _gold_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, help="data file holding the gold labels")
    parser.add_argument("--format", choices=FORMATS, help="file format (default: from the suffix)")
    parser.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    parser.add_argument("--gold-column", metavar="C", help="column of gold labels in --data")
    parser.add_argument(
        "--id-column", metavar="C", help="match gold rows to votes by this id column"
    )
