"""Dask: votes built per partition, models fitted from reductions, predictions per partition.

Everything runs on one ``distributed.LocalCluster`` on loopback, with two worker processes, so the
LFs, the votes and the models really cross process boundaries. Dask comes with the dev install
(``weaklabel[dev]`` pulls in ``weaklabel[dask]``), so these tests never skip.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pytest

from weaklabel import (
    ABSTAIN,
    DaskVoteMatrix,
    DataError,
    LabelingFunctionError,
    MissingDependencyError,
    ParameterError,
    VoteMatrix,
    apply_lfs,
    keyword_lf,
    labeling_function,
)
from weaklabel._core.digest import mix64
from weaklabel._core.optional import import_optional, is_dask_collection
from weaklabel.datasets import make_confidence_votes, make_redundant_votes, make_votes
from weaklabel.models import (
    DawidSkene,
    LabelModel,
    MajorityVote,
    WeightedMajorityVote,
)
from weaklabel.models._sample import dask_fit_sample

CLASSES = ["ham", "spam"]


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # the scheduler's HTTP endpoints (/health, /metrics) on a free loopback port: the
            # default 8787 may be taken by another cluster, and its warning fails the test
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


# -- data and LFs ----------------------------------------------------------------------------------


@labeling_function()
def shouts(x):
    return 1 if x.text.isupper() else ABSTAIN


@labeling_function()
def fragile(x):
    if "boom" in x.text:
        raise ValueError("cannot parse")
    return 0 if len(x.text) < 12 else ABSTAIN


@labeling_function(vectorized=True, name="has_digit")
def has_digit(frame):
    return np.where(frame["text"].str.contains(r"\d"), 1, ABSTAIN)


def text_lfs():
    return [
        keyword_lf("cash", ["cash", "win"], 1),
        keyword_lf("family", ["mum", "dad"], 0),
        shouts,
        has_digit,
        fragile,
    ]


def texts(n: int = 600) -> pd.DataFrame:
    words = ["win cash", "hi mum", "CALL NOW", "see you at 5", "dad says hi", "boom", "ok", "x"]
    rng = np.random.default_rng(0)
    text = [" ".join(rng.choice(words, size=2)) for _ in range(n)]
    return pd.DataFrame({"text": text, "id": [f"c{i:05d}" for i in range(n)]})


def column_votes(frame, column):
    return frame[column].to_numpy()


def synthetic(n_rows: int, n_lfs: int, k: int, seed: int) -> tuple[pd.DataFrame, list, VoteMatrix]:
    """A frame whose column ``v{j}`` is LF j's vote, the LFs reading them, and the local votes."""
    frame, lfs, local, _ = synthetic_with_truth(n_rows, n_lfs, k, seed)
    return frame, lfs, local


