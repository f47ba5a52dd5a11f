"""ChatClient against the real local chat server: order, concurrency, retries, refusals, checks."""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pytest
from chat_server import TEXTS, ChatServer, spam_rule

import weaklabel._lfs.chat
from weaklabel._lfs.chat import ChatAnswer, ChatClient, ChatError, retry
from weaklabel._lfs.chat.answer import check_model
from weaklabel._lfs.chat.progress import ChatProgress
from weaklabel.exceptions import MissingDependencyError, ParameterError, WeaklabelError


def prompt(text: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "Answer spam or ham."},
        {"role": "user", "content": text},
    ]


def client_for(server, **options) -> ChatClient:
    options = {"progress": False, "max_retries": 3, "timeout": 5.0, **options}
    return ChatClient("test-model", base_url=server.base_url, **options)


def test_the_public_names():
    assert weaklabel._lfs.chat.__all__ == ["ChatAnswer", "ChatCache", "ChatClient", "ChatError"]
    assert issubclass(ChatError, WeaklabelError)


def test_answers_come_back_in_input_order(chat_server):
    texts = TEXTS * 3
    answers = client_for(chat_server, max_concurrency=4).complete(
        [prompt(f"{t} #{i}") for i, t in enumerate(texts)]
    )
    assert [a.text for a in answers] == [spam_rule(prompt(t)) for t in texts]
    assert all(isinstance(a, ChatAnswer) and not a.cached for a in answers)
    assert {a.model for a in answers} == {"test-model"}
    assert answers[0].prompt_tokens == math.ceil(len("Answer spam or ham.win a free prize #0") / 4)
    assert answers[0].completion_tokens == 1 and answers[0].logprobs is None
    assert chat_server.request_count == len(texts)
    body = chat_server.chat_requests[0].body
    assert body["model"] == "test-model" and body["temperature"] == 0
    assert "stream" not in body


def test_logprobs_and_sampling_reach_the_answer(chat_server):
    client = client_for(
        chat_server, sampling={"max_tokens": 1, "logprobs": True, "top_logprobs": 2}
    )
    (spam,) = client.complete([prompt("free")])
    assert spam.logprobs == [("spam", pytest.approx(math.log(0.9)))]
    assert spam.top == [[("spam", pytest.approx(math.log(0.9))), ("ham", pytest.approx(-2.302585))]]
    body = chat_server.chat_requests[0].body
    assert body["max_tokens"] == 1 and body["temperature"] == 0 and body["top_logprobs"] == 2


def test_a_repeated_prompt_is_asked_once(chat_server):
    answers = client_for(chat_server).complete([prompt("free"), prompt("ham"), prompt("free")])
    assert [a.text for a in answers] == ["spam", "ham", "spam"]
    assert [a.cached for a in answers] == [False, False, True]
    assert chat_server.request_count == 2


def test_no_prompt_no_request(chat_server):
    assert client_for(chat_server).complete([]) == []
    assert chat_server.request_count == 0


@pytest.mark.parametrize("limit", [1, 3])
def test_concurrency_stays_within_the_limit(limit):
    with ChatServer(latency=0.05) as server:
        client_for(server, max_concurrency=limit).complete([prompt(f"t{i}") for i in range(12)])
        assert server.request_count == 12
        assert server.max_in_flight <= limit
        if limit > 1:
            assert server.max_in_flight > 1


def test_5xx_is_retried_with_growing_jittered_backoff(chat_server, delays):
    chat_server.script(("status", 500), ("status", 503), ("status", 502))
    (answer,) = client_for(chat_server, max_retries=3).complete([prompt("free")])
    assert answer.text == "spam"
    assert chat_server.request_count == 4
    assert len(delays) == 3
    assert all(0 <= d <= retry.BACKOFF_BASE * 2**i for i, d in enumerate(delays))


