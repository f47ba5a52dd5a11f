"""The disk cache of chat answers: one JSON file per answer, keyed by what the request asked.

The key is the SHA-256 of the canonical JSON of ``(base_url, model, messages, sampling)``: the
same question to the same server gets the same key in any process, and the API key is never part
of it. Each answer is a file ``<folder>/<key[:2]>/<key>.json`` written atomically as soon as it
arrives, so an interrupted run keeps every answer it got and a rerun asks only for the others. A
file that cannot be read as an answer (truncated, edited, from a newer weaklabel) is a miss: the
answer is asked for again and the file replaced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from weaklabel._core.digest import digest
from weaklabel._core.formats import check_version
from weaklabel._io.atomic import atomic_write
from weaklabel._lfs.chat.answer import ChatAnswer
from weaklabel.exceptions import DataError

__all__ = ["ChatCache", "canonical_json"]

_FORMAT = "weaklabel.chat-answer"
_VERSION = 1


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: sorted keys, no spaces, no NaN; raises on non-JSON values.

    Examples
    --------
    >>> from weaklabel._lfs.chat.cache import canonical_json
    >>> canonical_json({"b": 1, "a": [1.5, "é"]})
    '{"a":[1.5,"é"],"b":1}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


class ChatCache:
    """Answers on disk under ``folder``, one JSON file per request.

    Parameters
    ----------
    folder : str or Path
        Created when the first answer is written.

    Examples
    --------
    >>> import tempfile
    >>> from weaklabel._lfs.chat import ChatAnswer, ChatCache
    >>> cache = ChatCache(tempfile.mkdtemp())
    >>> key = ChatCache.key(base_url="http://127.0.0.1:8000/v1", model="m",
    ...                     messages=[{"role": "user", "content": "hi"}], sampling={})
    >>> cache.get(key) is None
    True
    >>> cache.put(key, ChatAnswer(text="ham", logprobs=None, top=None, prompt_tokens=1,
    ...                           completion_tokens=1, cached=False, model="m"))
    >>> hit = cache.get(key)
    >>> hit.text, hit.cached
    ('ham', True)
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"ChatCache({str(self.folder)!r})"

    @staticmethod
    def key(
        *,
        base_url: str,
        model: str,
        messages: Sequence[Mapping[str, Any]],
        sampling: Mapping[str, Any],
    ) -> str:
        """The cache key (32 hex digits, :func:`weaklabel._core.digest.digest`) of a request; never
        depends on the API key."""
        canonical = canonical_json(
            {
                "base_url": base_url.rstrip("/"),
                "model": model,
                "messages": [dict(m) for m in messages],
                "sampling": dict(sampling),
            }
        )
        return digest(canonical.encode("utf-8"))

    def path(self, key: str) -> Path:
        """The file that holds the answer for ``key``."""
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"not a cache key (32 lowercase hex digits): {key!r}")
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> ChatAnswer | None:
        """The cached answer for ``key`` (with ``cached=True``), or None when there is none or its
        file cannot be read as one."""
        try:
            record = json.loads(self.path(key).read_text(encoding="utf-8"))
            if record.get("format") != _FORMAT or record.get("key") != key:
                return None
            check_version(record.get("version"), current=_VERSION, what="chat answer", redo="-")
            return ChatAnswer.from_record(record["answer"], cached=True)
        except (OSError, ValueError, TypeError, KeyError, AttributeError, DataError):
            return None

    def put(
        self, key: str, answer: ChatAnswer, *, request: Mapping[str, Any] | None = None
    ) -> None:
        """Write ``answer`` for ``key`` atomically, replacing any file there.

        ``request`` (the JSON body that was sent, which holds no API key) is stored beside the
        answer, for whoever reads the file.
        """
        record: dict[str, Any] = {"format": _FORMAT, "version": _VERSION, "key": key}
        if request is not None:
            record["request"] = dict(request)
        record["answer"] = answer.to_record()
        with atomic_write(self.path(key)) as handle:
            handle.write(json.dumps(record, ensure_ascii=False, indent=1))
            handle.write("\n")
