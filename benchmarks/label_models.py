"""Benchmark weaklabel's label models against the peers (Snorkel, FlyingSquid, crowd-kit, the
Hyper Label Model): accuracy and calibration.

Usage::

    .venv/bin/python benchmarks/label_models.py [--datasets youtube,trec,...] [--seeds N]
        [--no-peers] [--jobs J] [--synthetic-rows N] [--markdown] [--smoke]

What is measured, on each dataset, for each model:

* **Accuracy** on the test split, over *all* its rows. A model is fitted on the fit split
  without gold labels and must give class probabilities for every test row. The score is the
  expected accuracy under a random tie-break (``harness.scoring``): the classes within 1e-9 of
  the row's highest probability are tied, and the row scores ``1 / n_tied`` if the gold class is
  among them. Rows without any vote are scored like the others: each model gives them its class
  prior, and a uniform prior makes them ties.
* **F1 of the positive class** for the imbalanced binary sets (sms, spouse), from the argmax
  with ties going to the lowest class index (the negative class).
* **Calibration** on the test rows with at least one vote (``harness.scoring``): the expected
  calibration error (ECE) of the top class in 15 equal-width bins, each row's top-class
  probability against its credit under the random tie-break; the mean ECE of each model over the
  real and over the synthetic sets; and each model's reliability table (per bin: mean
  confidence, accuracy, rows; seeds pooled), in the JSON results and printed for LabelModel and
  MajorityVote. A peer that gives only one-hot answers would show "hard labels" (none does).
* **Time**: our models are timed in-process with ``time.perf_counter``, one after the other,
  before any peer starts, after one untimed warm-up fit of every model; the peers report their
  own fit and predict seconds (``peers_runner.py``, one fresh process per run, import time left
  out; ``--jobs`` of them side by side). Every model runs on one thread
  (``harness.single_thread``, inherited by the peers). Each model runs once per seed
  (``--seeds N``: seeds 0..N-1); the tables show the mean accuracy, its range over the seeds and
  on the test rows with at least one vote, and the fastest run's time, and compare every model's
  fit + predict time with the default ``LabelModel``'s.

Datasets: the six real sets of ``harness.datasets``, the synthetic sets of the failure patterns
of issue 12 (``label_model_bench.patterns``: keywords, one-sided, three crowd sets, redundant
LFs, a random LF; the last one also reports the mean confidence and accuracy on the rows where
only the random LF voted), and two synthetic sets with known truth (``harness.synthetic``), drawn
with fixed seeds, fitted on one half (``--synthetic-rows``) and scored on the other; for these
two the Bayes posterior under the true generating parameters ("oracle") gives a ceiling:

* ``synthetic-85/15``: 10 LFs that vote either class (accuracy 0.55-0.75, coverage 0.3-0.9),
  class balance 0.85 / 0.15 (the model of :func:`weaklabel.datasets.make_votes`);
* ``synthetic-unipolar``: 20 one-sided, keyword-like LFs over 3 imbalanced classes; each votes
  only its own class and fires more often on rows of that class than on the others.

The peers run through ``peers_runner.py`` with the peers' Python (``harness.peers``); without
it, or with ``--no-peers``, only weaklabel's models run. Progress goes to stderr, the report to
stdout, every score and time to ``benchmarks/results/label_models.json``.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import argparse
import contextlib
import inspect
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.peers import (
    PeerRun,
    csr_from_dense,
    missing_peers,
    peers_python,
    run_label_model_peer,
    write_runner_input,
)
from harness.results import parse_args, write_results
from harness.single_thread import describe as describe_threads
from label_model_bench.benches import (
    PEERS,
    REFERENCE,
    SYNTHETIC_ROWS,
    Bench,
    InvalidProbabilities,
    Result,
    load_benches,
    oracle_result,
)
from label_model_bench.calibration import model_means
from label_model_bench.summary import report

import weaklabel.models as wl_models
from weaklabel import VoteMatrix

PEER_TIMEOUT_SECONDS = 1800  # Snorkel's 500 epochs over 461 workers x 5 classes take minutes
SMOKE = {
    "datasets": "youtube,crowd-dog,synthetic-85/15,synthetic-random-lf",
    "seeds": 1,
    "synthetic_rows": 1000,
}


def progress(message: str) -> None:
    print(f"[label_models] {message}", file=sys.stderr, flush=True)


# -- weaklabel's models, in-process ---------------------------------------------------------------


def our_models() -> list[tuple[str, type, dict[str, Any]]]:
    """(label, class, settings) of each weaklabel model to run."""
    return [
        ("MajorityVote", wl_models.MajorityVote, {}),
        ("DawidSkene outcome", wl_models.DawidSkene, {"abstain": "outcome"}),
        ("DawidSkene ignore", wl_models.DawidSkene, {"abstain": "ignore"}),
        ("MomentsModel", wl_models.MomentsModel, {}),
        (REFERENCE, wl_models.LabelModel, {"init": "majority"}),
        ("LabelModel init=moments", wl_models.LabelModel, {"init": "moments"}),
        ("WeightedMajorityVote", wl_models.WeightedMajorityVote, {}),
    ]


def build(cls: type, settings: dict[str, Any], k: int, seed: int) -> Any:
    """The model with ``settings``, seeded and silent where the model takes those options."""
    accepted = inspect.signature(cls).parameters
    extra = {
        key: value
        for key, value in (("random_state", seed), ("progress", False))
        if key in accepted
    }
    return cls(cardinality=k, **settings, **extra)


def warm_up(bench: Bench, rows: int = 200) -> None:
    """Fit every model once on a few rows, untimed, so that first-call costs (lazy imports,
    caches) do not land in the first dataset's times."""
    votes = VoteMatrix.from_dense(bench.data.fit.votes[:rows], cardinality=bench.k)
    for _, cls, settings in our_models():
        with contextlib.suppress(Exception):  # a failing model is reported by run_ours
            build(cls, settings, bench.k, 0).fit(votes).predict_proba(votes)


