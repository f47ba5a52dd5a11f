"""Asking an LLM through an OpenAI-compatible ``/chat/completions`` endpoint: the HTTP layer.

What ``prompt_lf`` builds on: :class:`ChatClient` sends batches of chat prompts concurrently,
retries what may pass on a second try, caches every answer on disk (:class:`ChatCache`) and shows
rows, tokens and cost on a progress bar; each answer is a :class:`ChatAnswer`, each failure a
:class:`ChatError`. httpx (the ``llm`` extra) is imported only when a batch is sent.

- :mod:`~weaklabel._lfs.chat.client`: the client, and the batch it runs;
- :mod:`~weaklabel._lfs.chat.settings` / :mod:`~weaklabel._lfs.chat.messages`: its checks;
- :mod:`~weaklabel._lfs.chat.transport` / :mod:`~weaklabel._lfs.chat.retry`: one request, its
  retries and its error messages;
- :mod:`~weaklabel._lfs.chat.answer` / :mod:`~weaklabel._lfs.chat.cache`: answers, on disk;
- :mod:`~weaklabel._lfs.chat.progress`: the progress bar.
"""

from __future__ import annotations

from weaklabel._lfs.chat.answer import ChatAnswer
from weaklabel._lfs.chat.cache import ChatCache
from weaklabel._lfs.chat.client import ChatClient
from weaklabel._lfs.chat.errors import ChatError

__all__ = ["ChatAnswer", "ChatCache", "ChatClient", "ChatError"]
