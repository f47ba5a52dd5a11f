"""Fixtures of the chat tests: a real local chat server, and a client that never sleeps.

Nothing here contacts any address but 127.0.0.1; the API key is unset so that a developer's own
``OPENAI_API_KEY`` is never sent to the test server.
"""

from __future__ import annotations

import socket

import pytest
from chat_server import ChatServer

from weaklabel._lfs.chat import retry


@pytest.fixture(autouse=True)
def _no_real_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def chat_server():
    """A started :class:`ChatServer`, always shut down after the test."""
    with ChatServer() as server:
        yield server


@pytest.fixture
def delays(monkeypatch):
    """The backoff delays the client asked for; it does not sleep them."""
    asked: list[float] = []
    monkeypatch.setattr(retry, "wait", lambda seconds, stop: asked.append(seconds))
    return asked


@pytest.fixture
def closed_port() -> int:
    """A port of 127.0.0.1 that was bound and closed: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