def run_ours(bench: Bench, seeds: Sequence[int]) -> list[Result]:
    k = bench.k
    fit_votes = VoteMatrix.from_dense(bench.data.fit.votes, cardinality=k)
    test_votes = VoteMatrix.from_dense(bench.data.test.votes, cardinality=k)
    results = []
    for label, cls, settings in our_models():
        result = Result(label, "ours")
        try:
            for seed in seeds:
                model = build(cls, settings, k, seed)
                start = time.perf_counter()
                model.fit(fit_votes)
                fitted = time.perf_counter()
                probs = model.predict_proba(test_votes)
                done = time.perf_counter()
                result.add(probs, bench, fitted - start, done - start)
        except Exception as exc:  # one failing model must not stop the benchmark
            result.error = f"error ({type(exc).__name__})"
        results.append(result)
    return results


# -- the peers, one fresh process per run ---------------------------------------------------------


def run_peers(
    benches: Sequence[Bench], seeds: Sequence[int], jobs: int
) -> tuple[dict[str, list[Result]], set[str]]:
    """Every peer on every dataset for every seed; also the peer libraries' versions."""
    tasks = [(b, label, method, s) for b in benches for label, method in PEERS for s in seeds]
    with tempfile.TemporaryDirectory(prefix="weaklabel-bench-") as tmp:
        sources = {}
        for i, bench in enumerate(benches):
            fit, test = bench.data.fit, bench.data.test
            sources[bench.name] = write_runner_input(
                Path(tmp) / f"data{i}.npz",
                csr_from_dense(fit.votes),
                None if test is fit else csr_from_dense(test.votes),
                bench.k,
            )
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {
                pool.submit(
                    run_label_model_peer,
                    sources[b.name],
                    method,
                    s,
                    timeout=PEER_TIMEOUT_SECONDS,
                ): i
                for i, (b, _, method, s) in enumerate(tasks)
            }
            runs: list[PeerRun | None] = [None] * len(tasks)
            for done, future in enumerate(as_completed(futures), 1):
                runs[futures[future]] = future.result()
                if done % 10 == 0 or done == len(tasks):
                    progress(f"peers: {done}/{len(tasks)} runs done")
    results: dict[str, dict[str, Result]] = {b.name: {} for b in benches}
    for (bench, label, _, _), run in zip(tasks, runs, strict=True):
        result = results[bench.name].setdefault(label, Result(label, "peer"))
        add_peer_run(result, run, bench)
    libraries = {run.library for run in runs if run is not None and run.library}
    return {name: list(by_label.values()) for name, by_label in results.items()}, libraries


