"""Where an export goes: ``--out`` checked before the work, and the rows streamed into a writer.

``--out`` is a folder that must not exist (unless ``overwrite``, and then only an earlier export
is replaced: never a run's folder, never one holding other files), and must not lie inside the
run folder, which ``weaklabel run`` replaces as a whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from weaklabel._io.outdir import check_output_folder, read_manifest
from weaklabel._io.runinfo import RUN_INFO
from weaklabel.exceptions import DataError
from weaklabel.export._chat import ChatFormat
from weaklabel.export._select import Selection
from weaklabel.export._votes import RowVotes
from weaklabel.export._writers import (
    ChatWriter,
    CsvWriter,
    JsonlWriter,
    ParquetWriter,
    Row,
    Writer,
)

__all__ = ["check_out", "write_rows"]

_CHUNK = 10_000


def check_out(out: Path, run_dir: Path, *, overwrite: bool) -> Path:
    """Refuse an ``out`` that exists (without ``overwrite``), is or lies in the run folder, or is
    not an export; check it as an output folder before the work starts."""
    resolved, run = Path(os.path.realpath(out)), Path(os.path.realpath(run_dir))
    if resolved == run or run in resolved.parents:
        raise DataError(
            f"--out {out} is inside the run folder {run_dir}, which `weaklabel run` replaces "
            "as a whole; pass a folder beside it, such as export/."
        )
    if os.path.lexists(out):
        if not overwrite:
            raise DataError(
                f"{out} already exists; pass --overwrite (overwrite=True) to replace an earlier "
                "export, or a new path."
            )
        manifest = read_manifest(out) if out.is_dir() else None
        if manifest is not None and RUN_INFO in manifest["files"]:
            raise DataError(
                f"{out} is the output folder of `weaklabel run`, not an export; --overwrite "
                "replaces only exports. Pass another folder."
            )
    return check_output_folder(out)


def write_rows(
    format: str,
    staging: Path,
    selection: Selection,
    rows: Iterator[tuple[int, dict[str, Any], dict[str, str]]],
    classes: list[str],
    chat: ChatFormat | None,
    *,
    int_ids: bool,
    progress: bool,
    votes: RowVotes | None = None,
) -> dict[str, list[str]]:
    """Stream the kept rows into the writer of ``format``; return the data files by split.

    With ``votes``, each kept record gets its LF votes (``votes``) just before it is written.
    """
    splits = selection.splits
    writer = _open_writer(
        format,
        staging,
        splits,
        classes,
        chat=chat,
        int_ids=int_ids,
        progress=progress,
        votes=votes is not None,
    )
    try:
        pending: list[list[Row]] = [[] for _ in splits]
        for i, ((_, record, values), s) in enumerate(
            zip(rows, selection.split_of.tolist(), strict=True)
        ):
            if s < 0:
                continue
            if votes is not None:
                record["votes"] = votes.row(i)
            pending[s].append((record, values))
            if len(pending[s]) >= _CHUNK:
                writer.write(splits[s], pending[s])
                pending[s] = []
        for s, chunk in enumerate(pending):
            if chunk:
                writer.write(splits[s], chunk)
        return writer.close()
    except BaseException:
        writer.abort()
        close = getattr(rows, "close", None)  # the reader's progress bar, before the error shows
        if close is not None:
            close()
        raise


def _open_writer(
    format: str,
    folder: Path,
    splits: Sequence[str],
    classes: Sequence[str],
    *,
    chat: ChatFormat | None,
    int_ids: bool,
    progress: bool,
    votes: bool,
) -> Writer:
    """The writer of ``format`` into ``folder`` (``votes``: the rows carry their LF votes)."""
    if format == "jsonl":
        return JsonlWriter(folder, splits, classes, votes=votes)
    if format == "chat":
        assert chat is not None
        assert not votes  # export refuses votes=True with format="chat"
        return ChatWriter(folder, splits, classes, chat)
    if format == "csv":
        return CsvWriter(folder, splits, classes, votes=votes)
    if format == "parquet":
        return ParquetWriter(folder, splits, classes, int_ids=int_ids, votes=votes)
    from weaklabel.export._hf import HfWriter

    return HfWriter(folder, splits, classes, int_ids=int_ids, progress=progress, votes=votes)
