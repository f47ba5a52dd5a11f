"""The default label model: anchored one-sided LFs, class-level silence, dependencies as units."""

from __future__ import annotations

import functools
import warnings
from typing import Any, ClassVar

import numpy as np
from scipy.special import softmax

from weaklabel._core.params import Boolean, Constraint, Interval, Options
from weaklabel._core.random import check_random_state
from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import ConvergenceWarning
from weaklabel.models._auto_dependencies import learned_graph
from weaklabel.models._base import CHANCE, BaseLabelModel
from weaklabel.models._difficulty import with_class_difficulty
from weaklabel.models._em import EM, accelerated_fixed_point
from weaklabel.models._emissions import EmissionsMixin
from weaklabel.models._gold_weight import auto_gold_weight
from weaklabel.models._label_model_state import LabelModelState
from weaklabel.models._nesting import drop_nested, without_nested
from weaklabel.models._sample import dask_fit_sample, fit_rows
from weaklabel.models._silence import SILENCE_MODES, LFSilence, per_lf_fit
from weaklabel.models._starts import START_MODES, fit_from_starts
from weaklabel.models._temperature import vote_temperature
from weaklabel.models._units import Patterns, Units, lf_poles, make_units
from weaklabel.models._unvoted import unvoted_proba, voted_balance

__all__ = ["LabelModel"]


