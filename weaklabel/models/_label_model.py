"""The default label model: anchored one-sided LFs, class-level silence, dependencies as units."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar, cast

import numpy as np
import scipy.sparse as sp
from scipy.special import softmax
from tqdm.auto import tqdm

from weaklabel._dask import DaskVoteMatrix
from weaklabel._gold import UNKNOWN
from weaklabel._params import check_choice, check_float, check_int
from weaklabel._random import check_random_state
from weaklabel._votes import VoteMatrix
from weaklabel.exceptions import ConvergenceWarning
from weaklabel.models._base import BaseLabelModel
from weaklabel.models._emissions import EmissionsMixin
from weaklabel.models._units import Units, distinct_rows, lookup, make_units

__all__ = ["LabelModel"]

_FLOOR = 1e-9
_INITS = ("majority", "moments")


class LabelModel(EmissionsMixin, BaseLabelModel):
    """The default label model: learns how far to trust each LF and the class balance, unlabeled.

    It is a generative model of the votes given the true class ``y``, fitted by EM on the rows
    that carry votes, and built to stay robust where weak-supervision votes break simpler models:

    - **One-sided LFs** (an LF that only ever votes one class, its *pole*, like a keyword LF) fire
      with probability ``r`` on rows of their pole and ``e <= r`` on other rows. The constraint
      *anchors* every LF to the class it names: an LF for "spam" is never read as evidence of
      "ham". The pair ``(r, e)`` gives the LF's weight, ``log(r / e)``.
    - **LFs that vote several classes** (crowd workers, classifiers) have a Dawid-Skene confusion
      matrix; how often they vote does not depend on the class.
    - **Silence counts once per class**: when none of the one-sided LFs of a class fired on a row,
      that is evidence against the class, with a probability learned per class. Counting silence
      per class rather than per LF keeps overlapping or duplicated LFs from multiplying it.
    - **Dependencies**: LFs joined in ``fit(..., dependencies=G)`` form one unit whose joint vote
      pattern is a single outcome, so correlated LFs are not double-counted.
    - **Class balance**: estimated, with a Dirichlet prior toward uniform whose weight is
      ``balance_prior`` times the number of rows whose votes all come from one-sided LFs (there
      the balance is only weakly identified: a broad LF and a large class look alike).
    - **Gold labels** given to ``fit`` are clamped to their class during EM, and weigh more than
      unlabeled rows: together as much as ``gold_weight`` times the unlabeled rows (each at
      least one row), since they are unbiased evidence of every rate the model learns.

    A row where every LF abstained gets ``class_balance_``: without any vote there is no heuristic
    evidence about it, and the prior keeps it visibly uncertain (a confidence filter drops it).

    Parameters
    ----------
    cardinality : int
        Number of classes.
    max_iter : int
        Most EM steps (accelerated by SQUAREM); a ``ConvergenceWarning`` says when they ran out.
    tol : float
        Stop when no row's class probabilities change by more than ``tol``.
    prior_accuracy : float
        Accuracy the smoothing prior assumes for every LF (between 1/k and 1).
    prior_strength : float
        Pseudo-rows in the smoothing prior of each LF's rates.
    balance_prior : float
        Weight of the uniform prior on the class balance (see above); 0 turns it off.
    gold_weight : float
        Total weight of the gold rows relative to the unlabeled rows (see above).
    init : {"majority", "moments"}
        Start EM from majority vote, or from the method-of-moments estimate
        (:class:`~weaklabel.models.MomentsModel`).
    max_fit_rows : int or None
        Rows with the same votes are fitted once, with a weight. When more than ``max_fit_rows``
        distinct rows remain, EM runs on a random sample of that many (drawn with
        ``random_state``); None fits on all of them. On Dask votes the distinct rows are counted
        on the cluster and only this sample is gathered; when it has to be drawn, it is drawn there
        (a seeded uniform sample of the distinct rows, not the same rows as in memory).
    tie_break : {"prior", "lowest", "random"}
        How ``predict`` breaks ties.
    random_state : int, optional
        Seed for the row sample and for ``tie_break="random"``.
    progress : bool
        Show a progress bar over EM iterations.

    Attributes
    ----------
    class_balance_ : ndarray of shape (k,)
        Estimated class prior.
    emissions_ : ndarray of shape (m, k, k)
        ``emissions_[j, y, c]``: how often LF ``j`` votes ``c`` on rows of class ``y`` that
        carry votes.
    units_ : list of list of int
        The LFs modelled jointly (singletons without dependencies).
    n_iter_ : int
        EM steps run.
    converged_ : bool
        Whether EM converged within ``max_iter`` steps.
    n_fit_rows_ : int
        Distinct rows EM ran on.

    Examples
    --------
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.models import LabelModel
    >>> votes = VoteMatrix.from_dense(
    ...     [[1, 1, -1], [1, 0, 1], [0, 0, -1], [0, -1, 0], [-1, -1, -1]] * 20, cardinality=2)
    >>> model = LabelModel(cardinality=2, progress=False).fit(votes)
    >>> model.predict(votes)[:4].tolist()
    [1, 1, 0, 0]
    >>> bool((model.predict_proba(votes)[4] == model.class_balance_).all())
    True
    """

    cli_name: ClassVar[str] = "label-model"
    _state: ClassVar[tuple[str, ...]] = (
        "class_balance_",
        "emissions_",
        "units_",
        "unit_poles_",
        "vocabulary_",
        "pattern_weights_",
        "silence_weights_",
    )

    def __init__(
        self,
        cardinality: int = 2,
        *,
        max_iter: int = 1000,
        tol: float = 1e-5,
        prior_accuracy: float = 0.7,
        prior_strength: float = 1.0,
        balance_prior: float = 1.0,
        gold_weight: float = 0.3,
        init: str = "majority",
        max_fit_rows: int | None = 100_000,
        tie_break: str = "prior",
        random_state: int | None = None,
        progress: bool = True,
    ) -> None:
        super().__init__(cardinality, tie_break=tie_break, random_state=random_state)
        self.max_iter = max_iter
        self.tol = tol
        self.prior_accuracy = prior_accuracy
        self.prior_strength = prior_strength
        self.balance_prior = balance_prior
        self.gold_weight = gold_weight
        self.init = init
        self.max_fit_rows = max_fit_rows
        self.progress = progress

    def _check_params(self) -> None:
        super()._check_params()
        owner = type(self).__name__
        check_int("max_iter", self.max_iter, owner=owner, minimum=1)
        check_float("tol", self.tol, owner=owner, minimum=0.0, exclusive_minimum=True)
        check_float("prior_strength", self.prior_strength, owner=owner, minimum=0.0)
        check_float("balance_prior", self.balance_prior, owner=owner, minimum=0.0)
        check_float("gold_weight", self.gold_weight, owner=owner, minimum=0.0)
        check_choice("init", self.init, _INITS, owner=owner)
        if self.max_fit_rows is not None:
            check_int("max_fit_rows", self.max_fit_rows, owner=owner, minimum=1)

    # -- fit --------------------------------------------------------------------------------------

    def _fit(
        self,
        votes: VoteMatrix,
        gold: np.ndarray | None,
        balance: np.ndarray | None,
        dependencies: Any = None,
    ) -> None:
        k = self.cardinality
        units = make_units(votes, dependencies, cardinality=k, owner=type(self).__name__)
        sample, weights, clamp = self._fit_rows(votes, gold)
        self._fit_sample(units, sample, weights, clamp, balance)

    def _fit_dask(
        self, votes: DaskVoteMatrix, balance: np.ndarray | None, dependencies: Any
    ) -> None:
        # make_units reads only n_lfs, lf_names and polarity(), which DaskVoteMatrix has
        owner = type(self).__name__
        units = make_units(
            cast(VoteMatrix, votes), dependencies, cardinality=self.cardinality, owner=owner
        )
        sample, weights = votes._fit_sample(
            self.max_fit_rows, random_state=self.random_state, owner=owner
        )
        clamp = (np.zeros(0, dtype=np.int64), np.zeros((0, self.cardinality)))
        self._fit_sample(units, sample, weights, clamp, balance)

    def _fit_sample(
        self,
        units: Units,
        sample: VoteMatrix,
        weights: np.ndarray,
        clamp: tuple[np.ndarray, np.ndarray],
        balance: np.ndarray | None,
    ) -> None:
        """EM on the rows of ``sample``, each standing for ``weights`` rows; ``clamp`` fixes q."""
        k = self.cardinality
        patterns = units.patterns(sample)
        indicator = patterns.indicator
        silent = patterns.group_silent.astype(np.float64)
        shares = patterns.vote_shares(units)
        q = self._initial_posteriors(sample)
        q[clamp[0]] = clamp[1]
        em = _EM(self, units, patterns.unit_of_pattern, shares, indicator, silent, weights)
        pi_strength = self.balance_prior * em.weak_weight / k

        def em_step(current: np.ndarray) -> np.ndarray:
            wq = weights[:, None] * current
            totals = wq.sum(axis=0)
            pi = balance if balance is not None else _normalise(totals + 1.0 + pi_strength)
            pattern_w, silence_w = em.m_step(wq, totals)
            logits = indicator @ pattern_w + silent @ silence_w + np.log(pi)
            out = softmax(logits, axis=1)
            out[clamp[0]] = clamp[1]
            return out

        q, self.n_iter_, self.converged_ = _accelerated_fixed_point(
            em_step, q, max_iter=self.max_iter, tol=self.tol, progress=self.progress
        )
        if not self.converged_:
            warnings.warn(
                f"LabelModel did not converge in max_iter={self.max_iter} EM steps (tol="
                f"{self.tol}); raise max_iter for a better fit.",
                ConvergenceWarning,
                stacklevel=3,
            )
        wq = weights[:, None] * q
        totals = wq.sum(axis=0)
        self.class_balance_ = (
            balance if balance is not None else _normalise(totals + 1.0 + pi_strength)
        )
        self.pattern_weights_, self.silence_weights_ = em.m_step(wq, totals)
        self.vocabulary_ = patterns.vocabulary
        self.units_ = [list(m) for m in units.members]
        self.unit_poles_ = units.pole
        self.emissions_ = _marginal_emissions(sample, wq, totals, k)
        self.n_fit_rows_ = sample.n_rows

    def _fit_rows(
        self, votes: VoteMatrix, gold: np.ndarray | None
    ) -> tuple[VoteMatrix, np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """Rows EM runs on (distinct voted rows, then gold rows), their weights, and the clamp."""
        labeled = np.zeros(votes.n_rows, dtype=bool) if gold is None else gold != UNKNOWN
        free = np.flatnonzero((votes.votes_per_row() > 0) & ~labeled)
        first, counts = distinct_rows(votes, free)
        if self.max_fit_rows is not None and len(first) > self.max_fit_rows:
            rng = check_random_state(self.random_state, owner=type(self).__name__)
            pick = np.sort(rng.choice(len(first), size=self.max_fit_rows, replace=False))
            scale = counts.sum() / counts[pick].sum()
            first, counts = first[pick], counts[pick] * scale
        gold_rows = np.flatnonzero(labeled)
        rows = np.concatenate([first, gold_rows])
        per_gold = max(1.0, self.gold_weight * counts.sum() / max(len(gold_rows), 1))
        weights = np.concatenate([counts, np.full(len(gold_rows), per_gold)])
        k = self.cardinality
        clamp_rows = np.arange(len(first), len(rows))
        clamp_q = np.zeros((len(gold_rows), k))
        if gold is not None:
            clamp_q[np.arange(len(gold_rows)), gold[gold_rows]] = 1.0
        return votes[rows], weights, (clamp_rows, clamp_q)

    def _initial_posteriors(self, sample: VoteMatrix) -> np.ndarray:
        k = self.cardinality
        if self.init == "moments":
            from weaklabel.models._moments import MomentsModel

            return MomentsModel(k, random_state=self.random_state).fit(sample).predict_proba(sample)
        counts = np.zeros((sample.n_rows, k))
        observed = sample.class_counts()
        counts[:, : observed.shape[1]] = observed[:, :k]
        totals = counts.sum(axis=1, keepdims=True)
        return np.where(totals > 0, counts / np.maximum(totals, 1.0), 1.0 / k)

    # -- predict ----------------------------------------------------------------------------------

    def _proba(self, votes: VoteMatrix) -> np.ndarray:
        k = self.cardinality
        units = self._units()
        if units.singletons:
            # one product of the one-hot votes with [vote weights | vote -> class-group map]
            table = self._column_table(units, votes.n_lfs)
            product = votes.one_hot() @ table
            logits = product[:, :k]
            silent = (product[:, k:] == 0).astype(np.float64)
        else:
            patterns = units.patterns(votes, vocabulary=np.asarray(self.vocabulary_))
            logits = patterns.indicator @ self.pattern_weights_
            silent = patterns.group_silent.astype(np.float64)
        logits = logits + silent @ self.silence_weights_ + np.log(self.class_balance_)
        probs = softmax(logits, axis=1)
        probs[votes.votes_per_row() == 0] = self.class_balance_
        return probs

    def _units(self) -> Units:
        return Units(
            tuple(tuple(m) for m in self.units_), np.asarray(self.unit_poles_), self.cardinality
        )

    def _column_table(self, units: Units, n_lfs: int) -> np.ndarray:
        """``(m*k, 2k)``: each one-hot vote column's log-weights, then its class group (0/1)."""
        cached = self.__dict__.get("_table_cache")
        if cached is not None and cached[0] is self.pattern_weights_:
            return cached[1]
        k = self.cardinality
        scale = np.int64(k + 1)
        columns = np.arange(n_lfs * k, dtype=np.int64)
        keys = (columns // k) * scale + columns % k + 1
        position = lookup(np.asarray(self.vocabulary_), keys)
        known = position >= 0
        table = np.zeros((n_lfs * k, 2 * k))
        table[known, :k] = self.pattern_weights_[position[known]]
        pole = np.repeat(units.pole, k)
        one_sided = np.flatnonzero(pole >= 0)
        table[one_sided, k + pole[one_sided]] = 1.0
        self.__dict__["_table_cache"] = (self.pattern_weights_, table)
        return table

    # -- persistence ------------------------------------------------------------------------------

    def _state_from_json(self, state: dict[str, Any]) -> None:
        self.class_balance_ = np.asarray(state["class_balance_"], dtype=np.float64)
        self.emissions_ = np.asarray(state["emissions_"], dtype=np.float64)
        self.units_ = [list(map(int, m)) for m in state["units_"]]
        self.unit_poles_ = np.asarray(state["unit_poles_"], dtype=np.int64)
        self.vocabulary_ = np.asarray(state["vocabulary_"], dtype=np.int64)
        self.pattern_weights_ = np.asarray(state["pattern_weights_"], dtype=np.float64)
        self.silence_weights_ = np.asarray(state["silence_weights_"], dtype=np.float64)


class _EM:
    """The M-step of :class:`LabelModel`: pattern log-weights and class silence log-weights."""

    def __init__(
        self,
        model: LabelModel,
        units: Units,
        unit_of_pattern: np.ndarray,
        shares: np.ndarray,
        indicator: sp.csr_matrix,
        silent: np.ndarray,
        weights: np.ndarray,
    ) -> None:
        k = units.cardinality
        self.k, self.units, self.unit = k, units, unit_of_pattern
        self.indicator, self.silent = indicator, silent
        self.s, self.a0 = model.prior_strength, model.prior_accuracy
        self.pole = units.pole[unit_of_pattern]  # per pattern, -1 for general units
        total = float(weights.sum())
        fired = np.asarray(indicator.T @ weights).ravel()
        unit_fired = np.bincount(unit_of_pattern, weights=fired, minlength=units.n_units)
        coverage = unit_fired / max(total, _FLOOR)
        rho1 = np.minimum(self.a0 * k * coverage, 1 - 1e-6)
        rho0 = np.minimum((1 - self.a0) * k * coverage / (k - 1), rho1)
        self.rho1, self.rho0 = rho1, rho0
        self.n_patterns_of_unit = np.bincount(unit_of_pattern, minlength=units.n_units)
        table = np.full((k, k), (1 - self.a0) / (k - 1))
        np.fill_diagonal(table, self.a0)
        score = shares @ table.T  # [pattern, y]
        norm = np.zeros((units.n_units, k))
        np.add.at(norm, unit_of_pattern, score)
        self.general_prior = score / np.maximum(norm[unit_of_pattern], _FLOOR)
        self.silence_prior = (silent.T @ weights) / max(total, _FLOOR)
        self.has_group = np.zeros(k, dtype=bool)
        self.has_group[units.pole[units.pole >= 0]] = True
        one_sided_rows = indicator[:, self.pole < 0].getnnz(axis=1) == 0
        self.weak_weight = float(weights[one_sided_rows].sum())

    def m_step(self, wq: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k, s, unit, pole = self.k, self.s, self.unit, self.pole
        counts = np.asarray(self.indicator.T @ wq)  # [pattern, y]
        per_unit = np.zeros((self.units.n_units, k))
        np.add.at(per_unit, unit, counts)
        weights = np.empty_like(counts)
        # one-sided units: r = P(fires | pole), e = P(fires | other) <= r
        one = pole >= 0
        if one.any():
            u, c = unit[one], pole[one]
            fired_pole = per_unit[u, c]
            fired_other = per_unit[u].sum(axis=1) - fired_pole
            other_total = totals.sum() - totals[c]
            r = (fired_pole + s * self.rho1[u]) / (totals[c] + s)
            e = (fired_other + s * self.rho0[u]) / (other_total + s)
            e = np.minimum(e, r)
            n_pat = self.n_patterns_of_unit[u]
            theta_pole = (counts[one, c] + 0.5) / (fired_pole + 0.5 * n_pat)
            theta_other = (counts[one].sum(axis=1) - counts[one, c] + 0.5) / (
                fired_other + 0.5 * n_pat
            )
            log_other = np.log(np.maximum(e * theta_other, _FLOOR))
            block = np.repeat(log_other[:, None], k, axis=1)
            block[np.arange(len(c)), c] = np.log(np.maximum(r * theta_pole, _FLOOR))
            weights[one] = block
        # general units: Dawid-Skene confusion over the unit's patterns
        gen = ~one
        if gen.any():
            denom = per_unit[unit[gen]] + s
            weights[gen] = np.log(
                np.maximum((counts[gen] + s * self.general_prior[gen]) / denom, _FLOOR)
            )
        # silence of each class's one-sided LFs
        silent_counts = self.silent.T @ wq  # [c, y]
        rate = (silent_counts + s * self.silence_prior[:, None]) / (totals[None, :] + s)
        silence = np.where(self.has_group[:, None], np.log(np.maximum(rate, _FLOOR)), 0.0)
        return weights, silence


def _accelerated_fixed_point(
    step: Any, q: np.ndarray, *, max_iter: int, tol: float, progress: bool
) -> tuple[np.ndarray, int, bool]:
    """Iterate the EM map ``q -> step(q)`` to a fixed point, accelerated by SQUAREM.

    Each cycle takes two EM steps, extrapolates along them (Varadhan & Roland 2008, scheme S3),
    projects back onto the simplex and takes one more EM step from there. Returns the posteriors,
    the number of EM steps taken and whether the largest change fell below ``tol``.
    """
    n_steps = 0
    with tqdm(total=max_iter, desc="Fitting LabelModel", disable=not progress, leave=False) as bar:
        while n_steps < max_iter:
            q1 = step(q)
            n_steps += 1
            bar.update(1)
            if float(np.abs(q1 - q).max(initial=0.0)) < tol:
                return q1, n_steps, True
            if n_steps + 2 > max_iter:
                q = q1
                continue
            q2 = step(q1)
            r, v = q1 - q, q2 - 2 * q1 + q
            norm_v = float(np.sqrt((v * v).sum()))
            alpha = -float(np.sqrt((r * r).sum())) / norm_v if norm_v > 0 else -1.0
            alpha = min(alpha, -1.0)
            jump = np.clip(q - 2 * alpha * r + alpha * alpha * v, 0.0, None)
            total = jump.sum(axis=1, keepdims=True)
            jump = np.where(total > 0, jump / np.maximum(total, _FLOOR), q2)
            new = step(jump)
            n_steps += 2
            bar.update(2)
            change = float(np.abs(new - q).max(initial=0.0))
            q = new
            if change < tol:
                return q, n_steps, True
    return q, n_steps, False


def _marginal_emissions(
    votes: VoteMatrix, wq: np.ndarray, totals: np.ndarray, k: int
) -> np.ndarray:
    """``[j, y, c]``: expected share of class-``y`` rows on which LF ``j`` voted ``c``."""
    m = votes.n_lfs
    one_hot = votes.one_hot()
    if votes.cardinality != k:
        lf, cls = np.divmod(one_hot.indices, votes.cardinality)
        one_hot = sp.csr_matrix(
            (one_hot.data, lf * k + cls, one_hot.indptr), shape=(votes.n_rows, m * k)
        )
    counts = np.asarray(one_hot.T @ wq).reshape(m, k, k).transpose(0, 2, 1)
    return counts / np.maximum(totals, _FLOOR)[None, :, None]


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / x.sum()
