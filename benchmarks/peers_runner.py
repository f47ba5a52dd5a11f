"""Run ONE peer weak-supervision method on a vote matrix stored in an ``.npz`` file.

This script is the bridge between weaklabel's benchmarks and the "peer" systems they compare
against (Snorkel, FlyingSquid, crowd-kit). The peers live in their own virtual environment
(built by ``../shared/peers/install.sh``, default ``~/.cache/weaklabel-peers``), so this file is
standalone: it imports only the standard library, numpy, pandas and the peer libraries, and never
weaklabel. It calls the peers' public APIs only. One invocation runs one method, so the caller
can measure each method's time and peak memory in a fresh process.

Usage::

    ~/.cache/weaklabel-peers/bin/python benchmarks/peers_runner.py \\
        --input IN.npz --method METHOD --output OUT.npz [--seed N] [--verbose]

Methods: ``snorkel-label-model``, ``snorkel-majority``, ``flyingsquid`` (binary problems only),
``crowdkit-dawid-skene``.

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
    when the method is not applicable, e.g. ``"binary only"``);
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
import importlib.metadata
import json
import logging
import os
import platform
import random
import resource
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MAX_RECORDED_MESSAGES = 20


# --------------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True)
class CsrVotes:
    """Votes of n rows by m LFs in CSR form; abstains are not stored.

    Arrays keep the integer dtypes they were stored with (e.g. int32 indices, int8 labels), so
    that loading the input adds little to the peak memory measured for the peer.
    """

    indptr: np.ndarray  # n + 1 offsets into indices/labels
    indices: np.ndarray  # LF of each vote
    labels: np.ndarray  # class of each vote, 0..k-1
    n: int
    m: int

    @property
    def rows(self) -> np.ndarray:
        """Row index of each stored vote (int64)."""
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))

    def same_as(self, other: CsrVotes) -> bool:
        return (
            (self.n, self.m) == (other.n, other.m)
            and np.array_equal(self.indptr, other.indptr)
            and np.array_equal(self.indices, other.indices)
            and np.array_equal(self.labels, other.labels)
        )


@dataclass(frozen=True)
class Problem:
    """The votes to fit on, the votes to predict, and the number of classes."""

    fit: CsrVotes
    test: CsrVotes  # the same object as fit when same_rows
    k: int
    same_rows: bool  # fit and test are the very same rows (e.g. crowdsourcing sets)


def _read_int_array(archive: Any, key: str) -> np.ndarray:
    array = np.asarray(archive[key])
    if array.dtype.kind not in "iu":
        raise ValueError(f"{key} must hold integers, got dtype {array.dtype}")
    return array


def _read_csr(archive: Any, prefix: str, k: int) -> CsrVotes:
    indptr = _read_int_array(archive, f"{prefix}_indptr").astype(np.int64, copy=False)
    indices = _read_int_array(archive, f"{prefix}_indices")
    labels = _read_int_array(archive, f"{prefix}_labels")
    shape = _read_int_array(archive, f"{prefix}_shape").reshape(-1)
    if shape.size != 2:
        raise ValueError(f"{prefix}_shape must hold [n, m], got {shape.tolist()}")
    n, m = int(shape[0]), int(shape[1])
    nnz = indices.size
    if (
        indices.ndim != 1
        or labels.shape != indices.shape
        or indptr.shape != (n + 1,)
        or indptr[0] != 0
        or indptr[-1] != nnz
    ):
        raise ValueError(f"{prefix}: inconsistent CSR arrays (indptr/indices/labels/shape)")
    if np.any(np.diff(indptr) < 0):
        raise ValueError(f"{prefix}_indptr is not non-decreasing")
    if nnz and (indices.min() < 0 or indices.max() >= m):
        raise ValueError(f"{prefix}_indices out of range [0, {m})")
    if nnz and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(f"{prefix}_labels out of range [0, {k}) (abstains must not be stored)")
    votes = CsrVotes(indptr, indices, labels, n, m)
    if _has_repeated_votes(votes):
        raise ValueError(f"{prefix}: an LF votes more than once on the same row")
    return votes


def _has_repeated_votes(votes: CsrVotes) -> bool:
    """True if some (row, LF) pair is stored twice. Linear when indices are sorted per row."""
    nnz = votes.indices.size
    if nnz < 2:
        return False
    increasing = votes.indices[1:] > votes.indices[:-1]
    row_starts = votes.indptr[1:-1]
    increasing[row_starts[(row_starts > 0) & (row_starts < nnz)] - 1] = True  # across rows
    if increasing.all():
        return False
    keys = votes.rows * votes.m + votes.indices
    keys.sort()
    return bool(np.any(keys[1:] == keys[:-1]))


def load_problem(path: str) -> Problem:
    with np.load(path, allow_pickle=False) as archive:
        k = int(_read_int_array(archive, "cardinality").reshape(-1)[0])
        if k < 2:
            raise ValueError(f"cardinality must be at least 2, got {k}")
        fit = _read_csr(archive, "fit", k)
        test = _read_csr(archive, "test", k)
    if fit.m != test.m:
        raise ValueError(f"fit has {fit.m} LFs but test has {test.m}")
    if fit.same_as(test):
        return Problem(fit, fit, k, same_rows=True)
    return Problem(fit, test, k, same_rows=False)


# --------------------------------------------------------------------------------------------
# Conversions to each peer's input format


def to_dense(votes: CsrVotes) -> np.ndarray:
    """Snorkel's label matrix: n x m int64 (the dtype its LF appliers produce), -1 = abstain."""
    dense = np.full((votes.n, votes.m), -1, dtype=np.int64)
    dense[votes.rows, votes.indices] = votes.labels
    return dense


