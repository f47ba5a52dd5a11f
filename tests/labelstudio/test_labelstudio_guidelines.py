"""Labeling guidelines: descriptions, clear examples per class, hard cases; texts escaped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaklabel import ParameterError, VoteMatrix
from weaklabel.labelstudio import Guidelines, guidelines

CLASSES = ["ham", "spam"]
# rows: 0-3 clear spam (2 repeats 1's text), 4-5 clear ham, 6-7 conflicts, 8 no vote
DENSE = [
    [1, 1, -1],
    [1, -1, -1],
    [1, 1, 1],
    [1, -1, 1],
    [0, -1, -1],
    [0, 0, -1],
    [1, 0, -1],
    [1, 0, 0],
    [-1, -1, -1],
]
TEXTS = [
    "win <b>$$$</b> *now*",
    "Sub 4 sub",
    "sub 4  SUB",
    "free gift cards",
    "nice song",
    "love it",
    "great song, see my channel",
    "love this, subscribe",
    "never voted on",
]
PROBS = np.array(
    [
        [0.05, 0.95],
        [0.2, 0.8],
        [0.01, 0.99],
        [0.1, 0.9],
        [0.7, 0.3],
        [0.9, 0.1],
        [0.45, 0.55],
        [0.6, 0.4],
        [0.01, 0.99],
    ]
)


@pytest.fixture
def votes() -> VoteMatrix:
    return VoteMatrix.from_dense(
        DENSE,
        cardinality=2,
        class_names=CLASSES,
        lf_names=["link", "praise", "<i>caps</i>"],
        row_ids=[f"r{i}" for i in range(9)],
    )


@pytest.fixture
def data() -> pd.DataFrame:
    return pd.DataFrame({"id": [f"r{i}" for i in range(9)], "text": TEXTS})


def _section(markdown: str, start: str, stop: str) -> str:
    return markdown.split(start, 1)[1].split(stop, 1)[0]


def test_clear_examples_are_the_surest_rows_without_conflict_and_distinct_texts(data, votes):
    g = guidelines(data, votes, PROBS, id_column="id", n_examples=2)
    assert isinstance(g, Guidelines) and str(g) == g.markdown
    spam = _section(g.markdown, "### spam", "## Hard cases")
    # r2 (0.99) then r0 (0.95); r8 (0.99) has no vote, r1 repeats r2's text
    assert spam.index("(row r2;") < spam.index("(row r0;")
    assert "row r8" not in g.markdown and "row r1;" not in spam and "row r3;" not in spam
    ham = _section(g.markdown, "### ham", "### spam")
    assert ham.index("(row r5;") < ham.index("(row r4;")
    assert "model confidence 0.99" in spam


def test_hard_cases_are_conflicts_least_sure_first_with_the_lfs_by_class(data, votes):
    g = guidelines(data, votes, PROBS, id_column="id")
    hard = g.markdown.split("## Hard cases", 1)[1]
    assert hard.index("(row r6)") < hard.index("(row r7)")
    assert (
        '- "great song, see my channel" (row r6): ham: praise; spam: link. The model leans to '
        "spam (0.55)." in hard
    )
    assert "ham: praise, \\<i\\>caps\\</i\\>; spam: link" in hard


def test_descriptions_are_shown_and_checked(data, votes):
    g = guidelines(data, votes, PROBS, descriptions={"spam": "Ads *and* promotion."})
    assert "Ads *and* promotion." in g.markdown  # the author's Markdown, as written
    assert "No description yet" in _section(g.markdown, "### ham", "### spam")
    with pytest.raises(
        ParameterError, match=r"keyed by class names\. Got 'spma' instead\. Did you mean 'spam'\?"
    ):
        guidelines(data, votes, PROBS, descriptions={"spma": "Ads."})
    with pytest.raises(
        ParameterError, match=r"text for each class\. Got 1 instead\. Describe 'spam' in words\."
    ):
        guidelines(data, votes, PROBS, descriptions={"spam": 1})


def test_texts_names_and_descriptions_are_escaped_in_html(data, votes):
    html = guidelines(data, votes, PROBS, descriptions={"spam": "<script>x</script>"}).html
    assert "<b>" not in html and "<script>" not in html and "<i>caps" not in html
    assert "win &lt;b&gt;$$$&lt;/b&gt; *now*" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;i&gt;caps&lt;/i&gt;" in html


def test_texts_are_escaped_in_markdown(data, votes):
    markdown = guidelines(data, votes, PROBS).markdown
    assert '"win \\<b\\>$$$\\</b\\> \\*now\\*"' in markdown
    assert "<b>" not in markdown


def test_long_texts_are_cut_and_missing_texts_skipped(data, votes):
    data = data.assign(text=["x " * 400, None, *TEXTS[2:]])
    g = guidelines(data, votes, PROBS, max_chars=20)
    assert '"x x x x x x x x x x…"' in g.markdown
    assert "(row r1;" not in g.markdown


def test_without_conflicts_or_clear_rows_the_guidelines_say_so(data):
    votes = VoteMatrix.from_dense([[1], [1], [-1]], cardinality=2, class_names=CLASSES)
    g = guidelines(data.iloc[:3], votes, PROBS[:3])
    assert "No clear example" in _section(g.markdown, "### ham", "### spam")
    assert "No row where the labeling functions disagree." in g.markdown
    assert "No row where the labeling functions disagree." in g.html


def test_bad_arguments_are_refused(data, votes):
    with pytest.raises(ParameterError, match="'votes' parameter of guidelines"):
        guidelines(data, PROBS, PROBS)
    with pytest.raises(ParameterError, match="'n_examples' parameter of guidelines"):
        guidelines(data, votes, PROBS, n_examples=-1)
    with pytest.raises(ParameterError, match=r"one row per data row \(9\)"):
        guidelines(data, votes, PROBS[:3])
    with pytest.raises(ParameterError, match="probabilities have 3 columns but the votes have 2"):
        guidelines(data, votes, np.full((9, 3), 1 / 3))