def add_peer_run(result: Result, run: PeerRun | None, bench: Bench) -> None:
    if result.error is not None or run is None:
        return
    if run.error is not None or run.probs is None:
        result.error = run.error or "error (no output)"
        return
    try:
        total = run.fit_seconds + run.predict_seconds
        result.hard_labels = run.hard_labels
        result.add(run.probs, bench, run.fit_seconds, total)
    except InvalidProbabilities:
        result.error = "error (InvalidProbabilities)"


def peer_results(
    benches: Sequence[Bench], seeds: Sequence[int], args: argparse.Namespace
) -> tuple[dict[str, list[Result]], list[str]]:
    """The peers' results, and a note on which peers ran (or why none did)."""
    if args.no_peers:
        return {}, ["Peers: not run (--no-peers)."]
    missing = missing_peers()
    if missing:
        note = f"Peers: not run, {missing}."
        progress(note)
        return {}, [note]
    setup = f"{args.jobs} peer process(es) at a time; {describe_threads()}"
    progress(f"running the peers with {peers_python()}: {setup}")
    results, libraries = run_peers(benches, seeds, args.jobs)
    versions = ", ".join(sorted(libraries)) or "no version reported"
    return results, [f"Peers: {versions}; {setup}."]


# -- main -----------------------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare weaklabel's label models with Snorkel, FlyingSquid and crowd-kit "
        "on real and synthetic vote matrices (see the module docstring for what is measured).",
    )
    parser.add_argument("--datasets", help="comma-separated dataset names (default: all)")
    parser.add_argument("--seeds", type=int, default=3, help="run seeds 0..N-1 (default 3)")
    parser.add_argument("--no-peers", action="store_true", help="run weaklabel's models only")
    parser.add_argument("--jobs", type=int, default=2, help="peer processes at a time (default 2)")
    parser.add_argument(
        "--synthetic-rows",
        type=int,
        default=SYNTHETIC_ROWS,
        help=f"rows in each half of a synthetic set (default {SYNTHETIC_ROWS})",
    )
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parse_args(parser, argv, SMOKE)
    if args.seeds < 1 or args.jobs < 1:
        parser.error("--seeds and --jobs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse(argv)
    seeds = list(range(args.seeds))
    names = args.datasets.split(",") if args.datasets else None
    benches = load_benches(names, args.synthetic_rows)
    results: dict[str, list[Result]] = {}
    warm_up(benches[0])
    for bench in benches:  # ours first, alone on the machine, so that their times are clean
        progress(f"weaklabel's models on {bench.name}")
        results[bench.name] = run_ours(bench, seeds)
    peers, notes = peer_results(benches, seeds, args)
    for bench in benches:
        results[bench.name] += peers.get(bench.name, [])
        if bench.oracle is not None:
            results[bench.name].append(oracle_result(bench))
    notes = [f"Seeds: {', '.join(map(str, seeds))}.", *notes]
    print(report(benches, results, notes, seeds, args.markdown, args.synthetic_rows))
    print(f"\nWhole benchmark: {time.perf_counter() - started:.0f} s.")
    saved = {name: [asdict(r) for r in per_bench] for name, per_bench in results.items()}
    document = {"notes": notes, "means": model_means(benches, results), "datasets": saved}
    write_results("label_models", document, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
