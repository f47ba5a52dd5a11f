"""Prompted-LF benchmark: ``prompt_lf`` throughput against a local chat server, and what label
models make of LFs that state confidences.

Usage::

    python benchmarks/prompt_lf.py [--latency 0.05] [--concurrency 1,8,32] [--rows 100,1000,2000]
        [--quality-rows 10000] [--seeds 5] [--settings 4/3,2/5,7/0,0/7] [--cardinality 2]
        [--parts throughput,quality] [--quiet-wait 20] [--retries 1] [--workdir DIR] [--markdown]
        [--smoke]

1. **Throughput.** ``apply_lfs`` of one ``prompt_lf`` over distinct short comments, against the
   tests' OpenAI-compatible server (``tests/llm/chat_server.py``: it sleeps ``--latency`` seconds
   per request, then answers by its spam-word rule), run in its own process so that its HTTP
   handling does not share the client's interpreter lock (its listen backlog is 128). For each
   ``--concurrency`` (with the matching ``--rows``): a fresh server and
   a fresh answer cache, the rows per second beside the ideal ``concurrency / latency``, the most
   requests the server had in flight, the cores the client, the server and other processes kept
   busy, and a rerun on the same cache, which must send no request. Concurrency 1 and the highest
   are measured again without a cache (the cache writes each answer atomically, with an fsync).
   The overhead per row at concurrency 1 is ``(wall time - rows x latency) / rows``. An untimed
   warm-up runs first; each measure waits for idle cores and is repeated when other processes
   competed (``harness.cpu.Contention``), keeping the least disturbed run.
2. **Label quality.** For each ``--settings`` entry ``C/O`` (C calibrated and O overconfident LFs
   of ``weaklabel.datasets.make_confidence_votes``, coverage 0.5) and each seed ``0..seeds-1``:
   ``--quality-rows`` rows drawn, the models fitted on them without gold and scored on the same
   rows (expected accuracy under a random tie-break and ECE over 10 bins, all rows:
   ``harness.scoring``). LabelModel and DawidSkene with the stated confidences (split into learned
   levels) and on the same votes without them (``VoteMatrix.from_dense``); MajorityVote; and
   "face value", which trusts the stated confidences: per row the sum over its votes of ``log c``
   for the voted class and ``log((1 - c) / (k - 1))`` for the others (``c`` clipped to [0.001,
   0.999]), softmax, uniform class prior. Means over the seeds.

The figures go to ``benchmarks/results/prompt_lf.json``.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import argparse
import multiprocessing as mp
import os
import sys
import tempfile
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
from harness.cpu import Contention, CpuWatch
from harness.results import parse_args, write_results
from harness.scoring import calibration_error, expected_accuracy
from harness.tables import render
from harness.timing import Stopwatch
from scipy.special import softmax

from weaklabel import VoteMatrix, apply_lfs, prompt_lf
from weaklabel.datasets import make_confidence_votes
from weaklabel.models import DawidSkene, LabelModel, MajorityVote

SMOKE = {"rows": "10,40,80", "quality_rows": 2000, "seeds": 1, "quiet_wait": 0.0, "retries": 0}
CHAT_SERVER_DIR = Path(__file__).resolve().parents[1] / "tests" / "llm"
CLASSES = ["ham", "spam"]
PROMPT = "Comment: {text}\nSpam or ham? Answer in one word."
ECE_BINS = 10
CLIP = 0.001


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def chat_server() -> ModuleType:
    """The tests' chat server module (``tests/llm/chat_server.py``)."""
    if str(CHAT_SERVER_DIR) not in sys.path:
        sys.path.insert(0, str(CHAT_SERVER_DIR))
    import chat_server as module

    return module


# -- 1. throughput ------------------------------------------------------------------------------


