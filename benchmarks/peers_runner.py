"""Run ONE peer weak-supervision method on a vote matrix stored in an ``.npz`` file.

This script is the bridge between weaklabel's benchmarks and the "peer" systems they compare
against (Snorkel, FlyingSquid, crowd-kit, the Hyper Label Model). The peers live in their own
virtual environment (built by ``../shared/peers/install.sh``, default
``~/.cache/weaklabel-peers``), so this file is standalone: it imports only the standard library,
numpy, pandas, the peer libraries and the parts of ``benchmarks/`` written for the peers' side
(``harness.memory``, ``harness.timing``, ``label_model_bench.peer_problem`` and
``label_model_bench.peer_methods``), and never weaklabel. It calls the peers' public APIs only.
One invocation runs one method, so the caller can measure each method's time and peak memory
in a fresh process.

Usage::

    ~/.cache/weaklabel-peers/bin/python benchmarks/peers_runner.py \\
        --input IN.npz --method METHOD --output OUT.npz [--seed N] [--verbose]

Methods: ``snorkel-label-model``, ``snorkel-majority``, ``flyingsquid`` (binary problems only),
``crowdkit-dawid-skene``, ``hyperlm`` (the Hyper Label Model).

Input ``.npz`` (plain numpy arrays, no pickle). Votes are in CSR form; abstains are not stored:

* ``fit_indptr`` (int64, n_fit + 1), ``fit_indices`` (int, LF index of each vote),
  ``fit_labels`` (int, class index 0..k-1 of each vote), ``fit_shape`` (int64 ``[n_fit, m]``);
* the same four arrays prefixed ``test_`` for the rows to predict;
* ``cardinality`` (int64 scalar, k).

Output ``.npz``, written atomically (``OUT.npz.tmp`` then ``os.replace``):

* ``probs``: float64, n_test x k, rows sum to 1 (absent when the method was not applicable);
* ``meta``: a JSON document stored as a uint8 array; decode it with
  ``json.loads(np.load(OUT)["meta"].tobytes())``. Its main keys:

  - ``method``, ``library``, ``library_version``, ``seed``, ``error`` (null, or a short string
    when the method is not applicable, e.g. ``"binary only"``), ``hard_labels`` (true when the
    method gives one-hot answers only, so that its calibration is not scored);
  - ``load_seconds``, ``import_seconds``, ``prepare_seconds`` (converting the CSR votes to the
    peer's format), ``fit_seconds``, ``predict_seconds``, ``total_seconds``;
  - ``peak_rss_mb``: ``ru_maxrss / 1024`` at the end. Linux carries the *spawning* process's
    peak into it across exec, so when a big process starts this script it reports the parent's
    size; ``vm_hwm_mb`` (VmHWM from ``/proc/self/status``) is this process's own peak, and
    ``peak_mb_stages`` the same after loading, importing the peer, preparing and fitting;
  - ``n_rows_without_output`` (test rows the peer gave no answer for, set to uniform) and
    ``n_rows_fixed`` (NaN or all-zero rows replaced by uniform);
  - ``settings`` (what was passed to the peer), ``non_default_settings``, ``notes``,
    ``details`` (e.g. EM iterations run), ``peer_warnings`` and ``peer_log_messages``
    (distinct ones), ``problem`` (sizes), ``environment`` (versions, torch threads).

Exit status is 0 when the method ran or was not applicable (``error`` set in ``meta``); it is
non-zero only on a crash, with the traceback on stderr and no output file.

Peers print progress and notices; unless ``--verbose`` is given nothing is printed on stdout
(anything a peer prints there is sent to stderr), progress bars are off, and their Python
warnings and log messages are recorded in ``meta`` instead of shown.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import platform
import sys
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from harness.memory import max_rss_mb, own_peak_mb, vm_hwm_mb
from harness.timing import Stopwatch
from label_model_bench.peer_methods import METHODS, library_version
from label_model_bench.peer_problem import load_problem

MAX_RECORDED_MESSAGES = 20


def clean_probabilities(probs: np.ndarray, k: int, n: int) -> tuple[np.ndarray, int]:
    """Return float64 n x k rows summing to 1; NaN/inf or all-zero rows become uniform."""
    probs = np.array(probs, dtype=np.float64).reshape(n, k)
    totals = probs.sum(axis=1)
    bad = ~np.isfinite(probs).all(axis=1) | (totals <= 0) | (probs < 0).any(axis=1)
    probs[bad] = 1.0 / k
    probs /= probs.sum(axis=1, keepdims=True)
    return probs, int(bad.sum())


def write_output(path: str, probs: np.ndarray | None, meta: dict[str, Any]) -> None:
    """Write the result npz to ``path + '.tmp'`` and move it into place."""
    arrays: dict[str, Any] = {"meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)}
    if probs is not None:
        arrays["probs"] = probs
    tmp = path + ".tmp"
    # A file object, because np.savez appends ".npz" to a file name that lacks it.
    with open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class CollectingHandler(logging.Handler):
    """Logging handler that keeps each distinct message once instead of printing it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.levelname}: {record.getMessage()}"[:300]
        if len(self.messages) < MAX_RECORDED_MESSAGES:
            self.messages.setdefault(text)


