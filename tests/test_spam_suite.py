"""The ready-made YouTube spam LFs: each votes as its docstring says on typical comments."""

from __future__ import annotations

import pytest

from labeling_functions import spam
from weaklabel import ABSTAIN, apply_lfs, lf_summary, load_lfs
from weaklabel.datasets import load_youtube_spam

CASES = [
    ("has_link", "Win at http://bit.ly/xyz", spam.SPAM),
    ("check_out", "Check out my new video!", spam.SPAM),
    ("asks_to_subscribe", "please subscribe to me", spam.SPAM),
    ("own_channel", "visit my channel for covers", spam.SPAM),
    ("money_offer", "Earn money from home", spam.SPAM),
    ("social_promotion", "follow me on instagram", spam.SPAM),
    ("please_action", "please like and share", spam.SPAM),
    ("short_comment", "so good", spam.HAM),
    ("check_out", "Check me out!", spam.SPAM),
    ("song_praise", "I love this song so much, it reminds me of my youth", spam.HAM),
    ("talks_about_views", "who is still watching in 2015?", spam.HAM),
    ("about_the_video", "Psy dancing like a horse never gets old", spam.HAM),
    ("laughter", "hahaha the horse dance at the end", spam.HAM),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES)
def test_lf_votes_on_a_typical_comment(name, text, expected):
    lf = getattr(spam, name)
    assert lf({"text": text}) == expected
    assert (
        lf({"text": "The second verse is about a long drive through the hills at night"}) == ABSTAIN
    )


def test_every_lf_has_a_one_line_docstring():
    suite = load_lfs("labeling_functions.spam")
    assert 8 <= len(suite.lfs) <= 12
    assert all(lf.description for lf in suite.lfs)
    assert suite.classes == ("ham", "spam")


def test_suite_is_better_than_chance_on_the_demo_data():
    data = load_youtube_spam()
    suite = load_lfs("labeling_functions.spam")
    votes = apply_lfs(suite.lfs, data.drop(columns="label"), classes=suite.classes, progress=False)
    summary = lf_summary(votes, gold=data["label"])
    assert (summary["empirical_accuracy"] > 0.6).all()
    assert (votes.votes_per_row() > 0).mean() > 0.7


def test_short_comment_ignores_short_promotion():
    assert spam.short_comment({"text": "please subscribe!"}) == ABSTAIN
    assert spam.short_comment({"text": "check it out"}) == ABSTAIN
