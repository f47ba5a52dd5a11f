"""The peers' label models as ``peers_runner.py`` runs them: one function per method.

Each ``run_*`` function takes the problem (fit votes, test votes, number of classes), a seed and
the verbosity, imports its peer (timed apart), converts the votes to the peer's format, fits and
predicts with the peer's public API and default settings (Snorkel's LabelModel with 500 epochs),
and returns an :class:`Outcome`: the probabilities, or why the method does not apply, with the
seconds and peak memory of each stage, and whether the probabilities are only hard labels.

Runs under the peers' Python: standard library, numpy, pandas and the peers, never weaklabel.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from harness.memory import own_peak_mb
from harness.timing import Stopwatch

from label_model_bench.peer_problem import (
    Problem,
    concatenated,
    to_dense,
    to_flyingsquid,
    to_long_frame,
)

__all__ = ["METHODS", "Outcome", "library_version"]


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
    hard_labels: bool = False  # one-hot answers only: no calibration to score


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


#: Snorkel's LabelModel trains for 100 epochs by default; the benchmarks give it 500
SNORKEL_EPOCHS = 500


def run_snorkel_label_model(problem: Problem, seed: int, verbose: bool) -> Outcome:
    """Snorkel's LabelModel with its default settings but 500 epochs, seeded."""
    outcome = Outcome(library="snorkel")
    model_module = timed_import(outcome, "snorkel.labeling.model")
    if not check_enough_lfs(outcome, problem.fit.m):
        return outcome
    with Stopwatch() as watch:
        l_fit = to_dense(problem.fit)
        l_test = l_fit if problem.same_rows else to_dense(problem.test)
    outcome.prepare_seconds = watch.seconds
    outcome.peak_mb_stages["after_prepare"] = own_peak_mb()

    fit_settings = {"n_epochs": SNORKEL_EPOCHS, "seed": seed, "progress_bar": verbose}
    outcome.settings = {
        "LabelModel": {"cardinality": problem.k, "verbose": False},
        "fit": fit_settings,
    }
    # The seed is drawn at import time when not given; the progress bar is display only.
    outcome.non_default_settings = {"fit": fit_settings}
    seed_global_rngs(seed)
    model = model_module.LabelModel(cardinality=problem.k, verbose=False)
    with Stopwatch() as watch:
        model.fit(l_fit, **fit_settings)
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


@contextlib.contextmanager
def full_pickle_checkpoints() -> Iterator[None]:
    """Let ``torch.load`` read full pickles while the block runs.

    hyperlm 0.0.5 stores its pretrained network as a full pickle and loads it with a bare
    ``torch.load``, which torch >= 2.6 refuses (``weights_only=True`` by default). The checkpoint
    ships inside the installed hyperlm package, so it is trusted like the package's code; the
    patch lasts only while the model is built, in the peers' process.
    """
    torch = sys.modules["torch"]
    original = torch.load
    torch.load = functools.partial(original, weights_only=False)
    try:
        yield
    finally:
        torch.load = original


def run_hyper_label_model(problem: Problem, seed: int, verbose: bool) -> Outcome:
    """The Hyper Label Model (hyperlm): a pretrained graph network, no fitting, unsupervised
    inference on the fit and test rows together (it reads the whole matrix at once)."""
    outcome = Outcome(library="hyperlm")
    hyperlm = timed_import(outcome, "hyperlm")
    k = problem.k
    with Stopwatch() as watch:
        if problem.same_rows:
            matrix, test_rows = to_dense(problem.fit), slice(None)
        else:
            matrix = to_dense(concatenated(problem.fit, problem.test))
            test_rows = slice(problem.fit.n, None)
    outcome.prepare_seconds = watch.seconds
    outcome.peak_mb_stages["after_prepare"] = own_peak_mb()

    outcome.settings = {"HyperLabelModel": {"device": "cpu"}, "infer": {"return_probs": True}}
    outcome.non_default_settings = {"HyperLabelModel": {"device": "cpu"}}
    outcome.notes.append(
        "transductive: one inference over the fit rows then the test rows (the same rows once "
        "when they are the same); loading the pretrained checkpoint counts as fitting; "
        "return_probs=True applies hyperlm's own rescaling of the probabilities "
        "(calibrate_probs), which maps the largest probability in the set to 2/k; classes never "
        "voted get probability 0; trailing rows without any vote get no answer from hyperlm "
        "and are set to uniform"
    )
    seed_global_rngs(seed)
    with Stopwatch() as watch, full_pickle_checkpoints():
        model = hyperlm.HyperLabelModel(device="cpu")
    outcome.fit_seconds = watch.seconds
    outcome.peak_mb_stages["after_fit"] = own_peak_mb()
    with Stopwatch() as watch:
        raw = np.asarray(model.infer(matrix, return_probs=True), dtype=np.float64)
        raw = raw.reshape(-1, raw.shape[-1])
        # hyperlm counts the classes as the largest vote + 1 (pad to k with zeros), and the rows
        # as the last row with a vote + 1: the rows after it get no answer (uniform, as noted)
        probs = np.full((matrix.shape[0], k), 1.0 / k)
        probs[: len(raw)] = 0.0
        probs[: len(raw), : raw.shape[1]] = raw[:, :k]
    outcome.predict_seconds = watch.seconds
    outcome.details["classes_seen"] = int(raw.shape[1])
    outcome.probs = probs[test_rows]
    first_test = 0 if problem.same_rows else problem.fit.n
    outcome.n_rows_without_output = max(0, matrix.shape[0] - max(len(raw), first_test))
    return outcome


METHODS: dict[str, Callable[[Problem, int, bool], Outcome]] = {
    "snorkel-label-model": run_snorkel_label_model,
    "snorkel-majority": run_snorkel_majority,
    "flyingsquid": run_flyingsquid,
    "crowdkit-dawid-skene": run_crowdkit_dawid_skene,
    "hyperlm": run_hyper_label_model,
}
