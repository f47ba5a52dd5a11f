"""learn_dependencies: structure learning from unlabeled votes, on synthetic planted copies."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from weaklabel import DataError, ParameterError, VoteMatrix
from weaklabel.datasets import make_dependent_votes, make_votes
from weaklabel.exceptions import DependencyWarning
from weaklabel.models import LabelModel, learn_dependencies

PAIRS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]


def _f1(graph: nx.Graph, planted: list[tuple[str, str]]) -> float:
    found = _edge_set(graph)
    truth = {frozenset(edge) for edge in planted}
    hits = len(found & truth)
    return 2 * hits / (len(found) + len(truth)) if found or truth else 1.0


def _edge_set(graph: nx.Graph) -> set[frozenset[str]]:
    return {frozenset(edge) for edge in graph.edges}


def _thirty_lfs(seed: int, *, n_rows: int = 10_000, k: int = 2, pairs=PAIRS, **kwargs):
    rng = np.random.default_rng(seed)
    accuracies, coverages = rng.uniform(0.6, 0.9, 30), rng.uniform(0.2, 0.6, 30)
    return make_dependent_votes(
        n_rows, accuracies, coverages, pairs, cardinality=k, random_state=seed, **kwargs
    )


# -- recovery ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_planted_pairs_among_thirty_binary_lfs(seed):
    votes, _, planted = _thirty_lfs(seed, copy_prob=0.5)
    graph = learn_dependencies(votes)
    assert _f1(graph, planted) >= 0.9


@pytest.mark.parametrize("seed", [0, 1])
def test_recovers_planted_pairs_with_three_classes(seed):
    votes, _, planted = _thirty_lfs(seed, k=3, copy_prob=0.5)
    assert _f1(learn_dependencies(votes), planted) >= 0.9


def test_recovers_planted_pairs_among_one_sided_lfs():
    rng = np.random.default_rng(3)
    votes, _, planted = make_dependent_votes(
        10_000,
        rng.uniform(0.6, 0.9, 30),
        rng.uniform(0.1, 0.4, 30),
        PAIRS,
        copy_prob=0.5,
        polarities=rng.integers(0, 2, 30),
        random_state=3,
    )
    assert _f1(learn_dependencies(votes), planted) >= 0.9


def _keyword_lfs(n_rows: int, pairs, seed: int = 1):
    """300 one-sided LFs over 20 classes, each firing on 1-4% of the rows (keyword-like)."""
    rng = np.random.default_rng(seed)
    return make_dependent_votes(
        n_rows,
        rng.uniform(0.6, 0.9, 300),
        rng.uniform(0.01, 0.04, 300),
        pairs,
        copy_prob=0.5,
        cardinality=20,
        polarities=rng.integers(0, 20, 300),
        random_state=seed,
    )


def test_recovers_planted_pairs_among_300_keyword_lfs_over_20_classes():
    # Here the class structure (rank 19) is strong: without taking it out, dozens of pairs of
    # LFs for the same class look dependent.
    votes, _, planted = _keyword_lfs(20_000, [(2 * i, 2 * i + 1) for i in range(20)])
    assert _f1(learn_dependencies(votes), planted) >= 0.9


def test_rare_lfs_on_few_rows_give_no_edges():
    # 2,000 rows: each keyword LF votes 20-80 times, and two LFs of one class co-vote on a few
    # rows only; the margin must widen accordingly.
    votes, _, _ = _keyword_lfs(2000, [])
    assert learn_dependencies(votes).number_of_edges() == 0


def test_classes_no_lf_votes_for_do_not_absorb_dependencies():
    # Five classes, but the LFs only vote 0 or 1. lf_1..lf_4 all copy a hidden LF (lf_0,
    # dropped), so they are pairwise dependent: a class part of rank 4 (k - 1) would have room
    # to swallow them; the classes actually voted give rank 2.
    polarities = [0, 0, 0, 0, 0] + [1, 0] * 5 + [1]
    votes, _, _ = make_dependent_votes(
        5000,
        [0.7] * 16,
        [0.3] * 16,
        [(0, j) for j in range(1, 5)],
        copy_prob=0.7,
        cardinality=5,
        class_balance=[0.3, 0.3, 0.2, 0.1, 0.1],
        polarities=polarities,
        random_state=0,
    )
    visible = votes.select_lfs(range(1, 16))
    clique = {frozenset((f"lf_{i}", f"lf_{j}")) for i in range(1, 5) for j in range(i + 1, 5)}
    assert _edge_set(learn_dependencies(visible)) == clique
    assert learn_dependencies(visible, n_latent=4).number_of_edges() < len(clique)


@pytest.mark.parametrize(("k", "seed"), [(2, 0), (2, 1), (3, 0)])
def test_independent_lfs_give_no_edges(k, seed):
    votes, _, planted = _thirty_lfs(seed, k=k, pairs=[])
    assert planted == []
    assert learn_dependencies(votes).number_of_edges() == 0


def test_threshold_drops_edges_weaker_than_it():
    votes, _, planted = _thirty_lfs(0, n_rows=20_000, copy_prob=0.5)
    graph = learn_dependencies(votes)
    weights = [graph.edges[edge]["weight"] for edge in planted]
    assert all(isinstance(w, float) and 0.3 < w < 0.8 for w in weights)
    strict = learn_dependencies(votes, threshold=max(weights) + 0.01)
    assert strict.number_of_edges() == 0


def test_exact_copies_get_strength_near_one():
    votes, _ = make_votes(5000, [0.8, 0.7, 0.75, 0.65], [0.5] * 4, random_state=0)
    dense = votes.to_dense()
    copied = VoteMatrix.from_dense(np.c_[dense, dense[:, 1]], cardinality=2)
    graph = learn_dependencies(copied)
    assert list(graph.edges) == [("lf_1", "lf_4")]
    assert graph.edges["lf_1", "lf_4"]["weight"] > 0.95


# -- the label model needs the graph -------------------------------------------------------------


def test_copies_of_a_poor_lf_fool_the_label_model_and_the_graph_undoes_it():
    # lf_0 is poor (accuracy 0.58); lf_1..lf_3 repeat it on 95% of the rows (they agree with it on
    # about 94% of the rows where either votes); lf_4..lf_9 are good and independent.
    accuracies = [0.58] * 4 + [0.75, 0.8, 0.7, 0.85, 0.72, 0.78]
    votes, truth, planted = make_dependent_votes(
        10_000, accuracies, [0.5] * 10, [(0, 1), (0, 2), (0, 3)], copy_prob=0.95, random_state=0
    )
    without_copies = votes.select_lfs(["lf_0", *[f"lf_{j}" for j in range(4, 10)]])

    def fit(v, graph=None, *, auto=True):
        model = LabelModel(cardinality=2, auto_dependencies=auto, progress=False)
        return model.fit(v, dependencies=graph)

    def accuracy(model, v):
        return float((model.predict(v) == truth).mean())

    graph = learn_dependencies(votes)
    assert _edge_set(graph) == {frozenset(e) for e in planted}
    base = accuracy(fit(without_copies), without_copies)
    fooled = accuracy(fit(votes, auto=False), votes)
    restored = accuracy(fit(votes, graph, auto=False), votes)
    assert fooled < base - 0.05  # the copies are taken for independent evidence
    assert abs(restored - base) <= 0.01  # modelled jointly, they count once
    # by default LabelModel finds the copies itself (they vote both classes)
    model = fit(votes)
    assert sorted(model.units_, key=len)[-1] == [0, 1, 2, 3]
    assert abs(accuracy(model, votes) - base) <= 0.01


def test_copies_among_one_sided_lfs_are_found_exactly():
    accuracies = [0.6] * 4 + [0.75, 0.8, 0.7, 0.85, 0.72, 0.78]
    votes, _, planted = make_dependent_votes(
        10_000,
        accuracies,
        [0.3] * 10,
        [(0, 1), (0, 2), (0, 3)],
        copy_prob=0.95,
        polarities=[1, 1, 1, 1, 0, 1, 0, 1, 0, 0],
        random_state=0,
    )
    assert _edge_set(learn_dependencies(votes)) == {frozenset(e) for e in planted}


# -- contract ----------------------------------------------------------------------------------


def test_nodes_are_the_lf_names_in_order():
    votes, _ = make_votes(3000, [0.8, 0.7, 0.9], [0.5, 0.5, 0.5], random_state=1)
    named = VoteMatrix.from_dense(votes.to_dense(), cardinality=2, lf_names=["zeta", "alpha", "mu"])
    graph = learn_dependencies(named)
    assert list(graph.nodes) == list(named.lf_names) == ["zeta", "alpha", "mu"]


def test_one_lf_gives_a_graph_without_edges():
    votes, _ = make_votes(2000, [0.8], [0.5], random_state=0)
    graph = learn_dependencies(votes)
    assert list(graph.nodes) == ["lf_0"] and graph.number_of_edges() == 0


def test_lfs_that_never_vote_are_isolated_nodes():
    votes, _, _ = _thirty_lfs(0, n_rows=5000, copy_prob=0.5)
    dense = np.c_[votes.to_dense(), np.full(votes.n_rows, -1), np.full(votes.n_rows, -1)]
    graph = learn_dependencies(VoteMatrix.from_dense(dense, cardinality=2))
    assert graph.number_of_nodes() == 32
    assert graph.degree("lf_30") == 0 and graph.degree("lf_31") == 0
    empty = VoteMatrix([], [], [], n_rows=0, cardinality=2, n_lfs=3)
    assert learn_dependencies(empty).number_of_edges() == 0


def test_an_lf_that_votes_on_every_row_is_handled():
    votes, truth = make_votes(5000, [0.8, 0.7, 0.75, 0.65], [0.5] * 4, random_state=2)
    always = np.where(np.random.default_rng(2).random(5000) < 0.75, truth, 1 - truth)
    full = VoteMatrix.from_dense(np.c_[votes.to_dense(), always, always], cardinality=2)
    graph = learn_dependencies(full)
    assert list(graph.edges) == [("lf_4", "lf_5")]


def test_is_deterministic():
    votes, _, _ = _thirty_lfs(4, n_rows=5000, copy_prob=0.5)
    first, second = learn_dependencies(votes), learn_dependencies(votes)
    assert list(first.edges(data="weight")) == list(second.edges(data="weight"))


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("threshold", -0.1),
        ("threshold", 1.5),
        ("threshold", "high"),
        ("sparsity", 0),
        ("n_latent", -1),
        ("n_latent", 1.5),
        ("max_iter", 0),
        ("tol", 0.0),
    ],
)
def test_bad_options_raise_parameter_error(option, value):
    votes, _ = make_votes(500, [0.8, 0.7], [0.5, 0.5], random_state=0)
    with pytest.raises(ParameterError, match=f"The '{option}' parameter of learn_dependencies"):
        learn_dependencies(votes, **{option: value})


def test_votes_must_be_a_vote_matrix():
    with pytest.raises(DataError, match="expects a VoteMatrix"):
        learn_dependencies(np.array([[0, 1], [1, 1]]))


def test_too_few_rows_for_the_indicators_raise_data_error():
    rng = np.random.default_rng(0)
    # 30 one-sided LFs, each voting on 12 of 24 rows: 30 indicators to correlate from 24 rows
    dense = np.column_stack([np.where(rng.permutation(24) < 12, 1, -1) for _ in range(30)])
    with pytest.raises(DataError, match="needs more rows than"):
        learn_dependencies(VoteMatrix.from_dense(dense, cardinality=2))


# -- make_dependent_votes ---------------------------------------------------------------------


def test_make_dependent_votes_plants_copies():
    votes, truth, planted = make_dependent_votes(
        20_000, [0.8, 0.7, 0.9], [0.5, 0.4, 0.6], [(0, 1)], copy_prob=0.6, random_state=0
    )
    assert planted == [("lf_0", "lf_1")]
    dense = votes.to_dense()
    same = (dense[:, 0] == dense[:, 1]).mean()
    # copied on 60% of rows; otherwise equal by chance (both abstain, or the same vote)
    chance = 0.5 * 0.6 + 0.5 * 0.4 * (0.8 * 0.7 + 0.2 * 0.3)
    assert abs(same - (0.6 + 0.4 * chance)) < 0.01
    third = dense[:, 2] != -1
    assert abs(third.mean() - 0.6) < 0.01
    assert abs((dense[third, 2] == truth[third]).mean() - 0.9) < 0.01


def test_make_dependent_votes_one_sided_lfs_vote_their_class_only():
    votes, truth, _ = make_dependent_votes(
        20_000, [0.8, 0.7], [0.3, 0.2], [], polarities=[1, 0], random_state=1
    )
    dense = votes.to_dense()
    assert set(np.unique(dense[:, 0])) == {-1, 1} and set(np.unique(dense[:, 1])) == {-1, 0}
    fired = dense[:, 0] != -1
    assert abs(fired.mean() - 0.3) < 0.01
    assert abs((truth[fired] == 1).mean() - 0.8) < 0.02


def test_make_dependent_votes_is_reproducible():
    a = make_dependent_votes(500, [0.8, 0.6], [0.5, 0.5], [(0, 1)], random_state=7)
    b = make_dependent_votes(500, [0.8, 0.6], [0.5, 0.5], [(0, 1)], random_state=7)
    assert a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2] == b[2]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"dependencies": [(0, 0)]}, "dependencies"),
        ({"dependencies": [(0, 5)]}, "dependencies"),
        ({"dependencies": [(0, 1.5)]}, "dependencies"),
        ({"copy_prob": 1.5}, "copy_prob"),
        ({"copy_prob": [0.5, 0.5]}, "copy_prob"),
        ({"polarities": [0, 2]}, "polarities"),
        ({"polarities": [1, 1], "coverages": [0.9, 0.9]}, r"coverages\[0\]"),
    ],
)
def test_make_dependent_votes_checks_its_arguments(kwargs, name):
    args = {"dependencies": [(0, 1)], "coverages": [0.5, 0.5], **kwargs}
    with pytest.raises(ParameterError, match=f"'{name}' parameter of make_dependent_votes"):
        make_dependent_votes(
            100, [0.8, 0.7], args.pop("coverages"), args.pop("dependencies"), **args
        )


def test_learned_graph_of_the_demo_lfs_fits(recwarn):
    """The documented workflow, learn_dependencies -> fit(dependencies=graph), works on the demo."""
    import networkx as nx

    from weaklabel import apply_lfs, load_lfs
    from weaklabel.datasets import load_youtube_spam

    data = load_youtube_spam()
    suite = load_lfs("labeling_functions.spam")
    votes = apply_lfs(
        suite.lfs, data.drop(columns="label"), classes=suite.classes, id_column="id", progress=False
    )
    graph = learn_dependencies(votes)
    assert max(len(c) for c in nx.connected_components(graph)) > 8  # more than one unit can hold
    model = LabelModel(progress=False).fit(votes, dependencies=graph)
    assert max(len(u) for u in model.units_) <= 8
    warned = [w for w in recwarn if issubclass(w.category, DependencyWarning)]
    assert warned and all("left out" in str(w.message) for w in warned)
    assert "different classes" in str(warned[0].message)
    truth = (data["label"] == "spam").to_numpy()
    accuracy = (model.predict(votes) == truth).mean()
    plain = (LabelModel(progress=False).fit(votes).predict(votes) == truth).mean()
    assert accuracy > plain - 0.01  # the learned graph does not wreck the labels


def test_units_never_join_one_sided_lfs_of_different_classes():
    votes = VoteMatrix.from_dense(
        [[1, 1, 0, -1], [1, -1, 0, 0], [-1, 1, -1, 0], [1, 1, -1, -1]] * 25,
        cardinality=2,
        lf_names=["s1", "s2", "h1", "h2"],
    )
    graph = nx.Graph([("s1", "s2"), ("s2", "h1"), ("h1", "h2")])
    with pytest.warns(DependencyWarning, match=r"s2-h1.*different classes"):
        model = LabelModel(progress=False).fit(votes, dependencies=graph)
    assert sorted(map(sorted, model.units_)) == [[0, 1], [2, 3]]
    assert sorted(model.unit_poles_.tolist()) == [0, 1]


def test_oversized_components_keep_their_strongest_edges():
    import networkx as nx

    votes, _ = make_votes(2000, [0.8] * 10, [0.5] * 10, random_state=0)
    graph = nx.Graph()
    graph.add_nodes_from(votes.lf_names)
    # a chain lf_0 - lf_1 - ... - lf_9, the edge lf_4 - lf_5 the weakest
    for j in range(9):
        graph.add_edge(f"lf_{j}", f"lf_{j + 1}", weight=0.1 if j == 4 else 0.5 + 0.01 * j)
    with pytest.warns(DependencyWarning, match=r"lf_4-lf_5"):
        model = LabelModel(progress=False).fit(votes, dependencies=graph)
    assert sorted(map(sorted, model.units_)) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]


def test_units_of_many_classes_stay_within_int64_keys():
    from weaklabel.models._units import max_unit_size

    assert max_unit_size(10, 2) == 8
    assert max_unit_size(100, 1000) < 8
    n_lfs, k = 300, 5000
    size = max_unit_size(n_lfs, k)
    assert (k + 1) ** size * n_lfs < 2**63


def _nested_ham_lfs(seed: int) -> tuple[VoteMatrix, np.ndarray]:
    """A broad "ham" LF, rare ham LFs that fire only where it fires (narrower keywords of the
    same list), and three "spam" LFs; 85% ham."""
    rng = np.random.default_rng(seed)
    n = 4000
    truth = (rng.random(n) < 0.15).astype(int)  # 1 = spam
    ham = truth == 0
    dense = np.full((n, 8), -1)
    broad = np.where(ham, rng.random(n) < 0.4, rng.random(n) < 0.05)
    dense[broad, 0] = 0
    for j, rate in ((1, 0.08), (2, 0.03), (3, 0.02), (4, 0.01)):
        dense[broad & ham & (rng.random(n) < rate), j] = 0
    for j in (5, 6, 7):
        dense[np.where(ham, rng.random(n) < 0.01, rng.random(n) < 0.3), j] = 1
    names = ["broad", *(f"narrow_{j}" for j in range(1, 5)), "spam_1", "spam_2", "spam_3"]
    return VoteMatrix.from_dense(dense, cardinality=2, lf_names=names), truth


@pytest.mark.parametrize("seed", range(6))
def test_no_pattern_of_a_joint_one_sided_unit_is_evidence_against_its_class(seed):
    # A joint unit's rare patterns are seldom seen off its class; their shares there must lean
    # on the class's own shares, not on a uniform guess that made them evidence for "spam".
    votes, truth = _nested_ham_lfs(seed)
    graph = nx.Graph([("broad", f"narrow_{j}") for j in range(1, 5)])
    model = LabelModel(progress=False, random_state=0).fit(votes, dependencies=graph)
    assert sorted(map(sorted, model.units_))[0] == [0, 1, 2, 3, 4]
    keys = np.asarray(model.vocabulary_)
    unit_patterns = model._units().patterns(votes, vocabulary=keys)
    joint = np.flatnonzero(model.unit_poles_[unit_patterns.unit_of_pattern] == 0)
    weights = model.pattern_weights_[joint]
    assert (weights[:, 0] >= weights[:, 1]).all(), weights
    dense = votes.to_dense()
    nested = (dense[:, 1:5] >= 0).any(axis=1) & (dense[:, 5:] < 0).all(axis=1)
    assert (truth[nested] == 0).all()
    assert (model.predict(votes)[nested] == 0).all()