class LabelModel(LabelModelState, EmissionsMixin, BaseLabelModel):
    """The default label model: learns how far to trust each LF and the class balance, unlabeled.

    It is a generative model of the votes given the true class ``y``, fitted by EM on the rows
    that carry votes, and built to stay robust where weak-supervision votes break simpler models:

    - **One-sided LFs** (an LF that only ever votes one class, its *pole*, like a keyword LF) fire
      with probability ``r`` on rows of their pole and ``e <= r`` on other rows. The constraint
      *anchors* every LF to the class it names: an LF for "spam" is never read as evidence of
      "ham". The pair ``(r, e)`` gives the LF's weight, ``log(r / e)``.
    - **LFs that vote several classes** (crowd workers, classifiers) have a Dawid-Skene confusion
      matrix, smoothed over all k votes; with 10 or more such LFs its prior is learned from them
      (:mod:`weaklabel.models._pooled`), shrinking workers who cannot be told apart to the crowd,
      and classes the whole crowd finds harder where a test finds them (``difficulty_test_``).
    - **Silence counts once per class**: when none of the one-sided LFs of a class fired on a row,
      that is evidence against the class: the probability that none of them fires, from their own
      rates. Counting silence per class rather than per LF keeps the silent members of a class
      whose other LFs fired from multiplying it (overlapping or duplicated LFs). Where the
      one-sided LFs fire independently given the class, every silent LF counts instead
      (``silence="auto"``; :mod:`weaklabel.models._silence`).
    - **Dependencies**: LFs joined in ``fit(..., dependencies=G)`` form one unit whose joint vote
      pattern is a single outcome, so correlated LFs are not double-counted. Without ``G``, LFs
      that vote several classes and copy each other are found in the votes and joined
      (``auto_dependencies``; :mod:`weaklabel.models._auto_dependencies`).
    - **Nested LFs**: where every vote of a one-sided LF falls on rows a broader one-sided LF of
      another class votes on too (an exception inside the rule it overrides), the broader LF's
      vote is no evidence there and is dropped (``drop_nested``; :mod:`~weaklabel.models._nesting`).
    - **Class balance**: estimated, with a Dirichlet prior toward uniform weighing
      ``balance_prior`` times the rows voted only by one-sided LFs, where a broad LF and a large
      class look alike; pass ``class_balance`` to ``fit`` when you know it.
    - **Tempered confidence**: LFs seldom err independently, so the product of their likelihood
      ratios claims more certainty than the votes carry. With ``temper=True`` the logits are
      divided by the least temperature ``temperature_ >= 1`` that predicts each vote from the
      rest of its row about as well as the best (:mod:`weaklabel.models._temperature`).
    - **Label noise**: on some rows the class does not follow from the votes (errors every LF
      shares, ambiguous items, wrong gold), which no vote shows. The posterior of a row with votes
      is mixed with a uniform guess at weight ``label_noise``; labels stay as they are.
    - **Gold labels** given to ``fit`` are clamped during EM, weighed by cross-validation
      (``gold_weight="auto"``, :mod:`weaklabel.models._gold_weight`), and update the predictions
      on their vote patterns (:mod:`weaklabel.models._gold`).

    A row where every LF abstained gets ``unvoted_proba_``: the silence of every one-sided LF
    against the voted rows' class balance (:mod:`weaklabel.models._unvoted`).

    Parameters
    ----------
    cardinality : int
        Number of classes.
    max_iter : int
        Most EM steps (accelerated by SQUAREM); a ``ConvergenceWarning`` says when they ran out.
    tol : float
        Stop when no row's class probabilities change by more than ``tol``.
    prior_accuracy : float
        Accuracy the smoothing prior assumes for every LF (between 1/k and 1); with 10 or more
        LFs that vote several classes, theirs is learned instead (see above).
    prior_strength : float
        Pseudo-rows in the smoothing prior of each LF's rates (for a crowd worker: pseudo-answers
        per class, the least a learned prior weighs).
    balance_prior : float
        Weight of the uniform prior on the class balance (see above), in multiples of the rows
        voted only by one-sided LFs; 0 turns it off.
    gold_weight : "auto" or float
        Total weight of the gold rows relative to the unlabeled rows, each gold row weighing at
        least one row (0: exactly one); ``"auto"`` chooses it by cross-validation (see above).
    init : {"auto", "majority", "moments"}
        Start EM from majority vote, or from the method-of-moments estimate
        (:class:`~weaklabel.models.MomentsModel`); ``"auto"``: from majority vote, and where the
        moments estimate labels more than 2% of the rows otherwise, from it too and, for a
        crowd's workers, from :class:`~weaklabel.models.DawidSkene`'s posteriors, keeping the
        fit under which the votes are likeliest (:mod:`~weaklabel.models._starts`).
    max_fit_rows : int or None
        Rows with the same votes are fitted once, with a weight; past ``max_fit_rows`` distinct
        rows, EM runs on a seeded sample of that many (None: all). On Dask votes the rows are
        counted, and the sample drawn, on the cluster (not the same rows as in memory).
    temper : bool
        Temper the posterior by the learned ``temperature_`` (see above); False keeps the raw
        product of the LFs' likelihood ratios (``temperature_ == 1``).
    label_noise : float
        Share of rows whose class the votes cannot tell (see above), in ``[0, 1)``; 0 keeps the
        model's posterior as it is.
    silence : {"auto", "class", "lf"}
        How one-sided LFs' silence counts: once per class (``"class"``), per LF, the rows
        without votes fitted too (``"lf"``), or per LF where a test of the LFs' pairwise
        co-firing finds them independent given the class and per class otherwise (``"auto"``).
    auto_dependencies : bool
        When ``fit`` gets no ``dependencies``, learn them among the LFs that vote several classes
        (:func:`~weaklabel.models.learn_dependencies`: edges of strength 0.3 or more, on at most
        20,000 rows) and join those LFs, an LF split into confidence levels with all its levels;
        one-sided LFs are left alone. See ``units_``.
    drop_nested : bool
        Drop a broad one-sided LF's vote on the rows where a narrow one of another class, nested
        in it, votes (see above; ``nested_``).
    tie_break : {"prior", "lowest", "random"}
        How ``predict`` breaks ties.
    random_state : int, optional
        Seed for the row sample (EM's and the temperature's) and for ``tie_break="random"``.
    progress : bool
        Show a progress bar over EM iterations.

    Attributes
    ----------
    class_balance_ : ndarray of shape (k,)
        Estimated class prior.
    unvoted_proba_ : ndarray of shape (k,)
        The class probabilities of a row without votes.
    emissions_ : ndarray of shape (m, k, k)
        ``emissions_[j, y, c]``: how often LF ``j`` votes ``c`` on rows of class ``y`` that
        carry votes.
    units_ : list of list of int
        The LFs modelled jointly (singletons without dependencies, given or learned).
    temperature_ : float
        What the posterior's logits are divided by (1 with ``temper=False``, and with per-LF
        silence, which is taken only where the LFs look independent).
    silence_ : {"class", "lf"}
        How the fitted model counts silence (see ``silence``).
    nested_ : ndarray of shape (n_pairs, 2)
        The nested pairs found in fit, ``(narrow, broad)`` LF positions (of the confidence
        levels, for LFs split into them): the broad LF's vote is dropped where the narrow votes.
    silence_test_ : tuple of (int, float) or None
        Pairs of one-sided LFs the independence test read, and the share rejecting independence
        (None when it did not run); not saved with the model.
    difficulty_test_ : tuple of (float, float) or None
        With a learned crowd prior: the log-likelihood gain of class offsets in it, and the gain
        they needed to be kept (:mod:`~weaklabel.models._difficulty`); None otherwise, not saved.
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
    >>> bool((model.predict_proba(votes)[4] == model.unvoted_proba_).all())
    True
    """

    cli_name: ClassVar[str] = "label-model"
    _anchors_one_sided: ClassVar[bool] = True
    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {
        "max_iter": [Interval(int, 1, None)],
        "tol": [Interval(float, 0, None, closed="right")],
        "prior_accuracy": [Interval(float, CHANCE, 1.0)],
        "prior_strength": [Interval(float, 0, None)],
        "balance_prior": [Interval(float, 0, None)],
        "gold_weight": [Options(("auto",)), Interval(float, 0, None)],
        "init": [Options(START_MODES)],
        "max_fit_rows": [Interval(int, 1, None), None],
        "temper": [Boolean()],
        "label_noise": [Interval(float, 0, 1, closed="left")],
        "silence": [Options(("auto", *SILENCE_MODES))],
        "auto_dependencies": [Boolean()],
        "drop_nested": [Boolean()],
        "progress": [Boolean()],
    }

    def __init__(
        self,
        cardinality: int = 2,
        *,
        max_iter: int = 1000,
        tol: float = 1e-5,
        prior_accuracy: float = 0.7,
        prior_strength: float = 3.0,
        balance_prior: float = 10.0,
        gold_weight: float | str = "auto",
        init: str = "auto",
        max_fit_rows: int | None = 100_000,
        temper: bool = True,
        label_noise: float = 0.05,
        silence: str = "auto",
        auto_dependencies: bool = True,
        drop_nested: bool = True,
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
        self.temper = temper
        self.label_noise = label_noise
        self.silence = silence
        self.auto_dependencies = auto_dependencies
        self.drop_nested = drop_nested
        self.progress = progress

    # -- fit --------------------------------------------------------------------------------------

    def _fit(
        self,
        votes: VoteMatrix,
        gold: np.ndarray | None,
        balance: np.ndarray | None,
        dependencies: Any = None,
    ) -> None:
        owner = type(self).__name__
        rows = functools.partial(
            fit_rows,
            votes,
            gold,
            cardinality=self.cardinality,
            max_rows=self.max_fit_rows,
            random_state=self.random_state,
            owner=owner,
        )
        sample, weights, clamp, unvoted = rows(gold_weight=0.0)
        poles = lf_poles(votes, self.cardinality)
        sample, self.nested_ = without_nested(
            sample, weights, unvoted, poles, find=self.drop_nested
        )
        if self.auto_dependencies and dependencies is None:
            free = len(weights) - len(clamp[0])  # the unlabeled rows come first
            dependencies = learned_graph(self, sample, weights[:free], unvoted)
        units = make_units(
            votes, dependencies, cardinality=self.cardinality, owner=owner, poles=poles
        )
        weight = auto_gold_weight(self, votes, gold, balance, dependencies)
        if gold is not None:  # the gold rows' weight
            sample, weights, clamp, unvoted = rows(gold_weight=weight)
            sample = drop_nested(sample, self.nested_)
        self._fit_starts(units, sample, weights, clamp, balance, unvoted)
        self.gold_weight_ = weight

    def _fit_dask(
        self, votes: DaskVoteMatrix, balance: np.ndarray | None, dependencies: Any
    ) -> None:
        owner = type(self).__name__
        sample, weights = dask_fit_sample(
            votes, self.max_fit_rows, random_state=self.random_state, owner=owner
        )
        clamp = (np.zeros(0, dtype=np.int64), np.zeros((0, self.cardinality)))
        unvoted = max(float(votes.n_rows) - float(weights.sum()), 0.0)
        poles = lf_poles(votes, self.cardinality)  # polarity(): DaskVoteMatrix has it
        sample, self.nested_ = without_nested(
            sample, weights, unvoted, poles, find=self.drop_nested
        )
        if self.auto_dependencies and dependencies is None:
            dependencies = learned_graph(self, sample, weights, unvoted)
        units = make_units(
            votes, dependencies, cardinality=self.cardinality, owner=owner, poles=poles
        )
        self._fit_starts(units, sample, weights, clamp, balance, unvoted)

    def _fit_bytes(self, n_rows: int, n_lfs: int) -> float:
        rows = n_rows if self.max_fit_rows is None else min(n_rows, self.max_fit_rows)
        k = float(self.cardinality)
        return 8.0 * (6 * rows * k + 4 * n_lfs * k * k)

    def _fit_starts(
        self,
        units: Units,
        sample: VoteMatrix,
        weights: np.ndarray,
        clamp: tuple[np.ndarray, np.ndarray],
        balance: np.ndarray | None,
        unvoted_rows: float,
    ) -> None:
        """EM from ``init``'s start or starts (:mod:`weaklabel.models._starts`)."""
        fit = functools.partial(
            self._fit_sample, units, sample, weights, clamp, balance, unvoted_rows
        )
        unlabeled = np.where(np.arange(len(weights)) < len(weights) - len(clamp[0]), weights, 0.0)
        fit_from_starts(self, fit, sample, unlabeled, unvoted_rows)
        self._warn_unconverged()

    def _fit_sample(
        self,
        units: Units,
        sample: VoteMatrix,
        weights: np.ndarray,
        clamp: tuple[np.ndarray, np.ndarray],
        balance: np.ndarray | None,
        unvoted_rows: float,
        start: np.ndarray,
    ) -> None:
        """EM on ``sample``'s rows, each standing for ``weights`` rows, then ``unvoted_rows``,
        from the posteriors ``start``."""
        k = self.cardinality
        patterns = units.patterns(sample)
        indicator = patterns.indicator
        silent = patterns.group_silent.astype(np.float64)
        shares = patterns.vote_shares(units)
        q = start.copy()
        q[clamp[0]] = clamp[1]
        n = len(weights) - len(clamp[0])  # the unlabeled rows come first
        em = EM(self, units, patterns.unit_of_pattern, shares, indicator, weights, unlabeled=n)
        self.silence_, self.difficulty_test_ = "class", None
        lf, self.silence_test_ = per_lf_fit(self, em, q, weights, clamp, balance, unvoted_rows)
        if lf is not None:
            self._take_lf_silence(lf, patterns, units, sample, weights)
            return
        pi_strength = self.balance_prior * em.weak_weight / k

        def log_joint(current: np.ndarray) -> np.ndarray:  # [row, y], after an M-step on current
            wq = weights[:, None] * current
            totals = wq.sum(axis=0)
            pi = balance if balance is not None else _normalise(totals + 1.0 + pi_strength)
            pattern_w, silence_w = em.m_step(wq, totals)
            return indicator @ pattern_w + silent @ silence_w + np.log(pi)

        def em_step(current: np.ndarray) -> np.ndarray:
            out = softmax(log_joint(current), axis=1)
            out[clamp[0]] = clamp[1]
            return out

        fit = accelerated_fixed_point(
            em_step, q, max_iter=self.max_iter, tol=self.tol, progress=self.progress
        )
        (q, self.n_iter_, self.converged_), self.difficulty_test_ = with_class_difficulty(
            em, em_step, log_joint, fit, weights[:n], max_iter=self.max_iter, tol=self.tol
        )
        wq = weights[:, None] * q
        totals = wq.sum(axis=0)
        self.class_balance_ = (
            balance if balance is not None else _normalise(totals + 1.0 + pi_strength)
        )
        self.pattern_weights_, self.silence_weights_ = em.m_step(wq, totals)
        self._set_structure(patterns, units, sample, wq)
        evidence = indicator @ self.pattern_weights_ + silent @ self.silence_weights_
        if self.temper:
            rng = check_random_state(self.random_state, owner=type(self).__name__)
            logits = evidence + np.log(self.class_balance_)
            self.temperature_ = vote_temperature(em, logits, q, self.pattern_weights_, rng=rng)
        if balance is None:
            balance = voted_balance(evidence[:n], weights[:n], self.class_balance_)
        share = float(weights[:n].sum()) / max(float(weights[:n].sum()) + unvoted_rows, 1.0)
        self.unvoted_proba_ = unvoted_proba(em, self.pattern_weights_, balance, voted_share=share)

    def _take_lf_silence(
        self, fit: LFSilence, patterns: Patterns, units: Units, sample: VoteMatrix, weights: Any
    ) -> None:
        """Keep the per-LF-silence fit (:mod:`weaklabel.models._silence`)."""
        self.silence_, self.n_iter_, self.converged_ = "lf", fit.n_iter, fit.converged
        self.class_balance_, self.unvoted_proba_ = fit.balance, fit.unvoted_proba
        self.pattern_weights_, self.silence_weights_ = fit.pattern_weights, fit.silence_weights
        self._set_structure(patterns, units, sample, weights[:, None] * fit.q)

    def _warn_unconverged(self) -> None:
        if not self.converged_:
            warnings.warn(
                f"LabelModel did not converge in max_iter={self.max_iter} EM steps (tol="
                f"{self.tol}); raise max_iter for a better fit.",
                ConvergenceWarning,
                stacklevel=4,
            )


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / x.sum()
