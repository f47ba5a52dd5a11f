from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from weaklabel import (
    ABSTAIN,
    LabelingFunctionError,
    ParameterError,
    apply_lfs,
    keyword_lf,
    length_lf,
    regex_lf,
    threshold_lf,
)
from weaklabel._lfs.words import word_counts as _word_counts

TEXTS = [
    "Check out my channel!",
    "free money at www.example.com",
    "I love this song",
    "SUBSCRIBE to me",
    "subway ride",
    None,
    "",
]


@pytest.fixture
def frame():
    return pd.DataFrame({"text": TEXTS, "n": [0, 3, 1, 2, 0, 5, None]})


def votes_of(lf, frame):
    return apply_lfs([lf], frame, progress=False).to_dense()[:, 0].tolist()


def test_keyword_any_whole_words_ignores_case(frame):
    lf = keyword_lf("kw", ["subscribe", "check out"], 1)
    assert lf.vectorized
    assert votes_of(lf, frame) == [1, -1, -1, 1, -1, -1, -1]


def test_keyword_partial_words_and_case(frame):
    assert votes_of(keyword_lf("sub", "sub", 1, whole_words=False), frame)[3:5] == [1, 1]
    assert votes_of(keyword_lf("SUB", "SUBSCRIBE", 1, case_sensitive=True), frame) == [
        -1,
        -1,
        -1,
        1,
        -1,
        -1,
        -1,
    ]


def test_keyword_all(frame):
    lf = keyword_lf("both", ["free", "money"], 1, mode="all")
    assert votes_of(lf, frame) == [-1, 1, -1, -1, -1, -1, -1]


def test_keywords_are_literal_not_regex():
    lf = keyword_lf("dot", ["a.b"], 1, whole_words=False)
    assert lf({"text": "axb"}) == ABSTAIN and lf({"text": "a.b"}) == 1


def test_regex(frame):
    lf = regex_lf("link", r"www\.|https?://", 1)
    assert votes_of(lf, frame) == [-1, 1, -1, -1, -1, -1, -1]


def test_regex_must_be_re2():
    with pytest.raises(ParameterError, match="RE2"):
        regex_lf("bad", r"(a)\1", 1)


def test_length_words_and_chars(frame):
    assert votes_of(length_lf("short", 0, max=3), frame) == [-1, -1, -1, 0, 0, -1, 0]
    assert votes_of(length_lf("long", 1, unit="chars", min=20), frame) == [1, 1, -1, -1, -1, -1, -1]


def test_threshold(frame):
    assert votes_of(threshold_lf("many", 1, column="n", min=2, max=4), frame) == [
        -1,
        1,
        -1,
        1,
        -1,
        -1,
        -1,
    ]


def test_row_and_vectorized_lfs_agree_when_they_mean_the_same(frame):
    from weaklabel import labeling_function

    @labeling_function
    def row_link(x):
        return 1 if isinstance(x.text, str) and "www." in x.text else ABSTAIN

    both = apply_lfs([row_link, regex_lf("vec_link", r"www\.", 1)], frame, progress=False)
    dense = both.to_dense()
    assert np.array_equal(dense[:, 0], dense[:, 1])


@pytest.mark.parametrize(
    ("builder", "message"),
    [
        (lambda: keyword_lf("k", [], 1), "'keywords'"),
        (lambda: keyword_lf("k", ["a"], "spam"), "'label'.*class's index"),
        (lambda: keyword_lf("k", ["a"], 1, mode="most"), "'mode'"),
        (lambda: length_lf("l", 1), "needs 'min', 'max' or both"),
        (lambda: length_lf("l", 1, min=5, max=2), "'min'"),
        (lambda: length_lf("l", 1, max=2, unit="lines"), "'unit'"),
    ],
)
def test_builders_check_their_arguments(builder, message):
    with pytest.raises(ParameterError, match=message):
        builder()


def test_missing_column_names_the_lf_and_the_columns(frame):
    with pytest.raises(
        LabelingFunctionError, match=r"'kw' cannot run.*'body'.*columns are: text, n"
    ):
        apply_lfs([keyword_lf("kw", ["x"], 1, column="body")], frame, progress=False)


def test_non_text_column_is_refused(frame):
    with pytest.raises(LabelingFunctionError, match="'n' must hold text"):
        apply_lfs([keyword_lf("kw", ["x"], 1, column="n")], frame, progress=False)


def test_description_says_what_the_lf_does():
    assert "contains any of 'free'" in keyword_lf("k", ["free"], 1).description


#: every character ``str.isspace`` calls whitespace (ASCII, Latin-1 and the multi-byte ones)
UNICODE_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


