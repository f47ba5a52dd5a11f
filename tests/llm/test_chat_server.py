"""The test chat server itself: the OpenAI schema, the rule, auth, scripted failures, records.

Spoken to with urllib, so that these tests hold whatever the client does.
"""

from __future__ import annotations

import json
import math
import threading
import urllib.error
import urllib.request

import pytest
from chat_server import ChatServer, spam_rule


def call(server, body=None, *, path="/chat/completions", key=None, method=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.base_url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if key is not None:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read()


def ask(text, **extra):
    return {"model": "m", "messages": [{"role": "user", "content": text}], **extra}


def test_it_listens_on_127_0_0_1_only_on_an_ephemeral_port(chat_server):
    assert chat_server.base_url == f"http://127.0.0.1:{chat_server.port}/v1"
    assert chat_server.port > 0
    assert chat_server._httpd.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("WIN a prize", "spam"),
        ("see http://x.io", "spam"),
        ("Please SUBSCRIBE", "spam"),
        ("lovely song", "ham"),
        ("", "ham"),
    ],
)
def test_the_default_rule_reads_the_last_user_message(text, label):
    messages = [{"role": "user", "content": "free stuff"}, {"role": "user", "content": text}]
    assert spam_rule([{"role": "system", "content": "free"}, *messages[1:]]) == label
    assert spam_rule(messages) == label


def test_a_completion_has_the_openai_schema(chat_server):
    status, headers, raw = call(chat_server, ask("click here to win"))
    data = json.loads(raw)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert data["object"] == "chat.completion"
    assert data["model"] == "m"
    assert isinstance(data["id"], str) and isinstance(data["created"], int)
    choice = data["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": "spam"}
    assert choice["finish_reason"] == "stop"
    assert choice["logprobs"] is None
    usage = data["usage"]
    assert usage["prompt_tokens"] == math.ceil(len("click here to win") / 4)
    assert usage["completion_tokens"] == 1
    assert usage["total_tokens"] == usage["prompt_tokens"] + 1


def test_logprobs_when_asked(chat_server):
    _, _, raw = call(chat_server, ask("nice", logprobs=True, top_logprobs=5))
    content = json.loads(raw)["choices"][0]["logprobs"]["content"]
    assert content == [
        {
            "token": "ham",
            "logprob": math.log(0.9),
            "top_logprobs": [
                {"token": "ham", "logprob": math.log(0.9)},
                {"token": "spam", "logprob": math.log(0.1)},
            ],
        }
    ]
    _, _, raw = call(chat_server, ask("nice", logprobs=True, top_logprobs=1))
    assert len(json.loads(raw)["choices"][0]["logprobs"]["content"][0]["top_logprobs"]) == 1


def test_a_custom_rule_model_and_models_list():
    with ChatServer(rule=lambda messages: "neutral", model="served-model") as server:
        _, _, raw = call(server, ask("free"))
        assert json.loads(raw)["choices"][0]["message"]["content"] == "neutral"
        assert json.loads(raw)["model"] == "served-model"
        status, _, raw = call(server, path="/models")
        assert status == 200
        assert [m["id"] for m in json.loads(raw)["data"]] == ["served-model"]


def test_a_wrong_or_missing_key_gets_401_and_the_record_hides_it():
    with ChatServer(api_key="sk-test-right") as server:
        status, _, raw = call(server, ask("x"), key="sk-test-wrong")
        assert status == 401
        assert json.loads(raw)["error"]["code"] == "invalid_api_key"
        assert call(server, ask("x"))[0] == 401
        assert call(server, ask("x"), key="sk-test-right")[0] == 200
        records = server.chat_requests
        assert [(r.auth_sent, r.auth_ok) for r in records] == [
            (True, False),
            (False, False),
            (True, True),
        ]
        assert records[0].headers["authorization"] == "<redacted>"
        assert "sk-test" not in repr(server.requests)


def test_scripted_steps_are_consumed_in_order(chat_server):
    chat_server.script(
        ("status", 500),
        ("status", 429, {"Retry-After": "1"}),
        ("malformed",),
        ("answer", "spam and ham"),
        ("model", "other-model"),
        ("slow", 0.01),
    )
    status, _, raw = call(chat_server, ask("x"))
    assert status == 500 and "error" in json.loads(raw)
    status, headers, _ = call(chat_server, ask("x"))
    assert status == 429 and headers["Retry-After"] == "1"
    status, _, raw = call(chat_server, ask("x"))
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(raw)
    data = json.loads(call(chat_server, ask("x", logprobs=True))[2])
    assert data["choices"][0]["message"]["content"] == "spam and ham"
    assert [t["token"] for t in data["choices"][0]["logprobs"]["content"]] == [
        "spam",
        " and",
        " ham",
    ]
    assert json.loads(call(chat_server, ask("x"))[2])["model"] == "other-model"
    assert json.loads(call(chat_server, ask("free"))[2])["choices"][0]["message"]["content"] == (
        "spam"
    )
    assert json.loads(call(chat_server, ask("x"))[2])["model"] == "m"  # the script is used up
    assert chat_server.request_count == 7


def test_an_unknown_step_is_refused(chat_server):
    with pytest.raises(ValueError, match="unknown step"):
        chat_server.script(("explode",))


def test_it_records_bodies_and_the_most_requests_in_flight():
    with ChatServer(latency=0.05) as server:
        threads = [threading.Thread(target=call, args=(server, ask(f"t{i}"))) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert server.request_count == 4
        assert sorted(r.body["messages"][0]["content"] for r in server.chat_requests) == [
            "t0",
            "t1",
            "t2",
            "t3",
        ]
        assert 1 < server.max_in_flight <= 4


def test_unknown_routes_get_404(chat_server):
    assert call(chat_server, ask("x"), path="/completions")[0] == 404
    assert call(chat_server, path="/nothing")[0] == 404


def test_a_closed_server_refuses_connections():
    server = ChatServer().start()
    base_url = server.base_url
    server.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base_url + "/models", timeout=2)
