"""``export``: a run's labels as one training dataset (files per split and a dataset card).

Two passes over ``labels.jsonl``, never holding it: the first checks every line and keeps about
20 bytes a row (class, confidence, source, text key) for the filters and the split; the second
writes the kept rows, chunk by chunk, into a fresh folder that replaces ``out`` in one step
(:func:`weaklabel._io.outdir.output_folder`): a failed export leaves no partial output and an
existing one untouched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from weaklabel._core.params import check_choice, check_float, check_int, parameter_error
from weaklabel._core.random import check_random_state
from weaklabel._io.outdir import MANIFEST, output_folder
from weaklabel._io.runinfo import RUN_INFO, read_run_info
from weaklabel._votes.io import read_votes_per_row
from weaklabel.exceptions import DataError, ParameterError
from weaklabel.export._card import CARD_FILE, CardFacts, write_card
from weaklabel.export._chat import ChatFormat
from weaklabel.export._data import RunData, join_rows
from weaklabel.export._labels import LABELS_FILE, first_record, read_labels
from weaklabel.export._output import check_out, write_rows
from weaklabel.export._select import RowIndex, check_splits, select_rows, source_counts
from weaklabel.export._votes import VOTES_FILE, check_vote_rows, read_row_votes
from weaklabel.export._writers import FORMATS

__all__ = ["GOLD_MODES", "ExportResult", "export"]

#: What ``gold=`` does with the rows people labeled.
GOLD_MODES = ("include", "exclude", "only")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote.

    Attributes
    ----------
    out : Path
        The output folder.
    format : str
    rows : dict of str to int
        Rows written, by split (in the order of ``split``).
    removed : dict of str to int
        Rows each filter removed, in the order the filters ran; only the filters that were on.
    sources : dict of str to int
        Rows written, by where their label came from (``lf``, ``end-model``, ``gold``).
    n_input : int
        Rows read from ``labels.jsonl``.
    files : tuple of Path
        Every file written (data, ``README.md``), as paths inside ``out``.
    """

    out: Path
    format: str
    rows: dict[str, int]
    removed: dict[str, int]
    sources: dict[str, int]
    n_input: int
    files: tuple[Path, ...]