def to_flyingsquid(votes: CsrVotes) -> np.ndarray:
    """FlyingSquid's binary label matrix: n x m int64, class 0 -> -1, class 1 -> +1, abstain 0.

    int64 rather than a narrow type: FlyingSquid sums products of these entries with
    ``np.einsum``, which accumulates in the input dtype.
    """
    dense = np.zeros((votes.n, votes.m), dtype=np.int64)
    dense[votes.rows, votes.indices] = 2 * votes.labels.astype(np.int64) - 1
    return dense


def to_long_frame(votes: CsrVotes, task_offset: int = 0) -> pd.DataFrame:
    """crowd-kit's input: one row per vote with columns task, worker (LF index), label."""
    return pd.DataFrame(
        {
            "task": votes.rows + task_offset,
            "worker": votes.indices.astype(np.int64),
            "label": votes.labels.astype(np.int64),
        }
    )


# --------------------------------------------------------------------------------------------
# Helpers shared by the methods


@dataclass
class Outcome:
    """What one method produced; filled in by the run_* functions."""

    library: str
    probs: np.ndarray | None = None
    error: str | None = None
    import_seconds: float = 0.0
    prepare_seconds: float = 0.0
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    n_rows_without_output: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    non_default_settings: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # what the peer reported, e.g. iterations
    peak_mb_stages: dict[str, float] = field(default_factory=dict)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux).

    Caveat: Linux carries the spawning process's peak into a child's ru_maxrss across exec, so
    when a big Python process starts this script the value can be the parent's, not ours.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def vm_hwm_mb() -> float | None:
    """This process's own peak RSS in MiB (VmHWM in /proc/self/status, reset at exec).

    None where /proc is not available.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def own_peak_mb() -> float:
    """VmHWM when available (not inflated by the parent), else ru_maxrss."""
    hwm = vm_hwm_mb()
    return peak_rss_mb() if hwm is None else hwm


class Stopwatch:
    """Wall-clock timer: ``with Stopwatch() as watch: ...`` then read ``watch.seconds``."""

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def seed_global_rngs(seed: int) -> None:
    """Seed the global RNGs the peers draw from (their design: they take no generator).

    torch is seeded only if a peer already imported it, so that methods which do not use torch
    (crowd-kit) do not pay its import time and memory.
    """
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - the peers use numpy's global RNG
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)


def library_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def timed_import(outcome: Outcome, module: str) -> Any:
    with Stopwatch() as watch:
        imported = __import__(module, fromlist=["_"])
    outcome.import_seconds = watch.seconds
    outcome.peak_mb_stages["after_import"] = own_peak_mb()
    return imported


def check_enough_lfs(outcome: Outcome, m: int) -> bool:
    """Snorkel's LabelModel and FlyingSquid both refuse fewer than 3 LFs."""
    if m < 3:
        outcome.error = f"needs at least 3 LFs, got {m}"
        return False
    return True


