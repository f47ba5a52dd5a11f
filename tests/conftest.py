"""Shared fixtures. Tests never touch the network or ../shared; their data lives in fixtures/."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weaklabel import ABSTAIN, VoteMatrix, labeling_function

FIXTURES = Path(__file__).parent / "fixtures"
collect_ignore = ["fixtures"]  # LF files there are data, some deliberately broken
SPAM, HAM = 1, 0


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def reloaded(tmp_path):
    """``reloaded(model, votes)``: the model saved to ``model.json`` and loaded again, checked to
    predict ``votes`` exactly as the model does, and the file's path (for tampering)."""

    def save_and_load(model, votes):
        path = tmp_path / "model.json"
        model.save(path)
        loaded = type(model).load(path)
        assert np.array_equal(loaded.predict_proba(votes), model.predict_proba(votes))
        return loaded, path

    return save_and_load


@pytest.fixture
def comments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": [
                "check out my channel http://x.io",
                "love this song",
                "subscribe please",
                "great video",
                "nothing here at all to see",
            ],
            "author": ["a", "b", "c", "d", "e"],
        },
        index=pd.Index(["r0", "r1", "r2", "r3", "r4"]),
    )


@pytest.fixture
def spam_lfs() -> list:
    @labeling_function()
    def has_link(x):
        return SPAM if "http" in x.text else ABSTAIN

    @labeling_function()
    def subscribe(x):
        return SPAM if "subscribe" in x.text else ABSTAIN

    @labeling_function()
    def praise(x):
        return HAM if "love" in x.text or "great" in x.text else ABSTAIN

    return [has_link, subscribe, praise]


@pytest.fixture
def small_votes() -> VoteMatrix:
    dense = np.array(
        [
            [1, 1, -1, 0],
            [0, -1, 0, 0],
            [1, -1, -1, -1],
            [-1, -1, -1, -1],
            [0, 1, 1, -1],
            [1, 1, 1, 1],
        ]
    )
    return VoteMatrix.from_dense(dense, cardinality=2, lf_names=["a", "b", "c", "d"])


@pytest.fixture
def guard_devices(monkeypatch):
    """Fail, instead of replacing it, when code under test renames a file over a device: a test
    of the refusal to write to /dev/null must not break /dev/null when run as root on faulty code.
    """
    for name in ("replace", "rename"):
        real = getattr(os, name)

        def guarded(src, dst, *args, _real=real, **kwargs):
            with contextlib.suppress(OSError):
                mode = os.lstat(dst).st_mode
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                    raise AssertionError(f"about to rename {src} over the device {dst}")
            return _real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, guarded)