@given(
    st.lists(
        st.text(alphabet=st.sampled_from([*UNICODE_SPACES, "a", "é", "€", "😀", "\u2003"])),
        max_size=30,
    ),
    st.sampled_from([pa.string(), pa.large_string()]),
    st.integers(0, 5),
)
def test_word_count_is_python_split(texts, type_, start):
    strings = pa.array(texts, type=type_).slice(min(start, len(texts)))
    expected = [len(t.split()) for t in strings.to_pylist()]
    assert _word_counts(strings).tolist() == expected


def test_length_in_words_splits_on_unicode_spaces():
    frame = pd.DataFrame({"text": ["a\u00a0b\u3000c d", "one\u2028two", " ", None]})
    assert votes_of(length_lf("four", 1, min=4, max=4), frame) == [1, -1, -1, -1]
    assert votes_of(length_lf("two", 1, min=2, max=2), frame) == [-1, 1, -1, -1]
    assert votes_of(length_lf("none", 1, max=0), frame) == [-1, -1, 1, -1]


def test_word_lengths_counted_once_per_chunk(monkeypatch):
    from weaklabel._lfs import words

    calls = []

    def counting(strings):
        calls.append(len(strings))
        return _word_counts(strings)

    monkeypatch.setattr(words, "word_counts", counting)
    frame = pd.DataFrame({"text": ["a b c", "d", "e f g h i", None] * 5})
    lfs = [length_lf("few", 0, max=2), length_lf("many", 1, min=4), length_lf("three", 1, min=3)]
    votes = apply_lfs(lfs, frame, progress=False, chunk_size=8).to_dense()
    assert calls == [8, 8, 4]  # once per chunk, not once per LF
    assert votes[:4].tolist() == [[-1, -1, 1], [0, -1, -1], [-1, 1, 1], [-1, -1, -1]]
    # a frame with other texts in the same place is counted afresh
    other = pd.DataFrame({"text": ["x", "y z w v", "q", None] * 5})
    again = apply_lfs(lfs, other, progress=False, chunk_size=8).to_dense()
    assert again[:4].tolist() == [[0, -1, -1], [-1, 1, 1], [0, -1, -1], [-1, -1, -1]]


def test_screened_votes_equal_unscreened():
    from weaklabel._lfs.rules import Screen

    rng = np.random.default_rng(0)
    words = ["free", "Free", "FREE", "win", "call", "now", "text", "hi", "sub", "subway", "£5"]
    texts = [" ".join(rng.choice(words, size=rng.integers(0, 6))) for _ in range(400)]
    frame = pd.DataFrame({"text": texts, "title": texts[::-1], "n": range(400)})
    frame.loc[[3, 50], "text"] = None
    lfs = [
        keyword_lf("free", ["free"], 1),
        keyword_lf("free_exact", ["FREE"], 1, case_sensitive=True),
        keyword_lf("call_now", ["call", "now"], 1, mode="all"),
        regex_lf("money", r"£\d", 1),
        keyword_lf("sub", ["sub"], 0, whole_words=False),
        regex_lf("title_hi", r"\bhi\b", 0, column="title"),
        keyword_lf("title_win", ["win"], 1, column="title"),
        length_lf("short", 0, max=1),
        threshold_lf("big_n", 1, column="n", min=390),
    ]
    screens = Screen.plan(lfs)
    assert [sorted(s.rules) for s in screens] == [[0, 1, 2, 3, 4], [5, 6]]
    votes = apply_lfs(lfs, frame, progress=False, chunk_size=64).to_dense()
    alone = np.column_stack([lf.vote_batch(frame) for lf in lfs])
    assert (votes == alone).all() and (votes != ABSTAIN).sum() > 200


def test_screens_are_bounded():
    from weaklabel._lfs.rules import Screen

    many = [keyword_lf(f"k{i}", [f"w{i}"], 1) for i in range(20)]
    assert [len(s.rules) for s in Screen.plan(many)] == [8, 8, 4]
    long = [keyword_lf(f"k{i}", [f"word{j}x{i}" for j in range(200)], 1) for i in range(3)]
    assert Screen.plan(long) == []  # each alone passes the size bound
    assert Screen.plan([keyword_lf("one", ["x"], 1)]) == []


def test_screen_on_a_bad_column_leaves_the_error_to_the_lfs():
    lfs = [keyword_lf("a", ["x"], 1), keyword_lf("b", ["y"], 1)]
    with pytest.raises(LabelingFunctionError, match="must hold text"):
        apply_lfs(lfs, pd.DataFrame({"text": [1, 2]}), progress=False)