# --------------------------------------------------------------------------------------------
# Methods


def run_snorkel_label_model(problem: Problem, seed: int, verbose: bool) -> Outcome:
    """Snorkel's LabelModel with its default training settings, seeded."""
    outcome = Outcome(library="snorkel")
    model_module = timed_import(outcome, "snorkel.labeling.model")
    if not check_enough_lfs(outcome, problem.fit.m):
        return outcome
    with Stopwatch() as watch:
        l_fit = to_dense(problem.fit)
        l_test = l_fit if problem.same_rows else to_dense(problem.test)
    outcome.prepare_seconds = watch.seconds
    outcome.peak_mb_stages["after_prepare"] = own_peak_mb()

    outcome.settings = {
        "LabelModel": {"cardinality": problem.k, "verbose": False},
        "fit": {"seed": seed, "progress_bar": verbose},
    }
    # The seed is drawn at import time when not given; the progress bar is display only.
    outcome.non_default_settings = {"fit": {"seed": seed, "progress_bar": verbose}}
    seed_global_rngs(seed)
    model = model_module.LabelModel(cardinality=problem.k, verbose=False)
    with Stopwatch() as watch:
        model.fit(l_fit, seed=seed, progress_bar=verbose)
    outcome.fit_seconds = watch.seconds
    outcome.peak_mb_stages["after_fit"] = own_peak_mb()
    with Stopwatch() as watch:
        outcome.probs = model.predict_proba(l_test)
    outcome.predict_seconds = watch.seconds
    return outcome


def run_snorkel_majority(problem: Problem, seed: int, verbose: bool) -> Outcome:
    """Snorkel's MajorityLabelVoter: ties split evenly, all-abstain rows uniform."""
    outcome = Outcome(library="snorkel")
    model_module = timed_import(outcome, "snorkel.labeling.model")
    with Stopwatch() as watch:
        l_test = to_dense(problem.test)
    outcome.prepare_seconds = watch.seconds
    outcome.peak_mb_stages["after_prepare"] = own_peak_mb()

    outcome.settings = {"MajorityLabelVoter": {"cardinality": problem.k}}
    outcome.notes.append("MajorityLabelVoter has no fit method; fit_seconds is 0")
    seed_global_rngs(seed)
    model = model_module.MajorityLabelVoter(cardinality=problem.k)
    with Stopwatch() as watch:
        outcome.probs = model.predict_proba(l_test)
    outcome.predict_seconds = watch.seconds
    return outcome


