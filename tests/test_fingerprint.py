"""Fingerprints of LFs: what they reach counts, library code is named, culprits are located."""

from __future__ import annotations

import logging
import re
import sys
import textwrap
import threading

import numpy as np
import pandas as pd
import pytest

from weaklabel import ABSTAIN, DataError, apply_lfs, labeling_function, load_lfs, preprocessor
from weaklabel._apply import tokens
from weaklabel._apply.fingerprint import fingerprint_lfs


def parts(*lfs):
    entries, unstable = fingerprint_lfs(list(lfs))
    assert unstable == []
    return {e["name"]: e["parts"] for e in entries}


def define(source: str, name: str = "lf"):
    """Functions defined in a fresh namespace (no file), as in a notebook."""
    namespace = {"ABSTAIN": ABSTAIN, "labeling_function": labeling_function}
    exec(textwrap.dedent(source), namespace)
    return namespace


def test_a_helper_in_another_user_file_counts(tmp_path, monkeypatch):
    (tmp_path / "my_helpers.py").write_text("WORDS = ['free']\n\ndef clean(t):\n    return t\n")
    (tmp_path / "chain_lfs.py").write_text(
        textwrap.dedent(
            """
            import my_helpers
            from weaklabel import ABSTAIN, labeling_function

            @labeling_function()
            def by_chain(x):
                return 1 if my_helpers.clean(x.text) in my_helpers.WORDS else ABSTAIN

            @labeling_function()
            def by_import(x):
                from my_helpers import clean
                return 1 if clean(x.text) else ABSTAIN
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "my_helpers", raising=False)
    path = tmp_path / "chain_lfs.py"
    before = parts(*load_lfs(path).lfs)
    assert {"global 'my_helpers.clean'", "global 'my_helpers.WORDS'"} <= set(before["by_chain"])
    assert {"global 'my_helpers'", "global 'my_helpers.clean'"} <= set(before["by_import"])
    sys.modules["my_helpers"].WORDS.append("win")
    after = parts(*load_lfs(path).lfs)
    assert (
        after["by_chain"]["global 'my_helpers.WORDS'"]
        != before["by_chain"]["global 'my_helpers.WORDS'"]
    )
    (tmp_path / "my_helpers.py").write_text(
        "WORDS = ['free']\n\ndef clean(t):\n    return t.lower()\n"
    )
    del sys.modules["my_helpers"]
    edited = parts(*load_lfs(path).lfs)  # the LF file is unchanged; its helper's file is not
    for name in ("by_chain", "by_import"):
        assert (
            edited[name]["global 'my_helpers.clean'"] != before[name]["global 'my_helpers.clean'"]
        )
    assert (
        edited["by_chain"]["source file " + repr(str(path))]
        == before["by_chain"]["source file " + repr(str(path))]
    )


def test_globals_read_by_helpers_are_named_with_their_reader():
    namespace = define(
        """
        WORDS = {"free"}

        def clean(t):
            return t.lower() if WORDS else t

        @labeling_function()
        def lf(x):
            return 1 if clean(x.text) else ABSTAIN
        """
    )
    before = parts(namespace["lf"])["lf"]
    namespace["WORDS"].add("win")
    after = parts(namespace["lf"])["lf"]
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"global 'clean'", "global 'WORDS' (read by clean)"}


def test_mutual_recursion_ends_and_a_shared_helper_carries_the_whole_cycle():
    namespace = define(
        """
        def even(n):
            return n == 0 or odd(n - 1)

        def odd(n):
            return n != 0 and even(n - 1)

        @labeling_function()
        def via_even(x):
            return 1 if even(len(x.text)) else ABSTAIN

        @labeling_function()
        def via_odd(x):
            return 1 if odd(len(x.text)) else ABSTAIN
        """
    )
    lfs = [namespace["via_even"], namespace["via_odd"]]
    before = parts(*lfs)
    # only `even` changes, and it still calls `odd`: the cycle stays
    exec("def even(n):\n    return n <= 0 or odd(n - 1)\n", namespace)
    after = parts(*lfs)
    # via_odd reaches `even` only through `odd`, which was walked (inside a cycle) for via_even
    assert after["via_odd"]["global 'odd'"] != before["via_odd"]["global 'odd'"]


def test_a_callable_object_and_a_dataframe_count_by_value():
    class Threshold:
        def __init__(self, n):
            self.n = n

        def __call__(self, x):
            return 1 if len(x.text) > self.n and len(TABLE) else ABSTAIN

    TABLE = pd.DataFrame({"a": [1, 2]})
    lf = labeling_function(name="long")(Threshold(5))
    before = parts(lf)["long"]
    lf.func.n = 6
    assert parts(lf)["long"]["attribute 'n'"] != before["attribute 'n'"]
    TABLE.loc[0, "a"] = 9
    assert parts(lf)["long"]["class"] != before["class"]


def test_library_values_are_not_false_alarms():
    log = logging.getLogger("weaklabel.test")
    pattern = re.compile("x", re.I)
    array = np.arange(5)

    @preprocessor
    def lower(x):
        return {"lower": x.text.lower()}

    @labeling_function(pre=[lower])
    def lf(x):
        log.debug("voting")
        return 1 if pattern.search(x.lower) and array.sum() and np.where([1]) else ABSTAIN

    assert {"closure variable 'log'", "preprocessor 'lower'"} <= set(parts(lf)["lf"])


def test_an_unfingerprintable_value_deep_inside_is_located():
    lock = threading.Lock()
    namespace = define(
        """
        def helper(t):
            return CONFIG["guards"][0] is not None

        @labeling_function()
        def lf(x):
            return 1 if helper(x.text) else ABSTAIN
        """
    )
    namespace["CONFIG"] = {"guards": [lock]}
    exec("@labeling_function()\ndef direct(x):\n    return len(CONFIG)\n", namespace)
    _entries, unstable = fingerprint_lfs([namespace["lf"], namespace["direct"]])
    assert [(e["lf"], e["part"], e["type"], e["at"]) for e in unstable] == [
        ("lf", "global 'helper'", "lock", "helper → CONFIG['guards'][0]"),
        ("direct", "global 'CONFIG'", "lock", "CONFIG['guards'][0]"),  # found once, told right
    ]


def test_a_value_too_large_cannot_be_fingerprinted(monkeypatch):
    monkeypatch.setattr(tokens, "MAX_ITEMS", 100)
    big = list(range(1000))

    @labeling_function()
    def lf(x):
        return 1 if len(x.text) in big else ABSTAIN

    _, unstable = fingerprint_lfs([lf])
    assert unstable[0]["part"] == "closure variable 'big'"
    assert "too large" in unstable[0]["reason"]


def test_a_subclass_of_str_counts_by_its_value(tmp_path):
    class Word(str):
        pass

    word = Word("free")

    @labeling_function()
    def lf(x):
        return 1 if word in x.text else ABSTAIN

    before = parts(lf)["lf"]
    word = Word("win")
    assert parts(lf)["lf"]["closure variable 'word'"] != before["closure variable 'word'"]
    frame = pd.DataFrame({"text": ["free", "win"]})
    apply_lfs([lf], frame, cardinality=2, progress=False, checkpoint_dir=tmp_path)
    word = Word("free")
    with pytest.raises(DataError, match="closure variable 'word' differs"):
        apply_lfs([lf], frame, cardinality=2, progress=False, checkpoint_dir=tmp_path)
