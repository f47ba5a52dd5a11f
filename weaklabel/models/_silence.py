"""Per-LF silence: the fit :class:`~weaklabel.models.LabelModel` takes when its one-sided LFs fire
independently given the class.

By default a class's silence counts once (:meth:`EM.silence`): when some one-sided LF of a class
fired, its silent siblings say nothing. That keeps overlapping, nested or mutually exclusive LFs
(keywords that are alternatives of each other) from multiplying their silence, which is what
real keyword suites look like. But where the LFs *are* independent given the class, the silent
siblings are the evidence: a class whose LFs each catch most of its rows is unlikely when only one
of them fired. Leaving them out costs a lot there (random synthetic configurations of independent
one-sided LFs: 0.744 against 0.882 with every silence counted, ``benchmarks/label_model_sweep.py``).

So ``silence="auto"`` first fits the model with every LF's silence counted (naive Bayes over the
one-sided LFs), on all the rows, the rows without votes as all-silent rows (their number is
known, and under this model they pin each class's silence and the class balance). Then it tests
what that model predicts for each pair of one-sided LFs: how often both fire, against the pair's
observed 2 x 2 table (the log odds ratio, a z-test at 5%). Where independence given the class
holds, few pairs reject it (0-3% on the benchmark's independent synthetic sets); on real
keyword suites 48-81% do (youtube, sms, trec). The fit stands when at least ``MIN_PAIRS`` pairs
can be tested and at most ``MAX_REJECTED`` of them reject, and the pairs too rare to test one by
one fire together, in all, about as often as the fit says (:func:`pooled_misfit`: keywords that
exclude each other, one per row, pass the pairs that can be tested and fail this); otherwise the
class-level silence is fitted as before. With fewer one-sided LFs than make ``MIN_PAIRS``
pairs, the per-LF fit is not even tried. The test asks whether a misfit would show on
``TEST_ROWS`` rows, not on all of them: no model of real votes holds exactly, and on a million
rows even the true model's form (100 independent LFs, fitted by EM on a sample) is rejected by
56% of the pairs, against 5% on 100,000.

Under per-LF silence a row's log-likelihood is the sum over its fired units of
``log P(pattern | y) - log P(unit silent | y)``, plus the sum over every one-sided unit of
``log P(unit silent | y)``, a constant per class: the model stores the first as its pattern
weights and predicts with the second added to the class prior.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from scipy.special import softmax

from weaklabel.models._em import EM, FLOOR, accelerated_fixed_point

if TYPE_CHECKING:
    from weaklabel.models._label_model import LabelModel

__all__ = [
    "CHI2_POOLED",
    "MAX_REJECTED",
    "MIN_PAIRS",
    "SILENCE_MODES",
    "LFSilence",
    "independence_holds",
    "pooled_misfit",
    "per_lf_fit",
]

#: How a fitted LabelModel counts one-sided LFs' silence (``silence_``); ``silence="auto"``
#: chooses between them.
SILENCE_MODES = ("class", "lf")

#: Fewest pairs of one-sided LFs the independence test needs before per-LF silence is taken.
MIN_PAIRS = 10
#: Largest share of those pairs that may reject independence given the class.
MAX_REJECTED = 0.1
#: The test's power is that of at most this many rows (the default ``max_fit_rows``).
TEST_ROWS = 100_000
#: A pair is tested when both LFs are expected, or seen, to fire together at least this often.
MIN_COFIRES = 5.0
_CHI2_5PCT = 3.841  # chi-square with one degree of freedom, 5% level
#: The pooled test of the rarely co-firing pairs rejects at the 0.1% level (chi-square, one
#: degree of freedom): it vetoes a fit the pairs passed, so a false veto must be rare.
CHI2_POOLED = 10.83


@dataclass(frozen=True)
class LFSilence:
    """A per-LF-silence fit: posteriors of the sample's rows and the model's parameters."""

    q: np.ndarray  # [sample row, y]
    pattern_weights: np.ndarray  # log P(pattern | y) - log P(its unit silent | y)
    silence_weights: np.ndarray  # [c, y]: log P(no one-sided LF of class c fires | y)
    fire: np.ndarray  # [unit, y]: P(the unit fires | y), over all rows
    balance: np.ndarray
    unvoted_proba: np.ndarray
    n_iter: int
    converged: bool


def per_lf_fit(
    model: LabelModel,
    em: EM,
    q: np.ndarray,
    weights: np.ndarray,
    clamp: tuple[np.ndarray, np.ndarray],
    balance: np.ndarray | None,
    unvoted_rows: float,
) -> tuple[LFSilence | None, tuple[int, float] | None]:
    """The per-LF-silence fit where ``model.silence`` takes it (``"lf"``, or ``"auto"`` where the
    test keeps it), else None; and the test's pairs read and share rejecting (None: not run,
    with fewer one-sided units than make ``MIN_PAIRS`` pairs, or ``silence="class"``).

    The fit is EM with every one-sided unit's silence counted, the rows without votes included
    as one all-silent row of weight ``unvoted_rows``.
    """
    one_sided = int((em.units.pole >= 0).sum())
    few = one_sided * (one_sided - 1) // 2 < MIN_PAIRS
    if model.silence == "class" or (model.silence == "auto" and few):
        return None, None
    k, n = em.k, len(weights)
    indicator = sp.vstack([em.indicator, sp.csr_matrix((1, em.indicator.shape[1]))]).tocsr()
    all_weights = np.append(weights, unvoted_rows)

    def parameters(wq: np.ndarray) -> tuple[np.ndarray, ...]:
        totals = wq.sum(axis=0)  # every row's, so the rates are P(fires | y) over all rows
        pi = balance if balance is not None else (totals + 1.0) / (totals.sum() + k)
        pattern_w, silence_w = em.m_step(wq[:n], totals)
        fire = em.fire_rates(pattern_w)
        quiet = np.log(np.clip(1.0 - fire, FLOOR, 1.0)) * (em.units.pole >= 0)[:, None]
        return pattern_w - quiet[em.unit], silence_w, quiet.sum(axis=0) + np.log(pi), pi, fire

    def em_step(current: np.ndarray) -> np.ndarray:
        pattern_w, _, prior, _, _ = parameters(all_weights[:, None] * current)
        out = softmax(indicator @ pattern_w + prior, axis=1)
        out[clamp[0]] = clamp[1]
        return out

    # The rows without votes start at the voted rows' class shares, as Dawid-Skene's do: from a
    # uniform start EM let a class whose LFs fire least take them all (sms 0.354, spouse 0.163).
    start = np.vstack([q, (weights @ q) / max(float(weights.sum()), FLOOR)])
    spread, em.class_spread = em.class_spread, False  # the class-silence fit's (_offpole)
    try:
        post, n_iter, converged = accelerated_fixed_point(
            em_step, start, max_iter=model.max_iter, tol=model.tol, progress=model.progress
        )
        pattern_w, silence_w, prior, pi, fire = parameters(all_weights[:, None] * post)
    finally:
        em.class_spread = spread
    fit = LFSilence(
        q=post[:n],
        pattern_weights=pattern_w,
        silence_weights=silence_w,
        fire=fire,
        balance=pi,
        unvoted_proba=softmax(prior),
        n_iter=n_iter,
        converged=converged,
    )
    unlabeled = weights[: n - len(clamp[0])]  # the unlabeled rows come first
    holds, n_pairs, rejected = independence_holds(fit, em, unlabeled, unvoted_rows)
    return (fit if model.silence == "lf" or holds else None), (n_pairs, rejected)


def independence_holds(
    fit: LFSilence, em: EM, weights: np.ndarray, unvoted_rows: float
) -> tuple[bool, int, float]:
    """Whether the one-sided units' pairwise co-firing fits independence given the class.

    ``weights``: the unlabeled sample rows' (the first ``len(weights)`` rows of ``em``'s
    patterns). Returns the verdict, the number of pairs tested and the share rejecting.
    """
    # The one-sided units the fit reads as evidence: a unit whose rate off its pole was held at
    # its rate on it (``e <= r``: it fires as often on the other classes, or more) weighs nothing
    # in the posterior, fired or silent, so whom it fires with does not matter to it. (Random
    # configurations of independent LFs: counting them, the test kept 0.849; without, 0.871.)
    one = np.flatnonzero(em.units.pole >= 0)
    rates = fit.fire[one]
    one = one[rates.max(axis=1) > rates.min(axis=1) * (1.0 + 1e-6)]
    n_patterns = em.indicator.shape[1]
    to_unit = sp.csr_matrix(
        (np.ones(n_patterns), (np.arange(n_patterns), em.unit)),
        shape=(n_patterns, em.units.n_units),
    )
    fired = (em.indicator[: len(weights)] @ to_unit)[:, one]
    fired.data[:] = 1.0
    cofire = np.asarray((fired.T @ sp.diags(weights) @ fired).todense())
    single = np.diag(cofire).copy()
    total = float(weights.sum()) + unvoted_rows
    rate = fit.fire[one]  # [unit, y]
    expected = total * np.einsum("y,iy,jy->ij", fit.balance, rate, rate)
    expected_one = total * (rate @ fit.balance)
    a, b = np.triu_indices(len(one), 1)
    both, exp_both = cofire[a, b], expected[a, b]
    scale = min(1.0, TEST_ROWS / total)
    misfit = pooled_misfit(both, exp_both, scale=scale)
    tested = np.maximum(both, exp_both) >= MIN_COFIRES
    a, b, both, exp_both = a[tested], b[tested], both[tested], exp_both[tested]
    observed = np.stack(
        [both, single[a] - both, single[b] - both, total - single[a] - single[b] + both]
    )
    observed = np.maximum(observed, 0.0) + 0.5
    expect = np.stack(
        [
            exp_both,
            expected_one[a] - exp_both,
            expected_one[b] - exp_both,
            total - expected_one[a] - expected_one[b] + exp_both,
        ]
    )
    expect = np.maximum(expect, 1e-3)
    log_or = np.log(observed[0] * observed[3] / (observed[1] * observed[2]))
    log_or_model = np.log(expect[0] * expect[3] / (expect[1] * expect[2]))
    # as if on at most TEST_ROWS rows: past that any model of real votes is rejected, however
    # small its misfit (1M independent LFs' rows: 56% of the pairs reject the true model's form)
    z2 = (log_or - log_or_model) ** 2 / (1.0 / observed).sum(axis=0) * scale
    n_tested = int(tested.sum())
    rejected = float((z2 > _CHI2_5PCT).mean()) if n_tested else 1.0
    holds = n_tested >= MIN_PAIRS and rejected <= MAX_REJECTED and not misfit
    return holds, n_tested, rejected


def pooled_misfit(both: np.ndarray, expected: np.ndarray, *, scale: float) -> bool:
    """Whether the pairs expected to fire together less than ``MIN_COFIRES`` times do so, in
    all, far more or far less often than the fit says (a Poisson test, its statistic times
    ``scale``, at :data:`CHI2_POOLED`).

    Each such pair is too rare to test alone, but together they show keywords that exclude each
    other (one keyword per row): random keyword suites where 63 testable pairs passed (5%
    rejecting) while the 1,422 rare ones fired together 153 times against 438 expected, and the
    per-LF fit scored 0.408 against the class-level 0.850. The pairs are chosen by what the fit
    expects only (chosen by the counts too, they came out low by selection).
    """
    rare = expected < MIN_COFIRES
    seen, due = float(both[rare].sum()), float(expected[rare].sum())
    return due > 0 and (seen - due) ** 2 / due * scale > CHI2_POOLED