def test_429_honours_retry_after(chat_server, delays):
    chat_server.script(("status", 429, {"Retry-After": "1"}), ("status", 429))
    (answer,) = client_for(chat_server).complete([prompt("hello")])
    assert answer.text == "ham"
    assert delays[0] == 1.0
    assert 0 <= delays[1] <= 2 * retry.BACKOFF_BASE
    assert chat_server.request_count == 3


def test_a_timeout_is_retried(chat_server, delays):
    chat_server.script(("slow", 5.0))
    (answer,) = client_for(chat_server, timeout=0.2).complete([prompt("free")])
    assert answer.text == "spam"
    assert chat_server.request_count == 2 and len(delays) == 1


def test_a_malformed_body_is_retried(chat_server, delays):
    chat_server.script(("malformed",))
    (answer,) = client_for(chat_server).complete([prompt("free")])
    assert answer.text == "spam" and chat_server.request_count == 2


def test_the_real_sleep_is_short_with_tiny_constants(chat_server, monkeypatch):
    monkeypatch.setattr(retry, "BACKOFF_BASE", 0.001)
    monkeypatch.setattr(retry, "BACKOFF_CAP", 0.002)
    chat_server.script(("status", 500), ("status", 500))
    (answer,) = client_for(chat_server).complete([prompt("free")])
    assert answer.text == "spam" and chat_server.request_count == 3


def test_retries_run_out_with_an_error_naming_the_url(chat_server, delays):
    chat_server.script(*[("status", 500)] * 3)
    with pytest.raises(ChatError, match="failed 3 times") as info:
        client_for(chat_server, max_retries=2).complete([prompt("free")])
    message = str(info.value)
    assert f"{chat_server.base_url}/chat/completions" in message
    assert "HTTP 500" in message and "Scripted failure" in message
    assert "base_url" in message and "max_retries" in message
    assert chat_server.request_count == 3 and len(delays) == 2


def test_an_unreachable_server_names_the_url(closed_port, delays):
    url = f"http://127.0.0.1:{closed_port}/v1"
    client = ChatClient("m", base_url=url, max_retries=2, progress=False)
    with pytest.raises(ChatError, match="Is the server running") as info:
        client.complete([prompt("x")])
    assert f"{url}/chat/completions" in str(info.value)
    assert "ConnectError" in str(info.value)
    assert len(delays) == 2


def test_a_refused_key_fails_at_once_without_showing_it(delays):
    secret = "sk-test-wrong-0123456789"
    with ChatServer(api_key="sk-test-right") as server:
        client = client_for(server, api_key=secret, max_retries=5)
        with pytest.raises(
            ChatError, match="refused the API key from the api_key parameter"
        ) as info:
            client.complete([prompt("x")])
        assert server.request_count == 1 and delays == []
        # the server echoes the key it got (as a careless server might): scrubbed from the error
        assert secret not in str(info.value) and secret not in repr(client)
        assert "HTTP 401" in str(info.value) and "<api key>" in str(info.value)


def test_a_refused_key_from_the_environment_names_the_variable(monkeypatch):
    secret = "sk-test-env-wrong-42"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    with ChatServer(api_key="sk-test-right") as server:
        with pytest.raises(ChatError, match="environment variable OPENAI_API_KEY") as info:
            client_for(server).complete([prompt("x")])
        assert secret not in str(info.value)
        assert server.chat_requests[0].auth_sent and server.request_count == 1


def test_a_server_that_wants_a_key_when_none_was_sent():
    with ChatServer(api_key="sk-test-right") as server:
        with pytest.raises(ChatError, match="none was sent"):
            client_for(server).complete([prompt("x")])
        assert not server.chat_requests[0].auth_sent


