"""``weaklabel export``: a run's labels as one training dataset, with its card.

A thin layer over :func:`weaklabel.export.export`: it parses ``--split train=0.8,test=0.2`` and
``--verbalizer`` (a JSON file or ``ham=Not spam,spam=Spam``), runs the export and prints the rows
each filter removed and the rows written per split.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from weaklabel.exceptions import ParameterError
from weaklabel.export import FORMATS, GOLD_MODES, export

__all__ = ["add_export_parser", "parse_split", "parse_verbalizer", "run_export"]


def add_export_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register ``weaklabel export`` on the ``commands`` subparsers."""
    parser = commands.add_parser(
        "export",
        parents=[common],
        help="write a run's labels as a training dataset (JSONL, chat, CSV, Parquet, HF)",
        description=(
            "Read the output folder of `weaklabel run` (labels.jsonl, run.json, votes.npz for "
            "--votes and --drop-uncovered and, for chat templates, the data) and write one "
            "dataset into --out: the data of each split and a dataset card (README.md). The "
            "folder appears whole or not at all."
        ),
    )
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="output folder of a run")
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="default: jsonl")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write")
    parser.add_argument("--overwrite", action="store_true", help="replace an earlier export")
    parser.add_argument(
        "--votes",
        action="store_true",
        help="add each row's LF votes (lf, label, confidence; from votes.npz) as a field "
        "'votes'; not with --format chat",
    )
    rows = parser.add_argument_group("filters and splits (each prints the rows it removed)")
    rows.add_argument("--min-confidence", type=float, metavar="X", help="drop rows below X")
    rows.add_argument(
        "--drop-uncovered", action="store_true", help="drop label-model rows no LF voted on"
    )
    rows.add_argument(
        "--dedupe",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep one row per normalised text, the most confident (default: on)",
    )
    caps = rows.add_mutually_exclusive_group()
    caps.add_argument("--max-per-class", type=int, metavar="N", help="at most N rows per class")
    caps.add_argument(
        "--balance", action="store_true", help="subsample to the estimated class balance"
    )
    rows.add_argument(
        "--gold", choices=GOLD_MODES, default="include", help="people's labels (default: include)"
    )
    rows.add_argument(
        "--split",
        metavar="NAME=SHARE,...",
        help="stratified, seeded splits, e.g. train=0.8,validation=0.1,test=0.1 (default: train)",
    )
    rows.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    chat = parser.add_argument_group("chat format")
    chat.add_argument("--system", metavar="PROMPT", help="system message (default: none)")
    chat.add_argument(
        "--user-template",
        metavar="TEMPLATE",
        help="user message: {text} and columns of the data as placeholders (default: {text})",
    )
    chat.add_argument(
        "--verbalizer",
        metavar="FILE.json|A=ANSWER,...",
        help="each class's answer (default: the class name)",
    )
    card = parser.add_argument_group("dataset card (README.md)")
    card.add_argument("--license", help="license id for the card (default: other)")
    card.add_argument("--language", help="language code, e.g. en (default: not stated)")
    card.add_argument("--pretty-name", metavar="NAME", help="the dataset's name on its card")
    parser.set_defaults(handler=run_export)


def parse_split(text: str) -> dict[str, float]:
    """``"train=0.8,test=0.2"`` as ``{"train": 0.8, "test": 0.2}``."""
    shares: dict[str, float] = {}
    for part in text.split(","):
        name, sep, share = part.partition("=")
        try:
            value = float(share)
        except ValueError:
            value = None
        if not sep or value is None or not name.strip() or name.strip() in shares:
            raise ParameterError(
                f"--split must be NAME=SHARE pairs joined by commas, each name once, such as "
                f"train=0.8,validation=0.1,test=0.1. Got {text!r} (the part {part!r})."
            )
        shares[name.strip()] = value
    return shares


def parse_verbalizer(text: str) -> dict[str, str]:
    """A JSON file mapping each class to its answer, or ``"ham=Not spam,spam=Spam"``."""
    path = Path(text)
    if text.endswith(".json") or path.is_file():
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ParameterError(
                f"--verbalizer {text}: cannot read it as a JSON file ({exc}); give a JSON object "
                'such as {"ham": "Not spam", "spam": "Spam"}, or CLASS=ANSWER pairs.'
            ) from None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ParameterError(
                f"--verbalizer {text}: the file must hold one JSON object mapping each class to "
                'its answer text, such as {"ham": "Not spam", "spam": "Spam"}.'
            )
        return {str(k): v for k, v in value.items()}
    answers: dict[str, str] = {}
    for part in text.split(","):
        name, sep, answer = part.partition("=")
        if not sep or not name.strip() or name.strip() in answers:
            raise ParameterError(
                f"--verbalizer must be a JSON file or CLASS=ANSWER pairs joined by commas, each "
                f"class once, such as ham=Not spam,spam=Spam. Got {text!r} (the part {part!r})."
            )
        answers[name.strip()] = answer.strip()
    return answers


def run_export(args: argparse.Namespace) -> None:
    result = export(
        args.run_dir,
        args.out,
        format=args.format,
        votes=args.votes,
        split=None if args.split is None else parse_split(args.split),
        seed=args.seed,
        min_confidence=args.min_confidence,
        drop_uncovered=args.drop_uncovered,
        dedupe=args.dedupe,
        max_per_class=args.max_per_class,
        balance=args.balance,
        gold=args.gold,
        system=args.system,
        user_template=args.user_template,
        verbalizer=None if args.verbalizer is None else parse_verbalizer(args.verbalizer),
        license=args.license,
        language=args.language,
        pretty_name=args.pretty_name,
        overwrite=args.overwrite,
        progress=not args.quiet,
    )
    if args.quiet:
        return
    lines = [f"Read {result.n_input:,} rows from {args.run_dir / 'labels.jsonl'}."]
    lines += [f"  {name:<15} removed {n:>10,}" for name, n in result.removed.items()]
    lines.append(f"Wrote {sum(result.rows.values()):,} rows ({args.format}) to {result.out}:")
    lines += [f"  {split:<15} {n:>10,} rows" for split, n in result.rows.items()]
    lines.append(f"  and the dataset card {result.out / 'README.md'}")
    print("\n".join(lines))