def synthetic_with_truth(n_rows: int, n_lfs: int, k: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    votes, truth = make_votes(
        n_rows,
        rng.uniform(0.55, 0.9, n_lfs),
        rng.uniform(0.05, 0.5, n_lfs),
        cardinality=k,
        random_state=seed,
    )
    dense = votes.to_dense()
    frame = pd.DataFrame({f"v{j}": dense[:, j] for j in range(n_lfs)})
    lfs = [
        labeling_function(name=f"lf_{j}", vectorized=True, resources={"column": f"v{j}"})(
            column_votes
        )
        for j in range(n_lfs)
    ]
    local = apply_lfs(lfs, frame, cardinality=k, progress=False)
    return frame, lfs, local, truth


# -- apply_lfs -------------------------------------------------------------------------------------


def test_votes_match_the_local_votes_row_for_row(client):
    frame = texts()
    local = apply_lfs(text_lfs(), frame, classes=CLASSES, on_error="abstain", progress=False)
    ddf = dd.from_pandas(frame, npartitions=5)
    votes = apply_lfs(text_lfs(), ddf, classes=CLASSES, on_error="abstain", chunk_size=50)
    assert isinstance(votes, DaskVoteMatrix) and votes.npartitions == 5
    assert votes.to_local() == local
    assert (votes.n_rows, votes.n_lfs, votes.n_votes) == (local.n_rows, local.n_lfs, local.n_votes)
    assert votes.shape == local.shape and len(votes) == len(local)
    assert np.array_equal(votes.polarity(), local.polarity())
    assert votes.max_label() == local.max_label()
    assert votes.lf_failures.tolist() == local.lf_failures.tolist() and votes.lf_failures[4] > 0
    assert votes.class_names == tuple(CLASSES) and votes.lf_names == local.lf_names
    assert len(votes.to_delayed()) == 5
    assert repr(votes).startswith("DaskVoteMatrix(n_rows=600, n_lfs=5, cardinality=2")


def test_row_ids_come_from_the_id_column(client):
    frame = texts()
    local = apply_lfs(text_lfs()[:2], frame, classes=CLASSES, id_column="id", progress=False)
    ddf = dd.from_pandas(frame, npartitions=3).clear_divisions()  # index not usable: id_column
    votes = apply_lfs(text_lfs()[:2], ddf, classes=CLASSES, id_column="id")
    assert votes.to_local() == local
    assert votes.to_local().row_ids.tolist()[:2] == ["c00000", "c00001"]


def test_empty_partitions_are_fine(client):
    frame = texts().assign(n=np.arange(600))
    ddf = dd.from_pandas(frame, npartitions=4)
    kept = ddf[ddf["n"] < 150]  # the last three partitions become empty
    votes = apply_lfs(text_lfs()[:3], kept, classes=CLASSES)
    local = apply_lfs(text_lfs()[:3], frame.iloc[:150], classes=CLASSES, progress=False)
    assert votes.npartitions == 4 and votes.to_local() == local
    model = LabelModel(2, progress=False).fit(votes)
    probs = model.predict_proba(votes).compute()
    assert np.allclose(probs.to_numpy(), model.predict_proba(local))


def test_a_failing_lf_is_named_when_apply_lfs_returns(client):
    ddf = dd.from_pandas(texts(), npartitions=3)
    with pytest.raises(LabelingFunctionError, match=r"'fragile' failed on row \d+") as info:
        apply_lfs(text_lfs(), ddf, classes=CLASSES)
    assert info.value.lf_name == "fragile"


# -- fit and predict -------------------------------------------------------------------------------


@pytest.mark.parametrize("init", ["majority", "moments"])
def test_label_model_is_the_same_as_in_memory(client, init):
    frame, lfs, local = synthetic(6000, 8, 3, seed=1)
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=11), cardinality=3)
    assert votes.to_local() == local
    params = {"init": init, "progress": False, "random_state": 0}
    remote = LabelModel(3, **params).fit(votes)
    here = LabelModel(3, **params).fit(local)
    assert remote.n_fit_rows_ == here.n_fit_rows_ < 6000  # every distinct row: same sample
    names = ("class_balance_", "pattern_weights_", "silence_weights_", "emissions_")
    names += ("unvoted_proba_",)
    for name in names:
        assert np.allclose(getattr(remote, name), getattr(here, name), rtol=1e-10, atol=1e-12), name
    assert remote.n_iter_ == here.n_iter_
    probs = remote.predict_proba(votes)
    assert isinstance(probs, dd.DataFrame)
    assert list(probs.columns) == ["0", "1", "2"]
    computed = probs.compute()
    assert computed.index.tolist() == list(range(6000))
    assert np.allclose(computed.to_numpy(), here.predict_proba(local), rtol=1e-10, atol=1e-12)
    labels = remote.predict(votes).compute()
    assert labels.name == "label" and labels.to_numpy().tolist() == here.predict(local).tolist()


def test_label_model_learns_the_same_units_as_in_memory(client):
    local, _ = make_redundant_votes(6000, random_state=0)  # lf_6..lf_8 copy lf_0
    dense = local.to_dense()
    frame = pd.DataFrame({f"v{j}": dense[:, j] for j in range(local.n_lfs)})
    lfs = [
        labeling_function(name=f"lf_{j}", vectorized=True, resources={"column": f"v{j}"})(
            column_votes
        )
        for j in range(local.n_lfs)
    ]
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=4), cardinality=2)
    remote = LabelModel(2, progress=False, random_state=0).fit(votes)
    here = LabelModel(2, progress=False, random_state=0).fit(votes.to_local())
    assert remote.units_ == here.units_ == [[0, 6, 7, 8], [1], [2], [3], [4], [5]]
    assert np.allclose(remote.pattern_weights_, here.pattern_weights_, rtol=1e-8, atol=1e-10)


