"""Interrupting ``apply_lfs(..., n_jobs=2)``: Ctrl-C, a killed parent, a killed worker.

Each test runs ``python -m weaklabel apply --n-jobs 2`` in its own session on three chunks with a
slow LF that writes a marker file (named by its pid) once it is busy in a worker; then signals the
session like a terminal would, or kills one process. Every test ends by checking that no process
of the session is left, and kills the session in ``finally``. The timeouts are generous: they turn
a hang into a failure, they do not measure speed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weaklabel import ABSTAIN, apply_lfs, labeling_function
from weaklabel.exceptions import WorkerError

TIMEOUT = 60.0  # seconds before a test gives up on a child that should have finished long ago
CHUNK = 16384  # apply_lfs's default chunk_size: the CLI runs three chunks on 3 * CHUNK rows

SLOW_LFS = """
import contextlib
import os
import time
from pathlib import Path

from weaklabel import ABSTAIN, labeling_function

CLASSES = ("ham", "spam")
MARKERS = Path({markers!r})
_busy = []


@labeling_function()
def slow(x):
    if not _busy:
        _busy.append(True)
        (MARKERS / str(os.getpid())).write_text("busy")
    if x.fast != 1:
        time.sleep(0.01)  # a chunk of slow rows takes minutes: only a signal ends it early
    return ABSTAIN
"""


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, session id) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # state ppid pgrp session ...
    return fields[0], int(fields[3])


def _running(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")  # a zombie runs nothing


def _session(sid: int) -> list[int]:
    """Processes of session ``sid`` that still run."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[1] == sid and stat[0] not in ("Z", "X"):
                members.append(int(entry))
    return members


def _wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {TIMEOUT:.0f} s waiting until {what}")
        time.sleep(0.05)


class SlowRun:
    """``python -m weaklabel apply --n-jobs 2`` on three chunks of slow rows, in its own session."""

    def __init__(self, tmp_path: Path, *, fast_rows: int = 0, checkpoint: bool = False) -> None:
        self.markers = tmp_path / "markers"
        self.markers.mkdir()
        lfs = tmp_path / "slow_lfs.py"
        lfs.write_text(SLOW_LFS.format(markers=str(self.markers)))
        data = tmp_path / "data.csv"
        fast = np.zeros(3 * CHUNK, dtype=int)
        fast[:fast_rows] = 1
        pd.DataFrame({"text": "some text", "fast": fast}).to_csv(data, index=False)
        self.checkpoint = tmp_path / "ckpt"
        command = [sys.executable, "-m", "weaklabel", "apply", "--data", str(data)]
        command += ["--lfs", str(lfs), "--out", str(tmp_path / "votes.npz"), "--n-jobs", "2"]
        command += ["--quiet"] + (["--checkpoint", str(self.checkpoint)] if checkpoint else [])
        self.proc = subprocess.Popen(
            command, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        self.sid = self.proc.pid  # a new session: its id is the leader's pid, so is the group's

    def workers(self) -> list[int]:
        """Wait until both workers are busy; their pids."""

        def busy() -> list[int]:
            return [int(p.name) for p in self.markers.iterdir() if int(p.name) != self.proc.pid]

        _wait_until(lambda: len(busy()) == 2 or self.proc.poll() is not None, "workers are busy")
        assert self.proc.poll() is None, self.proc.communicate()[1]
        return busy()

    def finish(self) -> tuple[int, str]:
        """Wait for the parent to exit; its return code and stderr."""
        try:
            _, stderr = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the parent process hung: still running after {TIMEOUT:.0f} s")
        return self.proc.returncode, stderr

    def assert_nothing_left(self) -> None:
        _wait_until(lambda: not _session(self.sid), "no process of the run is left")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.sid, signal.SIGKILL)
        for pid in _session(self.sid):  # workers that left the group, if any did
            os.kill(pid, signal.SIGKILL)
        self.proc.stderr.close()
        self.proc.wait()


@pytest.fixture
def slow_run(tmp_path):
    runs = []

    def start(**kwargs) -> SlowRun:
        runs.append(SlowRun(tmp_path, **kwargs))
        return runs[-1]

    yield start
    for run in runs:
        run.kill()


