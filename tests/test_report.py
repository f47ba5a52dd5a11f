"""The HTML report: content, escaping of untrusted text, size, and a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weaklabel import ABSTAIN, VoteMatrix, apply_lfs, keyword_lf, labeling_function
from weaklabel.analysis import build_report, expected_calibration_error, reliability_table
from weaklabel.datasets import make_votes
from weaklabel.models import LabelModel

EVIL = [
    "<script>alert('xss')</script> check out my channel",
    "<img src=x onerror=alert(1)> free money",
    "I love this song & the <b>video</b>",
    "plain words",
]


class TableRows(HTMLParser):
    """Counts the rows of tbody of the table with a given id, and collects img sources."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.in_body, self.rows, self.images = (
            table_id,
            False,
            False,
            0,
            [],
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows += 1
        elif tag == "img":
            self.images.append(attrs.get("src", ""))

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = self.in_body = False


@pytest.fixture(scope="module")
def evil_report(tmp_path_factory):
    @labeling_function(name="<b>bold</b>_lf")
    def weird(x):
        return 1 if "check" in x.text else ABSTAIN

    lfs = [weird, keyword_lf("money", ["money"], 1), keyword_lf("love", ["love"], 0)]
    data = pd.DataFrame({"text": EVIL * 25, "truth": [1, 1, 0, 0] * 25})
    votes = apply_lfs(lfs, data[["text"]], classes=["ham", "spam"], progress=False)
    model = LabelModel(progress=False).fit(votes)
    report = build_report(
        votes,
        model,
        data=data,
        gold=data["truth"],
        title="<i>evil</i>",
        per_lf=5,
        n_explanations=len(data),  # every row's text is on the page, whatever the model's order
        descriptions={"money": "money <em>talk</em>"},
    )
    path = report.save(tmp_path_factory.mktemp("report") / "report.html")
    return report, path, votes


def test_untrusted_text_is_escaped(evil_report):
    report, _, _ = evil_report
    page = report.html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page
    assert "alert('xss')" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;_lf" in page and "<b>bold</b>" not in page
    assert "&lt;i&gt;evil&lt;/i&gt;" in page
    assert "money &lt;em&gt;talk&lt;/em&gt;" in page


def test_report_is_self_contained(evil_report):
    report, _, votes = evil_report
    parser = TableRows("lf-table")
    parser.feed(report.html)
    assert parser.rows == votes.n_lfs
    assert parser.images and all(
        src.startswith("data:image/svg+xml;base64,") for src in parser.images
    )
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", report.html)
    assert "<link" not in report.html


def test_notebook_display_is_an_isolated_frame(evil_report):
    report, _, _ = evil_report
    shown = report._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "<script>" not in shown


def test_report_stays_small_on_larger_data():
    rng = np.random.default_rng(0)
    votes, truth = make_votes(50_000, rng.uniform(0.6, 0.9, 80), np.full(80, 0.1), random_state=0)
    model = LabelModel(progress=False).fit(votes)
    texts = pd.DataFrame({"text": ["x" * 1000] * votes.n_rows})
    report = build_report(votes, model, data=texts, gold=truth)
    assert len(report.html) < 5_000_000
    parser = TableRows("lf-table")
    parser.feed(report.html)
    assert parser.rows == 80


# -- calibration ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calibrated():
    votes, truth = make_votes(
        2000, [0.9, 0.8, 0.7, 0.6], [0.3, 0.4, 0.3, 0.2], class_balance=[0.6, 0.4], random_state=1
    )
    model = LabelModel(progress=False).fit(votes)
    return votes, truth, model


def card(page: str, name: str) -> str | None:
    found = re.search(
        r'<div class="v">([^<]*)</div><div class="k">' + re.escape(name) + "</div>", page
    )
    return found.group(1) if found else None


def test_calibration_block_scores_the_reported_probs_on_gold_rows_with_a_vote(calibrated):
    votes, truth, model = calibrated
    truth = truth.copy()
    truth[::7] = -1  # some rows without gold
    probs = model.predict_proba(votes)
    probs = 0.5 * probs + 0.5 * np.eye(2)[probs.argmax(axis=1)]  # sharper than the model's
    voted = votes.votes_per_row() > 0
    assert not voted.all()
    page = build_report(votes, model, probs=probs, gold=truth, dependencies=None).html
    ece = expected_calibration_error(probs, truth, rows=voted, model=model)
    assert card(page, "calibration error (ECE) on gold rows with a vote") == f"{ece:.3f}"
    assert (
        f"Expected calibration error (ECE) {ece:.3f} on the {int(((truth != -1) & voted).sum()):,}"
        in page
    )
    table = TableCells("calibration-table")
    table.feed(page)
    assert table.headers == ["confidence bin", "rows", "mean confidence", "accuracy", "gap"]
    expected = reliability_table(probs, truth, rows=voted, model=model)
    assert [int(row[1].replace(",", "")) for row in table.rows if row] == expected[
        "n_rows"
    ].tolist()
    assert [row[3] for row in table.rows if row] == [f"{a:.3f}" for a in expected["accuracy"]]
    assert 'alt="Reliability diagram' in page


