"""Checkpoints of apply_lfs: keyed on everything that decides the votes, refused when unsure.

An LF file is written into tmp_path (like a user's ``--lfs`` file), loaded with ``load_lfs``, run
with a checkpoint, edited, loaded again and run with the same checkpoint.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weaklabel import (
    ABSTAIN,
    DataError,
    apply_lfs,
    entity_lf,
    labeling_function,
    load_lfs,
    spacy_preprocessor,
)
from weaklabel.cli import main

SOURCE = """
import re

from weaklabel import ABSTAIN, keyword_lf, labeling_function

LOG = {log!r}
PATTERN = re.compile("free")
WORDS = ["money"]


def clean(text):
    return text.lower()


class Rules:
    WORD = "win"

    def fires(self, text):
        return self.WORD in text


RULES = Rules()


def _log():
    with open(LOG, "a") as handle:
        handle.write(".")


@labeling_function()
def has_promo(x):
    _log()
    return 1 if PATTERN.search(x.text) else ABSTAIN


@labeling_function()
def by_helper(x):
    return 1 if "call" in clean(x.text) else ABSTAIN


@labeling_function()
def by_words(x):
    return 1 if any(w in x.text for w in WORDS) else ABSTAIN


def make(word):
    @labeling_function(name="by_closure")
    def lf(x):
        return 1 if word in x.text else ABSTAIN

    return lf


by_closure = make("prize")


@labeling_function()
def by_default(x, word="cash"):
    return 1 if word in x.text else ABSTAIN


@labeling_function()
def by_class(x):
    return 1 if RULES.fires(x.text) else ABSTAIN