def test_ctrl_c_stops_the_workers_and_exits_130(slow_run):
    run = slow_run()
    run.workers()
    os.killpg(run.sid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole group
    code, stderr = run.finish()
    assert code == 130, stderr
    assert stderr.strip() == "weaklabel: interrupted"  # no traceback, from the parent or workers
    run.assert_nothing_left()


@pytest.mark.parametrize("pause", [0.0, 0.3])
def test_a_second_ctrl_c_does_not_hang(slow_run, pause):
    run = slow_run()
    run.workers()
    os.killpg(run.sid, signal.SIGINT)
    time.sleep(pause)
    os.killpg(run.sid, signal.SIGINT)
    code, stderr = run.finish()
    assert code == 130, stderr
    assert stderr.strip() == "weaklabel: interrupted"
    run.assert_nothing_left()


def test_ctrl_c_to_the_parent_alone_stops_the_workers(slow_run):
    run = slow_run()
    run.workers()
    os.kill(run.proc.pid, signal.SIGINT)
    code, stderr = run.finish()
    assert code == 130, stderr
    assert stderr.strip() == "weaklabel: interrupted"
    run.assert_nothing_left()


def test_ctrl_c_keeps_the_finished_chunks_in_the_checkpoint(slow_run):
    run = slow_run(fast_rows=CHUNK, checkpoint=True)  # the first chunk finishes at once
    run.workers()
    _wait_until(lambda: any(run.checkpoint.glob("chunk-*")), "chunk 0 is stored")
    os.killpg(run.sid, signal.SIGINT)
    code, stderr = run.finish()
    assert code == 130, stderr
    assert len(list(run.checkpoint.glob("chunk-*"))) == 1  # still there, and nothing half-done
    run.assert_nothing_left()


def test_workers_die_with_a_killed_parent(slow_run):
    run = slow_run()
    workers = run.workers()
    run.proc.kill()  # SIGKILL: the parent cannot clean up; the workers must notice on their own
    run.proc.wait()
    _wait_until(lambda: not any(_running(pid) for pid in workers), "the workers are gone")
    run.assert_nothing_left()


def test_a_killed_worker_is_a_clear_error(slow_run):
    run = slow_run()
    workers = run.workers()
    os.kill(workers[0], signal.SIGKILL)  # as the OOM killer would
    code, stderr = run.finish()
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("weaklabel: error: A worker process")
    assert "killed by signal SIGKILL" in stderr
    assert "rows 0 to 16383" in stderr or "rows 16384 to 32767" in stderr
    run.assert_nothing_left()


def test_a_worker_that_dies_names_its_chunk():
    @labeling_function()
    def crashes(x):
        if x.n == 40:
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a C extension would
        return ABSTAIN

    frame = pd.DataFrame({"n": range(100)})
    with pytest.raises(WorkerError, match=r"SIGKILL while applying chunk 2 \(rows 32 to 47\)"):
        apply_lfs([crashes], frame, chunk_size=16, n_jobs=2, progress=False)
    # the pool is gone and a new call works
    votes = apply_lfs([crashes], frame.iloc[:32], chunk_size=16, n_jobs=2, progress=False)
    assert votes.n_rows == 32


SCRIPT = """
import contextlib
import os
import signal
import sys
import time
from pathlib import Path

import pandas as pd

from weaklabel import ABSTAIN, apply_lfs, labeling_function

markers = Path(sys.argv[1])
busy = []


@labeling_function()
def slow(x):  # defined in __main__: the forked workers need no pickling of it
    if not busy:
        busy.append(True)
        (markers / str(os.getpid())).write_text("busy")
    time.sleep(0.01)
    return ABSTAIN


try:
    apply_lfs([slow], pd.DataFrame({"n": range(30_000)}), chunk_size=10_000, n_jobs=2)
except KeyboardInterrupt:
    print("caught KeyboardInterrupt")
print("SIGINT handler restored:", signal.getsignal(signal.SIGINT) is signal.default_int_handler)
"""


def test_ctrl_c_raises_keyboard_interrupt_in_the_caller(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(markers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the progress bar is on: its thread may take the signal
    )
    try:
        _wait_until(lambda: len(list(markers.iterdir())) == 2 or proc.poll() is not None, "busy")
        os.killpg(proc.pid, signal.SIGINT)
        try:
            stdout, stderr = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the script hung: still running after {TIMEOUT:.0f} s")
        assert proc.returncode == 0, stderr
        assert stdout.splitlines() == ["caught KeyboardInterrupt", "SIGINT handler restored: True"]
        assert "Traceback" not in stderr
        _wait_until(lambda: not _session(proc.pid), "no process of the script is left")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
