"""Hashes and digests: the one place that decides how weaklabel fingerprints things.

- :func:`digest`: a 128-bit BLAKE2b hex digest of bytes (cache keys, fingerprints);
- :func:`json_bytes`: the canonical bytes of a JSON-like value (sorted keys), to digest;
- :func:`stable_repr`: ``repr`` without memory addresses, which change from run to run;
- :func:`text_keys`: the 128-bit digest of each text, as two ``uint64`` columns;
- :func:`mix64`: a seeded bijection of 64-bit values (bottom-k samples that merge exactly);
- :func:`fixed_salts`: the same random 64-bit salts in every process (hashes of vote rows).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "digest",
    "fixed_salts",
    "json_bytes",
    "mix64",
    "new_digest",
    "stable_repr",
    "text_keys",
]

_DIGEST_SIZE = 16


def new_digest() -> Any:
    """An incremental digest (``update``, ``hexdigest``) of the kind :func:`digest` makes."""
    return hashlib.blake2b(digest_size=_DIGEST_SIZE)


def digest(data: bytes) -> str:
    """The 128-bit BLAKE2b digest of ``data``, in hex; the same in every process and run.

    Examples
    --------
    >>> from weaklabel._core.digest import digest
    >>> len(digest(b"spam"))
    32
    """
    return hashlib.blake2b(data, digest_size=_DIGEST_SIZE).hexdigest()


def json_bytes(value: Any) -> bytes:
    """``value`` as canonical JSON bytes (sorted keys; ``repr`` for what JSON cannot hold)."""
    try:
        return json.dumps(value, sort_keys=True, default=stable_repr).encode("utf-8")
    except (TypeError, ValueError):
        return stable_repr(value).encode("utf-8")


def stable_repr(value: Any) -> str:
    """``repr(value)`` without memory addresses, which change from run to run.

    Examples
    --------
    >>> from weaklabel._core.digest import stable_repr
    >>> stable_repr(object()).startswith("<object object")
    True
    >>> " at 0x" in stable_repr(object())
    False
    """
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def text_keys(texts: Sequence[str]) -> np.ndarray:
    """The 128-bit BLAKE2b hash of each text, as two ``uint64`` columns; the same in any process."""
    digests = b"".join(
        hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=_DIGEST_SIZE).digest()
        for t in texts
    )
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64).reshape((len(texts), 2))


def mix64(values: np.ndarray, salt: np.uint64) -> np.ndarray:
    """A seeded bijection of 64-bit values: the splitmix64 finaliser of ``values ^ salt``."""
    z = values.astype(np.uint64) ^ salt
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def fixed_salts(size: int) -> np.ndarray:
    """``size`` non-zero 64-bit salts, the same in every process and run (seed 0)."""
    return (
        np.random.default_rng(0)
        .integers(1, np.iinfo(np.int64).max, size=size, dtype=np.int64)
        .view(np.uint64)
    )