by_keywords = keyword_lf("by_keywords", ["offer"], 1)
"""

#: one edit of the LF file: (old text, new text, the LF it changes, the part named as changed)
EDITS = {
    "regex": ('re.compile("free")', 're.compile("fre+")', "has_promo", "global 'PATTERN'"),
    "helper": ("text.lower()", "text.upper()", "by_helper", "global 'clean'"),
    "constant": ('["money"]', '["money", "cash"]', "by_words", "global 'WORDS'"),
    "closure": ('make("prize")', 'make("prizes")', "by_closure", "closure variable 'word'"),
    "default": ('word="cash"', 'word="cash!"', "by_default", "default argument 'word'"),
    "class": ('WORD = "win"', 'WORD = "won"', "by_class", "global 'RULES'"),
    "keywords": ('["offer"]', '["offers"]', "by_keywords", "field 'patterns'"),
}

TEXTS = ["free money", "call me", "win a prize", "cash offer", "nice song", "CALL now"]


def frame(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame({"text": [TEXTS[i % len(TEXTS)] + f" {i}" for i in range(n)]})


def write_lfs(tmp_path: Path, source: str = SOURCE) -> Path:
    path = tmp_path / "my_lfs.py"
    path.write_text(source.format(log=str(tmp_path / "calls.log")), encoding="utf-8")
    return path


def run(lfs, checkpoint: Path, data: pd.DataFrame | None = None):
    data = frame() if data is None else data
    return apply_lfs(
        list(lfs), data, cardinality=2, progress=False, chunk_size=10, checkpoint_dir=checkpoint
    )


def calls(tmp_path: Path) -> int:
    log = tmp_path / "calls.log"
    return len(log.read_text()) if log.exists() else 0


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_editing_the_lf_file_refuses_the_checkpoint_and_names_what_changed(tmp_path, edit):
    old, new, lf_name, part = EDITS[edit]
    path = write_lfs(tmp_path)
    checkpoint = tmp_path / "ckpt"
    run(load_lfs(path).lfs, checkpoint)
    assert SOURCE.count(old) == 1
    path.write_text(path.read_text().replace(old, new), encoding="utf-8")
    with pytest.raises(DataError) as info:
        run(load_lfs(path).lfs, checkpoint)
    message = str(info.value)
    assert re.search(rf"LF '{lf_name}' changed: [^;]*{re.escape(part)} differs", message), message
    assert "my_lfs.py was edited" in message
    assert str(checkpoint) in message and "delete" in message


def _mutate_regex(lfs):
    lfs["has_promo"].func.__globals__["PATTERN"] = re.compile("fre+")


def _mutate_helper(lfs):
    namespace = lfs["by_helper"].func.__globals__
    exec("def clean(text):\n    return text.upper()\n", namespace)


def _mutate_constant(lfs):
    lfs["by_words"].func.__globals__["WORDS"].append("cash")  # in place: same list object


def _mutate_closure(lfs):
    lfs["by_closure"].func.__closure__[0].cell_contents = "prizes"


def _mutate_default(lfs):
    lfs["by_default"].func.__defaults__ = ("cash!",)


def _mutate_class(lfs):
    lfs["by_class"].func.__globals__["Rules"].WORD = "won"


MUTATIONS = {
    "regex": (_mutate_regex, "has_promo", "global 'PATTERN'"),
    "helper": (_mutate_helper, "by_helper", "global 'clean'"),
    "constant": (_mutate_constant, "by_words", "global 'WORDS'"),
    "closure": (_mutate_closure, "by_closure", "closure variable 'word'"),
    "default": (_mutate_default, "by_default", "default argument 'word'"),
    "class": (_mutate_class, "by_class", "global 'RULES'"),
}


@pytest.mark.parametrize("change", MUTATIONS, ids=list(MUTATIONS))
def test_a_changed_value_refuses_the_checkpoint_even_when_the_file_is_unchanged(tmp_path, change):
    mutate, lf_name, part = MUTATIONS[change]
    suite = load_lfs(write_lfs(tmp_path))
    checkpoint = tmp_path / "ckpt"
    run(suite.lfs, checkpoint)
    mutate({lf.name: lf for lf in suite.lfs})
    with pytest.raises(DataError, match=rf"LF '{lf_name}' changed: [^;]*{re.escape(part)}"):
        run(suite.lfs, checkpoint)


def test_an_unchanged_file_loaded_again_resumes_from_the_stored_chunks(tmp_path):
    path = write_lfs(tmp_path)
    checkpoint = tmp_path / "ckpt"
    first = run(load_lfs(path).lfs, checkpoint)
    assert calls(tmp_path) == 40
    chunks = sorted(checkpoint.glob("chunk-*.npz"))
    assert len(chunks) == 4
    for chunk in chunks[2:]:  # as if killed after two chunks
        chunk.unlink()
    again = run(load_lfs(path).lfs, checkpoint)
    assert calls(tmp_path) == 60  # only the 20 rows of the two missing chunks ran
    assert again == first
    run(load_lfs(path).lfs, checkpoint)  # complete: nothing runs
    assert calls(tmp_path) == 60


def test_cli_apply_twice_with_an_edited_regex_exits_1_with_the_message(tmp_path, capsys):
    path = write_lfs(tmp_path)
    data = tmp_path / "data.csv"
    frame().to_csv(data, index=False)
    checkpoint, out = tmp_path / "ckpt", tmp_path / "votes.npz"
    args = ["apply", "--data", data, "--lfs", path, "--checkpoint", checkpoint, "--out", out]
    assert main([str(a) for a in [*args, "--quiet"]]) == 0
    assert main([str(a) for a in [*args, "--quiet"]]) == 0  # unchanged: resumes
    out.unlink()
    path.write_text(path.read_text().replace('"free"', '"fre+"'), encoding="utf-8")
    capsys.readouterr()
    assert main([str(a) for a in [*args, "--quiet"]]) == 1
    err = capsys.readouterr().err
    assert "LF 'has_promo' changed: global 'PATTERN' differs" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert not out.exists()


HANDLE_SOURCE = """
from weaklabel import ABSTAIN, labeling_function

HANDLE = open(__file__, encoding="utf-8")


@labeling_function()
def reads_handle(x):
    return 1 if not HANDLE.closed and "free" in x.text else ABSTAIN
