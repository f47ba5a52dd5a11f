"""The ready-made SMS spam LFs: each votes as its description says on typical messages; the model
LF is trained on its gold rows only, once per process, and is scored on the other rows."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labeling_functions import sms
from weaklabel import ABSTAIN, apply_lfs, lf_summary, load_lfs, model_lf
from weaklabel.datasets import SMS_SPAM_CLASSES, load_sms_spam
from weaklabel.models import LabelModel

ROOT = Path(__file__).parent.parent

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
    ("naive_bayes", "Free entry in a weekly draw, text WIN to 80086 to claim your prize", sms.SPAM),
]
NEUTRAL = "The second chapter is about a long walk through the hills at night with everyone"


@pytest.mark.parametrize(("name", "text", "expected"), CASES)
def test_lf_votes_on_a_typical_message(name, text, expected):
    lf = getattr(sms, name)
    assert lf({"text": text}) == expected
    assert lf({"text": NEUTRAL}) == ABSTAIN


def test_suite_loads_with_classes_and_descriptions():
    suite = load_lfs("labeling_functions.sms")
    assert len(suite.lfs) == 15
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


@pytest.fixture(scope="module")
def bundled():
    """The bundled data, and the suite's votes on it."""
    data = load_sms_spam()
    suite = load_lfs("labeling_functions.sms")
    votes = apply_lfs(
        suite.lfs, data.drop(columns="label"), classes=suite.classes, id_column="id",
        progress=False, chunk_size=2048,
    )  # fmt: skip
    return data, votes


def test_suite_is_better_than_chance_on_the_bundled_data(bundled):
    data, votes = bundled
    summary = lf_summary(votes, gold=data["label"].tolist())
    assert (summary["empirical_accuracy"] > 0.5).all()
    assert (summary["coverage"] > 0).all()
    assert (votes.votes_per_row() > 0).mean() > 0.5


# -- the model LF -------------------------------------------------------------------------------


def model_votes(votes):
    """The naive_bayes column: class index per row (-1 abstains), and its confidence per row."""
    column = votes.select_lfs(["naive_bayes"])
    labels = np.full(votes.n_rows, ABSTAIN)
    sure = np.zeros(votes.n_rows)
    labels[column.rows()] = column.labels()
    sure[column.rows()] = column.confidences()
    return labels, sure


def test_gold_ids_are_the_documented_draw():
    data = load_sms_spam()
    rng = np.random.default_rng(0)
    drawn = []
    for name in sms.CLASSES:
        rows = np.flatnonzero(data["label"].to_numpy() == name)
        drawn += data["id"].to_numpy()[rng.choice(rows, size=25, replace=False)].tolist()
    assert tuple(sorted(drawn)) == sms.GOLD_IDS
    labels = data.set_index("id").loc[list(sms.GOLD_IDS), "label"]
    assert labels.value_counts().to_dict() == {"ham": 25, "spam": 25}


def test_training_is_deterministic():
    a = sms.WordModel(sms.GOLD_IDS).fit()
    b = sms.WordModel(sms.GOLD_IDS).fit()
    assert a.vocabulary_ == b.vocabulary_ and len(a.vocabulary_) > 200
    assert np.array_equal(a.word_log_odds_, b.word_log_odds_)
    assert a.prior_log_odds_ == b.prior_log_odds_ == 0.0  # 25 of each class


def test_the_model_votes_with_its_probability_and_abstains_when_unsure(bundled):
    _, votes = bundled
    assert votes.has_confidences
    labels, sure = model_votes(votes)
    voted = labels != ABSTAIN
    assert 0.1 < voted.mean() < 0.9  # it abstains on some rows
    assert set(labels[voted]) == {sms.HAM, sms.SPAM}
    assert (sure[voted] >= 0.99).all() and (sure[voted] <= 1.0).all()
    assert (sure[voted] < 1.0).mean() > 0.5  # probabilities, not a stamp of certainty
    others = votes.lfs != votes.lf_index("naive_bayes")
    assert (votes.confidences()[others] == 1.0).all()  # the rule LFs state none


