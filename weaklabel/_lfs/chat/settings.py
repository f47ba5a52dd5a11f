"""Checking the settings of a :class:`~weaklabel._lfs.chat.ChatClient`: URL, key, sampling, prices.

Each check returns the value the client keeps, or raises a :class:`~weaklabel.ParameterError`
that names the parameter, the rule, the value and the way out, in the words of
:mod:`weaklabel._core.params`. The API key is the exception: its value is never shown.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

from weaklabel._core.params import check_float, parameter_error
from weaklabel._lfs.chat.cache import canonical_json
from weaklabel.exceptions import ParameterError

__all__ = ["DEFAULT_SAMPLING", "check_base_url", "check_key", "check_prices", "check_sampling"]

#: Merged under ``sampling``: labels should not change from run to run.
DEFAULT_SAMPLING: Mapping[str, Any] = {"temperature": 0}
_RESERVED = ("model", "messages", "stream")
_ENDPOINT = "/chat/completions"


def check_base_url(value: object, *, owner: str) -> str:
    """``value`` without its trailing slash, if it is an http(s) URL.

    Examples
    --------
    >>> from weaklabel._lfs.chat.settings import check_base_url
    >>> check_base_url("http://127.0.0.1:8000/v1/", owner="C")
    'http://127.0.0.1:8000/v1'
    >>> check_base_url("localhost:8000", owner="C")
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'base_url' parameter of C must be an http(s) URL
    such as 'http://127.0.0.1:8000/v1', or None for OpenAI. Got 'localhost:8000' instead.
    """
    rule = "an http(s) URL such as 'http://127.0.0.1:8000/v1', or None for OpenAI"
    if not isinstance(value, str):
        raise parameter_error("base_url", owner, rule, value)
    url = value.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise parameter_error("base_url", owner, rule, value)
    if url.endswith(_ENDPOINT):
        hint = f"Leave out {_ENDPOINT!r} (the client adds it): {url[: -len(_ENDPOINT)]!r}."
        raise parameter_error("base_url", owner, rule, value, hint)
    return url


def check_key(key: object, *, source: str) -> str:
    """``key`` if it is one word of printable ASCII; the error never shows it."""
    if isinstance(key, str) and key and all("!" <= c <= "~" for c in key):
        return key
    if not isinstance(key, str):
        got = f"a {type(key).__name__}"
    else:
        got = "an empty str" if not key else "a str with spaces or non-ASCII characters"
    raise ParameterError(
        f"The API key from {source} must be a non-empty str of printable ASCII characters. Got "
        f"{got} instead (the value is not shown); fix it, or pass the key as api_key=."
    )


def check_sampling(sampling: object, *, owner: str) -> dict[str, Any]:
    """``sampling`` merged over :data:`DEFAULT_SAMPLING`, keys set to None left out.

    Examples
    --------
    >>> from weaklabel._lfs.chat.settings import check_sampling
    >>> check_sampling({"max_tokens": 5}, owner="C")
    {'temperature': 0, 'max_tokens': 5}
    >>> check_sampling({"temperature": None}, owner="C")
    {}
    """
    if sampling is None:
        return dict(DEFAULT_SAMPLING)
    rule = "a dict of JSON values such as {'max_tokens': 5, 'logprobs': True}, or None"
    if not isinstance(sampling, Mapping) or not all(isinstance(k, str) for k in sampling):
        raise parameter_error("sampling", owner, rule, sampling)
    reserved = [k for k in _RESERVED if k in sampling and (k != "stream" or sampling[k])]
    if reserved:
        hint = (
            f"Leave out {reserved}: the client sets the model and the messages, and reads whole "
            "answers (no streaming)."
        )
        raise parameter_error("sampling", owner, rule, sampling, hint)
    merged = {k: v for k, v in {**DEFAULT_SAMPLING, **sampling}.items() if v is not None}
    try:
        canonical_json(merged)
    except (TypeError, ValueError) as exc:
        raise parameter_error("sampling", owner, rule, sampling, f"({exc})") from None
    return merged


def check_prices(prices: object, *, owner: str) -> tuple[float, float] | None:
    """``prices`` as ``(input price, output price)`` per token, or None."""
    if prices is None:
        return None
    rule = "a pair (input price, output price) of floats >= 0 per token, or None"
    if isinstance(prices, str) or not isinstance(prices, Sequence) or len(prices) != 2:
        raise parameter_error("price_per_token", owner, rule, prices)
    try:
        low, high = (check_float("price_per_token", p, owner=owner, minimum=0) for p in prices)
    except ParameterError:
        raise parameter_error("price_per_token", owner, rule, prices) from None
    return low, high
