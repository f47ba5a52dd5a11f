"""Label-model scale benchmark: fit and predict time and peak memory on large synthetic votes.

Usage::

    python benchmarks/label_model_scale.py [--rows 1000000,10000000] [--lfs 100]
        [--votes-per-row 30] [--peer-max-rows 2000000] [--no-peers] [--workdir DIR]
        [--repeat 3] [--markdown] [--smoke]

For each size it draws binary votes with ``weaklabel.datasets.make_votes`` (LFs independent given
the class, accuracies 0.55-0.9, coverage such that a row gets ``--votes-per-row`` votes on
average; ``harness.synthetic.binary_votes``), saves them once, and then measures each system in
its own fresh process (``harness.isolation``), so that every peak memory figure (``VmHWM``, the
process's own high-water mark) covers loading the votes, fitting and predicting every row, and
nothing else:

- weaklabel ``LabelModel`` (default settings) and ``MajorityVote``;
- Snorkel 0.10 ``LabelModel`` (default settings), run by ``benchmarks/peers_runner.py`` from the
  environment that ``../shared/peers/install.sh`` builds, when it exists. Snorkel needs the votes
  as a dense int matrix (n x m x 8 bytes: 8 GB at 10M x 100), so it is skipped above
  ``--peer-max-rows``.

Each system runs ``--repeat`` times (each run in a fresh process) and its fastest run by fit time
is kept: one run's time on this shared machine varies by up to 3x (Snorkel's 1M fit has read 7
to 25 s). It prints seconds, peak MB, accuracy against the synthetic truth, and the ratio of
Snorkel's time to weaklabel's (fit, predict, and fit + predict); the figures go to
``benchmarks/results/label_model_scale.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from harness.isolation import run_isolated
from harness.peers import missing_peers, run_label_model_peer, write_runner_input
from harness.results import parse_args, write_results
from harness.synthetic import binary_votes
from harness.tables import render
from harness.timing import Stopwatch

SMOKE = {"rows": "20000", "lfs": 20, "votes_per_row": 6.0, "repeat": 1}
SNORKEL = "Snorkel LabelModel"
Outcome = dict[str, float] | str  # the figures, or why there are none


def make_data(n_rows: int, n_lfs: int, votes_per_row: float, workdir: Path) -> Path:
    """Draw the votes once and save them (votes.npz + truth.npy); return the votes path."""
    path = workdir / f"votes_{n_rows}_{n_lfs}_{votes_per_row:g}.npz"
    if path.exists():
        return path
    with Stopwatch() as watch:
        votes, truth = binary_votes(n_rows, n_lfs, votes_per_row)
    print(
        f"  drew {n_rows:,} x {n_lfs} votes ({votes.n_votes:,} votes) in {watch.seconds:.1f} s",
        file=sys.stderr,
    )
    votes.save(path)
    np.save(path.with_suffix(".truth.npy"), truth.astype(np.int8))
    return path


def peer_input(votes_path: Path) -> Path:
    """The same votes in peers_runner.py's input format (fit and test are the same rows)."""
    target = votes_path.with_suffix(".peers.npz")
    if target.exists():
        return target
    from weaklabel import VoteMatrix

    votes = VoteMatrix.load(votes_path)
    parts = {
        "indptr": np.asarray(votes.indptr, dtype=np.int64),
        "indices": np.asarray(votes.lfs, dtype=np.int32),
        "labels": votes.labels().astype(np.int8),
        "shape": np.array(votes.shape, dtype=np.int64),
    }
    return write_runner_input(target, parts, None, votes.cardinality)


def worker(config: dict[str, Any]) -> dict[str, float]:
    """In a fresh process: load the votes, fit and predict with one weaklabel model."""
    from weaklabel import VoteMatrix
    from weaklabel.models import LabelModel, MajorityVote

    votes_path = Path(config["votes"])
    start = time.perf_counter()
    votes = VoteMatrix.load(votes_path)
    load = time.perf_counter() - start
    model = {
        "label-model": lambda: LabelModel(cardinality=2, random_state=0, progress=False),
        "majority-vote": lambda: MajorityVote(cardinality=2),
    }[config["model"]]()
    start = time.perf_counter()
    model.fit(votes)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    probs = model.predict_proba(votes)
    predict = time.perf_counter() - start
    truth = np.load(votes_path.with_suffix(".truth.npy"))
    accuracy = float((probs.argmax(axis=1) == truth).mean())
    return {"load_s": load, "fit_s": fit, "predict_s": predict, "accuracy": accuracy}