def test_label_model_finds_the_same_nested_lfs_as_in_memory(client):
    # lf_7 votes class 1 only on rows where lf_6 votes class 0: its exception
    frame, lfs, _ = synthetic(6000, 6, 2, seed=3)
    rng = np.random.default_rng(3)
    broad = rng.random(6000) < 0.5
    frame["v6"] = np.where(broad, 0, ABSTAIN)
    frame["v7"] = np.where(broad & (rng.random(6000) < 0.1), 1, ABSTAIN)
    lfs += [
        labeling_function(name=f"lf_{j}", vectorized=True, resources={"column": f"v{j}"})(
            column_votes
        )
        for j in (6, 7)
    ]
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=4), cardinality=2)
    remote = LabelModel(2, progress=False, random_state=0).fit(votes)
    here = LabelModel(2, progress=False, random_state=0).fit(votes.to_local())
    assert remote.nested_.tolist() == here.nested_.tolist() == [[7, 6]]
    probs = remote.predict_proba(votes).compute().to_numpy()
    assert np.allclose(probs, here.predict_proba(votes.to_local()), rtol=1e-8, atol=1e-10)


def column_votes_and_confidences(frame, column):
    votes = frame[column].to_numpy()
    return votes, np.where(votes == ABSTAIN, 1.0, frame[f"conf_{column}"].to_numpy())


def test_confidences_split_the_lfs_into_the_same_levels_as_in_memory(client):
    local, truth = make_confidence_votes(6000, random_state=4)
    dense, sure = local.to_dense(), np.ones(local.shape)
    sure[local.rows(), local.lfs] = local.confidences()
    names = [f"v{j}" for j in range(local.n_lfs)]
    frame = pd.DataFrame({n: dense[:, j] for j, n in enumerate(names)})
    frame = frame.assign(**{f"conf_{n}": sure[:, j] for j, n in enumerate(names)})
    lfs = [
        labeling_function(name=n, vectorized=True, resources={"column": n})(
            column_votes_and_confidences
        )
        for n in names
    ]
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=5), cardinality=2)
    assert votes.to_local().confidences().tolist() == local.confidences().tolist()
    remote = LabelModel(2, progress=False, random_state=0).fit(votes)
    here = LabelModel(2, progress=False, random_state=0).fit(local)
    assert any(remote.confidence_cuts_) and remote.confidence_cuts_ == here.confidence_cuts_
    assert np.allclose(remote.emissions_, here.emissions_, rtol=1e-8, atol=1e-10)
    probs = remote.predict_proba(votes).compute().to_numpy()
    assert np.allclose(probs, here.predict_proba(local), rtol=1e-8, atol=1e-10)
    blind = LabelModel(2, progress=False, random_state=0).fit(
        VoteMatrix.from_dense(dense, cardinality=2)
    )
    assert (probs.argmax(1) == truth).mean() > (blind.predict(dense) == truth).mean() + 0.02


def test_label_model_subsample_is_seeded_and_as_good_as_in_memory(client):
    frame, lfs, local, truth = synthetic_with_truth(8000, 10, 2, seed=2)
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=4), cardinality=2)
    params = {"max_fit_rows": 500, "progress": False}
    a = LabelModel(2, random_state=1, **params).fit(votes)
    again = LabelModel(2, random_state=1, **params).fit(votes)
    assert a.n_fit_rows_ == 500 < LabelModel(2, progress=False).fit(local).n_fit_rows_
    assert np.array_equal(a.pattern_weights_, again.pattern_weights_)
    # both samples are uniform draws of distinct rows (not the same draws): equally accurate
    remote, here = [], []
    for seed in (1, 2, 3):
        fitted = LabelModel(2, random_state=seed, **params).fit(votes)
        remote.append((fitted.predict(votes).compute().to_numpy() == truth).mean())
        in_memory = LabelModel(2, random_state=seed, **params).fit(local)
        here.append((in_memory.predict(local) == truth).mean())
    assert len(set(remote)) == 3
    assert abs(np.mean(remote) - np.mean(here)) < 0.03


