"""Which LFs depend on each other beyond the class: structure learning from unlabeled votes.

Under the latent-class model that label models assume, LFs are independent given the true class.
Then the inverse covariance of the vote indicators (one per LF and class voted; abstain is the
reference) is *sparse minus low-rank*: block-diagonal over LFs plus a block for each pair of
dependent LFs, minus the rank ``k - 1`` matrix that the hidden class adds (Varma, Sala, He,
Ratner and Ré, "Learning Dependency Structures for Weak Supervision Models", ICML 2019).
:func:`learn_dependencies` splits the estimated inverse covariance that way and reads the edges
off the sparse part.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import scipy.linalg as sla

from weaklabel._core.params import check_float, check_int
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DataError
from weaklabel.models._vote_moments import Moments, correlation_se, indicator_moments, precision_se

__all__ = ["learn_dependencies"]


def learn_dependencies(
    votes: VoteMatrix,
    *,
    threshold: float = 0.1,
    sparsity: float = 1.0,
    n_latent: int | None = None,
    max_iter: int = 100,
    tol: float = 1e-6,
) -> nx.Graph:
    """Learn which LFs are correlated beyond what the true class explains, without labels.

    The votes are read as one 0/1 indicator per LF and class it votes (abstain is the
    reference). Their correlation matrix comes from the sparse product ``A.T @ A`` of the one-hot
    votes; its inverse ``Q``, scaled to a unit diagonal, is split as ``Q = S + N + noise``:

    - ``N``, negative semi-definite of rank at most ``n_latent``, is what the hidden class adds
      to the inverse covariance of LFs that are independent given the class;
    - ``S`` is block-diagonal over LFs, plus a block for each pair of dependent LFs.

    The split is robust PCA with a noise term and a known rank: it minimises
    ``||Q - S - N||**2 / 2`` plus a group-lasso penalty on each block of ``S`` between two LFs,
    set to the size sampling noise alone would give that block, ``N`` held to rank
    ``n_latent`` and not shrunk. (A nuclear-norm penalty on ``N`` at the spectral size of the
    noise, ``2 sqrt(p / n)``, shrank the class's part, and with a few accurate LFs the rest of it
    came out as edges: independent LFs voting every row, 4 of them over 5 classes on 1,000 rows,
    got a false edge of strength 0.3-0.5 in 4 sets of 6.) A pair of LFs becomes an edge when

    1. its block of ``S`` is non-zero,
    2. its *strength*, the largest partial correlation between their indicators once ``N`` (the
       class) is taken out, reaches ``threshold``, and
    3. one entry of the block stands ``sparsity * sqrt(2 log(P))`` standard errors above zero,
       ``P`` being the number of pairs of indicators of different LFs; the standard error comes
       from the fourth moments of the votes, so rare LFs and rare classes get the wider margin
       they need.

    Everything is deterministic.

    Parameters
    ----------
    votes : VoteMatrix
    threshold : float
        Smallest strength an edge may have, in [0, 1]. The default 0.1 ignores dependencies too
        weak to bias a label model; an LF that repeats another on half the rows has strength
        about 0.5, an exact copy nearly 1.
    sparsity : float
        Multiplies every noise margin: above 1 keeps only clearer dependencies, below 1 lets
        weaker evidence through.
    n_latent : int, optional
        Largest rank of the part the class explains. By default ``k - 1`` for ``k`` classes, or
        the number of classes voted when LFs leave some classes out (those act as one group);
        exact under the latent-class model. Raise it to absorb more shared structure (say, a
        hidden source that several LFs copy) instead of reporting it as edges.
    max_iter : int
        Most iterations of the alternating fit of ``S`` and ``N``.
    tol : float
        Stop when no entry of ``S`` or ``N`` changes by more than ``tol``.

    Returns
    -------
    networkx.Graph
        One node per LF name, in the order of ``votes.lf_names``, and one edge per dependent
        pair, with its strength as the ``weight`` attribute. Pass it to a label model as
        ``fit(votes, dependencies=graph)``.

    Raises
    ------
    DataError
        If ``votes`` is not a VoteMatrix, or has no more rows than indicators to correlate.
    ParameterError
        If an option is out of range.

    Notes
    -----
    Indicators with fewer than 10 votes (or fewer than 10 rows without them) are left out, so an
    LF that (almost) never votes is a node without edges. The cost is one pass over the votes
    for ``A.T @ A``, one more over the candidate edges, and per iteration one partial
    eigendecomposition of a ``p x p`` matrix, ``p`` being the number of (LF, class) indicators
    used, and memory for a few ``p x p`` arrays: well under a second for 300 LFs that vote
    either of two classes, but over a minute and 4 GB if each of 300 LFs votes each of 20
    classes (``p = 6000``).

    Many LFs of one class that all copy a hidden common source look like the class itself: the
    method needs each class to be voted by LFs beyond any such group. Partial correlations also
    split an exact duplicate's dependencies: of three identical LFs, each pair gets strength
    about 0.5.

    Examples
    --------
    Four LFs on 5,000 rows; ``copy`` repeats ``keyword`` on 80% of the rows:

    >>> import numpy as np
    >>> from weaklabel import VoteMatrix
    >>> from weaklabel.models import learn_dependencies
    >>> rng = np.random.default_rng(0)
    >>> truth = rng.integers(0, 2, size=5000)
    >>> def lf(accuracy):
    ...     vote = np.where(rng.random(5000) < accuracy, truth, 1 - truth)
    ...     return np.where(rng.random(5000) < 0.6, vote, -1)
    >>> dense = np.column_stack([lf(0.8), lf(0.7), lf(0.75), lf(0.65)])
    >>> dense[:, 3] = np.where(rng.random(5000) < 0.8, dense[:, 2], dense[:, 3])
    >>> votes = VoteMatrix.from_dense(
    ...     dense, cardinality=2, lf_names=["regex", "model", "keyword", "copy"])
    >>> graph = learn_dependencies(votes)
    >>> list(graph.nodes)
    ['regex', 'model', 'keyword', 'copy']
    >>> list(graph.edges)
    [('keyword', 'copy')]
    >>> round(graph.edges["keyword", "copy"]["weight"], 1)
    0.8

    An LF that never votes is a node without edges:

    >>> silent = VoteMatrix.from_dense(np.c_[dense, np.full(5000, -1)], cardinality=2)
    >>> learn_dependencies(silent).degree("lf_4")
    0
    """
    owner = "learn_dependencies"
    if not isinstance(votes, VoteMatrix):
        raise DataError(
            f"{owner} expects a VoteMatrix (from apply_lfs or VoteMatrix.from_dense); got "
            f"{type(votes).__name__}."
        )
    threshold = check_float("threshold", threshold, owner=owner, minimum=0.0, maximum=1.0)
    sparsity = check_float("sparsity", sparsity, owner=owner, minimum=0.0, exclusive_minimum=True)
    if n_latent is not None:
        n_latent = check_int("n_latent", n_latent, owner=owner, minimum=0)
    max_iter = check_int("max_iter", max_iter, owner=owner, minimum=1)
    tol = check_float("tol", tol, owner=owner, minimum=0.0, exclusive_minimum=True)

    graph = nx.Graph()
    graph.add_nodes_from(votes.lf_names)
    moments = indicator_moments(votes)
    n, p, n_groups = votes.n_rows, len(moments.columns), len(moments.starts)
    if n_groups < 2:
        return graph
    if n <= p:
        raise DataError(
            f"{owner} needs more rows than (LF, class) indicators to correlate; got {n} rows "
            f"for {p} indicators. Add unlabeled rows, or pass fewer LFs (votes.select_lfs)."
        )
    if n_latent is None:  # classes no LF votes for act as one group
        voted = len(np.unique(moments.columns % votes.cardinality))
        n_latent = voted - 1 if voted == votes.cardinality else voted

    precision = np.linalg.inv(moments.corr)
    scale = np.sqrt(np.diag(precision))
    q = precision / np.outer(scale, scale)
    noise = correlation_se(moments, n)
    group_z = math.sqrt(2.0 * math.log(max(n_groups * (n_groups - 1) / 2, 2)))
    penalty = sparsity * (
        np.sqrt(_block_reduce(np.add, noise * noise, moments.starts))
        + group_z * _block_reduce(np.maximum, noise, moments.starts)
    )
    support, latent = _decompose(q, moments, penalty, min(n_latent, p), max_iter, tol)

    resid = q - latent
    diag = np.sqrt(np.diag(resid))
    partial = np.abs(resid) / np.outer(diag, diag)
    strength = _block_reduce(np.maximum, partial, moments.starts)
    found = np.triu(support & (strength >= threshold), 1)
    sizes = moments.sizes
    n_entries = (float(sizes.sum()) ** 2 - float((sizes * sizes).sum())) / 2.0
    entry_z = sparsity * math.sqrt(2.0 * math.log(max(n_entries, 2.0)))
    # an entry's standard error is floored at ``noise``, so a block none of whose entries stands
    # entry_z noises above zero fails the third test whatever its standard error
    bound = np.divide(np.abs(resid), noise, out=np.full_like(resid, np.inf), where=noise > 0)
    found &= _block_reduce(np.maximum, bound, moments.starts) >= entry_z
    candidates = list(zip(*(a.tolist() for a in np.nonzero(found)), strict=True))
    if not candidates:
        return graph
    names = votes.lf_names
    for (a, b), se in zip(candidates, precision_se(moments, precision, candidates), strict=True):
        rows, cols = moments.block(a), moments.block(b)
        score = np.abs(resid[rows, cols]) / np.maximum(se, noise[rows, cols])
        if score.max() >= entry_z:
            graph.add_edge(names[moments.lf[a]], names[moments.lf[b]], weight=float(strength[a, b]))
    return graph


def _decompose(
    q: np.ndarray,
    moments: Moments,
    penalty: np.ndarray,
    rank: int,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Split ``q`` into a block-sparse part ``S`` and a low-rank part ``N``.

    Alternating exact minimisation, over ``S`` and then ``N``, of ``||q - S - N||**2 / 2 +
    sum(penalty_ab ||S_ab||_F)`` (the penalty on blocks between two LFs only), with ``N``
    negative semi-definite of rank at most ``rank``. Returns the groups x groups support of
    ``S`` (off the diagonal) and ``N``.

    ``N`` is not shrunk (no nuclear-norm penalty): its rank is the latent-class model's, so
    shrinking its eigenvalues only biased it, and with few LFs the class's structure, cheaper to
    hold in a few blocks of ``S`` than in a shrunk ``N``, came out as edges between independent
    accurate LFs (see :func:`learn_dependencies`).
    """
    starts, sizes = moments.starts, moments.sizes
    own_block = _expand(np.eye(len(starts), dtype=bool), sizes)
    latent = np.zeros_like(q)
    sparse = np.zeros_like(q)
    factor = np.zeros((len(starts), len(starts)))
    for _ in range(max_iter):
        target = q - latent
        norms = np.sqrt(_block_reduce(np.add, target * target, starts))
        factor = np.clip(1.0 - penalty / np.maximum(norms, 1e-300), 0.0, None)
        new_sparse = target * np.where(own_block, 1.0, _expand(factor, sizes))
        values, vectors = _lowest_eigenpairs(q - new_sparse, rank)
        values = np.minimum(values, 0.0)
        new_latent = (vectors * values) @ vectors.T
        change = max(np.abs(new_sparse - sparse).max(), np.abs(new_latent - latent).max())
        sparse, latent = new_sparse, new_latent
        if change < tol:
            break
    support = factor > 0
    np.fill_diagonal(support, False)
    return support, latent


def _lowest_eigenpairs(x: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``rank`` lowest eigenvalues of symmetric ``x``, ascending, and their eigenvectors."""
    if rank == 0:
        return np.zeros(0), np.zeros((len(x), 0))
    values, vectors = sla.eigh(x, subset_by_index=(0, rank - 1))
    return values, vectors


def _block_reduce(op: np.ufunc, x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Reduce a ``p x p`` array over the LF blocks to a groups x groups array."""
    return op.reduceat(op.reduceat(x, starts, axis=0), starts, axis=1)


def _expand(x: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The inverse of :func:`_block_reduce`: repeat each entry over its block."""
    return np.repeat(np.repeat(x, sizes, axis=0), sizes, axis=1)
