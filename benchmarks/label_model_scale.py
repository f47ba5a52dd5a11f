"""Label-model scale benchmark: fit and predict time and peak memory on large synthetic votes.

Usage::

    python benchmarks/label_model_scale.py [--rows 1000000,10000000] [--lfs 100]
        [--votes-per-row 30] [--no-peers] [--workdir DIR] [--markdown]

For each size it draws binary votes with ``weaklabel.datasets.make_votes`` (LFs independent given
the class, accuracies 0.55-0.9, coverage such that a row gets ``--votes-per-row`` votes on
average), saves them once, and then measures each system in its own fresh process, so that every
peak memory figure (``VmHWM``, the process's own high-water mark) covers loading the votes,
fitting and predicting every row, and nothing else:

- weaklabel ``LabelModel`` (default settings) and ``MajorityVote``;
- Snorkel 0.10 ``LabelModel`` (default settings), run by ``benchmarks/peers_runner.py`` from the
  environment that ``../shared/peers/install.sh`` builds, when it exists. Snorkel needs the votes
  as a dense int matrix (n x m x 8 bytes: 8 GB at 10M x 100), so it is skipped above
  ``--peer-max-rows``.

It prints seconds, peak MB, accuracy against the synthetic truth, and the ratio of Snorkel's time to
weaklabel's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PEERS_PYTHON = (
    Path(os.environ.get("WEAKLABEL_PEERS", Path.home() / ".cache" / "weaklabel-peers"))
    / "bin"
    / "python"
)


def vm_hwm_mb() -> float:
    """This process's peak resident memory in MB (Linux ``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- data -----------------------------------------------------------------------------------------


def make_data(n_rows: int, n_lfs: int, votes_per_row: float, workdir: Path) -> Path:
    """Draw the votes once and save them (votes.npz + truth.npy); return the votes path."""
    from weaklabel.datasets import make_votes

    path = workdir / f"votes_{n_rows}_{n_lfs}_{votes_per_row:g}.npz"
    if path.exists():
        return path
    rng = np.random.default_rng(0)
    accuracies = rng.uniform(0.55, 0.9, n_lfs)
    coverages = np.full(n_lfs, min(votes_per_row / n_lfs, 1.0))
    start = time.perf_counter()
    votes, truth = make_votes(n_rows, accuracies, coverages, random_state=0)
    print(
        f"  drew {n_rows:,} x {n_lfs} votes ({votes.n_votes:,} votes) in "
        f"{time.perf_counter() - start:.1f} s",
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
    arrays = {f"{split}_{key}": value for split in ("fit", "test") for key, value in parts.items()}
    arrays["cardinality"] = np.array(votes.cardinality, dtype=np.int64)
    np.savez(target, **arrays)
    return target


# -- one measurement, in a fresh process ----------------------------------------------------------


def worker(model_name: str, votes_path: Path) -> dict[str, float]:
    """Load the votes, fit and predict with one weaklabel model; report times and peak memory."""
    from weaklabel import VoteMatrix
    from weaklabel.models import LabelModel, MajorityVote

    start = time.perf_counter()
    votes = VoteMatrix.load(votes_path)
    load = time.perf_counter() - start
    model = {
        "label-model": lambda: LabelModel(cardinality=2, random_state=0, progress=False),
        "majority-vote": lambda: MajorityVote(cardinality=2),
    }[model_name]()
    start = time.perf_counter()
    model.fit(votes)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    probs = model.predict_proba(votes)
    predict = time.perf_counter() - start
    truth = np.load(votes_path.with_suffix(".truth.npy"))
    accuracy = float((probs.argmax(axis=1) == truth).mean())
    return {
        "load_s": load,
        "fit_s": fit,
        "predict_s": predict,
        "peak_mb": vm_hwm_mb(),
        "accuracy": accuracy,
    }


def run_ours(model_name: str, votes_path: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--worker", model_name, "--input", str(votes_path)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def run_snorkel(votes_path: Path) -> dict[str, float] | str:
    if not PEERS_PYTHON.exists():
        return "peers environment missing (run ../shared/peers/install.sh)"
    inputs = peer_input(votes_path)
    truth = np.load(votes_path.with_suffix(".truth.npy"))
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "out.npz"
        command = [
            str(PEERS_PYTHON),
            str(HERE / "peers_runner.py"),
            "--input",
            str(inputs),
            "--method",
            "snorkel-label-model",
            "--output",
            str(output),
            "--seed",
            "0",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"failed: {done.stderr.strip().splitlines()[-1] if done.stderr else '?'}"
        with np.load(output, allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
            probs = npz["probs"] if "probs" in npz.files else None
    if meta.get("error") or probs is None:
        return f"error: {meta.get('error')}"
    return {
        "load_s": float(meta.get("prepare_seconds", 0.0)),
        "fit_s": float(meta["fit_seconds"]),
        "predict_s": float(meta["predict_seconds"]),
        "peak_mb": float(meta.get("vm_hwm_mb", meta.get("peak_rss_mb", float("nan")))),
        "accuracy": float((probs.argmax(axis=1) == truth).mean()),
    }


# -- the report -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated row counts")
    parser.add_argument("--lfs", type=int, default=100)
    parser.add_argument("--votes-per-row", type=float, default=30.0)
    parser.add_argument("--peer-max-rows", type=int, default=2_000_000)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="where to keep the drawn votes")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.input)))
        return 0
    workdir = args.workdir or Path(tempfile.gettempdir()) / "weaklabel-scale-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n_rows in (int(float(x)) for x in args.rows.split(",")):
        print(f"{n_rows:,} rows x {args.lfs} LFs:", file=sys.stderr)
        path = make_data(n_rows, args.lfs, args.votes_per_row, workdir)
        results: dict[str, dict[str, float] | str] = {
            "weaklabel LabelModel": run_ours("label-model", path),
            "weaklabel MajorityVote": run_ours("majority-vote", path),
        }
        if args.no_peers:
            results["Snorkel LabelModel"] = "skipped (--no-peers)"
        elif n_rows > args.peer_max_rows:
            dense_gb = n_rows * args.lfs * 8 / 1e9
            results["Snorkel LabelModel"] = (
                f"skipped: needs a dense int64 vote matrix of {dense_gb:.0f} GB"
            )
        else:
            results["Snorkel LabelModel"] = run_snorkel(path)
        rows.append((n_rows, results))
    print(report(rows, args.lfs, markdown=args.markdown))
    return 0


def report(
    rows: list[tuple[int, dict[str, dict[str, float] | str]]], n_lfs: int, *, markdown: bool
) -> str:
    header = [
        "rows x LFs",
        "system",
        "fit s",
        "predict s",
        "peak MB",
        "accuracy",
        "Snorkel time / this",
    ]
    lines = []
    for n_rows, results in rows:
        snorkel = results.get("Snorkel LabelModel")
        for name, result in results.items():
            if isinstance(result, str):
                lines.append([f"{n_rows:,} x {n_lfs}", name, result, "", "", "", ""])
                continue
            ratio = ""
            if isinstance(snorkel, dict) and name != "Snorkel LabelModel":
                fit_ratio = snorkel["fit_s"] / max(result["fit_s"], 1e-9)
                predict_ratio = snorkel["predict_s"] / max(result["predict_s"], 1e-9)
                ratio = f"fit {fit_ratio:.1f}x, predict {predict_ratio:.1f}x"
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
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header)] + [fmt.format(*line) for line in lines])


if __name__ == "__main__":
    sys.exit(main())
