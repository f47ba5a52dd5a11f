"""The whole job in one call: apply LFs, fit a label model, predict, summarise, write the outputs.

``weaklabel run`` is a thin wrapper over :func:`run_job`. The output folder is checked before the
work starts; everything is computed before anything is written, and the outputs are written into
a fresh folder that replaces the output folder in one step (:mod:`weaklabel._io.outdir`), so a
failed or killed run leaves the previous outputs as they were, never a mix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._analysis.calibration import expected_calibration_error
from weaklabel._analysis.metrics import accuracy
from weaklabel._analysis.summary import lf_summary, summary_table
from weaklabel._apply.api import apply_lfs
from weaklabel._core.columns import require_column
from weaklabel._core.optional import import_optional
from weaklabel._io.atomic import atomic_write
from weaklabel._io.labels import write_labels_jsonl
from weaklabel._io.outdir import check_output_folder, output_folder
from weaklabel._io.runinfo import RUN_INFO, write_run_info
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._report.report import Report, build_report
from weaklabel._votes.gold import UNKNOWN, as_gold
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import class_names_or_default
from weaklabel.cli._final import Final, final_labels
from weaklabel.cli._rounds import (
    ROUNDS_FILE,
    cross_validated_accuracy,
    previous_rounds,
    round_record,
    write_rounds,
)
from weaklabel.endmodel import DEFAULT_POLICY, EndModel
from weaklabel.models import BaseLabelModel, MajorityVote, model_class
from weaklabel.models._ties import predicted_labels

__all__ = ["LEGACY_OUTPUT_FILES", "OUTPUT_FILES", "JobResult", "check_out_dir", "run_job"]

#: What ``run_job`` writes into its output folder.
OUTPUT_FILES = {
    "labels": "labels.jsonl",
    "votes": "votes.npz",
    "summary": "lf_summary.csv",
    "model": "model.json",
    "report": "report.html",
    "rounds": ROUNDS_FILE,
    "run": RUN_INFO,
    "end_model": "end_model.npz",
}
#: What versions before the manifest (.weaklabel-run.json) wrote: a folder holding only these
#: files is ours to replace.
LEGACY_OUTPUT_FILES = ("labels.jsonl", "votes.npz", "lf_summary.csv", "model.json", "report.html")


@dataclass(frozen=True)
class JobResult:
    """Everything a run produced.

    Attributes
    ----------
    votes, model, probs, labels, summary
        The vote matrix, the fitted label model, the final n x k probabilities and class indices
        (the end model's by default, people's on annotated rows) and the LF summary.
    scores : pandas.DataFrame or None
        With gold labels: accuracy of the label model, of majority vote and of the end model
        (when trained) over every row with gold, and over the rows with at least one vote
        (``accuracy_covered``); None without gold.
    files : dict of str to Path
        The files written, by kind (``end_model`` only when one was trained).
    end_model : EndModel or None
        The end model fitted on every row, or None (no text column, or ``end_model=False``).
    """

    votes: VoteMatrix
    model: BaseLabelModel
    probs: np.ndarray
    labels: np.ndarray
    summary: pd.DataFrame
    scores: pd.DataFrame | None
    files: dict[str, Path] = field(default_factory=dict)
    end_model: EndModel | None = None


def run_job(
    data: pd.DataFrame,
    lfs: Sequence[LabelingFunction],
    *,
    out_dir: str | Path,
    text_column: str | None = None,
    id_column: str | None = None,
    gold_column: str | None = None,
    model: str = "label-model",
    cardinality: int | None = None,
    classes: Sequence[str] | None = None,
    on_error: str = "raise",
    n_jobs: int = 1,
    checkpoint_dir: str | Path | None = None,
    random_state: int | None = 0,
    progress: bool = True,
    title: str = "",
    annotations: Any = None,
    end_model: bool = True,
    policy: str = DEFAULT_POLICY,
    provenance: dict[str, Any] | None = None,
) -> JobResult:
    """Label ``data`` with ``lfs``; write labels, votes, summary, model and report into ``out_dir``.

    The gold column, when named, is hidden from the LFs and used only to score. The text column is
    written beside each label and, when the data has no ``text`` column, is also shown to the LFs
    as ``x.text``. ``annotations`` (:class:`~weaklabel.annotations.Annotations`) are people's
    labels: their consensus is the gold the model is fitted with, the annotated rows keep it as
    their label (``source: gold``), and the report gains an Annotations section. With a text
    column and ``end_model`` (the default), the end model is trained on the label model's
    probabilities (and people's labels), cross-fitted, and ``policy``
    (:func:`weaklabel.endmodel.combine`) picks each row's final label; it is saved as
    ``end_model.npz``. Every run adds a
    line to ``rounds.jsonl``. ``provenance`` says where ``data`` and the LFs came from, for
    ``run.json`` (:mod:`weaklabel._io.runinfo`): ``data`` (``path``, ``bundled``, ``format``,
    ``encoding``, as :func:`~weaklabel._io.runinfo.file_fingerprint` and the reader saw them)
    and ``lfs`` (where they were loaded from); both None when not given. ``out_dir`` is checked
    before the work starts (see :func:`check_out_dir`).
    """
    check_out_dir(out_dir)
    columns = [str(c) for c in data.columns]
    for role, column in (("text", text_column), ("id", id_column), ("gold", gold_column)):
        if column is not None:
            require_column(column, columns, role=role)
    if text_column is None and "text" in columns:
        text_column = "text"
    if end_model and text_column is not None:  # before the work, not after it
        import_optional(
            "sklearn",
            extra="endmodel",
            purpose="The end model of weaklabel run (to go without it: --no-end-model, or "
            "end_model=False)",
        )
    lf_view = data.drop(columns=[gold_column]) if gold_column else data
    votes = apply_lfs(
        lfs,
        lf_view,
        text_column=text_column,
        cardinality=cardinality,
        classes=classes,
        id_column=id_column,
        on_error=on_error,
        n_jobs=n_jobs,
        checkpoint_dir=checkpoint_dir,
        progress=progress,
    )
    gold = None if gold_column is None else as_gold(data[gold_column].tolist(), votes)
    people = None if annotations is None else annotations.to_gold(votes)
    model_obj = _make_model(model, votes.cardinality, random_state, progress)
    model_obj.fit(votes, gold=people)
    model_probs = model_obj.predict_proba(votes)
    texts = None if text_column is None or not end_model else data[text_column].tolist()
    final = final_labels(
        votes,
        model_obj,
        model_probs,
        texts=texts,
        people=people,
        policy=policy,
        random_state=random_state,
        progress=progress,
    )
    probs, labels = final.probs, final.labels
    previous = previous_rounds(out_dir)
    cv = None
    if people is not None:

        def make() -> BaseLabelModel:
            return _make_model(model, votes.cardinality, random_state, False)

        cv = cross_validated_accuracy(make, votes, people, random_state)
    rounds = [
        *previous,
        round_record(previous, model=model, gold=people, cv_accuracy=cv, annotations=annotations),
    ]
    summary = lf_summary(votes, gold=gold, model=model_obj)
    scores = None
    if gold is not None:
        scores = _scores(votes, gold, model, model_obj, model_probs, final, random_state)
    report = build_report(
        votes,
        model_obj,
        probs=probs,
        data=data,
        text_column=text_column,
        gold=gold,
        descriptions={lf.name: lf.description for lf in lfs},
        title=title,
        random_state=random_state,
        annotations=annotations,
    )
    info = _run_info(
        provenance or {},
        votes,
        model_obj,
        lfs,
        columns={"text_column": text_column, "id_column": id_column, "gold_column": gold_column},
        scores=scores,
        random_state=random_state,
        model_name=model,
    )
    info["annotations"] = None if annotations is None else _annotation_info(rounds[-1], provenance)
    info["end_model"] = final.info
    outputs = _Outputs(votes, model_obj, model_probs, final, summary, report, rounds, info)
    files = _write(out_dir, outputs, data, text_column)
    return JobResult(votes, model_obj, probs, labels, summary, scores, files, final.end_model)


def check_out_dir(out_dir: str | Path) -> Path:
    """Check that ``out_dir`` can receive a run's outputs; call it before the work starts.

    It must be new, empty, or hold only what weaklabel wrote there: a folder with a manifest, or
    (from versions that wrote none) only the files of :data:`LEGACY_OUTPUT_FILES`. Its parent is
    created when missing; what a killed run left there is cleaned up. Returns the folder.
    """
    return check_output_folder(out_dir, legacy_names=LEGACY_OUTPUT_FILES)


def _make_model(name: str, k: int, random_state: int | None, progress: bool) -> BaseLabelModel:
    cls = model_class(name)
    params: dict[str, Any] = {"cardinality": k, "random_state": random_state}
    if "progress" in cls._param_names():
        params["progress"] = progress
    return cls(**params)


def _scores(
    votes: VoteMatrix,
    gold: np.ndarray,
    name: str,
    model: BaseLabelModel,
    model_probs: np.ndarray,
    final: Final,
    random_state: int | None,
) -> pd.DataFrame:
    """Accuracy against gold of the label model, majority vote and the end model (when trained).

    Each is scored on its own labels: the label model's (``predict``), majority vote's, and the
    end model's cross-fitted ones, so the lines compare the methods; and on its calibration
    error, over the gold rows with a vote. The final labels are the end model's by default;
    with another policy (:func:`weaklabel.endmodel.combine`) they get a line of their own.
    """
    covered = votes.votes_per_row() > 0
    baseline = MajorityVote(cardinality=votes.cardinality, random_state=random_state).fit(votes)
    scored = [(name, model_probs), ("majority-vote", baseline.predict_proba(votes))]
    if final.end_probs is not None:
        scored.append(("end-model", final.end_probs))
        if final.info is not None and final.info["policy"] != DEFAULT_POLICY:
            scored.append((f"final ({final.info['policy']})", final.probs))
    rows = []
    for label, probs in scored:
        pred = predicted_labels(probs, model if label != "majority-vote" else baseline)
        rows.append(
            {
                "model": label,
                "accuracy": accuracy(pred, gold),
                "accuracy_covered": accuracy(pred[covered], gold[covered]),
                # top-class calibration error on the gold rows with a vote (15 bins)
                "ece": expected_calibration_error(probs, gold, rows=covered, model=model),
                "n_gold": int((gold != UNKNOWN).sum()),
                "coverage": float(covered.mean()),
            }
        )
    frame = pd.DataFrame(rows).drop_duplicates("model").set_index("model")
    return frame


def _run_info(
    provenance: dict[str, Any],
    votes: VoteMatrix,
    model: BaseLabelModel,
    lfs: Sequence[LabelingFunction],
    *,
    columns: dict[str, str | None],
    scores: pd.DataFrame | None,
    random_state: int | None,
    model_name: str,
) -> dict[str, Any]:
    """The content of ``run.json`` (see :mod:`weaklabel._io.runinfo`)."""
    data = {
        "path": None,
        "bundled": None,
        "format": None,
        "encoding": None,
        "size": None,
        "digest": None,
        **provenance.get("data", {}),
        **columns,
        "n_rows": votes.n_rows,
    }
    table = None
    if scores is not None:
        table = {
            str(name): {key: float(row[key]) for key in ("accuracy", "accuracy_covered", "ece")}
            | {"n_gold": int(row["n_gold"])}
            for name, row in scores.iterrows()
        }
    return {
        "data": data,
        "lfs": {"source": provenance.get("lfs"), "names": [lf.name for lf in lfs]},
        "classes": list(class_names_or_default(votes.class_names, votes.cardinality)),
        "label_model": {
            "name": model_name,
            "class_balance": [float(p) for p in model.class_balance_],
        },
        "end_model": None,
        "annotations": None,
        "scores": table,
        "coverage": float((votes.votes_per_row() > 0).mean()),
        "random_state": random_state,
    }


def _annotation_info(record: dict[str, Any], provenance: dict[str, Any] | None) -> dict[str, Any]:
    """What ``run.json`` says of the annotations: their file and this round's agreement."""
    keys = ("annotated_items", "annotators", "gold_labels", "cv_accuracy", "percent_agreement",
            "krippendorff_alpha")  # fmt: skip
    return {"path": (provenance or {}).get("annotations"), **{key: record[key] for key in keys}}


@dataclass(frozen=True)
class _Outputs:
    """What a run writes."""

    votes: VoteMatrix
    model: BaseLabelModel
    model_probs: np.ndarray
    final: Final
    summary: pd.DataFrame
    report: Report
    rounds: list[dict[str, Any]]
    info: dict[str, Any]


def _write(
    out_dir: str | Path, out: _Outputs, data: pd.DataFrame, text_column: str | None
) -> dict[str, Path]:
    votes = out.votes
    classes = class_names_or_default(votes.class_names, votes.cardinality)
    texts = None if text_column is None else data[text_column].tolist()
    with output_folder(out_dir, legacy_names=LEGACY_OUTPUT_FILES) as staging:
        kinds = {k: v for k, v in OUTPUT_FILES.items() if k != "end_model" or out.final.end_model}
        files = {kind: staging / name for kind, name in kinds.items()}
        if out.final.end_model is not None:
            out.final.end_model.save(files["end_model"])
        votes.save(files["votes"])
        out.model.save(files["model"])
        with atomic_write(files["summary"]) as handle:
            summary_table(out.summary, votes.class_names).to_csv(handle)
        out.report.save(files["report"])
        write_rounds(files["rounds"], out.rounds)
        write_run_info(files["run"], out.info)
        write_labels_jsonl(
            files["labels"],
            out.final.probs,
            out.final.labels,
            row_ids=votes.row_ids,
            class_names=classes,
            texts=texts,
            sources=out.final.sources.tolist(),
            label_model_probs=out.model_probs,
            end_model_probs=out.final.end_probs,
        )
    return {kind: Path(out_dir) / name for kind, name in kinds.items()}
