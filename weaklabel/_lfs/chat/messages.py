"""The prompts a client sends: lists of OpenAI chat messages, checked before any request.

A prompt is a list of messages ``{"role": "system" | "user" | "assistant", "content": str}``; a
batch is a list of prompts. :func:`check_prompts` refuses a malformed one, naming the prompt and
the message, before anything is sent; :func:`estimate_tokens` guesses the tokens they hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from weaklabel.exceptions import ParameterError

__all__ = ["ROLES", "Messages", "check_prompts", "estimate_tokens"]

#: The roles a message may have.
ROLES = ("system", "user", "assistant")

Messages = list[dict[str, str]]

_SHAPE = "{'role': 'system' | 'user' | 'assistant', 'content': str}"


def check_prompts(prompts: Any, *, owner: str) -> list[Messages]:
    """``prompts`` as a list of message lists (copied), or a ParameterError naming the culprit.

    Examples
    --------
    >>> from weaklabel._lfs.chat.messages import check_prompts
    >>> check_prompts([[{"role": "user", "content": "hi"}]], owner="f")
    [[{'role': 'user', 'content': 'hi'}]]
    >>> check_prompts([[{"role": "bot", "content": "hi"}]], owner="f")
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: Message 0 of prompt 0 passed to f has the role 'bot';
    the roles are 'system', 'user', 'assistant'.
    """
    if isinstance(prompts, str | bytes | Mapping) or not isinstance(prompts, Sequence):
        raise ParameterError(
            f"{owner} takes a list of prompts, each a list of messages {_SHAPE}. Got "
            f"{type(prompts).__name__} instead; wrap a single prompt in a list."
        )
    checked = []
    for i, prompt in enumerate(prompts):
        if isinstance(prompt, str | bytes | Mapping) or not isinstance(prompt, Sequence):
            raise ParameterError(
                f"Prompt {i} passed to {owner} is a {type(prompt).__name__}; each prompt is a list "
                f"of messages {_SHAPE}."
            )
        if not prompt:
            raise ParameterError(f"Prompt {i} passed to {owner} has no message; give it one.")
        checked.append([_check_message(m, i, j, owner) for j, m in enumerate(prompt)])
    return checked


def _check_message(message: object, i: int, j: int, owner: str) -> dict[str, str]:
    where = f"Message {j} of prompt {i} passed to {owner}"
    if not isinstance(message, Mapping):
        raise ParameterError(f"{where} is a {type(message).__name__}; pass a dict {_SHAPE}.")
    role, content = message.get("role"), message.get("content")
    if role not in ROLES:
        shown = "no role" if role is None else f"the role {role!r}"
        raise ParameterError(f"{where} has {shown}; the roles are {', '.join(map(repr, ROLES))}.")
    if not isinstance(content, str):
        shown = "no content" if content is None else f"content of type {type(content).__name__}"
        raise ParameterError(f"{where} has {shown}; its 'content' must be a str.")
    extra = sorted(set(message) - {"role", "content"})
    if extra:
        raise ParameterError(
            f"{where} has the keys {extra}, which are not sent; a message holds only 'role' and "
            "'content'."
        )
    return {"role": str(role), "content": content}


def estimate_tokens(prompts: Sequence[Sequence[Mapping[str, str]]]) -> int:
    """About how many tokens ``prompts`` hold: characters / 4, rounded up (the server's tokenizer
    decides the real count).

    Examples
    --------
    >>> from weaklabel._lfs.chat.messages import estimate_tokens
    >>> estimate_tokens([[{"role": "user", "content": "free prize"}]])
    3
    """
    chars = sum(len(m["content"]) for prompt in prompts for m in prompt)
    return math.ceil(chars / 4)