def _serve(conn: Connection, latency: float) -> None:
    """The child process: a chat server that answers "counts" with its request counters and the
    CPU seconds it used."""
    module = chat_server()
    with module.ChatServer(latency=latency) as server:
        conn.send(server.base_url)
        while conn.recv() == "counts":
            cpu = os.times()
            conn.send((server.request_count, server.max_in_flight, cpu.user + cpu.system))


class Server:
    """The tests' chat server in its own process: ``with Server(0.05) as s: s.base_url``."""

    def __init__(self, latency: float) -> None:
        self._conn, child = mp.get_context("spawn").Pipe()
        self._process = mp.get_context("spawn").Process(
            target=_serve, args=(child, latency), daemon=True
        )
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError("the chat server process did not start within 60 s")
        self.base_url: str = self._conn.recv()

    def counts(self) -> tuple[int, int, float]:
        """Chat requests received so far, the most in flight at once, CPU seconds used."""
        self._conn.send("counts")
        requests, in_flight, cpu = self._conn.recv()
        return int(requests), int(in_flight), float(cpu)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send("close")
        self._process.join(timeout=10)


def comments(n: int) -> pd.DataFrame:
    """``n`` distinct comments (the server's sample comments, numbered: no prompt repeats)."""
    texts = chat_server().TEXTS
    return pd.DataFrame({"text": [f"{texts[i % len(texts)]} #{i}" for i in range(n)]})


def expected_votes(frame: pd.DataFrame) -> np.ndarray:
    """The class the server's rule gives each comment (the prompt adds no spam word)."""
    words = chat_server().SPAM_WORDS
    return np.array([int(any(w in t.lower() for w in words)) for t in frame["text"]])


def label(
    frame: pd.DataFrame, url: str, concurrency: int, cache: Path | None
) -> tuple[float, float, float, Any]:
    """Seconds to apply one prompted LF to ``frame``, the cores this process and the others (the
    server's among them) kept busy meanwhile, and the votes."""
    lf = prompt_lf(
        "llm",
        PROMPT,
        classes=CLASSES,
        model="bench-model",
        base_url=url,
        api_key="local-bench",  # the local server checks none; never read from the environment
        cache_dir=cache,
        max_concurrency=concurrency,
        progress=False,
    )
    before = os.times()
    with CpuWatch() as cpu, Stopwatch() as watch:
        votes = apply_lfs([lf], frame, classes=CLASSES, progress=False)
    after = os.times()
    own = (after.user + after.system - before.user - before.system) / watch.seconds
    return watch.seconds, own, cpu.others_cores, votes


def measure_throughput(
    concurrency: int, n: int, latency: float, workdir: Path, *, cached: bool
) -> dict[str, Any]:
    """One measure on a fresh server (and a fresh cache, then a rerun on it, when ``cached``)."""
    frame = comments(n)
    expected = expected_votes(frame)
    result: dict[str, Any] = {"cache": cached, "concurrency": concurrency, "rows": n}
    with Server(latency) as server, tempfile.TemporaryDirectory(dir=workdir) as folder:
        cache = Path(folder) / "cache" if cached else None
        _, _, cpu_before = server.counts()
        seconds, own, busy, votes = label(frame, server.base_url, concurrency, cache)
        requests, in_flight, cpu_after = server.counts()
        if not (votes.to_dense()[:, 0] == expected).all():
            raise RuntimeError(f"concurrency {concurrency}: votes differ from the server's rule")
        served = (cpu_after - cpu_before) / seconds  # cores the server kept busy
        result |= {"seconds": seconds, "requests": requests, "max_in_flight": in_flight,
                   "client_cores": own, "server_cores": served,
                   "others_cores": max(0.0, busy - served)}  # fmt: skip
        if cache is not None:
            again, _, _, rerun = label(frame, server.base_url, concurrency, cache)
            sent = server.counts()[0] - requests
            if sent or rerun != votes:
                raise RuntimeError(f"the cached rerun sent {sent} requests or changed the votes")
            result |= {"rerun_seconds": again, "rerun_requests": sent}
    return result


