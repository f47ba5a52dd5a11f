"""Loaders for the benchmark datasets in ../shared/data (not shipped with weaklabel).

Each loader returns a ``Split`` per part: the votes as a dense int array (-1 = abstain), the gold
labels, and the class names. Set WEAKLABEL_DATA to point elsewhere than ../shared/data.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(
    os.environ.get("WEAKLABEL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


@dataclass(frozen=True)
class Split:
    votes: np.ndarray  # n x m, -1 = abstain
    gold: np.ndarray  # n, class index
    classes: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    name: str
    fit: Split  # what a model is fitted on (train, or everything for crowd sets)
    test: Split  # what it is scored on
    positive: int | None  # class whose F1 is reported, for imbalanced binary sets


def _wrench_split(folder: Path, split: str, classes: tuple[str, ...]) -> Split:
    records = json.loads((folder / f"{split}.json").read_text())
    votes = np.array([r["weak_labels"] for r in records.values()], dtype=np.int64)
    gold = np.array([r["label"] for r in records.values()], dtype=np.int64)
    return Split(votes, gold, classes)


def wrench(name: str, *, positive: int | None = None) -> Dataset:
    folder = DATA / "wrench" / name
    label_map = json.loads((folder / "label.json").read_text())
    classes = tuple(label_map[str(i)] for i in range(len(label_map)))
    return Dataset(
        name,
        _wrench_split(folder, "train", classes),
        _wrench_split(folder, "test", classes),
        positive,
    )


def spouse() -> Dataset:
    folder = DATA / "lf-matrix" / "spouse"

    def split(part: str) -> Split:
        with (folder / f"spouse_lf_matrix_{part}.csv").open() as handle:
            rows = list(csv.DictReader(handle))
        raw = np.array([[int(r[str(j)]) for j in range(4)] for r in rows])
        votes = np.where(raw == 0, -1, np.where(raw == 1, 1, 0))  # 0 abstain, -1 no, +1 yes
        gold = np.array([1 if int(r["Label"]) == 1 else 0 for r in rows])
        return Split(votes, gold, ("not_spouse", "spouse"))

    return Dataset("spouse", split("train"), split("test"), positive=1)


def crowd(name: str) -> Dataset:
    folder = DATA / "crowd" / name
    with (folder / "answer.csv").open() as handle:
        answers = list(csv.DictReader(handle))
    with (folder / "truth.csv").open() as handle:
        truth = {r["question"]: r["truth"] for r in csv.DictReader(handle)}
    questions = sorted({a["question"] for a in answers})
    workers = sorted({a["worker"] for a in answers})
    labels = sorted({a["answer"] for a in answers} | set(truth.values()), key=lambda s: (len(s), s))
    q_index = {q: i for i, q in enumerate(questions)}
    w_index = {w: j for j, w in enumerate(workers)}
    l_index = {lab: c for c, lab in enumerate(labels)}
    votes = np.full((len(questions), len(workers)), -1, dtype=np.int64)
    for a in answers:
        votes[q_index[a["question"]], w_index[a["worker"]]] = l_index[a["answer"]]
    gold = np.array([l_index[truth[q]] if q in truth else -1 for q in questions])
    split = Split(votes, gold, tuple(labels))
    return Dataset(f"crowd-{name}", split, split, positive=None)


def real_datasets() -> list[Dataset]:
    return [
        wrench("youtube"),
        wrench("sms", positive=1),
        wrench("trec"),
        spouse(),
        crowd("product"),
        crowd("dog"),
    ]
