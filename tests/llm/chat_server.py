"""A real OpenAI-compatible chat server for the tests: stdlib HTTP on 127.0.0.1, scripted failures.

``ChatServer`` listens on an ephemeral port of 127.0.0.1 only (never another address), in a
background thread, and speaks ``POST /v1/chat/completions`` and ``GET /v1/models`` with the
OpenAI response schema. A rule (messages -> answer text) decides each answer; by default "spam"
when the last user message holds a spam word, else "ham". Failures are scripted per request::

    server.script(("status", 500), ("status", 429, {"Retry-After": "1"}), ("slow", 0.5),
                  ("malformed",), ("answer", "spam and ham"), ("model", "other-model"))

Every chat request is recorded (body, headers with the Authorization value redacted, whether the
key matched), and the most requests in flight at once is kept.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["SPAM_WORDS", "ChatServer", "RecordedRequest", "spam_rule"]

SPAM_WORDS = ("free", "win", "prize", "click", "subscribe", "http")
HOST = "127.0.0.1"

#: a few comments the default rule answers both ways on (spam: free/prize, http, subscribe)
TEXTS = [
    "win a free prize",
    "lovely song",
    "click http://x.io",
    "great video",
    "subscribe please",
    "nothing to see",
]
Rule = Callable[[list[dict[str, Any]]], str]


def spam_rule(messages: list[dict[str, Any]]) -> str:
    """ "spam" when the last user message holds a spam word (any case), else "ham"."""
    users = [m for m in messages if m.get("role") == "user"]
    text = str(users[-1].get("content", "")).lower() if users else ""
    return "spam" if any(word in text for word in SPAM_WORDS) else "ham"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; the Authorization value is never kept."""

    method: str
    path: str
    body: Any
    headers: dict[str, str]
    auth_sent: bool
    auth_ok: bool


class ChatServer:
    """An OpenAI-compatible chat server on 127.0.0.1, for one test.

    Parameters
    ----------
    rule : callable, optional
        messages -> answer text; :func:`spam_rule` by default.
    latency : float
        Seconds each chat request sleeps before it answers.
    model : str, optional
        The model the answers name; None echoes the requested one.
    api_key : str, optional
        The Bearer key required (401 otherwise); None requires none.
    logprobs : bool
        Give log-probabilities when a request asks for them (False: never, as some servers do).
    """

    def __init__(
        self,
        *,
        rule: Rule = spam_rule,
        latency: float = 0.0,
        model: str | None = None,
        api_key: str | None = None,
        logprobs: bool = True,
    ) -> None:
        self.rule = rule
        self.logprobs = logprobs
        self.latency = latency
        self.model = model
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._script: deque[tuple[Any, ...]] = deque()
        self._closing = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> ChatServer:
        httpd = _Server((HOST, 0), _Handler)
        httpd.daemon_threads = True
        httpd.chat = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes the requests still sleeping
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> ChatServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "the server is not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    # -- scripting and records ---------------------------------------------------------------
    def script(self, *steps: tuple[Any, ...]) -> None:
        """Queue what the next chat requests get, one step each, in order."""
        kinds = {"status", "slow", "malformed", "answer", "model"}
        for step in steps:
            if not step or step[0] not in kinds:
                raise ValueError(f"unknown step {step!r}; the kinds are {sorted(kinds)}")
        with self._lock:
            self._script.extend(steps)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def request_count(self) -> int:
        """How many chat requests arrived."""
        return len(self.chat_requests)

    def _next_step(self) -> tuple[Any, ...] | None:
        with self._lock:
            return self._script.popleft() if self._script else None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    # -- answers -----------------------------------------------------------------------------
    def completion(self, body: dict[str, Any], text: str, model: str) -> dict[str, Any]:
        """The OpenAI chat.completion for ``body`` answered with ``text``."""
        messages = body.get("messages") or []
        tokens = re.findall(r"\s*\S+", text) or [text]
        choice: dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "finish_reason": "stop",
            "logprobs": None,
        }
        if body.get("logprobs") and self.logprobs:
            n_top = int(body.get("top_logprobs") or 0)
            choice["logprobs"] = {"content": [_token_logprobs(t, n_top) for t in tokens]}
        prompt_tokens = math.ceil(sum(len(str(m.get("content", ""))) for m in messages) / 4)
        return {
            "id": f"chatcmpl-test{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [choice],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(tokens),
                "total_tokens": prompt_tokens + len(tokens),
            },
        }


