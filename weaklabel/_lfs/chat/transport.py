"""Sending one chat request: POST, retry what may pass on a second try, explain what will not.

Retried, with the backoff of :mod:`~weaklabel._lfs.chat.retry`: HTTP 429 and 5xx (honouring
``Retry-After``), timeouts, connection errors and a 200 whose body is not a chat completion.
Raised at once: 401/403 (the key was refused; the message says where the key came from, never
the key) and the other 4xx (with the server's own message). Every message that leaves this module
has the API key scrubbed out, even from text the server sent back.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from weaklabel._lfs.chat import retry
from weaklabel._lfs.chat.answer import is_completion
from weaklabel._lfs.chat.errors import ChatError

__all__ = ["Credentials", "Stopped", "Transport"]

_MESSAGE_CHARS = 300  # of a server's error text shown in a ChatError


class Stopped(Exception):
    """Another request failed for good: this one gives up without a further attempt."""


@dataclass(frozen=True)
class Credentials:
    """The API key to send (or None) and where it came from, for messages: never the key."""

    key: str | None
    source: str

    def __repr__(self) -> str:
        return f"Credentials(key={'<hidden>' if self.key else None}, source={self.source!r})"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def scrub(self, text: str) -> str:
        """``text`` with the key replaced by ``<api key>``."""
        return text.replace(self.key, "<api key>") if self.key else text


class Transport:
    """POSTs bodies to ``url`` through one shared ``httpx.Client``, with retries.

    Parameters
    ----------
    client : httpx.Client
        Shared by every thread (httpx clients are thread-safe).
    httpx : module
        The httpx module, for its exception classes (imported lazily by the caller).
    url : str
        The ``.../chat/completions`` endpoint.
    credentials : Credentials
    max_retries : int
        Further attempts after the first one fails in a way worth retrying.
    timeout : float
        Seconds, for messages (the client enforces it).
    backoff : retry.Backoff
    stop : threading.Event
        Set when the batch failed: pending retries give up (:class:`Stopped`).
    """

    def __init__(
        self,
        client: Any,
        httpx: ModuleType,
        *,
        url: str,
        credentials: Credentials,
        max_retries: int,
        timeout: float,
        backoff: retry.Backoff,
        stop: threading.Event,
    ) -> None:
        self._client = client
        self._httpx = httpx
        self.url = url
        self._credentials = credentials
        self._max_retries = max_retries
        self._timeout = timeout
        self._backoff = backoff
        self._stop = stop

    def post(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The chat-completion JSON the server answered to ``body``.

        Raises
        ------
        ChatError
            The request was refused, or kept failing after ``max_retries`` retries.
        Stopped
            ``stop`` was set before an attempt.
        """
        headers = self._credentials.headers()
        reason = ""
        for attempt in range(self._max_retries + 1):
            if self._stop.is_set():
                raise Stopped
            data, reason, retry_after = self._attempt(body, headers)
            if data is not None:
                return data
            if attempt < self._max_retries:
                retry.wait(self._backoff.delay(attempt, retry_after=retry_after), self._stop)
        attempts = self._max_retries + 1
        raise ChatError(
            self._credentials.scrub(
                f"POST {self.url} failed {attempts} time{'s' if attempts > 1 else ''}; the last "
                f"attempt: {reason}. Is the server running, and is base_url right? If it is busy "
                "or slow, raise max_retries= or timeout=."
            )
        )

    def _attempt(
        self, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> tuple[dict[str, Any] | None, str, float | None]:
        """One POST: (the completion, "", None), or (None, why it failed, Retry-After seconds)
        for a failure worth retrying; raises a ChatError for one that is not."""
        httpx = self._httpx
        try:
            response = self._client.post(self.url, json=dict(body), headers=dict(headers))
        except httpx.TimeoutException as exc:
            reason = f"no answer within timeout={self._timeout:g} s ({type(exc).__name__})"
            return None, reason, None
        except httpx.TransportError as exc:
            return None, f"cannot connect or read ({type(exc).__name__}: {exc})", None
        status = int(response.status_code)
        if status == 429 or status >= 500:
            retry_after = retry.parse_retry_after(response.headers.get("retry-after"))
            return None, self._describe(response), retry_after
        if status in (401, 403):
            raise ChatError(self._refused(response))
        if not 200 <= status < 300:
            raise ChatError(
                self._credentials.scrub(
                    f"{self.url} rejected the request with {self._describe(response)}. "
                    f"{_hint(status)}"
                )
            )
        try:
            data = json.loads(response.content)
        except ValueError as exc:
            return None, f"HTTP {status} with a body that is not JSON ({exc})", None
        if not is_completion(data):
            shown = _clip(response.text)
            return None, f"HTTP {status} with JSON that is not a chat completion: {shown}", None
        return data, "", None

    def _describe(self, response: Any) -> str:
        """``HTTP 500 Internal Server Error: <the server's message>``."""
        text = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
        message = _server_message(response)
        return f"{text}: {message}" if message else text

    def _refused(self, response: Any) -> str:
        described = self._describe(response)
        if self._credentials.key:
            message = (
                f"{self.url} refused the API key from {self._credentials.source} ({described}). "
                "Check that the key is valid for this server and model, or pass another one "
                "with api_key= or the environment variable OPENAI_API_KEY."
            )
        else:
            message = (
                f"{self.url} needs an API key ({described}), and none was sent: "
                f"{self._credentials.source}. Set the environment variable OPENAI_API_KEY or pass "
                "api_key=."
            )
        return self._credentials.scrub(message)


def _hint(status: int) -> str:
    if status == 404:
        return (
            "Check base_url (the address before /chat/completions, such as "
            "'http://127.0.0.1:8000/v1') and the model name."
        )
    return "Check the model name and the sampling settings of ChatClient."


def _server_message(response: Any) -> str:
    """The error text of an OpenAI-style body (``{"error": {"message": ...}}``), or its start."""
    try:
        data = json.loads(response.content)
    except ValueError:
        return _clip(response.text)
    error = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(error, dict):
        for field in ("message", "detail", "msg"):
            if isinstance(error.get(field), str):
                return _clip(error[field])
    if isinstance(error, str):
        return _clip(error)
    return _clip(response.text)


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 3] + "..."
