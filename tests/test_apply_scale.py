"""Vectorized LFs, batch preprocessors, worker processes and checkpoints in apply_lfs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

from weaklabel import (
    ABSTAIN,
    DataError,
    LabelingFunctionError,
    VoteMatrix,
    apply_lfs,
    keyword_lf,
    labeling_function,
    preprocessor,
)

WORDS = ["subscribe", "song", "love", "check", "money", "video", "free", "nice"]


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = [" ".join(rng.choice(WORDS, size=rng.integers(1, 6))) for _ in range(n)]
    return pd.DataFrame({"text": texts, "n": rng.integers(0, 10, n)})


@labeling_function
def mentions_love(x):
    return 0 if "love" in x.text else ABSTAIN


@labeling_function(vectorized=True)
def big_n(frame):
    return np.where(frame["n"] > 6, 1, ABSTAIN)


LFS = [mentions_love, big_n, keyword_lf("promo", ["money", "free"], 1)]


def test_vectorized_and_row_lfs_mix():
    frame = make_frame(300)
    votes = apply_lfs(LFS, frame, cardinality=2, progress=False)
    dense = votes.to_dense()
    assert dense[:, 0].tolist() == [0 if "love" in t else -1 for t in frame["text"]]
    assert dense[:, 1].tolist() == [1 if n > 6 else -1 for n in frame["n"]]


@pytest.mark.parametrize("chunk_size", [7, 64, 10_000])
def test_worker_processes_give_the_same_votes_in_order(chunk_size):
    frame = make_frame(500)
    serial = apply_lfs(LFS, frame, cardinality=2, progress=False, chunk_size=chunk_size)
    parallel = apply_lfs(LFS, frame, cardinality=2, progress=False, chunk_size=chunk_size, n_jobs=2)
    assert parallel == serial


def test_errors_in_workers_name_the_lf_and_row():
    @labeling_function
    def breaks(x):
        if x.n == 9:
            raise ValueError("nine")
        return ABSTAIN

    frame = make_frame(200)
    with pytest.raises(LabelingFunctionError, match="'breaks' failed on row"):
        apply_lfs([breaks], frame, progress=False, chunk_size=16, n_jobs=2)


def test_batch_preprocessor_runs_once_per_chunk_and_feeds_both_kinds():
    calls = []

    @preprocessor(batch=True)
    def word_count(frame):
        calls.append(len(frame))
        return {"words": frame["text"].str.split().str.len().tolist()}

    @labeling_function(pre=[word_count])
    def long_row(x):
        return 1 if x.words >= 4 else ABSTAIN

    @labeling_function(pre=[word_count], vectorized=True)
    def long_vec(frame):
        return np.where(frame["words"] >= 4, 1, ABSTAIN)

    frame = make_frame(100)
    votes = apply_lfs([long_row, long_vec], frame, progress=False, chunk_size=40)
    assert calls == [40, 40, 20]
    dense = votes.to_dense()
    assert np.array_equal(dense[:, 0], dense[:, 1])
    assert long_row({"text": "a b c d"}) == 1


def test_failing_batch_preprocessor_fails_its_chunk():
    @preprocessor(batch=True)
    def fragile(frame):
        if frame["n"].max() > 8:
            raise RuntimeError("too big")
        return {"ok": [True] * len(frame)}

    @labeling_function(pre=[fragile])
    def uses(x):
        return 1

    frame = pd.DataFrame({"text": ["a"] * 6, "n": [1, 2, 9, 1, 1, 1]})
    with pytest.raises(LabelingFunctionError, match="preprocessor 'fragile' raised RuntimeError"):
        apply_lfs([uses], frame, progress=False, chunk_size=3)
    votes = apply_lfs([uses], frame, progress=False, chunk_size=3, on_error="abstain")
    assert votes.lf_failures.tolist() == [3]
    assert votes.to_dense()[:, 0].tolist() == [-1, -1, -1, 1, 1, 1]


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (lambda f: np.ones(len(f) + 1, dtype=int), "shape"),
        (lambda f: np.full(len(f), 0.5), r"returned 0\.5"),
        (lambda f: np.full(len(f), 5), "returned 5"),
        (lambda f: np.array(["spam"] * len(f)), "returned 'spam'"),
    ],
)
def test_invalid_vectorized_outputs(output, message):
    lf = labeling_function(vectorized=True, name="bad")(output)
    with pytest.raises(LabelingFunctionError, match=message):
        apply_lfs([lf], make_frame(10), cardinality=2, progress=False)


def test_vectorized_lf_reading_a_missing_column():
    @labeling_function(vectorized=True)
    def reads_body(frame):
        return np.where(frame["body"] == "x", 1, ABSTAIN)

    with pytest.raises(
        LabelingFunctionError,
        match=r"'reads_body' reads a column the data lacks: The column 'body' is not.*text, n",
    ):
        apply_lfs([reads_body], make_frame(5), progress=False)


# -- checkpoints --------------------------------------------------------------------------------


def test_checkpoint_resumes_and_matches(tmp_path):
    frame = make_frame(400)
    whole = apply_lfs(LFS, frame, cardinality=2, progress=False, chunk_size=50)
    first = apply_lfs(
        LFS, frame, cardinality=2, progress=False, chunk_size=50, checkpoint_dir=tmp_path
    )
    assert first == whole
    assert len(list(tmp_path.glob("chunk-*.npz"))) == 8
    for path in sorted(tmp_path.glob("chunk-*.npz"))[3:]:  # as if killed after 3 chunks
        path.unlink()
    again = apply_lfs(
        LFS, frame, cardinality=2, progress=False, chunk_size=50, checkpoint_dir=tmp_path
    )
    assert again == whole


def test_checkpoint_of_other_lfs_is_refused(tmp_path):
    frame = make_frame(100)
    apply_lfs(LFS, frame, cardinality=2, progress=False, checkpoint_dir=tmp_path)

    @labeling_function(name="mentions_love")
    def changed(x):
        return 0 if "LOVE" in x.text else ABSTAIN

    with pytest.raises(DataError, match=r"different run.*mentions_love"):
        apply_lfs(
            [changed, *LFS[1:]], frame, cardinality=2, progress=False, checkpoint_dir=tmp_path
        )


def test_checkpoint_of_other_data_is_refused(tmp_path):
    apply_lfs(LFS, make_frame(100, seed=0), cardinality=2, progress=False, checkpoint_dir=tmp_path)
    with pytest.raises(DataError, match="other data"):
        apply_lfs(
            LFS, make_frame(100, seed=1), cardinality=2, progress=False, checkpoint_dir=tmp_path
        )


SCRIPT = textwrap.dedent(
    """
    import sys, time
    import numpy as np, pandas as pd
    from weaklabel import ABSTAIN, apply_lfs, labeling_function

    @labeling_function
    def slow(x):
        time.sleep(float(sys.argv[2]))
        return 1 if x.i % 3 == 0 else ABSTAIN

    @labeling_function
    def parity(x):
        return x.i % 2

    frame = pd.DataFrame({"i": np.arange(200)})
    votes = apply_lfs([slow, parity], frame, cardinality=2, chunk_size=10, progress=False,
                      checkpoint_dir=sys.argv[1])
    votes.save(sys.argv[3])
    """
)


def test_a_run_killed_with_sigkill_resumes_to_the_same_votes(tmp_path):
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    checkpoint, out = tmp_path / "ckpt", tmp_path / "votes.npz"
    process = subprocess.Popen([sys.executable, str(script), str(checkpoint), "0.01", str(out)])
    deadline = time.monotonic() + 60
    while len(list(checkpoint.glob("chunk-*.npz"))) < 5:  # wait until halfway-ish
        assert process.poll() is None, "the job finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(list(checkpoint.glob("chunk-*.npz")))
    assert 5 <= done_before < 20
    assert not out.exists()
    subprocess.run([sys.executable, str(script), str(checkpoint), "0", str(out)], check=True)
    resumed = VoteMatrix.load(out)
    reference = tmp_path / "reference.npz"
    subprocess.run(
        [sys.executable, str(script), str(tmp_path / "fresh"), "0", str(reference)], check=True
    )
    assert resumed == VoteMatrix.load(reference)
