"""prompt_lf against the real local chat server: votes, templates, verbalizers, confidences, cache,
few-shot examples, errors, processes, checkpoints and the dry run."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from chat_server import TEXTS, ChatServer

from weaklabel import (
    ABSTAIN,
    DataError,
    LabelingFunction,
    LabelingFunctionError,
    ParameterError,
    apply_lfs,
    keyword_lf,
    prompt_lf,
)
from weaklabel._lfs.chat import ChatError
from weaklabel._lfs.prompted import PromptedLF, dry_run
from weaklabel._lfs.verbalizer import Verbalizer

SPAM, HAM = 1, 0
EXPECTED = [SPAM, HAM, SPAM, HAM, SPAM, HAM]  # what spam_rule answers
FRAME = pd.DataFrame({"text": TEXTS})
CLASSES = ["ham", "spam"]
TEMPLATE = "Comment: {text}\nAnswer spam or ham."


def make_lf(server, name="llm", prompt=TEMPLATE, **options) -> PromptedLF:
    options = {"progress": False, "max_retries": 1, "timeout": 5.0, **options}
    return prompt_lf(
        name, prompt, classes=CLASSES, model="test-model", base_url=server.base_url, **options
    )


def apply(lfs, frame=FRAME, **options):
    return apply_lfs(lfs, frame, classes=CLASSES, progress=False, **options)


def dense(votes, what="labels"):
    out = np.full(votes.shape, ABSTAIN if what == "labels" else 0.0)
    values = votes.labels() if what == "labels" else votes.confidences()
    out[votes.rows(), votes.lfs] = values
    return out


def user_messages(server):
    return [r.body["messages"][-1]["content"] for r in server.chat_requests]


# -- votes ----------------------------------------------------------------------------------------


def test_votes_next_to_a_keyword_lf(chat_server):
    lf = make_lf(chat_server)
    assert isinstance(lf, LabelingFunction) and lf.vectorized
    votes = apply([lf, keyword_lf("link", "http", SPAM)])
    assert votes.lf_names == ("llm", "link")
    assert dense(votes)[:, 0].tolist() == EXPECTED
    assert dense(votes)[:, 1].tolist() == [-1, -1, SPAM, -1, -1, -1]
    assert chat_server.request_count == len(TEXTS)
    assert sorted(user_messages(chat_server)) == sorted(TEMPLATE.format(text=t) for t in TEXTS)
    body = chat_server.chat_requests[0].body
    assert body["temperature"] == 0 and body["max_tokens"] == 8
    assert body["logprobs"] is True and body["top_logprobs"] == 5


def test_a_template_with_two_fields(chat_server):
    frame = pd.DataFrame({"title": ["free stuff", "my holiday"], "text": ["see inside", "photos"]})
    lf = make_lf(chat_server, prompt="Title: {title}\nBody: {text}\n{{spam|ham}}?")
    votes = apply([lf], frame)
    assert dense(votes)[:, 0].tolist() == [SPAM, HAM]
    assert sorted(user_messages(chat_server)) == [
        "Title: free stuff\nBody: see inside\n{spam|ham}?",
        "Title: my holiday\nBody: photos\n{spam|ham}?",
    ]


def test_rows_with_a_missing_field_abstain_without_a_request(chat_server):
    frame = pd.DataFrame({"text": ["win a prize", None, "nice song"]})
    votes = apply([make_lf(chat_server)], frame)
    assert dense(votes)[:, 0].tolist() == [SPAM, ABSTAIN, HAM]
    assert chat_server.request_count == 2


def test_verbalizer_synonyms():
    def rule(messages):
        text = messages[-1]["content"]
        return "Junk!" if "free" in text else "Not spam." if "song" in text else "legit"

    frame = pd.DataFrame({"text": ["free money", "a song", "a video"]})
    verbalizer = {"spam": ["spam", "junk"], 0: ["ham", "legit", "not spam"]}
    with ChatServer(rule=rule) as server:
        votes = apply([make_lf(server, verbalizer=verbalizer)], frame)
    assert dense(votes)[:, 0].tolist() == [SPAM, HAM, HAM]  # "not spam" wins over "spam" in it


def test_an_answer_naming_no_class_or_two_classes_abstains():
    answers = {"a": "I cannot tell.", "b": "spam or ham, hard to say", "c": "spammy", "d": "HAM"}

    def rule(messages):
        return answers[messages[-1]["content"][-1]]

    frame = pd.DataFrame({"text": list("abcd")})
    with ChatServer(rule=rule) as server:
        lf = make_lf(server, prompt="{text}")
        votes = apply([lf], frame)
    assert dense(votes)[:, 0].tolist() == [ABSTAIN, ABSTAIN, ABSTAIN, HAM]  # whole words only


def test_a_scripted_answer_with_two_classes_abstains(chat_server):
    chat_server.script(("answer", "spam and ham"))
    votes = apply([make_lf(chat_server, max_concurrency=1)], FRAME.iloc[:2])
    assert dense(votes)[:, 0].tolist() == [ABSTAIN, HAM]


# -- confidences ----------------------------------------------------------------------------------


def test_confidences_come_from_the_logprobs(chat_server):
    votes = apply([make_lf(chat_server)])
    assert votes.has_confidences
    # the server gives the answer token p=0.9 and the other class p=0.1: 0.9 / (0.9 + 0.1)
    assert np.allclose(dense(votes, "confidences")[:, 0], 0.9)


def test_confidence_is_read_at_the_first_token_that_starts_a_class_word():
    def rule(messages):
        return "It is spam" if "free" in messages[-1]["content"] else "ham"

    frame = pd.DataFrame({"text": ["free", "fine"]})
    with ChatServer(rule=rule) as server:
        votes = apply([make_lf(server)], frame)
    assert dense(votes)[:, 0].tolist() == [SPAM, HAM]
    assert np.allclose(dense(votes, "confidences")[:, 0], 0.9)


def test_the_confidence_rule_on_hand_made_logprobs():
    v = Verbalizer.build(CLASSES, {"ham": ["ham", "not spam"], "spam": ["spam"]}, owner="t")
    ln = math.log
    top = [[("Sp", ln(0.6)), (" spam", ln(0.1)), ("ham", ln(0.2)), ("maybe", ln(0.1))]]
    assert v.confidence(SPAM, [("Sp", ln(0.6))], top) == pytest.approx(0.7 / 0.9)
    assert v.confidence(HAM, [("ham", ln(0.2))], top) == pytest.approx(0.2 / 0.9)
    # only the chosen token known: its probability
    assert v.confidence(SPAM, [("spam", ln(0.42))], None) == pytest.approx(0.42)
    # no token starts a class word: the probability of the whole answer
    assert v.confidence(SPAM, [("x", ln(0.5)), ("y", ln(0.5))], None) == pytest.approx(0.25)
    # clipped into (0, 1]
    assert v.confidence(SPAM, [("spam", -1e6)], None) == pytest.approx(1e-6)
    assert v.token_class(" Not") == HAM and v.token_class("s") == SPAM
    assert v.token_class("The") is None and v.token_class("!") is None


def test_no_confidences_when_the_server_gives_no_logprobs():
    with ChatServer(logprobs=False) as server:
        votes = apply([make_lf(server)])
    assert dense(votes)[:, 0].tolist() == EXPECTED
    assert not votes.has_confidences


def test_no_confidences_when_logprobs_are_not_asked_for(chat_server):
    lf = make_lf(chat_server, sampling={"logprobs": None, "top_logprobs": None, "max_tokens": 3})
    votes = apply([lf])
    assert dense(votes)[:, 0].tolist() == EXPECTED and not votes.has_confidences
    body = chat_server.chat_requests[0].body
    assert "logprobs" not in body and "top_logprobs" not in body and body["max_tokens"] == 3


# -- cache, few-shot, progress --------------------------------------------------------------------


def test_a_cached_rerun_makes_no_request_and_gives_the_same_votes(chat_server, tmp_path):
    first = apply([make_lf(chat_server, cache_dir=tmp_path)])
    assert chat_server.request_count == len(TEXTS)
    again = apply([make_lf(chat_server, cache_dir=tmp_path, max_concurrency=2)])
    assert chat_server.request_count == len(TEXTS)
    assert again == first and again.has_confidences


def test_few_shot_examples_are_sent_before_the_row(chat_server):
    gold = pd.DataFrame({"text": ["click to win", "nice tune"], "label": ["spam", 0]})
    lf = make_lf(chat_server, system="You label comments.", examples=gold)
    apply([lf], FRAME.iloc[:1])
    (request,) = chat_server.chat_requests
    assert request.body["messages"] == [
        {"role": "system", "content": "You label comments."},
        {"role": "user", "content": TEMPLATE.format(text="click to win")},
        {"role": "assistant", "content": "spam"},
        {"role": "user", "content": TEMPLATE.format(text="nice tune")},
        {"role": "assistant", "content": "ham"},
        {"role": "user", "content": TEMPLATE.format(text=TEXTS[0])},
    ]


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        ([{"text": "x", "label": "junk"}], r"example 0 has the label 'junk', which is no class"),
        ([{"text": "x", "label": 2}], r"example 0 has the label 2"),
        ([{"text": "x"}], r"example 0 has no 'label'"),
        ([{"text": "x", "label": 1}, {"body": "y", "label": 0}], r"example 1 has no 'text'"),
        (pd.DataFrame({"text": ["x"], "label": [None]}), r"example 0 has no 'label'"),
        ("text,label", r"'examples' parameter of prompt_lf\('llm'\) must be"),
    ],
)
def test_bad_few_shot_examples_are_refused(chat_server, examples, message):
    with pytest.raises(ParameterError, match=message):
        make_lf(chat_server, examples=examples)


def test_the_progress_bar_is_labelled_with_the_lf(chat_server, capsys):
    apply([make_lf(chat_server, progress=True)], FRAME.iloc[:2])
    assert "prompt_lf llm" in capsys.readouterr().err


# -- errors ---------------------------------------------------------------------------------------


def test_an_unknown_placeholder_names_it_and_the_closest_column(chat_server):
    lf = make_lf(chat_server, prompt="Comment: {txt}")
    with pytest.raises(LabelingFunctionError) as caught:
        apply([lf], FRAME.assign(author="a"))
    message = str(caught.value)
    assert "'llm'" in message and "{txt}" in message and "Did you mean {text}?" in message
    assert "its columns are: text, author" in message
    with pytest.raises(LabelingFunctionError, match=r"prompt_lf 'llm' has the placeholder"):
        lf.vote_batch(FRAME)
    assert chat_server.request_count == 0


@pytest.mark.parametrize(
    ("prompt", "why"),
    [
        ("Comment: {text", "malformed"),
        ("Comment: text}", "malformed"),
        ("Comment: {}", r"placeholder \{\} is positional"),
        ("Comment: {0}", r"placeholder \{0\} is positional"),
        ("Comment: {text!r}", "conversion or format spec"),
        ("Comment: {text:>20}", "conversion or format spec"),
        ("Comment: {row.text}", "reads an attribute or an item"),
        ("Is it spam?", "no placeholder"),
        ("", "must be a str.format template"),
    ],
)
def test_a_malformed_template_is_refused_when_the_lf_is_built(chat_server, prompt, why):
    with pytest.raises(ParameterError, match=r"The 'prompt' parameter of prompt_lf\('llm'\)") as e:
        make_lf(chat_server, prompt=prompt)
    assert e.match(why)


@pytest.mark.parametrize(
    ("verbalizer", "message"),
    [
        ({"spam": ["spam"]}, r"no words for the class\(es\) 'ham'"),
        ({"ham": "ham", "spma": "spam"}, r"class 'spma', which is not one.*Did you mean 'spam'\?"),
        ({"ham": "ham", 2: "spam"}, r"names the class 2"),
        ({"ham": ["ham", "Junk"], "spam": ["spam", "junk"]}, r"word 'junk' to two classes"),
        ({"ham": [], "spam": ["spam"]}, r"words of the class 'ham' must be a non-empty list"),
        ({"ham": "ham", 0: "x", "spam": "spam"}, r"class 'ham' twice"),
        (["ham", "spam"], r"'verbalizer' parameter of prompt_lf\('llm'\) must be a mapping"),
    ],
)
def test_a_bad_verbalizer_is_refused_naming_the_culprit(chat_server, verbalizer, message):
    with pytest.raises(ParameterError, match=r"'verbalizer' parameter") as caught:
        make_lf(chat_server, verbalizer=verbalizer)
    assert caught.match(message)


@pytest.mark.parametrize(
    ("option", "value", "name"),
    [
        ("classes", ["spam"], "classes"),
        ("classes", "ham,spam", "classes"),
        ("classes", ["ham", "ham"], "classes"),
        ("max_concurrency", 0, "max_concurrency"),
        ("timeout", 0, "timeout"),
        ("max_retries", -1, "max_retries"),
        ("base_url", "127.0.0.1:8000", "base_url"),
        ("sampling", {"model": "x"}, "sampling"),
        ("system", 3, "system"),
        ("progress", "yes", "progress"),
        ("cache_dir", 3, "cache_dir"),
    ],
)
def test_bad_settings_are_refused_naming_the_parameter(chat_server, option, value, name):
    options = {"classes": CLASSES, "model": "m", "base_url": chat_server.base_url, option: value}
    with pytest.raises(ParameterError, match=rf"The '{name}' parameter of prompt_lf\('x'\)"):
        prompt_lf("x", TEMPLATE, **options)


def test_an_unreachable_server_is_named_in_the_error(closed_port, delays):
    url = f"http://127.0.0.1:{closed_port}/v1"
    lf = prompt_lf(
        "llm",
        TEMPLATE,
        classes=CLASSES,
        model="m",
        base_url=url,
        max_retries=1,
        max_concurrency=1,
        progress=False,
    )
    # apply_lfs wraps the ChatError in a LabelingFunctionError naming the LF and the rows
    with pytest.raises(LabelingFunctionError) as caught:
        apply([lf], on_error="abstain")  # not a per-row failure: it stops the run anyway
    assert isinstance(caught.value.__cause__, ChatError)
    assert "Labeling function 'llm' cannot run on rows 0..5" in str(caught.value)
    assert f"{url}/chat/completions" in str(caught.value)
    assert len(delays) == 1  # one retry, not slept


def test_a_refused_key_fails_at_once_without_showing_it():
    key = "sk-wrong-secret-123"
    with ChatServer(api_key="sk-right") as server:
        lf = make_lf(server, api_key=key, max_retries=5)
        assert key not in repr(lf) and key not in repr(lf.func)
        with pytest.raises(LabelingFunctionError) as caught:
            apply([lf], FRAME.iloc[:1])
        assert server.request_count == 1  # no retry
    assert isinstance(caught.value.__cause__, ChatError)
    assert "401" in str(caught.value) and key not in str(caught.value)


def test_the_key_is_never_written_to_the_cache_or_the_checkpoint(tmp_path):
    key = "sk-right-key-456"
    with ChatServer(api_key=key) as server:
        lf = make_lf(server, api_key=key, cache_dir=tmp_path / "cache")
        votes = apply([lf], checkpoint_dir=tmp_path / "ckpt")
    assert dense(votes)[:, 0].tolist() == EXPECTED
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > len(TEXTS)
    assert not any(key.encode() in p.read_bytes() for p in files)


# -- processes, checkpoints, dry run --------------------------------------------------------------


def test_the_lf_pickles_and_works_in_worker_processes(chat_server):
    lf = make_lf(chat_server)
    copy = pickle.loads(pickle.dumps(lf))
    assert isinstance(copy, PromptedLF) and copy.name == "llm"
    one = apply([lf])
    two = apply([copy], n_jobs=2, chunk_size=2)
    assert two == one and dense(two)[:, 0].tolist() == EXPECTED


def test_a_checkpoint_resumes_with_equal_votes(chat_server, tmp_path):
    first = apply([make_lf(chat_server)], checkpoint_dir=tmp_path, chunk_size=2)
    asked = chat_server.request_count
    # how the LF asks (concurrency, timeout, progress) is not part of its fingerprint
    lf = make_lf(chat_server, max_concurrency=3, timeout=9.0)
    resumed = apply([lf], checkpoint_dir=tmp_path, chunk_size=2)
    assert resumed == first and chat_server.request_count == asked
    with pytest.raises(DataError, match="LF 'llm' changed"):
        apply([make_lf(chat_server, prompt="Text: {text}")], checkpoint_dir=tmp_path, chunk_size=2)


def test_the_lf_runs_on_a_dask_cluster_beside_other_lfs(chat_server, tmp_path):
    dd = pytest.importorskip("dask.dataframe")  # the dev install has it: never skipped in CI
    import distributed

    frame = FRAME.assign(id=[f"t{i}" for i in range(len(FRAME))])
    lfs = [make_lf(chat_server, cache_dir=tmp_path), keyword_lf("money", ["money", "win"], SPAM)]
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as cluster,
        distributed.Client(cluster),
    ):
        votes = apply_lfs(
            lfs, dd.from_pandas(frame, npartitions=3), classes=CLASSES, id_column="id"
        )
        local = votes.to_local()
    asked = chat_server.request_count
    assert asked == len(FRAME)  # the workers asked, once per row
    here = apply(lfs, frame, id_column="id")
    assert chat_server.request_count == asked  # the workers' answers are in the cache
    assert local == here and local.has_confidences
    assert dense(local, "confidences").tolist() == dense(here, "confidences").tolist()


def test_dry_run_renders_prompts_and_sends_nothing(chat_server):
    lf = make_lf(chat_server, system="Be brief.")
    report = lf.dry_run(FRAME.assign(text=[*TEXTS[:5], None]), n=2)
    assert chat_server.request_count == 0
    assert "Dry run: 5 prompts for POST " + chat_server.base_url in report
    assert "Request 2 of 5" in report and "Request 3 of 5" not in report
    assert '"content": "Comment: win a free prize\\nAnswer spam or ham."' in report
    assert "Estimated input tokens" in report
    assert "1 row(s) with a missing field would abstain" in report
    assert dry_run(lf, [{"text": "hi"}], n=0).startswith("Dry run: 1 prompt for POST")
    with pytest.raises(ParameterError, match="'lf' parameter of dry_run"):
        dry_run(keyword_lf("k", "x", 1), FRAME)


def test_the_lf_reads_one_example_too(chat_server):
    lf = make_lf(chat_server)
    assert lf({"text": "win a prize"}) == SPAM
    assert lf({"text": "a song"}) == HAM
