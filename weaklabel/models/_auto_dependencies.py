"""The dependency graph :class:`~weaklabel.models.LabelModel` learns when it is given none.

Only LFs that vote several classes take part (classifiers, two-sided heuristics, crowd workers,
prompted LLMs, with or without stated confidences). Two such LFs that copy each other are
counted twice by a model that takes them as independent, and nothing else in the model guards
against it: on a set with three near-copies of its weakest
LF, EM takes the copies for the truth (accuracy 0.685, ECE 0.303; joined, 0.799 and 0.011).
One-sided LFs are left alone: their class-level silence already keeps class-mates from
multiplying each other's silence, and joining them on learned edges cost accuracy or
calibration on every real set measured (docs/label_models.md, "Correlated LFs").

The graph is learned on the rows EM fits on, standing for every row (the rows without votes
included, since conditioning on a vote would itself correlate the LFs): all of them when there are
at most :data:`MAX_ROWS`, otherwise a seeded draw of that many.
"""

from __future__ import annotations

import itertools
import warnings
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from weaklabel._core.random import check_random_state
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import DependencyWarning
from weaklabel.models._confidence import expand_graph, level_owners
from weaklabel.models._dependencies import learn_dependencies
from weaklabel.models._units import make_units

if TYPE_CHECKING:
    from weaklabel.models._label_model import LabelModel

__all__ = ["MAX_INDICATORS", "MAX_ROWS", "MIN_UNITS_LEFT", "THRESHOLD", "learned_graph"]

#: Smallest strength of a learned edge (``learn_dependencies``' ``threshold``): an LF repeating
#: another on about a third of the rows or more. Weaker dependencies bias the model little, while
#: joining two independent LFs costs it (up to 2 points with 4 LFs and 6 classes at the default
#: 0.1, where 13 of 320 independent sets got a false edge, all below 0.3).
THRESHOLD = 0.3
#: Most rows the graph is learned on.
MAX_ROWS = 20_000
#: Most (LF, class) indicators to correlate: the cost grows as their cube.
MAX_INDICATORS = 1_000
#: Fewest units that joining may leave. Three conditionally independent units identify the
#: class in theory, but with three the learned graph cannot tell a copy from the class: a copied
#: pair among four LFs can take the class's place in the split, and the two accurate LFs left
#: look like the copy (200 random sets of 3-10 LFs: joins that left three units lost up to 17
#: points; none left four or more and lost more than 9).
MIN_UNITS_LEFT = 4


def learned_graph(
    model: LabelModel, sample: VoteMatrix, weights: np.ndarray, n_unvoted: float
) -> nx.Graph:
    """The dependencies among the general LFs, as a graph over ``sample``'s columns that joins
    them into units.

    ``sample`` holds the distinct unlabeled rows EM fits on, each standing for ``weights`` rows
    (gold rows, if any, come after them); ``n_unvoted`` rows carry no vote. Its columns are
    confidence levels where an LF has them (``model.confidence_cuts_``): the graph is learned
    over the LFs themselves, and a joined LF brings all its levels into the unit (a join that
    would not fit them all is left out). The graph is learned over every LF, which tells the
    class apart from a copy better than the general LFs alone, and keeps the edges between
    general LFs that units may join: passed to :func:`~weaklabel.models._units.make_units` it
    leaves no edge out. It has no edge when there are fewer than two general LFs or three LFs,
    too many indicators to correlate, no more rows than indicators, or when joining would leave
    fewer than ``MIN_UNITS_LEFT`` units. (An empty graph, not None, so that refits take it as
    given.)
    """
    owner, cardinality, cuts = type(model).__name__, model.cardinality, model.confidence_cuts_
    level_of = level_owners(cuts)  # the LF of each column of the sample
    lfs = _fold(sample, level_of, cuts)
    units = make_units(lfs, None, cardinality=cardinality, owner=owner)
    general = {lfs.lf_names[j] for j in np.flatnonzero(units.pole < 0)}
    out = nx.Graph()
    out.add_nodes_from(sample.lf_names)
    if len(general) < 2 or lfs.n_lfs < 3:  # two LFs alone cannot tell a copy from the class
        return out
    n_indicators = int(lfs.polarity().sum())
    total = float(weights.sum()) + n_unvoted
    if n_indicators > MAX_INDICATORS or min(total, MAX_ROWS) <= n_indicators:
        return out
    counts = np.append(weights, n_unvoted)
    if total > MAX_ROWS or not np.array_equal(counts, np.rint(counts)):
        rng = check_random_state(model.random_state, owner=owner)
        counts = rng.multinomial(min(MAX_ROWS, int(total)), counts / total)
    counts = counts.astype(np.int64)
    rows = np.repeat(np.arange(len(weights)), counts[:-1])
    silent = VoteMatrix.from_dense(
        np.full((int(counts[-1]), lfs.n_lfs), -1, dtype=np.int64),
        cardinality=lfs.cardinality,
        lf_names=list(lfs.lf_names),
    )
    learned = learn_dependencies(VoteMatrix.concat([lfs[rows], silent]), threshold=THRESHOLD)
    graph = nx.Graph()
    graph.add_edges_from(
        (a, b, data) for a, b, data in learned.edges(data=True) if a in general and b in general
    )
    if graph.number_of_edges() == 0:
        return out
    with warnings.catch_warnings():  # edges that would make too large a unit are left out
        warnings.simplefilter("ignore", DependencyWarning)
        joined = make_units(
            sample, expand_graph(graph, lfs.lf_names, cuts), cardinality=cardinality, owner=owner
        )
    # a unit must hold every level of each of its LFs
    kept = [
        members
        for members in joined.members
        if len(set(level_of[list(members)])) > 1
        and len(members) == int(np.isin(level_of, level_of[list(members)]).sum())
    ]
    lf_units = lfs.n_lfs - sum(len(set(level_of[list(members)])) - 1 for members in kept)
    if lf_units < MIN_UNITS_LEFT:
        return out
    names = sample.lf_names
    for members in kept:
        out.add_edges_from((names[a], names[b]) for a, b in itertools.pairwise(members))
    return out


def _fold(sample: VoteMatrix, level_of: np.ndarray, cuts: list[list[float]]) -> VoteMatrix:
    """``sample`` with each LF's confidence levels folded back into one column (a row holds at
    most one of them), named as the LF."""
    if not any(cuts):
        return sample
    first = np.flatnonzero(np.r_[True, level_of[1:] != level_of[:-1]])
    names = [
        name.rsplit("@", 1)[0] if cuts[j] else name
        for j, name in enumerate(np.asarray(sample.lf_names)[first])
    ]
    return VoteMatrix.from_csr_parts(
        sample.indptr,
        level_of[np.asarray(sample.lfs)],
        sample.labels(),
        cardinality=sample.cardinality,
        lf_names=names,
        trusted=True,
    )