def run_ours(model_name: str, votes_path: Path, repeat: int) -> Outcome:
    config = {"model": model_name, "votes": str(votes_path)}
    result = run_isolated(
        "label_model_scale:worker", config, votes_path.parent, repeat=repeat, best_key="fit_s"
    )
    if "error" in result:
        return f"failed: {result['error']}"
    return {**result, "peak_mb": result["vm_hwm_mb"]}


def run_snorkel(votes_path: Path, repeat: int) -> Outcome:
    """Snorkel's fastest of ``repeat`` runs (by fit time), each in a fresh process."""
    missing = missing_peers()
    if missing:
        return missing
    best: Outcome = "failed: no run"
    for _ in range(max(repeat, 1)):
        run = run_label_model_peer(peer_input(votes_path), "snorkel-label-model", 0)
        if run.probs is None:
            failed = run.error.startswith("error")
            return f"failed: {run.message}" if failed else f"error: {run.message}"
        truth = np.load(votes_path.with_suffix(".truth.npy"))
        outcome = {
            "load_s": float(run.meta.get("prepare_seconds", 0.0)),
            "fit_s": run.fit_seconds,
            "predict_s": run.predict_seconds,
            "peak_mb": run.peak_mb,
            "accuracy": float((run.probs.argmax(axis=1) == truth).mean()),
        }
        if isinstance(best, str) or outcome["fit_s"] < best["fit_s"]:
            best = outcome
    return best


def report(rows: list[tuple[int, dict[str, Outcome]]], n_lfs: int, *, markdown: bool) -> str:
    header = ["rows x LFs", "system", "fit s", "predict s", "peak MB", "accuracy"]
    header.append("Snorkel time / this")
    lines = []
    for n_rows, results in rows:
        snorkel = results.get(SNORKEL)
        for name, result in results.items():
            if isinstance(result, str):
                lines.append([f"{n_rows:,} x {n_lfs}", name, result, "", "", "", ""])
                continue
            ratio = ""
            if isinstance(snorkel, dict) and name != SNORKEL:
                fit_ratio = snorkel["fit_s"] / max(result["fit_s"], 1e-9)
                predict_ratio = snorkel["predict_s"] / max(result["predict_s"], 1e-9)
                total_ratio = (snorkel["fit_s"] + snorkel["predict_s"]) / max(
                    result["fit_s"] + result["predict_s"], 1e-9
                )
                ratio = (
                    f"fit {fit_ratio:.1f}x, predict {predict_ratio:.1f}x, "
                    f"fit + predict {total_ratio:.1f}x"
                )
            lines.append(
                [
                    f"{n_rows:,} x {n_lfs}",
                    name,
                    f"{result['fit_s']:.2f}",
                    f"{result['predict_s']:.2f}",
                    f"{result['peak_mb']:,.0f}",
                    f"{result['accuracy']:.4f}",
                    ratio,
                ]
            )
    return render(header, lines, markdown=markdown)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated row counts")
    parser.add_argument("--lfs", type=int, default=100)
    parser.add_argument("--votes-per-row", type=float, default=30.0)
    parser.add_argument("--peer-max-rows", type=int, default=2_000_000)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="where to keep the drawn votes")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per system, the fastest kept (default 3)"
    )
    parser.add_argument("--markdown", action="store_true")
    args = parse_args(parser, argv, SMOKE)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "weaklabel-scale-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n_rows in (int(float(x)) for x in args.rows.split(",")):
        print(f"{n_rows:,} rows x {args.lfs} LFs:", file=sys.stderr)
        path = make_data(n_rows, args.lfs, args.votes_per_row, workdir)
        results: dict[str, Outcome] = {
            "weaklabel LabelModel": run_ours("label-model", path, args.repeat),
            "weaklabel MajorityVote": run_ours("majority-vote", path, args.repeat),
        }
        if args.no_peers:
            results[SNORKEL] = "skipped (--no-peers)"
        elif n_rows > args.peer_max_rows:
            dense_gb = n_rows * args.lfs * 8 / 1e9
            results[SNORKEL] = f"skipped: needs a dense int64 vote matrix of {dense_gb:.0f} GB"
        else:
            results[SNORKEL] = run_snorkel(path, args.repeat)
        rows.append((n_rows, results))
    print(report(rows, args.lfs, markdown=args.markdown))
    write_results("label_model_scale", [{"rows": n, **r} for n, r in rows], smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
