"""Process isolation: run one measurement in a fresh process and get its JSON result back.

Every measurement that reports memory runs in its own process (``harness.child``), so its peak
resident memory (``VmHWM``) is its own: the interpreter, the imports, the data and the work,
nothing that an earlier measurement left behind. The same protocol runs a function under the
peers' Python (:func:`harness.peers.run_peer_function`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.cpu import Contention
from harness.timing import best_run

__all__ = ["BENCHMARKS", "child_env", "run_command", "run_isolated"]

#: the benchmarks/ folder: on the children's PYTHONPATH (Dask workers unpickle LFs from there)
BENCHMARKS = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def child_env() -> dict[str, str]:
    """This environment, with ``benchmarks/`` first on PYTHONPATH."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(BENCHMARKS) + (os.pathsep + path if path else "")}


def _failure(returncode: int, stderr: str) -> str:
    """The last line of stderr, saying so when the process was killed (e.g. out of memory)."""
    lines = (stderr or "").strip().splitlines()
    tail = lines[-1] if lines else f"exit status {returncode}"
    if returncode < 0 or returncode == 137:
        tail = f"killed (signal {-returncode if returncode < 0 else 9}); {tail}"
    return tail


def _run_once(
    command: Sequence[str], out: Path, what: str, timeout: float | None, quiet: Contention | None
) -> dict[str, Any]:
    if quiet is not None:
        quiet.wait_quiet()
    log(f"  running {what} ...")
    start = time.perf_counter()
    try:
        done = subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            check=False,
            env=child_env(),
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        out.unlink(missing_ok=True)
        log(f"    timed out after {timeout:.0f} s")
        return {"error": f"timed out after {timeout:.0f} s", "wall_s": time.perf_counter() - start}
    wall = time.perf_counter() - start
    if done.returncode != 0 or not out.exists():
        tail = _failure(done.returncode, done.stderr)
        log(f"    failed after {wall:.1f} s: {tail}")
        return {"error": tail, "wall_s": wall, "stderr": done.stderr[-4000:]}
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    result["wall_s"] = wall
    if "unavailable" in result:
        log(f"    not available: {result['unavailable']}")
    elif "apply_s" in result:
        log(f"    {wall:.1f} s wall; apply {result['apply_s']:.2f} s")
    else:
        log(f"    {wall:.1f} s wall")
    return result


def _others(result: Mapping[str, Any]) -> float:
    return max(result.get("others_cores") or 0.0, result.get("warm_others_cores") or 0.0)


def run_command(
    command: Sequence[str],
    out: Path,
    what: str,
    *,
    contention: Contention | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Run ``command``, which writes its JSON result to ``out``; return that result.

    The result gains ``wall_s``; a failure gives ``{"error": last line of stderr}``. With
    ``contention``, wait for a quiet machine first and measure again while other processes
    disturbed the run (results that report ``others_cores``): the least disturbed run wins, with
    ``attempts`` and ``others_cores_max`` added.
    """
    if contention is None:
        return _run_once(command, out, what, timeout, None)
    best: dict[str, Any] = {}
    for attempt in range(1, contention.retries + 2):
        result = _run_once(command, out, what, timeout, contention)
        if "others_cores" not in result:  # failed, unavailable, or not measurable (Dask)
            return result
        result["others_cores_max"] = others = _others(result)
        if not best or others < best["others_cores_max"]:
            best = result
        best["attempts"] = attempt
        if others <= contention.contended:
            break
        log(f"    other processes used {others:.2f} cores meanwhile")
    return best


def run_isolated(
    target: str,
    config: Mapping[str, Any],
    workdir: Path,
    *,
    python: str | Path = sys.executable,
    repeat: int = 1,
    contention: Contention | None = None,
    timeout: float | None = None,
    what: str | None = None,
    best_key: str = "apply_s",
) -> dict[str, Any]:
    """``MODULE:FUNCTION(config)`` in a fresh ``python`` process (see ``harness.child``).

    ``repeat`` > 1 runs it that many times, each in a new process, and keeps the fastest by
    ``best_key`` (every run's time in ``runs_s``).
    """
    out = workdir / f"result-{os.getpid()}-{time.monotonic_ns()}.json"
    command = [str(python), "-m", "harness.child", target, "--config", json.dumps(dict(config))]
    command += ["--out", str(out)]
    label = what or target
    runs = [
        run_command(command, out, label, contention=contention, timeout=timeout)
        for _ in range(max(repeat, 1))
    ]
    return best_run(runs, best_key)
