"""The benchmark datasets of ``../shared/data`` (not shipped with weaklabel).

Each loader returns a ``Dataset``: a ``Split`` to fit on and one to score on, each with the
votes as a dense int array (-1 = abstain), the gold labels and the class names (and, for the
WRENCH sets, the texts, which the end model reads). ``real_texts``
gives the raw YouTube comments and SMS messages that ``harness.synthetic`` splices into texts.

The data folder is ``$WEAKLABEL_DATA`` when set, else ``shared/data`` beside the repository (or
beside the main checkout, when this is a git worktree elsewhere).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DATA",
    "REAL_DATASETS",
    "Dataset",
    "Split",
    "crowd",
    "real_datasets",
    "real_texts",
    "spouse",
    "wrench",
]

REPOSITORY = Path(__file__).resolve().parents[2]


def _main_checkout(repository: Path) -> Path:
    """The main checkout of a git worktree (its ``.git`` file names the common git folder)."""
    marker = repository / ".git"
    if marker.is_file():
        text = marker.read_text().strip()
        if text.startswith("gitdir:"):
            gitdir = Path(text.split(":", 1)[1].strip())  # <main>/.git/worktrees/<name>
            if gitdir.parent.name == "worktrees":
                return gitdir.parent.parent.parent
    return repository


def data_folder() -> Path:
    """``$WEAKLABEL_DATA``, else the first of ``../shared/data`` beside this checkout or beside
    the main checkout that exists (the first one when none does)."""
    setting = os.environ.get("WEAKLABEL_DATA")
    if setting:
        return Path(setting)
    candidates = [
        root.parent / "shared" / "data" for root in (REPOSITORY, _main_checkout(REPOSITORY))
    ]
    return next((c for c in candidates if c.is_dir()), candidates[0])


DATA = data_folder()


def _need(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(
            f"Benchmark data not found: {path}. The benchmarks read ../shared/data beside the "
            "repository; set WEAKLABEL_DATA to the folder that holds wrench/, crowd/, "
            "lf-matrix/ and raw/."
        )
    return path


@dataclass(frozen=True)
class Split:
    votes: np.ndarray  # n x m, -1 = abstain
    gold: np.ndarray  # n, class index
    classes: tuple[str, ...]
    texts: tuple[str, ...] | None = None  # the rows' texts, where the set has them (WRENCH)


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
    texts = tuple(str(r["data"]["text"]) for r in records.values())
    return Split(votes, gold, classes, texts)


def wrench(name: str, *, positive: int | None = None) -> Dataset:
    """A WRENCH set: fit on ``train.json``, score on ``test.json``."""
    folder = _need(DATA / "wrench" / name)
    label_map = json.loads((folder / "label.json").read_text())
    classes = tuple(label_map[str(i)] for i in range(len(label_map)))
    return Dataset(
        name,
        _wrench_split(folder, "train", classes),
        _wrench_split(folder, "test", classes),
        positive,
    )


def spouse() -> Dataset:
    """The spouse LF matrix (0 abstain, -1 no, +1 yes): fit on train, score on test."""
    folder = _need(DATA / "lf-matrix" / "spouse")

    def split(part: str) -> Split:
        with (folder / f"spouse_lf_matrix_{part}.csv").open() as handle:
            rows = list(csv.DictReader(handle))
        raw = np.array([[int(r[str(j)]) for j in range(4)] for r in rows])
        votes = np.where(raw == 0, -1, np.where(raw == 1, 1, 0))  # 0 abstain, -1 no, +1 yes
        gold = np.array([1 if int(r["Label"]) == 1 else 0 for r in rows])
        return Split(votes, gold, ("not_spouse", "spouse"))

    return Dataset("spouse", split("train"), split("test"), positive=1)


def crowd(name: str) -> Dataset:
    """A crowdsourcing set: workers as LFs; fitted and scored on the same rows."""
    folder = _need(DATA / "crowd" / name)
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


#: the real sets, by name, in the benchmarks' order
REAL_DATASETS: dict[str, Callable[[], Dataset]] = {
    "youtube": lambda: wrench("youtube"),
    "sms": lambda: wrench("sms", positive=1),
    "trec": lambda: wrench("trec"),
    "spouse": spouse,
    "crowd-product": lambda: crowd("product"),
    "crowd-dog": lambda: crowd("dog"),
}


def real_datasets(names: Iterable[str] | None = None) -> list[Dataset]:
    """The real sets (youtube, sms, trec, spouse, crowd-product, crowd-dog), or those of
    ``names`` among them, in that order."""
    wanted = set(REAL_DATASETS if names is None else names)
    return [load() for name, load in REAL_DATASETS.items() if name in wanted]


def real_texts() -> list[str]:
    """The YouTube comments (CONTENT) and SMS messages (v2) of ``raw/``."""
    youtube = sorted(_need(DATA / "raw" / "youtube-spam-collection").glob("*.csv"))
    frames = [pd.read_csv(path)["CONTENT"] for path in youtube]
    sms = _need(DATA / "raw" / "sms-spam-collection" / "spam.csv")
    frames.append(pd.read_csv(sms, encoding="latin-1")["v2"])
    texts = [str(t) for frame in frames for t in frame.dropna()]
    if not texts:
        raise SystemExit(f"no texts found under {DATA / 'raw'}; set WEAKLABEL_DATA")
    return texts
