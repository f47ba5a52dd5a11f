"""Each LF's stated confidences against gold and the label model: lf_reliability, lf_summary's
confidence ECEs, and the report's LF confidence block."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from tests.test_report import TableCells
from weaklabel import DataError, VoteMatrix, lf_summary
from weaklabel.analysis import build_report, lf_reliability
from weaklabel.datasets import make_confidence_votes
from weaklabel.models import LabelModel

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def stated():
    votes, truth = make_confidence_votes(3000, random_state=3)
    model = LabelModel(2, progress=False, random_state=0).fit(votes)
    return votes, truth, model


def test_reliability_by_hand():
    votes = VoteMatrix.from_dense(
        [[1, 0], [1, -1], [0, 0], [0, -1]],
        cardinality=2,
        confidences=[[0.95, 0.5], [0.85, 1.0], [0.62, 0.55], [0.68, 1.0]],
    )
    probs = np.array([[0.2, 0.8], [0.4, 0.6], [0.9, 0.1], [0.7, 0.3]])
    table = lf_reliability(votes, gold=[1, 0, 0, -1], probs=probs, n_bins=5)
    assert table["lf"].tolist() == ["lf_0", "lf_0", "lf_1"]
    first = table.iloc[0]  # lf_0's votes stated 0.62 and 0.68: one of them on a gold row
    assert (first.bin_low, first.n_votes, first.n_gold) == (0.6, 2, 1)
    assert first.confidence == pytest.approx(0.65) and first.accuracy == 1.0
    assert first.model_accuracy == pytest.approx((0.9 + 0.7) / 2)
    second = table.iloc[1]  # 0.95 (right) and 0.85 (wrong): the model gave 0.8 and 0.6
    assert (second.bin_low, second.accuracy) == (0.8, 0.5)
    assert second.model_accuracy == pytest.approx(0.7)
    # lf_1 voted ham at 0.5 and 0.55 (same bin): wrong on row 0, right on row 2
    third = table.iloc[2]
    assert (third.n_votes, third.accuracy) == (2, 0.5)
    assert third.model_accuracy == pytest.approx((0.2 + 0.9) / 2)


def test_without_gold_or_probs_the_measures_are_nan():
    votes = VoteMatrix.from_dense([[1], [0]], cardinality=2, confidences=[[0.7], [0.9]])
    table = lf_reliability(votes)
    assert table["n_votes"].tolist() == [1, 1]
    assert table["accuracy"].isna().all() and table["model_accuracy"].isna().all()


def test_probs_of_another_shape_are_refused():
    votes = VoteMatrix.from_dense([[1], [0]], cardinality=2, confidences=[[0.7], [0.9]])
    with pytest.raises(DataError, match=r"one row of 2 class probabilities per row of votes"):
        lf_reliability(votes, probs=np.full((3, 2), 0.5))


def test_summary_eces_say_which_lfs_overstate(stated):
    votes, truth, model = stated
    summary = lf_summary(votes, gold=truth, model=model)
    calibrated = summary.loc[[f"lf_{j}" for j in range(4)]]
    overconfident = summary.loc[[f"lf_{j}" for j in range(4, 7)]]
    assert calibrated["confidence_ece"].max() < 0.08 < overconfident["confidence_ece"].min()
    # the model, without gold, finds the same LFs overstating
    worst = overconfident["model_confidence_ece"].min()
    assert calibrated["model_confidence_ece"].max() < worst
    assert overconfident["mean_confidence"].min() > 0.9


def test_summary_ece_matches_the_reliability_table(stated):
    votes, truth, model = stated
    summary = lf_summary(votes, gold=truth, model=model)
    table = lf_reliability(votes, gold=truth, probs=model.predict_proba(votes), n_bins=15)
    for name, own in table.groupby("lf"):
        gold_gap = (own["n_votes"] * (own["confidence"] - own["accuracy"]).abs()).sum()
        model_gap = (own["n_votes"] * (own["confidence"] - own["model_accuracy"]).abs()).sum()
        assert summary.at[name, "confidence_ece"] == pytest.approx(gold_gap / own.n_votes.sum())
        assert summary.at[name, "model_confidence_ece"] == pytest.approx(
            model_gap / own.n_votes.sum()
        )


def test_report_shows_each_stating_lf(stated):
    votes, truth, model = stated
    page = build_report(votes, model, gold=truth, dependencies=None).html
    table = TableCells("lf-confidence-table")
    table.feed(page)
    assert table.headers == [
        "LF",
        "votes",
        "mean stated confidence",
        "ECE vs gold",
        "ECE vs model",
    ]
    summary = lf_summary(votes, gold=truth, model=model)
    rows = [row for row in table.rows if row]
    assert [row[0] for row in rows] == list(votes.lf_names)
    for row in rows:
        assert row[3] == f"{summary.at[row[0], 'confidence_ece']:.3f}"
        assert row[4] == f"{summary.at[row[0], 'model_confidence_ece']:.3f}"
    figures = re.findall(r'alt="Reliability of ([^:]+):[^"]*" title="[^"]*"', page)
    assert sorted(figures) == sorted(votes.lf_names)
    src = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="Reliability of lf_0', page)
    root = ET.fromstring(base64.b64decode(src.group(1)))
    dots = [c for c in root.iter(f"{SVG}circle") if c.get("fill-opacity")]
    assert len(dots) >= 2  # one per bin with gold votes


def test_report_has_no_block_without_stated_confidences(stated):
    votes, truth, _ = stated
    plain = VoteMatrix.from_dense(votes.to_dense(), cardinality=2)
    model = LabelModel(2, progress=False, random_state=0).fit(plain)
    page = build_report(plain, model, gold=truth, dependencies=None).html
    assert "lf-confidence-table" not in page and "Reliability of" not in page


def test_report_without_gold_compares_with_the_model_only(stated):
    votes, _, model = stated
    page = build_report(votes, model, dependencies=None).html
    table = TableCells("lf-confidence-table")
    table.feed(page)
    assert table.headers[-1] == "ECE vs model" and "ECE vs gold" not in table.headers