def test_the_sample_is_the_bottom_k_of_all_distinct_rows(client):
    _, lfs, local = synthetic(3000, 9, 2, seed=3)
    frame = pd.DataFrame({f"v{j}": local.to_dense()[:, j] for j in range(9)})
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=20), cardinality=2)  # two levels
    sample, weights = dask_fit_sample(votes, 100, random_state=5, owner="test")
    voted = np.flatnonzero(local.votes_per_row() > 0)
    hashes, counts = np.unique(local.row_hashes()[voted], return_counts=True)
    salt = np.random.default_rng(5).integers(np.iinfo(np.int64).max, dtype=np.int64)
    keep = np.sort(np.argsort(mix64(hashes, np.uint64(salt)))[:100])
    assert sample.row_hashes().tolist() == hashes[keep].tolist()
    assert np.allclose(weights, counts[keep] * len(voted) / counts[keep].sum())
    everything, all_weights = dask_fit_sample(votes, None, random_state=5, owner="test")
    assert everything.row_hashes().tolist() == hashes.tolist()
    assert all_weights.tolist() == counts.tolist()


@pytest.mark.parametrize("model_class", [MajorityVote, WeightedMajorityVote])
def test_majority_votes_fit_from_partition_sums(client, model_class):
    frame, lfs, local = synthetic(5000, 6, 3, seed=4)
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=6), cardinality=3)
    remote = model_class(3).fit(votes)
    here = model_class(3).fit(local)
    for name in model_class._state:
        assert np.allclose(getattr(remote, name), getattr(here, name), rtol=1e-12), name
    probs = remote.predict_proba(votes).compute().to_numpy()
    assert np.allclose(probs, here.predict_proba(local))


def test_a_model_fitted_in_memory_predicts_on_the_cluster(client):
    frame = texts()
    lfs = text_lfs()[:4]
    local = apply_lfs(lfs, frame, classes=CLASSES, progress=False)
    votes = apply_lfs(lfs, dd.from_pandas(frame.set_index("id"), npartitions=3), classes=CLASSES)
    model = DawidSkene(2, progress=False).fit(local)
    probs = model.predict_proba(votes).compute()
    assert list(probs.columns) == CLASSES and probs.index.name == "id"
    assert probs.index[0] == "c00000"
    assert np.allclose(probs.to_numpy(), model.predict_proba(local))


def test_probabilistic_labels_go_to_parquet(client, tmp_path):
    frame = texts()
    lfs = text_lfs()[:4]
    ddf = dd.from_pandas(frame, npartitions=3)
    votes = apply_lfs(lfs, ddf, classes=CLASSES, id_column="id")
    model = LabelModel(2, progress=False).fit(votes)
    model.predict_proba(votes).to_parquet(tmp_path / "labels")
    written = pd.read_parquet(tmp_path / "labels").sort_index()
    local = apply_lfs(lfs, frame, classes=CLASSES, id_column="id", progress=False)
    assert written.index.name == "id" and list(written.columns) == CLASSES
    assert written.index.tolist() == sorted(frame["id"])
    assert np.allclose(written.to_numpy(), model.predict_proba(local))


def test_fitted_model_survives_a_json_round_trip_and_predicts_on_dask(client, tmp_path):
    frame, lfs, local = synthetic(2000, 5, 2, seed=6)
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=2), cardinality=2)
    model = LabelModel(2, progress=False).fit(votes)
    model.save(tmp_path / "model.json")
    again = LabelModel.load(tmp_path / "model.json")
    assert np.allclose(again.predict_proba(votes).compute(), model.predict_proba(local))


def test_the_dask_docs_run_as_written(client, tmp_path, monkeypatch, capsys):
    text = (Path(__file__).parent.parent / "docs" / "dask.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/dask.md", "exec"), namespace)
    assert "DaskVoteMatrix(n_rows=1956, n_lfs=4" in capsys.readouterr().out
    labels = pd.read_parquet(tmp_path / "labels")
    assert labels.shape == (1956, 2) and labels.index.name == "id"
    assert np.allclose(labels.sum(axis=1), 1.0)
    assert (tmp_path / "model.json").exists()


