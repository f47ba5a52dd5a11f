"""Run folders to export: made with the real CLI, some hand-edited (end-model and gold rows)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from weaklabel.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def make_csv_run(data: Path, out: Path) -> Path:
    code = main(["-q", "run", "--data", str(data), "--lfs", str(FIXTURES / "tiny_lfs.py"),
                 "--out", str(out), "--text-column", "body", "--id-column", "comment_id",
                 "--gold-column", "truth", "--no-end-model"])  # fmt: skip
    assert code == 0
    return out


@pytest.fixture(scope="session")
def csv_run(tmp_path_factory) -> Path:
    """A run on tests/fixtures/comments.csv (8 rows, text column body, ids c1..c8), without
    the end model: every label is the label model's (``source: lf``)."""
    return make_csv_run(FIXTURES / "comments.csv", tmp_path_factory.mktemp("csv") / "run")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """The bundled demo (1,956 YouTube comments), without the end model (its 260 uncovered
    rows keep the label model's class prior, ``source: lf``)."""
    out = tmp_path_factory.mktemp("demo") / "run"
    assert main(["-q", "run", "--out", str(out), "--no-end-model"]) == 0
    return out


@pytest.fixture
def copy_run(tmp_path):
    """A writable copy of a run folder (to hand-edit)."""

    def copy(run: Path) -> Path:
        target = tmp_path / f"copy-of-{run.parent.name}"
        shutil.copytree(run, target)
        return target

    return copy


@pytest.fixture
def mixed_run(csv_run, copy_run) -> Path:
    """The csv run with a gold row (c1), two end-model rows (c2, c3) and run.json figures for
    the end model and the annotations."""
    run = copy_run(csv_run)
    records = read_jsonl(run / "labels.jsonl")
    gold = records[0]
    gold.update(source="gold", probs={"ham": 0.0, "spam": 1.0}, label="spam", confidence=1.0)
    for record, p in ((records[1], 0.2), (records[2], 0.9)):
        label = "spam" if p > 0.5 else "ham"
        probs = {"ham": 1 - p, "spam": p}
        record.update(source="end-model", probs=probs, end_model_probs=probs, label=label,
                      confidence=max(p, 1 - p))  # fmt: skip
    write_jsonl(run / "labels.jsonl", records)
    info = json.loads((run / "run.json").read_text())
    info["end_model"] = {"name": "tfidf-logreg", "accuracy": 0.875,
                         "calibration": {"ece": 0.04}, "features": ["word", "char"]}  # fmt: skip
    info["annotations"] = {"path": "export.json", "annotated_items": 1, "annotators": 2,
                           "gold_labels": 1, "cv_accuracy": None, "percent_agreement": 1.0,
                           "krippendorff_alpha": 0.7}  # fmt: skip
    (run / "run.json").write_text(json.dumps(info))
    return run