"""


def test_an_unfingerprintable_global_runs_fresh_but_refuses_to_resume(tmp_path):
    path = tmp_path / "handle_lfs.py"
    path.write_text(HANDLE_SOURCE, encoding="utf-8")
    suites = [load_lfs(path)]
    try:
        votes = run(suites[0].lfs, tmp_path / "ckpt")  # a new folder: works
        assert votes.to_dense()[:, 0].tolist() == [
            1 if "free" in t else ABSTAIN for t in frame()["text"]
        ]
        manifest = json.loads((tmp_path / "ckpt" / "manifest.json").read_text())
        (entry,) = manifest["unfingerprintable"]
        assert entry["lf"] == "reads_handle" and entry["part"] == "global 'HANDLE'"
        assert entry["type"] == "TextIOWrapper" and entry["at"] == ""
        assert "open file" in entry["reason"]
        suites.append(load_lfs(path))
        with pytest.raises(DataError) as info:
            run(suites[1].lfs, tmp_path / "ckpt")
        message = str(info.value)
        for words in (
            "'reads_handle'",
            "global 'HANDLE'",
            "TextIOWrapper",
            "cannot be fingerprinted",
        ):
            assert words in message, message
        assert "delete the checkpoint folder" in message.lower() and "plain data" in message
        assert "new" in message  # a run with a new folder works, it just cannot resume
    finally:
        for suite in suites:
            suite.lfs[0].func.__globals__["HANDLE"].close()


@labeling_function()
def has_free(x):
    return 1 if "free" in x.text else ABSTAIN


@labeling_function()
def has_call(x):
    return 0 if "call" in x.text.lower() else ABSTAIN


def _valid_chunk(checkpoint: Path) -> dict[str, np.ndarray]:
    with np.load(checkpoint / "chunk-000001.npz", allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def _savez(path: Path, **arrays: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())


def _replace(**changes):
    def corrupt(path: Path, chunk: dict[str, np.ndarray]) -> None:
        arrays = {**chunk, **changes}
        _savez(path, **{k: v for k, v in arrays.items() if v is not None})

    return corrupt


def _npy(path: Path, chunk: dict[str, np.ndarray]) -> None:
    buffer = io.BytesIO()
    np.save(buffer, chunk["counts"])
    path.write_bytes(buffer.getvalue())


CORRUPTIONS = {
    "empty": lambda path, chunk: path.write_bytes(b""),
    "truncated": lambda path, chunk: path.write_bytes(path.read_bytes()[:200]),
    "random bytes": lambda path, chunk: path.write_bytes(np.random.default_rng(0).bytes(700)),
    "a plain .npy": _npy,
    "missing labels": _replace(labels=None),
    "labels as floats": _replace(labels=np.zeros(4, dtype=np.float64)),
    "counts of another shape": _replace(counts=np.zeros((10, 1), dtype=np.int64)),
    "counts for other rows": _replace(counts=np.zeros(7, dtype=np.int64)),
    "counts not matching the votes": _replace(counts=np.full(10, 5, dtype=np.int64)),
    "an LF out of range": _replace(lfs=np.full(4, 9, dtype=np.int32)),
    "failures for other LFs": _replace(failures=np.zeros(5, dtype=np.int64)),
    "pickled objects": _replace(labels=np.array([None, 1], dtype=object)),
    "rows hash not text": _replace(rows_hash=np.arange(3)),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_a_corrupt_chunk_is_a_data_error_naming_the_file(tmp_path, corruption):
    data = pd.DataFrame({"text": ["free stuff", "call me", "x", "free call"] * 10})
    checkpoint = tmp_path / "ckpt"
    run([has_free, has_call], checkpoint, data)
    chunk = _valid_chunk(checkpoint)
    assert chunk["counts"].sum() == 10 and len(chunk["lfs"]) == 10  # a chunk with votes
    path = checkpoint / "chunk-000001.npz"
    CORRUPTIONS[corruption](path, chunk)
    with pytest.raises(DataError) as info:
        run([has_free, has_call], checkpoint, data)
    message = str(info.value)
    assert str(path) in message and "delete it" in message, message
    assert "\n" not in message


def _v1(manifest: dict) -> dict:
    return {**manifest, "version": 1, "lfs": [{"name": "has_free", "code": "0" * 40}]}


MANIFESTS = {
    "empty": lambda manifest: "",
    "not JSON": lambda manifest: "{not json",
    "a JSON list": lambda manifest: "[]",
    "another format": lambda manifest: json.dumps({"format": "something else"}),
    "the old format": lambda manifest: json.dumps(_v1(manifest)),
}


@pytest.mark.parametrize("kind", MANIFESTS, ids=list(MANIFESTS))
def test_a_corrupt_or_old_manifest_is_refused_with_a_message(tmp_path, kind):
    checkpoint = tmp_path / "ckpt"
    run([has_free], checkpoint)
    path = checkpoint / "manifest.json"
    path.write_text(MANIFESTS[kind](json.loads(path.read_text())), encoding="utf-8")
    with pytest.raises(DataError) as info:
        run([has_free], checkpoint)
    message = str(info.value)
    assert str(path) in message and "delete the checkpoint folder" in message, message
    if kind == "the old format":
        assert "older version of weaklabel (checkpoint format 1;" in message


def test_chunks_without_a_manifest_are_refused(tmp_path):
    checkpoint = tmp_path / "ckpt"
    run([has_free], checkpoint)
    (checkpoint / "manifest.json").unlink()
    with pytest.raises(DataError, match=r"no manifest\.json.*delete the checkpoint folder"):
        run([has_free], checkpoint)


def _ruler_pipeline(*words: str):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "MONEY", "pattern": w} for w in words])
    return nlp, ruler


def test_changed_spacy_ruler_patterns_refuse_the_checkpoint(tmp_path):
    nlp, ruler = _ruler_pipeline("cash")
    parse = spacy_preprocessor(nlp)

    @labeling_function(pre=[parse])
    def money_entity(x):
        return 1 if any(e.label_ == "MONEY" for e in x.doc.ents) else ABSTAIN

    lfs = [entity_lf("money", "MONEY", 1, nlp=nlp), money_entity]
    run(lfs, tmp_path / "ckpt")
    run(lfs, tmp_path / "ckpt")  # unchanged: resumes
    ruler.add_patterns([{"label": "MONEY", "pattern": "free"}])
    with pytest.raises(DataError) as info:
        run(lfs, tmp_path / "ckpt")
    message = str(info.value)
    assert "LF 'money' changed: field 'parse' differs" in message
    assert "LF 'money_entity' changed: preprocessor 'spacy' differs" in message


DETERMINISM = textwrap.dedent(
    """
    import json, sys
    from weaklabel import load_lfs
    from weaklabel._apply.fingerprint import fingerprint_lfs

    lfs = [*load_lfs("labeling_functions.spam").lfs, *load_lfs("labeling_functions.sms").lfs,
           *load_lfs(sys.argv[1]).lfs]
    entries, unstable = fingerprint_lfs(lfs)
    print(json.dumps([entries, unstable], sort_keys=True))
    """
)

SET_SOURCE = """
from weaklabel import ABSTAIN, labeling_function

STOP = {"a", "the", "of", "and", "to", "in", "is", "it", "on", "for"}
TABLE = {"x": frozenset({"p", "q", "r"}), "y": (1.5, None, b"z")}


@labeling_function()
def stop_heavy(x):
    words = x.text.split()
    return 0 if sum(w in STOP for w in words) > len(words) / 2 and TABLE else ABSTAIN
"""


def test_fingerprints_are_the_same_in_every_process(tmp_path):
    script, lfs = tmp_path / "fp.py", tmp_path / "set_lfs.py"
    script.write_text(DETERMINISM)
    lfs.write_text(SET_SOURCE)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, str(script), str(lfs)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent.parent,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    entries, unstable = outputs[0]
    assert unstable == []  # the bundled suites can be resumed
    stop_heavy = next(e for e in entries if e["name"] == "stop_heavy")
    assert {"global 'STOP'", "global 'TABLE'", "code"} <= set(stop_heavy["parts"])
