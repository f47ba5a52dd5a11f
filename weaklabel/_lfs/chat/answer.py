"""What a chat completion answers: :class:`ChatAnswer`, read from the OpenAI response schema.

Only the first choice is kept: its text, the log-probabilities of its tokens (when the request
asked for ``logprobs``) and the token counts of ``usage``. A response that names another model
than the one asked for is refused (:func:`check_model`): an answer must come from the model the
labels say it came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from weaklabel._lfs.chat.errors import ChatError

__all__ = ["ChatAnswer", "check_model", "is_completion", "parse_answer"]

# OpenAI answers with a dated snapshot of the model asked for: "gpt-4o-mini-2024-07-18",
# "gpt-4-0613". The suffix starts with a digit, so "gpt-4o" answered by "gpt-4o-mini" is refused.
_SNAPSHOT = re.compile(r"-[0-9][0-9A-Za-z.-]*")


@dataclass(frozen=True, kw_only=True)
class ChatAnswer:
    """The answer to one prompt.

    Attributes
    ----------
    text : str
        The content of the first choice's message (``""`` when it had none).
    logprobs : list of (str, float), or None
        Each token of the first choice and its natural-log probability; None when the request did
        not ask for ``logprobs`` (or the server gave none).
    top : list of list of (str, float), or None
        For each token, the most likely alternatives (``top_logprobs``) and their log-probabilities.
    prompt_tokens, completion_tokens : int
        The ``usage`` the server reported (0 when it reported none). A cached answer keeps the
        counts of the request that made it.
    cached : bool
        Whether the answer cost no request: read from the cache, or shared with an identical prompt
        of the same batch.
    model : str
        The model that answered, as the server named it.

    Examples
    --------
    >>> from weaklabel._lfs.chat import ChatAnswer
    >>> answer = ChatAnswer(text="spam", logprobs=None, top=None, prompt_tokens=12,
    ...                     completion_tokens=1, cached=False, model="gpt-4o-mini")
    >>> answer.text, answer.prompt_tokens + answer.completion_tokens
    ('spam', 13)
    """

    text: str
    logprobs: list[tuple[str, float]] | None
    top: list[list[tuple[str, float]]] | None
    prompt_tokens: int
    completion_tokens: int
    cached: bool
    model: str

    def to_record(self) -> dict[str, Any]:
        """The answer as plain JSON values (``cached`` left out: it describes one read)."""
        record = asdict(self)
        del record["cached"]
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any], *, cached: bool) -> ChatAnswer:
        """Rebuild an answer from :meth:`to_record`; raise ValueError/TypeError/KeyError when
        ``record`` is not one."""
        text, model = record["text"], record["model"]
        if not isinstance(text, str) or not isinstance(model, str):
            raise TypeError("text and model must be strings")
        logprobs = record["logprobs"]
        top = record["top"]
        return cls(
            text=text,
            logprobs=None if logprobs is None else [_pair(p) for p in logprobs],
            top=None if top is None else [[_pair(p) for p in row] for row in top],
            prompt_tokens=_count(record["prompt_tokens"]),
            completion_tokens=_count(record["completion_tokens"]),
            cached=cached,
            model=model,
        )


def is_completion(data: object) -> bool:
    """Whether ``data`` has the shape of a chat completion: a first choice with a message."""
    if not isinstance(data, dict):
        return False
    choices = data.get("choices")
    return (
        isinstance(choices, list)
        and len(choices) > 0
        and isinstance(choices[0], dict)
        and isinstance(choices[0].get("message"), dict)
    )


def check_model(answered: str, requested: str, *, url: str) -> None:
    """Raise a :class:`ChatError` unless ``answered`` is ``requested`` or a dated snapshot of it.

    Examples
    --------
    >>> from weaklabel._lfs.chat.answer import check_model
    >>> check_model("gpt-4o-mini-2024-07-18", "gpt-4o-mini", url="u")
    >>> check_model("gpt-4o-mini", "gpt-4o", url="http://h/v1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel._lfs.chat.errors.ChatError: http://h/v1 answered with the model 'gpt-4o-mini', but
    'gpt-4o' was asked for. ...
    """
    if answered == requested:
        return
    if answered.startswith(requested) and _SNAPSHOT.fullmatch(answered[len(requested) :]):
        return
    raise ChatError(
        f"{url} answered with the model {answered!r}, but {requested!r} was asked for. The "
        "server may route the name elsewhere or serve a single model: pass the name it serves as "
        "model= (its GET /models lists them), or point base_url at the server that serves "
        f"{requested!r}."
    )


def parse_answer(data: Mapping[str, Any], *, requested: str, url: str) -> ChatAnswer:
    """The :class:`ChatAnswer` in a chat-completion response ``data`` (see :func:`is_completion`).

    Raises
    ------
    ChatError
        The response names another model than ``requested``.
    """
    model = data.get("model")
    model = requested if not isinstance(model, str) or not model else model
    check_model(model, requested, url=url)
    choice = data["choices"][0]
    content = choice["message"].get("content")
    logprobs, top = _logprobs(choice.get("logprobs"))
    usage = data.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    return ChatAnswer(
        text=content if isinstance(content, str) else "",
        logprobs=logprobs,
        top=top,
        prompt_tokens=_count(usage.get("prompt_tokens", 0), lenient=True),
        completion_tokens=_count(usage.get("completion_tokens", 0), lenient=True),
        cached=False,
        model=model,
    )


def _logprobs(
    block: object,
) -> tuple[list[tuple[str, float]] | None, list[list[tuple[str, float]]] | None]:
    """The tokens and alternatives of ``choices[0].logprobs``; entries that are not
    ``{token, logprob}`` are left out."""
    content = block.get("content") if isinstance(block, dict) else None
    if not isinstance(content, list):
        return None, None
    tokens, top = [], []
    for item in content:
        pair = _entry(item)
        if pair is None or not isinstance(item, dict):
            continue
        tokens.append(pair)
        alternatives = item.get("top_logprobs")
        entries = [_entry(a) for a in alternatives] if isinstance(alternatives, list) else []
        top.append([e for e in entries if e is not None])
    return tokens, top


def _entry(item: object) -> tuple[str, float] | None:
    if not isinstance(item, dict):
        return None
    token, logprob = item.get("token"), item.get("logprob")
    if not isinstance(token, str) or not isinstance(logprob, int | float):
        return None
    return (token, float(logprob)) if not isinstance(logprob, bool) else None


def _pair(pair: object) -> tuple[str, float]:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise TypeError(f"not a (token, logprob) pair: {pair!r}")
    token, logprob = pair[0], pair[1]
    if not isinstance(token, str) or isinstance(logprob, bool):
        raise TypeError(f"not a (token, logprob) pair: {pair!r}")
    return token, float(logprob)


def _count(value: object, *, lenient: bool = False) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if lenient:
        return 0
    raise TypeError(f"not a token count: {value!r}")