# -- errors ----------------------------------------------------------------------------------------


def test_models_that_cannot_fit_dask_votes_say_which_can(client):
    frame, lfs, _ = synthetic(500, 4, 2, seed=7)
    votes = apply_lfs(lfs, dd.from_pandas(frame, npartitions=2), cardinality=2)
    with pytest.raises(ParameterError, match=r"DawidSkene cannot fit Dask votes.*LabelModel"):
        DawidSkene(2).fit(votes)
    with pytest.raises(ParameterError, match=r"'gold' parameter of LabelModel.fit.*to_local"):
        LabelModel(2).fit(votes, gold=np.zeros(500, dtype=int))
    three, three_lfs, _ = synthetic(500, 4, 3, seed=7)
    three_votes = apply_lfs(three_lfs, dd.from_pandas(three, npartitions=2), cardinality=3)
    with pytest.raises(DataError, match=r"cardinality=2, so classes run 0..1"):
        MajorityVote(2).fit(three_votes)
    model = MajorityVote(2).fit(votes)
    fewer = apply_lfs(lfs[:3], dd.from_pandas(frame, npartitions=2), cardinality=2)
    with pytest.raises(DataError, match=r"3 LFs, but MajorityVote was fitted on 4"):
        model.predict_proba(fewer)
    shuffled = votes.select_lfs(["lf_3", "lf_1", 0, "lf_2"])
    with pytest.raises(DataError, match=r"different order.*select_lfs\(model.lf_names_\)"):
        model.predict_proba(shuffled)
    aligned = shuffled.select_lfs(model.lf_names_)
    assert aligned.to_local() == votes.to_local()
    assert np.allclose(model.predict_proba(aligned).compute(), model.predict_proba(votes).compute())
    with pytest.raises(DataError, match=r"No labeling function named 'lf_9'"):
        votes.select_lfs(["lf_9"])
    with pytest.raises(Exception, match=r"not fitted"):
        LabelModel(2).predict_proba(votes)


def test_apply_lfs_arguments_that_do_not_fit_dask(client):
    frame = texts(50)
    lfs = text_lfs()[:2]
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(ParameterError, match=r"needs the 'cardinality' or 'classes'"):
        apply_lfs(lfs, ddf)
    with pytest.raises(ParameterError, match=r"'n_jobs' parameter of apply_lfs must be 1"):
        apply_lfs(lfs, ddf, classes=CLASSES, n_jobs=2)
    with pytest.raises(ParameterError, match=r"'checkpoint_dir'.*Dask"):
        apply_lfs(lfs, ddf, classes=CLASSES, checkpoint_dir="ckpt")
    unsorted = ddf.clear_divisions()
    with pytest.raises(ParameterError, match=r"id_column='...'.*set_index"):
        apply_lfs(lfs, unsorted, classes=CLASSES)
    with pytest.raises(DataError, match=r"id column 'key' is not in the data"):
        apply_lfs(lfs, ddf, classes=CLASSES, id_column="key")
    repeated = frame.assign(id="same")
    with pytest.raises(DataError, match=r"partition \d: id column 'id' must hold unique row ids"):
        apply_lfs(lfs, dd.from_pandas(repeated, npartitions=2), classes=CLASSES, id_column="id")
    with pytest.raises(DataError, match=r"takes a Dask DataFrame; got a Dask Series"):
        apply_lfs(lfs, ddf["text"], classes=CLASSES)
    with pytest.raises(DataError, match=r"no rows"):
        apply_lfs(lfs, ddf[ddf["text"] == "never"], classes=CLASSES)
    with pytest.raises(TypeError, match=r"made by weaklabel.apply_lfs"):
        DaskVoteMatrix()


def test_dask_is_detected_without_being_imported():
    assert not is_dask_collection(pd.DataFrame())
    assert not is_dask_collection([{"text": "hi"}])
    assert is_dask_collection(dd.from_pandas(pd.DataFrame({"a": [1]}), npartitions=1))


def test_a_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'weaklabel\[dask\]'"):
        import_optional("dask.dataframe", extra="dask", purpose="apply_lfs on a Dask DataFrame")
    assert issubclass(MissingDependencyError, ImportError)