def throughput(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    levels = [int(c) for c in str(args.concurrency).split(",")]
    sizes = [int(r) for r in str(args.rows).split(",")]
    if len(levels) != len(sizes):
        raise SystemExit(f"--rows needs one size per --concurrency level ({levels}); got {sizes}")
    with Server(args.latency) as server:  # imports and first connection, untimed
        label(comments(4), server.base_url, 1, None)
    pairs = list(zip(levels, sizes, strict=True))
    ends = {min(levels), max(levels)}
    plan = [(c, n, True) for c, n in pairs] + [(c, n, False) for c, n in pairs if c in ends]
    contention = Contention(quiet_wait=args.quiet_wait, retries=args.retries)
    results = []
    for c, n, cached in plan:
        log(f"  concurrency {c}, {n:,} rows, {'fresh cache' if cached else 'no cache'}")
        runs = []
        for _ in range(contention.retries + 1):
            contention.wait_quiet()
            runs.append(measure_throughput(c, n, args.latency, workdir, cached=cached))
            if runs[-1]["others_cores"] <= contention.contended:
                break
            log(f"    other processes kept {runs[-1]['others_cores']:.2f} cores busy")
        results.append(min(runs, key=lambda r: r["others_cores"]))
    return results


def print_throughput(results: list[dict[str, Any]], latency: float, *, markdown: bool) -> None:
    print(f"prompt_lf against the local chat server, {latency * 1000:g} ms per request")
    headers = ["cache", "concurrency", "rows", "seconds", "rows/s", "ideal rows/s", "of ideal",
               "most in flight", "requests", "client cores", "server cores", "others' cores",
               "cached rerun rows/s", "rerun requests"]  # fmt: skip
    rows = []
    for r in results:
        rate, ideal = r["rows"] / r["seconds"], r["concurrency"] / latency
        rerun = ["", ""]
        if r["cache"]:
            rerun = [f"{r['rows'] / r['rerun_seconds']:,.0f}", r["rerun_requests"]]
        rows.append(["fresh" if r["cache"] else "none", r["concurrency"], f"{r['rows']:,}",
                     f"{r['seconds']:.2f}", f"{rate:.1f}", f"{ideal:.0f}", f"{rate / ideal:.0%}",
                     r["max_in_flight"], f"{r['requests']:,}", f"{r['client_cores']:.2f}",
                     f"{r['server_cores']:.2f}",
                     f"{r['others_cores']:.2f}", *rerun])  # fmt: skip
    print(render(headers, rows, markdown=markdown, text_columns=1))
    print()
    for r in results:
        if r["concurrency"] == 1:
            overhead = (r["seconds"] - r["rows"] * latency) / r["rows"] * 1000
            cache = "a fresh cache" if r["cache"] else "no cache"
            print(f"overhead per row at concurrency 1, {cache}: {overhead:.1f} ms")


# -- 2. label quality ---------------------------------------------------------------------------

METHODS = [
    ("LabelModel", "stated confidences"),
    ("LabelModel", "votes only"),
    ("DawidSkene", "stated confidences"),
    ("DawidSkene", "votes only"),
    ("MajorityVote", "votes only"),
    ("face value", "stated confidences"),
]


def face_value(votes: VoteMatrix) -> np.ndarray:
    """Class probabilities that trust each vote's stated confidence, under a uniform prior."""
    k = votes.cardinality
    c = np.clip(votes.confidences(), CLIP, 1 - CLIP)
    rows, labels = votes.rows(), votes.labels()
    others = np.log((1 - c) / (k - 1))
    logits = np.zeros((votes.n_rows, k))
    np.add.at(logits, rows, np.repeat(others[:, None], k, axis=1))
    np.add.at(logits, (rows, labels), np.log(c) - others)
    return softmax(logits, axis=1)


def predict(method: str, given: str, votes: VoteMatrix, seed: int) -> np.ndarray:
    k = votes.cardinality
    if given == "votes only":
        votes = VoteMatrix.from_dense(votes.to_dense(), cardinality=k)
    if method == "face value":
        return face_value(votes)
    if method == "LabelModel":
        model: Any = LabelModel(k, random_state=seed, progress=False)
    elif method == "DawidSkene":
        model = DawidSkene(k, random_state=seed, progress=False)
    else:
        model = MajorityVote(k, random_state=seed)
    return np.asarray(model.fit(votes).predict_proba(votes))


def quality(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    for setting in str(args.settings).split(","):
        calibrated, overconfident = (int(x) for x in setting.split("/"))
        log(f"  {calibrated} calibrated / {overconfident} overconfident LFs")
        for seed in range(args.seeds):
            votes, truth = make_confidence_votes(
                args.quality_rows, n_calibrated=calibrated, n_overconfident=overconfident,
                cardinality=args.cardinality, random_state=seed,
            )  # fmt: skip
            for method, given in METHODS:
                probs = predict(method, given, votes, seed)
                results.append({"setting": setting, "seed": seed, "method": method,
                                "input": given, "accuracy": expected_accuracy(probs, truth),
                                "ece": calibration_error(probs, truth, bins=ECE_BINS)})  # fmt: skip
    return results


def print_quality(
    results: list[dict[str, Any]], args: argparse.Namespace, *, markdown: bool
) -> None:
    frame = pd.DataFrame(results)
    settings = list(dict.fromkeys(frame["setting"]))
    seeds = frame["seed"].nunique()
    print(f"Label quality on {args.quality_rows:,} rows, {args.cardinality} classes, "
          f"coverage 0.5, mean of {seeds} seed(s); C/O = calibrated / overconfident LFs; "
          "fitted and scored on the same rows, without gold")  # fmt: skip
    stats = frame.groupby(["method", "input", "setting"])[["accuracy", "ece"]].agg(["mean", "std"])
    headers = ["model", "votes given"]
    for s in settings:
        headers += [f"{s} accuracy", f"{s} ECE"]
    rows = []
    for method, given in METHODS:
        cells = [method, given]
        for s in settings:
            line = stats.loc[(method, given, s)]
            cells += [f"{line[('accuracy', 'mean')]:.4f}", f"{line[('ece', 'mean')]:.4f}"]
        rows.append(cells)
    print(render(headers, rows, markdown=markdown, text_columns=2))
    if seeds > 1:
        spread = stats.xs("std", axis=1, level=1).max()
        print(f"\nlargest standard deviation over the seeds: accuracy {spread['accuracy']:.4f}, "
              f"ECE {spread['ece']:.4f}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--concurrency", default="1,8,32", help="max_concurrency levels")
    parser.add_argument("--rows", default="100,1000,2000", help="rows at each concurrency level")
    parser.add_argument("--quality-rows", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--settings", default="4/3,2/5,7/0,0/7",
                        help="calibrated/overconfident LFs, comma-separated")  # fmt: skip
    parser.add_argument("--cardinality", type=int, default=2)
    parser.add_argument("--parts", default="throughput,quality")
    parser.add_argument("--quiet-wait", type=float, default=20.0,
                        help="before each throughput measure, wait up to this many seconds for "
                        "idle cores")  # fmt: skip
    parser.add_argument("--retries", type=int, default=1,
                        help="measure again up to this many times when other processes competed "
                        "for the cores; keep the least disturbed run")  # fmt: skip
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--markdown", action="store_true")
    args = parse_args(parser, argv, SMOKE)
    parts = args.parts.split(",")
    results: dict[str, Any] = {"latency_s": args.latency}
    if "throughput" in parts:
        log("throughput:")
        results["throughput"] = throughput(args, args.workdir)
        print_throughput(results["throughput"], args.latency, markdown=args.markdown)
    if "quality" in parts:
        log("label quality:")
        results["quality"] = quality(args)
        if "throughput" in parts:
            print()
        print_quality(results["quality"], args, markdown=args.markdown)
    write_results("prompt_lf", results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