def export(
    run_dir: str | Path,
    out: str | Path,
    *,
    format: str = "jsonl",
    votes: bool = False,
    split: Mapping[str, float] | None = None,
    seed: int = 0,
    min_confidence: float | None = None,
    drop_uncovered: bool = False,
    dedupe: bool = True,
    max_per_class: int | None = None,
    balance: bool = False,
    gold: str = "include",
    system: str | None = None,
    user_template: str | None = None,
    verbalizer: Mapping[str, str] | None = None,
    license: str | None = None,
    language: str | None = None,
    pretty_name: str | None = None,
    overwrite: bool = False,
    progress: bool = True,
) -> ExportResult:
    """Write the labels of a ``weaklabel run`` output folder as one dataset, with its card.

    Parameters
    ----------
    run_dir : str or Path
        The output folder of ``weaklabel run`` (``labels.jsonl``, ``run.json``, ...).
    out : str or Path
        The folder to write: the data file(s) of each split and ``README.md`` (see
        ``docs/export.md``). It must not exist, unless ``overwrite`` (then it must be an earlier
        export, or empty).
    format : {"jsonl", "chat", "csv", "parquet", "hf"}
    votes : bool
        Add to every row the votes the LFs cast on it (read from the run's ``votes.npz``):
        ``votes``, a list of ``{"lf": name, "label": class, "confidence": float}`` in LF column
        order (empty when no LF voted; confidence 1.0 when the LF stated none). A list field in
        ``jsonl`` and ``hf``, a list-of-struct column in ``parquet``, compact JSON in one ``csv``
        cell; not with ``format="chat"``, whose lines carry messages only.
    split : mapping of str to float, optional
        Split names and shares, e.g. ``{"train": 0.8, "validation": 0.1, "test": 0.1}`` (shares
        sum to 1): stratified by class, seeded, and rows of one normalised text on one side.
        Default: every row in ``train``.
    seed : int
        Seeds every random choice (split, ``balance``, ``max_per_class``).
    min_confidence : float, optional
        Leave out rows whose confidence is below it.
    drop_uncovered : bool
        Leave out rows labeled by the label model (source ``lf``) on which no LF voted.
    dedupe : bool
        Keep one row per normalised text (the most confident; the first on ties). On by default.
    max_per_class : int, optional
        Keep at most this many rows of each class (chosen at random).
    balance : bool
        Subsample to the label model's estimated class balance (not with ``max_per_class``).
    gold : {"include", "exclude", "only"}
        Keep the rows people labeled (source ``gold``), leave them out, or keep only them.
    system, user_template, verbalizer
        ``format="chat"`` only: the system prompt (none by default), the user message with
        ``{text}`` and data-column placeholders (default ``"{text}"``), and each class's
        answer (default: the class name).
    license, language, pretty_name : str, optional
        For the dataset card (``license`` defaults to ``other``; no language is claimed unless
        given).
    overwrite : bool
        Replace an existing export at ``out``.
    progress : bool
        Show progress bars.

    Returns
    -------
    ExportResult

    Raises
    ------
    ParameterError
        An option is invalid (the message names it and the fix).
    DataError
        The run folder is incomplete or malformed (file and line named), its ``votes.npz`` is
        missing or of another run (with ``votes`` or ``drop_uncovered``), the data changed since
        the run, ``out`` exists without ``overwrite``, or a row cannot be written.
    MissingDependencyError
        ``format="hf"`` without the ``hf`` extra.
    """
    format = check_choice("format", format, FORMATS, owner="export")
    gold = check_choice("gold", gold, GOLD_MODES, owner="export")
    splits = check_splits(split)
    rng = check_random_state(seed, owner="export")
    if min_confidence is not None:
        min_confidence = check_float(
            "min_confidence", min_confidence, owner="export", minimum=0.0, maximum=1.0
        )
    if max_per_class is not None:
        max_per_class = check_int("max_per_class", max_per_class, owner="export", minimum=1)
    if balance and max_per_class is not None:
        raise ParameterError(
            "The 'balance' and 'max_per_class' parameters of export cannot both be set: balance "
            "subsamples to the class balance, max_per_class caps each class. Choose one."
        )
    chat_options = {"system": system, "user_template": user_template, "verbalizer": verbalizer}
    if format != "chat":
        given = [name for name, value in chat_options.items() if value is not None]
        if given:
            raise parameter_error(
                given[0],
                "export",
                "None unless format='chat'",
                chat_options[given[0]],
                "Pass format='chat' (--format chat).",
            )
    if not isinstance(votes, (bool, np.bool_)):
        raise parameter_error("votes", "export", "True or False", votes)
    if votes and format == "chat":
        raise parameter_error(
            "votes",
            "export",
            "False with format='chat'",
            votes,
            "Chat lines carry messages only (fine-tuning services reject other keys); export "
            "jsonl, csv, parquet or hf for the votes: with the same options and seed, both "
            "exports hold the same rows in the same order.",
        )
    run_dir = Path(run_dir)
    info = read_run_info(run_dir)
    classes: list[str] = info["classes"]
    labels_path = run_dir / LABELS_FILE
    first = first_record(labels_path, classes)
    out_path = check_out(Path(out), run_dir, overwrite=overwrite)
    chat = None
    if format == "chat":
        chat = ChatFormat(
            classes, system=system, user_template=user_template, verbalizer=verbalizer
        )
    data = RunData.from_info(info)
    columns = [] if chat is None else chat.data_columns()
    text_from_data = "text" not in first
    if text_from_data:
        if data.text_column is None:
            raise DataError(
                f"{labels_path} has no text and the run named no text column (run.json "
                "data.text_column is null): an export needs each row's text. Run `weaklabel run "
                "--text-column C` again."
            )
        columns = [*columns, data.text_column]
    if columns:
        why = "The chat template" if chat is not None and chat.data_columns() else "The text"
        if chat is not None:
            chat.check_columns(data.columns(why), data.describe(), gold_column=data.gold_column)
        data.check_unchanged()
    if format == "hf":
        from weaklabel.export._hf import require_datasets

        require_datasets()
    row_votes = read_row_votes(run_dir, info) if votes else None

    def rows(desc: str) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
        records = read_labels(labels_path, classes, progress=progress, desc=desc)
        if not columns:
            return ((line_no, record, {}) for line_no, record in records)
        joined = join_rows(records, data.rows(columns), labels_path=labels_path, data=data)
        if not text_from_data:
            return joined
        assert data.text_column is not None
        column = data.text_column
        return ((n, {**r, "text": v[column]}, v) for n, r, v in joined)

    index = RowIndex(with_keys=dedupe or len(splits) > 1)
    position = {c: i for i, c in enumerate(classes)}
    int_ids = True
    for _, record, _ in rows("Reading labels"):
        index.add(
            position[record["label"]], record["confidence"], record["source"], record.get("text")
        )
        int_ids = int_ids and type(record["id"]) is int
    if row_votes is not None:
        check_vote_rows(run_dir / VOTES_FILE, row_votes.n_rows, labels_path, len(index))
    covered = None
    if drop_uncovered:
        if row_votes is None:  # only the row pointers
            counts = read_votes_per_row(run_dir / VOTES_FILE)
            check_vote_rows(run_dir / VOTES_FILE, len(counts), labels_path, len(index))
        else:
            counts = row_votes.per_row()
        covered = counts > 0
    balance_to = None
    if balance:
        balance_to = np.asarray(info["label_model"]["class_balance"], dtype=np.float64)
        if balance_to.shape != (len(classes),) or not np.all(np.isfinite(balance_to)):
            raise DataError(
                f"{run_dir / RUN_INFO}: label_model.class_balance must have one "
                "share per class; run `weaklabel run` again."
            )
    selection = select_rows(
        index,
        k=len(classes),
        gold=gold,
        covered=covered,
        min_confidence=min_confidence,
        dedupe=dedupe,
        balance=balance_to,
        max_per_class=max_per_class,
        splits=splits,
        rng=rng,
    )
    kept = selection.split_of >= 0
    counts_by_split = np.bincount(selection.split_of[kept], minlength=len(splits)).tolist()
    settings = {
        "gold": gold,
        "uncovered": "drop rows no LF voted on",
        "min_confidence": min_confidence,
        "dedupe": "normalised text; most confident kept",
        "balance": ", ".join(f"{c} {p:.3f}" for c, p in zip(classes, balance_to, strict=True))
        if balance_to is not None
        else None,
        "max_per_class": max_per_class,
        "seed": seed,
    }
    with output_folder(out_path) as staging:
        files = write_rows(
            format,
            staging,
            selection,
            rows("Writing " + format),
            classes,
            chat,
            int_ids=int_ids,
            progress=progress,
            votes=row_votes,
        )
        facts = CardFacts(
            info=info,
            run_dir=run_dir,
            format=format,
            rows=dict(zip(splits, counts_by_split, strict=True)),
            files=files,
            removed=selection.removed,
            settings=settings,
            sources=source_counts(index.sources, kept),
            n_input=len(index),
            license=license,
            language=language,
            pretty_name=pretty_name,
            votes=row_votes is not None,
        )
        write_card(staging / CARD_FILE, facts)
    written = tuple(
        Path(folder) / name
        for folder, _, names in sorted(os.walk(out_path))
        for name in sorted(names)
        if name != MANIFEST
    )
    return ExportResult(
        out=Path(out),
        format=format,
        rows=dict(facts.rows),
        removed=dict(selection.removed),
        sources=dict(facts.sources),
        n_input=len(index),
        files=written,
    )
