"""The ready-made SMS spam LFs: each votes as its description says on typical messages."""

from __future__ import annotations

import pytest

from labeling_functions import sms
from weaklabel import ABSTAIN, apply_lfs, lf_summary, load_lfs
from weaklabel.datasets import SMS_SPAM_CLASSES, load_sms_spam

CASES = [
    ("prize_claim", "Congratulations! You have won a holiday, claim now", sms.SPAM),
    ("free_offer", "Get a FREE camera phone with your upgrade", sms.SPAM),
    ("free_offer", "Free entry into our weekly draw", sms.SPAM),
    ("web_link", "Visit www.example-offers.co.uk to find out more", sms.SPAM),
    ("service_terms", "Only 150p/msg, T&Cs apply, PO Box 1234", sms.SPAM),
    ("opt_out", "New tones every week. Reply STOP to end", sms.SPAM),
    ("urgency", "URGENT! This is your last chance to respond", sms.SPAM),
    ("money_amount", "Claim your £1000 shopping spree", sms.SPAM),
    ("money_amount", "You could win ??2,000 this week", sms.SPAM),
    ("phone_number", "For details ring 09061701461", sms.SPAM),
    ("reply_code", "Text WIN to 80086 to enter", sms.SPAM),
    ("reply_code", "Please call 08712402779 for your reward", sms.SPAM),
    ("short_message", "Yup ok see you", sms.HAM),
    ("casual_chat", "haha ok lor, nothing much here", sms.HAM),
    ("affection_apology", "Sorry I missed your call, love you", sms.HAM),
    ("meeting_question", "What time are you coming over tonight", sms.HAM),
    ("first_person", "I'm still at the office with the others", sms.HAM),
]
NEUTRAL = "The second chapter is about a long walk through the hills at night with everyone"


@pytest.mark.parametrize(("name", "text", "expected"), CASES)
def test_lf_votes_on_a_typical_message(name, text, expected):
    lf = getattr(sms, name)
    assert lf({"text": text}) == expected
    assert lf({"text": NEUTRAL}) == ABSTAIN


def test_suite_loads_with_classes_and_descriptions():
    suite = load_lfs("labeling_functions.sms")
    assert 8 <= len(suite.lfs) <= 14
    assert suite.classes == SMS_SPAM_CLASSES == ("ham", "spam")
    assert {lf.name for lf in suite.lfs} == {name for name, _, _ in CASES}
    assert all(lf.description and "\n" not in lf.description for lf in suite.lfs)
    assert all(lf.vectorized for lf in suite.lfs)
    parses = [lf.func.parse for lf in suite.lfs if hasattr(lf.func, "parse")]
    assert len(parses) >= 1 and len(set(parses)) == 1  # one parse per chunk


def test_missing_text_abstains_everywhere():
    for lf in load_lfs("labeling_functions.sms").lfs:
        if lf.name != "short_message":  # an empty message has no words: ham
            assert lf({"text": None}) == ABSTAIN, lf.name


def test_bundled_data():
    data = load_sms_spam()
    assert list(data.columns) == ["id", "text", "label"]
    assert len(data) == 5571 and data["id"].is_unique
    assert set(data["label"]) == {"ham", "spam"} and (data["label"] == "spam").sum() == 747


def test_suite_is_better_than_chance_on_the_bundled_data():
    data = load_sms_spam()
    suite = load_lfs("labeling_functions.sms")
    votes = apply_lfs(
        suite.lfs, data.drop(columns="label"), classes=suite.classes, id_column="id",
        progress=False, chunk_size=2048,
    )  # fmt: skip
    summary = lf_summary(votes, gold=data["label"].tolist())
    assert (summary["empirical_accuracy"] > 0.5).all()
    assert (summary["coverage"] > 0).all()
    assert (votes.votes_per_row() > 0).mean() > 0.5