def test_calibration_card_sits_after_the_accuracy_cards(calibrated):
    votes, truth, model = calibrated
    page = build_report(votes, model, gold=truth, dependencies=None).html
    names = re.findall(r'<div class="k">([^<]*)</div>', page)
    assert names[-3:] == [
        f"accuracy on {votes.n_rows:,} gold rows",
        "accuracy on gold rows with a vote",
        "calibration error (ECE) on gold rows with a vote",
    ]


def test_calibration_without_gold_says_it_needs_gold(calibrated):
    votes, _, model = calibrated
    page = build_report(votes, model, dependencies=None).html
    assert 'id="calibration"' in page
    assert "Calibration (expected calibration error and the reliability diagram) needs gold" in page
    assert "calibration-table" not in page and "Reliability diagram" not in page
    assert card(page, "calibration error (ECE) on gold rows with a vote") is None


def test_calibration_without_gold_rows_that_have_a_vote(calibrated):
    votes, truth, model = calibrated
    gold = np.where(votes.votes_per_row() > 0, -1, truth)
    page = build_report(votes, model, gold=gold, dependencies=None).html
    assert "no gold row has a vote" in page
    assert "calibration-table" not in page


# -- in a real browser --------------------------------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "The browser test needs Chromium: apt-get install chromium (make test installs it when "
        "run as root)."
    )


def run_browser(path: Path, *extra: str, fragment: str = "") -> subprocess.CompletedProcess:
    profile = path.parent / f"profile-{len(list(path.parent.iterdir()))}"
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        *extra,
        path.resolve().as_uri() + fragment,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def test_report_in_headless_chromium(evil_report, tmp_path):
    _, path, votes = evil_report
    dom = run_browser(path, "--dump-dom").stdout
    status = re.search(r'<div id="wl-status"[^>]*>', dom).group(0)
    assert 'data-ready="true"' in status
    assert 'data-images-ok="true"' in status
    assert 'data-errors="0"' in status
    assert int(re.search(r'data-images="(\d+)"', status).group(1)) >= 5
    parser = TableRows("lf-table")
    parser.feed(dom)
    assert parser.rows == votes.n_lfs
    assert "<script>alert" not in dom  # still text after rendering
    assert 'id="calibration-table"' in dom  # gold given: the calibration block is drawn
    screenshot = tmp_path / "report.png"
    run_browser(path, f"--screenshot={screenshot}", "--window-size=1280,1600")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 20_000


class TableCells(HTMLParser):
    """Header names and the text of every body cell of one table."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.cell = table_id, False, None
        self.headers: list[str] = []
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = tag
            (self.headers if tag == "th" else self.rows[-1]).append("")

    def handle_data(self, data):
        if self.inside and self.cell == "th":
            self.headers[-1] += data.strip()
        elif self.inside and self.cell == "td":
            self.rows[-1][-1] += data.strip()

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "table":
            self.inside = False


def test_lf_table_sorts_in_the_browser(evil_report):
    _, path, _ = evil_report
    dom = run_browser(path, "--dump-dom", fragment="#sort=coverage,desc").stdout
    table = TableCells("lf-table")
    table.feed(dom)
    column = table.headers.index("coverage")
    coverage = [float(row[column]) for row in table.rows if row]
    assert len(coverage) == 3
    assert coverage == sorted(coverage, reverse=True)
    assert 'aria-sort="descending"' in dom


def test_reliability_diagram_is_one_svg_document_with_the_counts():
    import xml.etree.ElementTree as ET

    from weaklabel._report.svg import reliability_diagram

    drawing = reliability_diagram(
        [0.6, 0.8], [0.8, 1.0], [2, 1234], [0.65, 0.85], [1.0, 0.0], title="Reliability <ECE>"
    )
    root = ET.fromstring(drawing)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    tips = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert tips[0] == "Reliability <ECE>"
    assert "0.80-1.00: 1,234 rows, mean confidence 0.850, accuracy 0.000" in tips
    dashed = [e for e in root.iter("{http://www.w3.org/2000/svg}line") if e.get("stroke-dasharray")]
    assert any((e.get("x1"), e.get("y2")) == ("45.0", "30.0") for e in dashed)  # the diagonal


def test_things_to_check_lists_a_class_without_lfs_and_only_then():
    votes = make_votes(2000, [0.9, 0.8, 0.75], [0.4, 0.3, 0.3], random_state=0)[0]
    dense = votes.to_dense()
    clean = build_report(votes, LabelModel(progress=False).fit(votes))
    three = VoteMatrix.from_dense(dense, cardinality=3, class_names=["no", "yes", "other"])
    flagged = build_report(three, LabelModel(3, progress=False).fit(three))
    assert "Things to check" not in clean.html
    assert "Things to check" in flagged.html
    assert "No LF votes for class &#39;other&#39;" in flagged.html
