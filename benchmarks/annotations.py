"""Annotations benchmark: agreement statistics on 1M annotations, and consensus on crowd sets.

Usage::

    python benchmarks/annotations.py [--items 200000] [--annotators 5] [--classes 3]
        [--accuracy 0.8] [--missing 0.0] [--n-boot 1000] [--datasets crowd-dog,crowd-product]
        [--no-peers] [--workdir DIR] [--markdown] [--smoke]

1. **Agreement at scale.** ``--items`` x ``--annotators`` synthetic annotations (each annotator
   right with probability ``--accuracy``, else a uniform class; a share ``--missing`` of the
   labels left out), saved once. weaklabel reads them into ``Annotations`` and computes percent
   agreement, Fleiss' kappa (when no label is missing), Krippendorff's alpha, its bootstrap
   interval (``--n-boot`` resamples) and the Cohen's kappa matrix, each timed; crowd-kit's
   ``alpha_krippendorff`` runs on the same annotations in the peers' environment in the same run
   (a fresh process, loading not timed). Both alphas are printed; they must agree.
2. **Consensus accuracy** on the crowd sets of ``../shared/data/crowd`` (workers' answers and
   the truth for some questions): weaklabel's ``Annotations.consensus`` by majority vote and
   Dawid-Skene (``abstain="ignore"``, the default, and ``"outcome"``), against crowd-kit's
   ``MajorityVote`` and ``DawidSkene``, scored on the questions with a truth.

The figures go to ``benchmarks/results/annotations.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from harness.datasets import crowd
from harness.peers import missing_peers, run_peer_function
from harness.results import parse_args, write_results
from harness.tables import render, speed
from harness.timing import Stopwatch

from weaklabel import VoteMatrix
from weaklabel.annotations import (
    Annotations,
    cohen_kappa_matrix,
    fleiss_kappa,
    krippendorff_alpha,
    krippendorff_alpha_interval,
    percent_agreement,
)
from weaklabel.models import DawidSkene

SMOKE = {"items": 2000, "n_boot": 100, "datasets": "crowd-dog"}


def make_annotations(args: argparse.Namespace, workdir: Path) -> Path:
    """Draw the annotations once and save them as task / worker / label arrays."""
    name = f"annotations_{args.items}_{args.annotators}_{args.classes}_{args.accuracy:g}"
    path = workdir / f"{name}_{args.missing:g}.npz"
    if path.exists():
        return path
    rng = np.random.default_rng(0)
    n, m, k = args.items, args.annotators, args.classes
    truth = rng.integers(0, k, n)
    right = rng.random((n, m)) < args.accuracy
    labels = np.where(right, truth[:, None], rng.integers(0, k, (n, m)))
    kept = rng.random((n, m)) >= args.missing
    task, worker = np.nonzero(kept)
    np.savez(path, task=task, worker=worker, label=labels[task, worker])
    return path


def agreement(args: argparse.Namespace, path: Path, workdir: Path) -> dict[str, Any]:
    with np.load(path) as arrays:
        frame = pd.DataFrame(
            {
                "item": arrays["task"],
                "annotator": arrays["worker"].astype(str),
                "label": arrays["label"],
            }
        )
    out: dict[str, Any] = {"n_annotations": len(frame)}
    with Stopwatch() as watch:
        ann = Annotations.from_frame(frame)
    out["read_s"] = watch.seconds
    measures = {
        "percent_agreement": percent_agreement,
        "fleiss_kappa": fleiss_kappa if args.missing == 0 else None,
        "krippendorff_alpha": krippendorff_alpha,
        "alpha_interval": lambda a: krippendorff_alpha_interval(
            a, n_boot=args.n_boot, random_state=0
        ),
        "cohen_kappa_matrix": cohen_kappa_matrix,
    }
    for name, function in measures.items():
        if function is None:
            continue
        with Stopwatch() as watch:
            value = function(ann)
        out[name] = {"seconds": watch.seconds, "value": _plain(value)}
    if args.peers:
        out["crowd-kit"] = run_peer_function(
            "peers_annotations:agreement", {"path": str(path)}, workdir, timeout=3600
        )
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return value
    if isinstance(value, pd.DataFrame):
        return float(np.nanmean(value.to_numpy()[~np.eye(len(value), dtype=bool)]))
    return {"alpha": value.alpha, "low": value.low, "high": value.high}


def print_agreement(result: dict[str, Any], markdown: bool) -> None:
    peer = result.get("crowd-kit") or {}
    rows = []
    for name in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha", "alpha_interval"):
        if name not in result:
            continue
        value = result[name]["value"]
        shown = (
            f"{value['alpha']:.4f} [{value['low']:.4f}, {value['high']:.4f}]"
            if isinstance(value, dict)
            else f"{value:.4f}"
        )
        rows.append(["weaklabel", name, shown, f"{result[name]['seconds']:.3f}", ""])
    rows.append(
        [
            "weaklabel",
            "cohen_kappa_matrix (mean)",
            f"{result['cohen_kappa_matrix']['value']:.4f}",
            f"{result['cohen_kappa_matrix']['seconds']:.3f}",
            "",
        ]
    )
    if "alpha" in peer:
        ours = result["krippendorff_alpha"]
        rows.append(
            [
                f"crowd-kit {peer['versions'].get('crowd-kit', '')}",
                "alpha_krippendorff",
                f"{peer['alpha']:.4f}",
                f"{peer['alpha_s']:.3f}",
                speed(peer["alpha_s"], ours["seconds"]) + " than weaklabel",
            ]
        )
        agree = abs(peer["alpha"] - ours["value"]) < 1e-6
        print(f"alphas agree: {agree} (difference {abs(peer['alpha'] - ours['value']):.2e})")
    elif peer:
        print(f"crowd-kit: {peer.get('unavailable') or peer.get('error') or peer}")
    print(f"{result['n_annotations']:,} annotations, read in {result['read_s']:.2f} s")
    headers = ["system", "statistic", "value", "seconds", "crowd-kit vs weaklabel"]
    print(render(headers, rows, markdown=markdown, text_columns=2))


def consensus(name: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    data = crowd(name.removeprefix("crowd-")).fit
    task, worker = np.nonzero(data.votes >= 0)
    labels = data.votes[task, worker]
    path = workdir / f"{name}.npz"
    np.savez(path, task=task, worker=worker, label=labels)
    gold = data.gold
    scored = gold >= 0
    frame = pd.DataFrame({"item": task, "annotator": worker.astype(str), "label": labels})
    k = len(data.classes)
    ann = Annotations.from_frame(frame, classes=[str(c) for c in range(k)])
    items = np.asarray(ann.items)
    out: dict[str, Any] = {"items": len(gold), "scored": int(scored.sum()), "classes": k}
    for method in ("majority", "dawid-skene"):
        with Stopwatch() as watch:
            result = ann.consensus(method=method)
        predicted = np.full(len(gold), -1)
        predicted[items] = result.to_numpy().astype(int)
        out[f"weaklabel {method}"] = _score(predicted, gold, scored, watch.seconds)
    votes = VoteMatrix.from_dense(data.votes, cardinality=k)
    with Stopwatch() as watch:
        predicted = DawidSkene(k, progress=False).fit(votes).predict(votes)
    out["weaklabel dawid-skene (abstain=outcome)"] = _score(predicted, gold, scored, watch.seconds)
    if args.peers:
        peer = run_peer_function("peers_annotations:consensus", {"path": str(path)}, workdir)
        for method in ("MajorityVote", "DawidSkene"):
            if method not in peer:
                out[f"crowd-kit {method}"] = peer
                continue
            predicted = np.full(len(gold), -1)
            predicted[peer[method]["tasks"]] = peer[method]["labels"]
            out[f"crowd-kit {method}"] = _score(predicted, gold, scored, peer[method]["seconds"])
    return out


def _score(predicted: np.ndarray, gold: np.ndarray, scored: np.ndarray, seconds: float) -> dict:
    accuracy = float((predicted[scored] == gold[scored]).mean())
    return {"accuracy": accuracy, "seconds": seconds}


def print_consensus(results: dict[str, dict[str, Any]], markdown: bool) -> None:
    rows = []
    for name, result in results.items():
        for method, figures in result.items():
            if not isinstance(figures, dict):
                continue
            if "accuracy" in figures:
                rows.append(
                    [name, method, f"{figures['accuracy']:.4f}", f"{figures['seconds']:.2f}"]
                )
            else:
                why = figures.get("unavailable") or figures.get("error") or "failed"
                rows.append([name, method, str(why)[:60], ""])
    headers = ["dataset", "consensus", "accuracy", "seconds"]
    print(render(headers, rows, markdown=markdown, text_columns=2))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--classes", type=int, default=3)
    parser.add_argument("--accuracy", type=float, default=0.8)
    parser.add_argument("--missing", type=float, default=0.0)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--datasets", default="crowd-dog,crowd-product")
    parser.add_argument("--no-peers", dest="peers", action="store_false")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--markdown", action="store_true")
    args = parse_args(parser, argv, SMOKE)
    if args.peers and missing_peers():
        print(f"running weaklabel alone: {missing_peers()}", file=sys.stderr)
        args.peers = False
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        path = make_annotations(args, workdir)
        scale = agreement(args, path, workdir)
        print_agreement(scale, args.markdown)
        print()
        crowd_results = {
            name: consensus(name, args, workdir) for name in args.datasets.split(",") if name
        }
        print_consensus(crowd_results, args.markdown)
    write_results("annotations", {"agreement": scale, "consensus": crowd_results}, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
