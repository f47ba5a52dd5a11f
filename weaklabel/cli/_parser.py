"""The command line's parser: commands, their options and help."""

from __future__ import annotations

import argparse
from pathlib import Path

from weaklabel._io.readers import FORMATS
from weaklabel._version import __version__
from weaklabel.active import STRATEGIES
from weaklabel.cli import _commands as handlers
from weaklabel.cli import _loop as loop
from weaklabel.cli._export import add_export_parser
from weaklabel.cli._job import OUTPUT_FILES
from weaklabel.endmodel import DEFAULT_POLICY, POLICIES
from weaklabel.models import model_names

__all__ = ["build_parser"]


def build_parser() -> argparse.ArgumentParser:
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
            "Apply labeling functions to a dataset, fit a label model, train the end model (a "
            "text classifier on the label model's probabilities, when the data has a text "
            "column) and write into --out: "
            f"{', '.join(OUTPUT_FILES.values())} (the last with the end model). Without --data "
            "it runs the demo on the bundled YouTube Spam Collection with "
            "labeling_functions/spam.py."
        ),
    )
    _data_options(run, required=False)
    _lf_options(run, required=False)
    run.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    run.add_argument("--gold-column", metavar="C", help="column of gold labels (for scoring only)")
    run.add_argument(
        "--annotations",
        type=Path,
        help="people's labels (CSV, JSONL or a Label Studio export): their consensus is the gold "
        "the model is fitted with, and the annotated rows keep it",
    )
    run.add_argument("--adjudication", type=Path, help="adjudicated labels (CSV: item, label)")
    run.add_argument(
        "--no-end-model",
        dest="end_model",
        action="store_false",
        help="do not train the end model: the final labels are the label model's",
    )
    run.add_argument(
        "--final-label",
        choices=POLICIES,
        default=DEFAULT_POLICY,
        help="where each row's final label comes from: the end model on every row (default), "
        "the label model where an LF voted and the end model elsewhere (lf-first), or the "
        "product of both where an LF voted (product)",
    )
    _model_options(run)
    run.set_defaults(handler=handlers.run)

    apply = commands.add_parser(
        "apply",
        parents=[common],
        help="apply LFs and save the vote matrix",
        description="Apply labeling functions to a dataset and save the sparse vote matrix (.npz).",
    )
    _data_options(apply, required=True)
    _lf_options(apply, required=True)
    apply.add_argument("--out", type=Path, required=True, help="where to write the votes (.npz)")
    apply.set_defaults(handler=handlers.apply)

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
    fit.set_defaults(handler=handlers.fit)

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
    summary.set_defaults(handler=handlers.summary)

    predict = commands.add_parser(
        "predict",
        parents=[common],
        help="write labels.jsonl from saved votes and a saved model",
        description=(
            "Predict with a fitted model (weaklabel fit) on a saved vote matrix (weaklabel apply) "
            "and write one JSON object per row: id, label, probs, confidence, and text with "
            "--data. With --end-model (end_model.npz of a run) and --data, the end model reads "
            "each row's text and --final-label picks the final label, as in `run`. The split "
            "workflow apply -> fit -> predict gives the labels `run --no-end-model` gives; with "
            "the end model, `run` gives its rows cross-fitted probabilities, predict those of the "
            "model fitted on every row."
        ),
    )
    predict.add_argument(
        "--votes", type=Path, required=True, help="vote matrix from `weaklabel apply`"
    )
    predict.add_argument("--model", type=Path, required=True, help="model from `weaklabel fit`")
    predict.add_argument("--out", type=Path, required=True, help="where to write labels.jsonl")
    predict.add_argument("--data", type=Path, help="the data, to write each row's text")
    predict.add_argument("--format", choices=FORMATS, help="file format (default: from the suffix)")
    predict.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    predict.add_argument("--text-column", metavar="C", help="column of --data written as text")
    predict.add_argument(
        "--id-column", metavar="C", help="match --data rows to votes by this id column"
    )
    predict.add_argument(
        "--end-model", type=Path, metavar="FILE", help="end_model.npz of `weaklabel run`"
    )
    predict.add_argument(
        "--final-label",
        choices=POLICIES,
        default=DEFAULT_POLICY,
        help="with --end-model: where each row's final label comes from (as in `run`)",
    )
    predict.set_defaults(handler=handlers.predict)

    select = commands.add_parser(
        "select",
        parents=[common],
        help="choose the rows people should label next (active learning)",
        description=(
            "Choose the next batch of rows to label with weaklabel.active.query, from saved votes "
            "and a model fitted on them (with the annotations so far: weaklabel run "
            "--annotations). Writes a CSV: row, id, score, strategy, the model's label and "
            "confidence, rows with the same votes, and text with --data."
        ),
    )
    select.add_argument("--votes", type=Path, required=True, help="votes.npz of the run")
    select.add_argument("--model", type=Path, required=True, help="model.json of the run")
    select.add_argument("--out", type=Path, required=True, help="the batch, as CSV")
    select.add_argument("--n", type=int, default=25, help="rows to choose (default: 25)")
    select.add_argument(
        "--strategy", default="auto", choices=STRATEGIES, help="how to choose (default: auto)"
    )
    select.add_argument(
        "--annotations", type=Path, help="labels so far (CSV, JSONL or a Label Studio export)"
    )
    select.add_argument("--adjudication", type=Path, help="adjudicated labels (CSV: item, label)")
    select.add_argument(
        "--labels",
        type=Path,
        help="labels.jsonl of the run: with its end model's probabilities, auto ranks the rows "
        "by the end model (whose label is the final one) and the tasks suggest its label",
    )
    select.add_argument("--data", type=Path, help="the data, to write each row's text")
    select.add_argument("--format", choices=FORMATS, help="file format (default: from the suffix)")
    select.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    select.add_argument("--text-column", metavar="C", help="column of --data with the text")
    select.add_argument(
        "--id-column", metavar="C", help="match --data rows to the votes by this id column"
    )
    select.add_argument(
        "--tasks", type=Path, help="also write the batch as Label Studio tasks (JSON import)"
    )
    select.add_argument(
        "--blind",
        action="store_true",
        help="leave the model's suggestion out of the tasks (annotators label blind)",
    )
    select.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    select.set_defaults(handler=loop.select)

    agreement = commands.add_parser(
        "agreement",
        parents=[common],
        help="how far the annotators agree",
        description=(
            "Print percent agreement, Fleiss' kappa, Krippendorff's alpha with a bootstrap "
            "interval, Cohen's kappa for each pair of annotators, agreement per class, each "
            "annotator against the consensus, and the items to adjudicate."
        ),
    )
    agreement.add_argument(
        "--annotations", type=Path, required=True, help="CSV, JSONL or a Label Studio export"
    )
    agreement.add_argument("--adjudication", type=Path, help="adjudicated labels (item, label)")
    agreement.add_argument("--classes", metavar="A,B", help="class names, in class-index order")
    agreement.add_argument("--out", type=Path, help="also write the annotator table as CSV")
    agreement.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    agreement.set_defaults(handler=loop.agreement)

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
    report.set_defaults(handler=handlers.report)

    add_export_parser(commands, common)
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
        help="Python file (or module) defining the labeling functions; it is imported, so its "
        "code runs: use only files you trust",
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
        "--id-column",
        metavar="C",
        help="match --data rows to the votes by this id column (default: by position)",
    )