def _token_logprobs(token: str, n_top: int) -> dict[str, Any]:
    """The answer token at log(0.9), its alternative at log(0.1)."""
    word = token.strip()
    other = {"spam": "ham", "ham": "spam"}.get(word, "spam")
    top = [(token, math.log(0.9)), (token.replace(word, other), math.log(0.1))][:n_top]
    return {
        "token": token,
        "logprob": math.log(0.9),
        "top_logprobs": [{"token": t, "logprob": lp} for t, lp in top],
    }


def _error_body(message: str, kind: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class _Server(ThreadingHTTPServer):
    """The stdlib server with a listen backlog of 128 rather than 5, as real servers have: with 5,
    a client opening more connections at once loses SYNs and waits a second to resend them."""

    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no delayed-ACK stall
    server_version = "weaklabel-test-chat/1"

    @property
    def chat(self) -> ChatServer:
        return self.server.chat  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output clean

    def _send(
        self, status: int, payload: Any, headers: Sequence[tuple[str, str]] = (), raw: bool = False
    ) -> None:
        data = payload if raw else json.dumps(payload).encode("utf-8")
        with contextlib.suppress(OSError):  # the client may have given up (a timeout)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

    def _auth(self) -> tuple[bool, bool]:
        sent = self.headers.get("Authorization")
        expected = None if self.chat.api_key is None else f"Bearer {self.chat.api_key}"
        return sent is not None, expected is None or sent == expected

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return raw.decode("utf-8", "replace")

    def _headers(self) -> dict[str, str]:
        shown = {k.lower(): v for k, v in self.headers.items()}
        if "authorization" in shown:
            shown["authorization"] = "<redacted>"
        return shown

    def do_GET(self) -> None:
        sent, ok = self._auth()
        self.chat._record(RecordedRequest("GET", self.path, None, self._headers(), sent, ok))
        if not ok:
            self._send(401, _error_body("Incorrect API key provided.", "invalid_request_error"))
        elif self.path.rstrip("/") == "/v1/models":
            model = self.chat.model or "test-model"
            entry = {"id": model, "object": "model", "created": 0, "owned_by": "weaklabel-tests"}
            self._send(200, {"object": "list", "data": [entry]})
        else:
            self._send(404, _error_body(f"No route GET {self.path}", "invalid_request_error"))

    def do_POST(self) -> None:
        chat = self.chat
        chat._enter()
        try:
            body = self._read_body()
            sent, ok = self._auth()
            chat._record(RecordedRequest("POST", self.path, body, self._headers(), sent, ok))
            if self.path.rstrip("/") != "/v1/chat/completions":
                message = f"No route POST {self.path}"
                self._send(404, _error_body(message, "invalid_request_error"))
                return
            if not ok:
                # echoed in full, as a careless server might: the client must scrub it
                given = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                message = f"Incorrect API key provided: {given or '(none)'}."
                self._send(401, _error_body(message, "invalid_request_error", "invalid_api_key"))
                return
            if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
                self._send(400, _error_body("'messages' is required", "invalid_request_error"))
                return
            self._answer(body)
        finally:
            chat._leave()

    def _answer(self, body: dict[str, Any]) -> None:
        chat = self.chat
        step = chat._next_step()
        if chat.latency:
            chat._closing.wait(chat.latency)
        kind = step[0] if step else None
        if kind == "status":
            status, headers = step[1], dict(step[2]) if len(step) > 2 else {}
            message = f"Scripted failure: HTTP {status}."
            self._send(status, _error_body(message, "server_error"), list(headers.items()))
            return
        if kind == "malformed":
            self._send(200, b"<html>this is not JSON {", raw=True)
            return
        if kind == "slow":
            chat._closing.wait(float(step[1]))
        text = step[1] if kind == "answer" else chat.rule(body["messages"])
        model = step[1] if kind == "model" else chat.model or str(body.get("model", ""))
        self._send(200, chat.completion(body, text, model))
