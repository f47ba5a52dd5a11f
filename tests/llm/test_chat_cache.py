"""The answer cache: reruns cost nothing, crashes lose nothing, bad files are misses, no key."""

from __future__ import annotations

import json

import pytest
from chat_server import ChatServer

from weaklabel._lfs.chat import ChatAnswer, ChatCache, ChatClient, ChatError

TEXTS = ["win a free prize", "lovely song", "click here", "great video", "nothing to see"]
BASE = {
    "base_url": "http://127.0.0.1:8000/v1",
    "model": "m",
    "messages": [{"role": "user", "content": "hi"}],
    "sampling": {"temperature": 0},
}


def prompt(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def client_for(server, folder, **options) -> ChatClient:
    options = {"progress": False, "max_retries": 2, "cache_dir": folder, **options}
    return ChatClient("test-model", base_url=server.base_url, **options)


def cache_files(folder):
    return sorted(p for p in folder.rglob("*.json"))


def test_a_rerun_is_answered_from_the_cache(chat_server, tmp_path):
    prompts = [prompt(t) for t in TEXTS]
    first = client_for(chat_server, tmp_path).complete(prompts)
    assert chat_server.request_count == len(TEXTS)
    again = client_for(chat_server, tmp_path).complete(prompts)
    assert chat_server.request_count == len(TEXTS)  # no new request
    assert [a.text for a in again] == [a.text for a in first]
    assert all(a.cached for a in again) and not any(a.cached for a in first)
    assert [a.prompt_tokens for a in again] == [a.prompt_tokens for a in first]
    assert len(cache_files(tmp_path)) == len(TEXTS)


def test_logprobs_survive_the_cache(chat_server, tmp_path):
    sampling = {"logprobs": True, "top_logprobs": 2}
    (first,) = client_for(chat_server, tmp_path, sampling=sampling).complete([prompt("free")])
    (again,) = client_for(chat_server, tmp_path, sampling=sampling).complete([prompt("free")])
    assert again.cached and chat_server.request_count == 1
    assert again.logprobs == first.logprobs and again.top == first.top
    assert isinstance(again.logprobs[0], tuple)


def test_the_file_layout_holds_the_request_and_the_answer(chat_server, tmp_path):
    client = client_for(chat_server, tmp_path)
    client.complete([prompt("free")])
    key = client.cache_key(prompt("free"))
    (path,) = cache_files(tmp_path)
    assert path == tmp_path / key[:2] / f"{key}.json"
    record = json.loads(path.read_text())
    assert record["key"] == key and record["version"] == 1
    assert record["request"] == client.body(prompt("free"))
    assert record["answer"]["text"] == "spam" and "cached" not in record["answer"]


def test_a_crash_midway_keeps_the_answers_already_written(chat_server, tmp_path, delays):
    prompts = [prompt(t) for t in TEXTS]
    chat_server.script(("answer", "ham"), ("answer", "ham"), ("status", 400))
    with pytest.raises(ChatError, match="HTTP 400"):
        client_for(chat_server, tmp_path, max_concurrency=1).complete(prompts)
    assert chat_server.request_count == 3
    assert len(cache_files(tmp_path)) == 2
    answers = client_for(chat_server, tmp_path).complete(prompts)
    assert chat_server.request_count == 3 + len(TEXTS) - 2  # only the missing ones
    assert [a.cached for a in answers] == [True, True, False, False, False]
    assert [a.text for a in answers] == ["ham", "ham", "spam", "ham", "ham"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "",
        lambda text: "null",
        lambda text: "[1, 2]",
        lambda text: text.replace('"version": 1', '"version": 99'),
        lambda text: text.replace('"format": "weaklabel.chat-answer"', '"format": "other"'),
        lambda text: text.replace('"text": "spam"', '"text": 7'),
        lambda text: text.replace('"prompt_tokens": ', '"prompt_tokens": -'),
    ],
)
def test_a_damaged_file_is_a_miss_and_is_replaced(chat_server, tmp_path, damage):
    client = client_for(chat_server, tmp_path)
    client.complete([prompt("free")])
    (path,) = cache_files(tmp_path)
    good = path.read_text()
    path.write_text(damage(good), encoding="utf-8")
    (answer,) = client.complete([prompt("free")])
    assert not answer.cached and answer.text == "spam"
    assert chat_server.request_count == 2
    assert json.loads(path.read_text()) == json.loads(good)


def test_invalid_bytes_are_a_miss(tmp_path):
    cache = ChatCache(tmp_path)
    key = ChatCache.key(**BASE)
    cache.path(key).parent.mkdir(parents=True)
    cache.path(key).write_bytes(b"\xff\xfe{not json")
    assert cache.get(key) is None


def test_a_file_under_another_key_is_a_miss(tmp_path):
    cache = ChatCache(tmp_path)
    key, other = ChatCache.key(**BASE), ChatCache.key(**{**BASE, "model": "n"})
    answer = ChatAnswer(
        text="x",
        logprobs=None,
        top=None,
        prompt_tokens=1,
        completion_tokens=1,
        cached=False,
        model="m",
    )
    cache.put(key, answer)
    cache.path(other).parent.mkdir(parents=True, exist_ok=True)
    cache.path(other).write_bytes(cache.path(key).read_bytes())
    assert cache.get(key) == ChatAnswer(**{**answer.__dict__, "cached": True})
    assert cache.get(other) is None


@pytest.mark.parametrize(
    "change",
    [
        {"base_url": "http://127.0.0.1:8001/v1"},
        {"model": "n"},
        {"messages": [{"role": "user", "content": "hi!"}]},
        {"messages": [{"role": "system", "content": "hi"}]},
        {"sampling": {"temperature": 0.5}},
        {"sampling": {"temperature": 0, "max_tokens": 5}},
    ],
)
def test_the_key_changes_with_what_is_asked(change):
    assert ChatCache.key(**{**BASE, **change}) != ChatCache.key(**BASE)


def test_the_key_ignores_order_and_a_trailing_slash():
    same = {
        **BASE,
        "base_url": BASE["base_url"] + "/",
        "sampling": {"max_tokens": 5, "temperature": 0},
    }
    shuffled = {**BASE, "sampling": {"temperature": 0, "max_tokens": 5}}
    assert ChatCache.key(**same) == ChatCache.key(**shuffled)
    assert len(ChatCache.key(**BASE)) == 32


def test_the_key_never_depends_on_the_api_key(monkeypatch):
    messages = prompt("x")
    keys = {ChatClient("m", api_key=k).cache_key(messages) for k in ("sk-test-a", "sk-test-b")}
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-c")
    keys.add(ChatClient("m").cache_key(messages))
    assert len(keys) == 1


def test_a_new_sampling_setting_is_a_miss(chat_server, tmp_path):
    client_for(chat_server, tmp_path).complete([prompt("free")])
    client_for(chat_server, tmp_path, sampling={"max_tokens": 2}).complete([prompt("free")])
    assert chat_server.request_count == 2 and len(cache_files(tmp_path)) == 2


def test_the_key_from_the_environment_never_reaches_the_cache(monkeypatch, tmp_path):
    secret = "sk-test-secret-from-env-4242"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    with ChatServer(api_key=secret) as server:
        answers = client_for(server, tmp_path).complete([prompt(t) for t in TEXTS])
        assert all(r.auth_ok for r in server.chat_requests)
    assert len(answers) == len(TEXTS)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == len(TEXTS)
    for path in files:
        assert secret.encode() not in path.read_bytes()
        assert b"sk-test" not in path.read_bytes()
