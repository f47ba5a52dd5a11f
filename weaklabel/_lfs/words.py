"""Counting words from UTF-8 bytes, exactly as ``len(str.split())`` does, once per chunk."""

from __future__ import annotations

import threading

import numpy as np
import pyarrow as pa

__all__ = ["WORD_COUNTS", "word_counts"]

_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True


def word_counts(strings: pa.Array) -> np.ndarray:
    """``len(s.split())`` of every string, from the UTF-8 bytes (null rows count 0).

    A word starts at a non-space byte that follows a space or begins the string; spaces are what
    ``str.isspace`` says, including the multi-byte ones (U+0085, U+00A0, U+1680, U+2000-U+200A,
    U+2028, U+2029, U+202F, U+205F, U+3000), which RE2's ``\\s`` misses.
    """
    n = len(strings)
    _, offsets_buffer, data_buffer = strings.buffers()
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    raw = np.frombuffer(offsets_buffer, dtype=width)[strings.offset : strings.offset + n + 1]
    if data_buffer is None or raw[-1] == raw[0]:
        return np.zeros(n, dtype=np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8)[int(raw[0]) : int(raw[-1])]
    offsets: np.ndarray = raw.astype(np.int64) - int(raw[0])
    space = _ASCII_SPACE[data]
    lead = np.flatnonzero(data >= 0xC2)
    if len(lead):
        last = len(data) - 1
        b0, b1, b2 = data[lead], data[np.minimum(lead + 1, last)], data[np.minimum(lead + 2, last)]
        two = (b0 == 0xC2) & ((b1 == 0x85) | (b1 == 0xA0))
        e2_80 = (b0 == 0xE2) & (b1 == 0x80)
        three = (
            ((b0 == 0xE1) & (b1 == 0x9A) & (b2 == 0x80))
            | (e2_80 & (((b2 >= 0x80) & (b2 <= 0x8A)) | (b2 == 0xA8) | (b2 == 0xA9) | (b2 == 0xAF)))
            | ((b0 == 0xE2) & (b1 == 0x81) & (b2 == 0x9F))
            | ((b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80))
        )
        for width_, which in ((2, two), (3, three)):
            for k in range(width_):
                space[lead[which] + k] = True
    start = ~space
    start[1:] &= space[:-1]
    firsts = offsets[:-1][offsets[:-1] < offsets[1:]]
    start[firsts] = ~space[firsts]
    return np.diff(np.searchsorted(np.flatnonzero(start), offsets))


class _LastWordCounts(threading.local):
    """The word counts of the last array seen, per thread: length LFs on one chunk count once.

    It holds the array itself, so the buffers it is keyed by stay alive and their addresses cannot
    be reused by another array while the entry exists.
    """

    def __init__(self) -> None:
        self.array: pa.Array | None = None
        self.counts = np.zeros(0, dtype=np.int64)

    def get(self, strings: pa.Array) -> np.ndarray:
        if self.array is None or not _same_array(self.array, strings):
            self.counts = word_counts(strings)
            self.array = strings
        return self.counts


def _same_array(a: pa.Array, b: pa.Array) -> bool:
    if a is b:
        return True
    if a.type != b.type or len(a) != len(b) or a.offset != b.offset:
        return False
    return [x.address if x else 0 for x in a.buffers()] == [
        x.address if x else 0 for x in b.buffers()
    ]


WORD_COUNTS = _LastWordCounts()