def run_flyingsquid(problem: Problem, seed: int, verbose: bool) -> Outcome:
    """FlyingSquid's triplet LabelModel (binary only), default settings."""
    outcome = Outcome(library="flyingsquid")
    if problem.k != 2:
        outcome.error = "binary only"
        return outcome
    model_module = timed_import(outcome, "flyingsquid.label_model")
    if not check_enough_lfs(outcome, problem.fit.m):
        return outcome
    with Stopwatch() as watch:
        l_fit = to_flyingsquid(problem.fit)
        l_test = l_fit if problem.same_rows else to_flyingsquid(problem.test)
    outcome.prepare_seconds = watch.seconds
    outcome.peak_mb_stages["after_prepare"] = own_peak_mb()

    outcome.settings = {
        "LabelModel": {"m": problem.fit.m},
        "fit": {"verbose": verbose},
        "predict_proba_marginalized": {"verbose": verbose},
    }
    outcome.notes.append(
        "encoding: class 0 -> -1, class 1 -> +1, abstain -> 0; "
        "predict_proba_marginalized gives P(Y=+1) = P(class 1); "
        "fit_seconds includes building the LabelModel (graph and junction tree)"
    )
    seed_global_rngs(seed)
    with Stopwatch() as watch:
        # Building the model (graph, junction tree) is part of fitting. Its default
        # triplet_seed=0 reseeds Python's global `random` in the constructor.
        model = model_module.LabelModel(problem.fit.m)
        model.fit(l_fit, verbose=verbose)
    outcome.fit_seconds = watch.seconds
    outcome.peak_mb_stages["after_fit"] = own_peak_mb()
    with Stopwatch() as watch:
        p_one = np.asarray(model.predict_proba_marginalized(l_test, verbose=verbose), float)
    outcome.predict_seconds = watch.seconds
    outcome.probs = np.column_stack([1.0 - p_one, p_one])
    return outcome


def run_crowdkit_dawid_skene(problem: Problem, seed: int, verbose: bool) -> Outcome:
    """crowd-kit's DawidSkene, fitted on fit + test rows (it is transductive)."""
    outcome = Outcome(library="crowd-kit")
    aggregation = timed_import(outcome, "crowdkit.aggregation")
    fit, test = problem.fit, problem.test
    with Stopwatch() as watch:
        if problem.same_rows:
            data = to_long_frame(fit)
            test_tasks = np.arange(fit.n, dtype=np.int64)
        else:
            data = pd.concat([to_long_frame(fit), to_long_frame(test, fit.n)], ignore_index=True)
            test_tasks = np.arange(fit.n, fit.n + test.n, dtype=np.int64)
    outcome.prepare_seconds = watch.seconds
    outcome.peak_mb_stages["after_prepare"] = own_peak_mb()

    outcome.settings = {"DawidSkene": {"n_iter": 100}, "fit_rows": "fit+test"}
    outcome.notes.append(
        "transductive: fitted once on the union of fit and test rows (test rows get task ids "
        "after the fit rows, or the same ids when fit and test are the same rows)"
    )
    seed_global_rngs(seed)
    model = aggregation.DawidSkene(n_iter=100)
    with Stopwatch() as watch:
        model.fit(data)
    outcome.fit_seconds = watch.seconds
    outcome.peak_mb_stages["after_fit"] = own_peak_mb()
    outcome.details["n_iterations_run"] = len(model.loss_history_)

    with Stopwatch() as watch:
        probas: pd.DataFrame = model.probas_
        answered = np.isin(test_tasks, probas.index.to_numpy())
        # Columns are the label values seen in the votes: reorder to 0..k-1, zeros for the rest.
        table = probas.reindex(index=test_tasks[answered], columns=range(problem.k), fill_value=0)
        probs = np.full((test.n, problem.k), 1.0 / problem.k)
        probs[answered] = table.to_numpy(dtype=np.float64)
    outcome.predict_seconds = watch.seconds
    outcome.n_rows_without_output = int((~answered).sum())
    outcome.probs = probs
    return outcome


METHODS: dict[str, Callable[[Problem, int, bool], Outcome]] = {
    "snorkel-label-model": run_snorkel_label_model,
    "snorkel-majority": run_snorkel_majority,
    "flyingsquid": run_flyingsquid,
    "crowdkit-dawid-skene": run_crowdkit_dawid_skene,
}


# --------------------------------------------------------------------------------------------
# Output


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
            "load_seconds": load_seconds,
            "import_seconds": outcome.import_seconds,
            "prepare_seconds": outcome.prepare_seconds,
            "fit_seconds": outcome.fit_seconds,
            "predict_seconds": outcome.predict_seconds,
            "total_seconds": time.perf_counter() - started,
            "peak_rss_mb": peak_rss_mb(),
            "vm_hwm_mb": vm_hwm_mb(),
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