@dataclass
class PeerMessages:
    warnings: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


@contextlib.contextmanager
def peer_output(verbose: bool) -> Iterator[PeerMessages]:
    """Keep stdout clean and record the peers' distinct Python warnings and log messages.

    Without ``--verbose``: whatever a peer prints on stdout goes to stderr, and its log records
    go to a collecting handler installed on the root logger before the peer is imported (pgmpy,
    imported by FlyingSquid, calls ``logging.basicConfig(level=INFO)`` at import, which is a
    no-op once the root logger has a handler).
    """
    messages = PeerMessages()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # each distinct warning once, however often raised
        if verbose:
            yield messages
        else:
            handler = CollectingHandler()
            root = logging.getLogger()
            root.addHandler(handler)
            try:
                with contextlib.redirect_stdout(sys.stderr):
                    yield messages
            finally:
                root.removeHandler(handler)
            messages.log = list(handler.messages)
    unique = dict.fromkeys(f"{w.category.__name__}: {w.message}"[:300] for w in caught)
    messages.warnings = list(unique)[:MAX_RECORDED_MESSAGES]


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run one peer weak-supervision method on votes from an npz file "
        "(see the module docstring for the file formats).",
    )
    parser.add_argument("--input", required=True, help="input npz with fit_/test_ CSR votes")
    parser.add_argument("--method", required=True, choices=sorted(METHODS))
    parser.add_argument("--output", required=True, help="output npz (probs + meta)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the peers' global RNGs")
    parser.add_argument(
        "--verbose", action="store_true", help="show peers' progress and print a summary"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        started = time.perf_counter()
        with Stopwatch() as watch:
            problem = load_problem(args.input)
        load_seconds = watch.seconds
        peak_after_load = own_peak_mb()

        with peer_output(args.verbose) as messages:
            outcome = METHODS[args.method](problem, args.seed, args.verbose)
        if args.verbose:
            for message in messages.warnings:
                print(f"peer warning: {message}", file=sys.stderr)

        probs, n_fixed = None, 0
        if outcome.error is None:
            assert outcome.probs is not None
            probs, n_fixed = clean_probabilities(outcome.probs, problem.k, problem.test.n)

        torch = sys.modules.get("torch")
        meta: dict[str, Any] = {
            "method": args.method,
            "library": outcome.library,
            "library_version": library_version(outcome.library),
            "seed": args.seed,
            "error": outcome.error,
            "hard_labels": outcome.hard_labels,
            "load_seconds": load_seconds,
            "import_seconds": outcome.import_seconds,
            "prepare_seconds": outcome.prepare_seconds,
            "fit_seconds": outcome.fit_seconds,
            "predict_seconds": outcome.predict_seconds,
            "total_seconds": time.perf_counter() - started,
            "peak_rss_mb": max_rss_mb(),
            "vm_hwm_mb": None if math.isnan(hwm := vm_hwm_mb()) else hwm,
            "peak_mb_stages": {"after_load": peak_after_load, **outcome.peak_mb_stages},
            "n_rows_without_output": outcome.n_rows_without_output,
            "n_rows_fixed": n_fixed,
            "settings": outcome.settings,
            "non_default_settings": outcome.non_default_settings,
            "notes": outcome.notes,
            "details": outcome.details,
            "peer_warnings": messages.warnings,
            "peer_log_messages": messages.log,
            "problem": {
                "n_fit": problem.fit.n,
                "n_test": problem.test.n,
                "m": problem.fit.m,
                "k": problem.k,
                "fit_votes": int(problem.fit.indices.size),
                "test_votes": int(problem.test.indices.size),
                "same_rows": problem.same_rows,
            },
            "environment": {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "pandas": pd.__version__,
                "torch": getattr(torch, "__version__", None),
                "torch_threads": torch.get_num_threads() if torch is not None else None,
                "torch_deterministic": (
                    torch.are_deterministic_algorithms_enabled() if torch is not None else None
                ),
                "pgmpy": library_version("pgmpy") if outcome.library == "flyingsquid" else None,
            },
        }
        write_output(args.output, probs, meta)
    except Exception:
        traceback.print_exc()
        with contextlib.suppress(OSError):
            os.remove(args.output + ".tmp")
        return 1
    if args.verbose:
        keys = ("method", "error", "fit_seconds", "peak_rss_mb", "vm_hwm_mb")
        summary = {key: meta[key] for key in keys}
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