def test_the_model_is_accurate_on_rows_it_was_not_trained_on(bundled):
    data, votes = bundled
    labels, _ = model_votes(votes)
    gold = data["label"].map(sms.CLASSES.index).to_numpy()
    trained = data["id"].isin(sms.GOLD_IDS).to_numpy()
    seen_text = data["text"].isin(data.loc[trained, "text"]).to_numpy()  # repeated messages
    held_out = ~trained & ~seen_text
    assert trained.sum() == 50 and (seen_text & ~trained).sum() == 4
    voted = held_out & (labels != ABSTAIN)
    accuracy = (labels[voted] == gold[voted]).mean()
    print(f"naive_bayes on {held_out.sum()} held-out rows: votes on {voted.sum()}, "
          f"accuracy {accuracy:.4f}")  # fmt: skip
    assert accuracy > 0.95
    assert (labels[voted & (gold == sms.SPAM)] == sms.SPAM).sum() > 300  # it finds spam


def test_the_label_model_is_not_worse_with_the_model_lf(bundled):
    data, votes = bundled
    gold = data["label"].map(sms.CLASSES.index).to_numpy()
    rules = [name for name in votes.lf_names if name != "naive_bayes"]

    def accuracy(matrix):
        probs = LabelModel(2, random_state=0, progress=False).fit(matrix).predict_proba(matrix)
        return (probs.argmax(axis=1) == gold).mean()

    with_model, without = accuracy(votes), accuracy(votes.select_lfs(rules))
    print(f"LabelModel on the bundled data: {without:.4f} without naive_bayes, "
          f"{with_model:.4f} with it")  # fmt: skip
    assert with_model >= without > 0.95


def test_workers_get_the_same_votes():
    data = load_sms_spam().drop(columns="label")
    fresh = sms.WordModel(sms.GOLD_IDS)  # untrained: each forked worker trains its own
    rules = [lf for lf in load_lfs("labeling_functions.sms").lfs if lf.name != "naive_bayes"]
    suite = [*rules, model_lf("nb", fresh, threshold=0.99)]
    options = {"cardinality": 2, "id_column": "id", "chunk_size": 1024, "progress": False}
    parallel = apply_lfs(suite, data, n_jobs=2, **options)
    assert not hasattr(fresh, "vocabulary_")  # the workers trained, not this process
    serial = apply_lfs(suite, data, n_jobs=1, **options)
    assert parallel == serial and parallel.has_confidences


def test_the_model_trains_once_per_process_and_not_at_import():
    script = textwrap.dedent(
        """
        import pickle, sys
        sys.modules["sklearn"] = None  # the suite needs no scikit-learn
        from labeling_functions import sms
        model = sms.naive_bayes.func.model
        assert not hasattr(model, "vocabulary_")
        clone = pickle.loads(pickle.dumps(sms.naive_bayes))
        assert clone.func.model is model  # unpickled in this process: the same model
        print(clone({"text": "Free entry in a weekly draw, text WIN to 80086 to claim"}))
        assert hasattr(model, "vocabulary_")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == str(sms.SPAM)


def test_a_pickled_model_brings_no_training_state():
    model = sms.WordModel(sms.GOLD_IDS, alpha=0.5).fit()
    clone = pickle.loads(pickle.dumps(model))
    assert clone is not model and not hasattr(clone, "vocabulary_")
    assert clone is pickle.loads(pickle.dumps(model))  # one model per settings and process
    texts = pd.Series(["Free entry in a weekly draw", "ok, see you at home"])
    assert np.array_equal(clone.predict_proba(texts), model.predict_proba(texts))


def test_the_llm_example_of_the_docs_runs_against_a_local_server(tmp_path, monkeypatch):
    """docs/applying.md, "Example: an LLM beside the SMS suite", against tests/llm's server."""
    pytest.importorskip("httpx")
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "llm"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    from chat_server import ChatServer

    text = (ROOT / "docs" / "applying.md").read_text()
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", text, re.DOTALL) if "GOLD_IDS" in b]
    assert 'base_url="http://127.0.0.1:8080/v1"' in block
    namespace: dict[str, object] = {}
    with ChatServer() as server:
        code = block.replace("http://127.0.0.1:8080/v1", server.base_url)
        exec(compile(code, "docs/applying.md", "exec"), namespace)
        assert len(server.requests) == namespace["rows"]["text"].nunique()  # a repeat: asked once
    votes = namespace["votes"]
    assert votes.lf_names[-2:] == ("naive_bayes", "llm_spam") and votes.has_confidences
    assert (tmp_path / "llm_cache").is_dir()