def test_the_right_key_from_the_environment_is_sent(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-right")
    with ChatServer(api_key="sk-test-right") as server:
        (answer,) = client_for(server).complete([prompt("free")])
        assert answer.text == "spam" and server.chat_requests[0].auth_ok


def test_another_4xx_fails_at_once_with_the_servers_message(chat_server, delays):
    chat_server.script(("status", 400))
    with pytest.raises(ChatError, match="rejected the request with HTTP 400") as info:
        client_for(chat_server).complete([prompt("x")])
    assert "Scripted failure: HTTP 400." in str(info.value)
    assert chat_server.request_count == 1 and delays == []


def test_one_failure_stops_the_batch_with_its_own_error(delays):
    with ChatServer(latency=0.02) as server:
        server.script(("status", 400))
        with pytest.raises(ChatError, match="HTTP 400"):
            client_for(server, max_concurrency=4).complete([prompt(f"t{i}") for i in range(12)])
        assert server.request_count < 12  # the prompts still queued were never sent


def test_an_answer_from_another_model_is_refused():
    with (
        ChatServer(model="other-model") as server,
        pytest.raises(ChatError, match="'other-model', but 'test-model'"),
    ):
        client_for(server).complete([prompt("x")])


def test_a_scripted_other_model_is_refused(chat_server):
    chat_server.script(("model", "gpt-4o-mini"))
    with pytest.raises(ChatError, match="answered with the model 'gpt-4o-mini'"):
        client_for(chat_server).complete([prompt("x")])


def test_a_dated_snapshot_of_the_model_is_accepted():
    with ChatServer(model="test-model-2024-07-18") as server:
        (answer,) = client_for(server).complete([prompt("x")])
        assert answer.model == "test-model-2024-07-18"


@pytest.mark.parametrize(
    ("answered", "requested", "ok"),
    [
        ("gpt-4o-mini", "gpt-4o-mini", True),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini", True),
        ("gpt-4-0613", "gpt-4", True),
        ("gpt-4o-mini", "gpt-4o", False),
        ("gpt-4o", "gpt-4o-mini", False),
        ("llama-3", "gpt-4o", False),
    ],
)
def test_the_model_check(answered, requested, ok):
    if ok:
        check_model(answered, requested, url="u")
    else:
        with pytest.raises(ChatError, match=f"{answered!r}, but {requested!r}"):
            check_model(answered, requested, url="u")


def test_dry_run_sends_nothing(chat_server):
    client = client_for(chat_server, api_key="sk-test-dry-secret", sampling={"max_tokens": 3})
    prompts = [prompt(t) for t in TEXTS]
    text = client.dry_run(prompts, n=2)
    assert chat_server.request_count == 0
    assert "sk-test-dry-secret" not in text
    chars = sum(len(m["content"]) for p in prompts for m in p)
    assert f"about {math.ceil(chars / 4):,}" in text and "characters / 4" in text
    assert f"{chat_server.base_url}/chat/completions" in text
    assert text.count("Request ") == 2
    first = text[text.index("{") : text.index("Request 2")]
    assert json.loads(first) == client.body(prompts[0])


def test_progress_false_prints_nothing(chat_server, capsys):
    client_for(chat_server).complete([prompt(t) for t in TEXTS])
    assert capsys.readouterr() == ("", "")


def test_the_progress_bar_shows_tokens_and_cost(chat_server, capsys):
    client = client_for(chat_server, progress=True, price_per_token=(1e-3, 2e-3))
    client.complete([prompt("free")], desc="prompt_lf spam_llm")
    err = capsys.readouterr().err
    assert "prompt_lf spam_llm" in err and "tokens=" in err and "cost=$" in err


def test_the_bar_counts_cached_rows_but_not_their_tokens():
    answer = ChatAnswer(
        text="x",
        logprobs=None,
        top=None,
        prompt_tokens=10,
        completion_tokens=2,
        cached=False,
        model="m",
    )
    with ChatProgress(4, desc="d", enabled=False, price_per_token=(0.001, 0.002)) as bar:
        bar.add(answer)
        bar.add(answer, rows=2, paid=False)
        bar.add(answer)
    assert bar.tokens == 24 and bar.cost == pytest.approx(2 * (0.010 + 0.004))


def test_a_missing_httpx_names_the_llm_extra(chat_server, monkeypatch):
    monkeypatch.setitem(sys.modules, "httpx", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'weaklabel\[llm\]'"):
        client_for(chat_server).complete([prompt("x")])
    assert chat_server.request_count == 0


def test_a_full_cache_answers_without_httpx(chat_server, monkeypatch, tmp_path):
    client = client_for(chat_server, cache_dir=tmp_path / "cache")
    first = client.complete([prompt("win a prize"), prompt("see you")])
    monkeypatch.setitem(sys.modules, "httpx", None)
    again = client.complete([prompt("see you"), prompt("win a prize")])
    assert [a.text for a in again] == [first[1].text, first[0].text]
    assert all(a.cached for a in again) and chat_server.request_count == 2
    with pytest.raises(MissingDependencyError, match=r"weaklabel\[llm\]"):
        client.complete([prompt("a new one")])


def test_repr_never_shows_the_key():
    client = ChatClient("m", api_key="sk-test-hidden")
    assert "sk-test-hidden" not in repr(client) and "<hidden>" in repr(client)


def test_the_same_seed_draws_the_same_jitter():
    a, b = retry.Backoff(np.random.default_rng(7)), retry.Backoff(np.random.default_rng(7))
    assert [a.delay(i) for i in range(5)] == [b.delay(i) for i in range(5)]
    assert retry.Backoff(np.random.default_rng(0)).delay(40) <= retry.BACKOFF_CAP


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"base_url": "localhost:8000"}, "'base_url' parameter of ChatClient"),
        ({"base_url": "ftp://127.0.0.1/v1"}, "'base_url'"),
        ({"base_url": "http://127.0.0.1:1/v1/chat/completions"}, "Leave out '/chat/completions'"),
        ({"max_concurrency": 0}, "'max_concurrency' parameter of ChatClient must be an int >= 1"),
        ({"max_concurrency": 2.5}, "'max_concurrency'"),
        ({"max_retries": -1}, "'max_retries' parameter of ChatClient must be an int >= 0"),
        ({"timeout": 0}, "'timeout' parameter of ChatClient must be a float > 0. Got 0"),
        ({"sampling": {"stream": True}}, "Leave out \\['stream'\\]"),
        ({"sampling": {"model": "x"}}, "Leave out \\['model'\\]"),
        ({"sampling": {"temperature": float("nan")}}, "'sampling'"),
        ({"price_per_token": (1.0,)}, "'price_per_token'"),
        ({"price_per_token": (1.0, -1.0)}, "'price_per_token'"),
        ({"progress": "yes"}, "'progress' parameter of ChatClient must be a bool"),
        ({"random_state": -1}, "'random_state'"),
        ({"api_key": ""}, "API key from api_key= must be a non-empty str"),
    ],
)
def test_bad_settings_are_refused(options, match):
    with pytest.raises(ParameterError, match=match):
        ChatClient("m", **options)


def test_a_bad_key_is_refused_without_showing_it(monkeypatch, closed_port):
    with pytest.raises(ParameterError) as info:
        ChatClient("m", api_key="sk-test with space")
    assert "sk-test" not in str(info.value)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env\nnewline")
    with pytest.raises(ParameterError, match="OPENAI_API_KEY") as info:
        ChatClient("m", base_url=f"http://127.0.0.1:{closed_port}/v1").complete([prompt("x")])
    assert "sk-env" not in str(info.value)


@pytest.mark.parametrize(
    ("prompts", "match"),
    [
        ("free", "takes a list of prompts"),
        ([{"role": "user", "content": "x"}], "Prompt 0 .* is a dict"),
        ([[]], "Prompt 0 .* has no message"),
        ([prompt("x"), [{"role": "bot", "content": "x"}]], "Message 0 of prompt 1 .* 'bot'"),
        ([[{"role": "user"}]], "has no content"),
        ([[{"role": "user", "content": "x", "name": "n"}]], "\\['name'\\]"),
    ],
)
def test_malformed_prompts_are_refused_before_any_request(chat_server, prompts, match):
    with pytest.raises(ParameterError, match=match):
        client_for(chat_server).complete(prompts)
    assert chat_server.request_count == 0
