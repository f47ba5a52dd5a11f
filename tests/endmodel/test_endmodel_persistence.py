"""Saving and loading end models: one .npz file, no pickle, damaged files refused by name."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import make_texts, soft_labels
from sklearn.linear_model import LogisticRegression

from weaklabel import DataError, ParameterError
from weaklabel.endmodel import EndModel


@pytest.fixture(scope="module")
def fitted() -> tuple[EndModel, list[str]]:
    texts, labels = make_texts(120, seed=3)
    model = EndModel(random_state=0, progress=False)
    model.cross_fit_predict_proba(texts, soft_labels(labels, seed=3))
    return model, texts


def test_save_then_load_gives_identical_probabilities(fitted, tmp_path):
    model, texts = fitted
    model.save(tmp_path / "end.npz")
    loaded = EndModel.load(tmp_path / "end.npz")
    np.testing.assert_array_equal(loaded.predict_proba(texts), model.predict_proba(texts))
    assert loaded.get_params() == {**model.get_params(), "progress": True}  # not saved
    assert (loaded.cv_log_loss_, loaded.cv_agreement_) == (model.cv_log_loss_, model.cv_agreement_)
    assert loaded.temperature_ == model.temperature_ != 1.0  # learned by the cross-fit
    assert zipfile.is_zipfile(tmp_path / "end.npz")
    assert list(tmp_path.iterdir()) == [tmp_path / "end.npz"]  # no temporary left behind


def test_a_file_saved_before_the_temperature_loads_untempered(fitted, tmp_path):
    model, texts = fitted
    model.save(tmp_path / "end.npz")
    members = _members(tmp_path / "end.npz")
    _header(lambda h: h.pop("temperature"))(members)
    _write(tmp_path / "old.npz", members)
    loaded = EndModel.load(tmp_path / "old.npz")
    assert loaded.temperature_ == 1.0
    np.testing.assert_allclose(
        loaded.predict_proba(texts), model._fitted().predict_proba(texts, 100)
    )


def test_a_streamed_three_class_model_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    words = [["red", "crimson"], ["blue", "navy"], ["green", "olive"]]
    labels = rng.integers(0, 3, 90)
    texts = [" ".join(rng.choice(words[c], 2).tolist()) for c in labels.tolist()]
    model = EndModel(n_features=2**12, progress=False).fit_chunks([(texts, np.eye(3)[labels])])
    model.save(tmp_path / "ovr.npz")
    loaded = EndModel.load(tmp_path / "ovr.npz")
    assert loaded.link_ == "ovr" and loaded.solver_ == "sgd"
    np.testing.assert_array_equal(loaded.predict_proba(texts), model.predict_proba(texts))


def test_a_custom_estimator_is_never_saved(tmp_path):
    texts, labels = make_texts(60)
    model = EndModel(estimator=LogisticRegression(), progress=False)
    model.fit(texts, soft_labels(labels, covered=1.0))
    with pytest.raises(ParameterError, match=r"'estimator' parameter .* pickle.* refit it"):
        model.save(tmp_path / "custom.npz")
    assert not (tmp_path / "custom.npz").exists()


# -- damaged and tampered files ---------------------------------------------------------------


def _members(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _write(path: Path, members: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    path.write_bytes(buffer.getvalue())


def _header(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def edit(members: dict[str, Any]) -> None:
        header = json.loads(members["header"].tobytes().decode("utf-8"))
        change(header)
        members["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)

    return edit


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return _header(lambda h: h.update(values))


def _vocabulary(h: dict[str, Any]) -> None:
    h["features"][0]["vocabulary"][1] = h["features"][0]["vocabulary"][0]


def _nan_coef(members: dict[str, Any]) -> None:
    members["coef"] = members["coef"].copy()
    members["coef"][0, 0] = np.nan


TAMPERED: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "newer-version": (_set(version=99), r"newer weaklabel .* upgrade"),
    "not-an-end-model": (_set(format="weaklabel.model"), r"not a weaklabel end model file"),
    "classes": (_set(n_classes=3), r"coef has .* shape \(2, \d+\); expected float64 \(3, \d+\)"),
    "solver": (_set(solver="adam"), r"solver 'adam' is not one of"),
    "link": (_set(link="ovr"), r"link 'ovr' does not go with solver 'lbfgs'"),
    "setting": (_header(lambda h: h["params"].update(C=-1)), r"invalid settings: .*'C' param"),
    "unknown-setting": (_header(lambda h: h["params"].update(pickle=1)), r"unknown \['pickle'\]"),
    "vocabulary": (_header(_vocabulary), r"vocabulary must be \d+ distinct strings"),
    "vocabulary-type": (
        _header(lambda h: h["features"][0].update(vocabulary=[1] * h["features"][0]["n_features"])),
        r"vocabulary must be",
    ),
    "analyzer": (
        _header(lambda h: h["features"][0].update(analyzer="callable")),
        r"analyzer 'callable'",
    ),
    "cv": (_set(cv={"log_loss": -1, "agreement": 2}), r"cv figures out of range"),
    "temperature": (_set(temperature=0), r"temperature must be a number from 0.05 to 20"),
    "nan-coef": (_nan_coef, r"coef holds NaN or infinite values"),
    "idf": (lambda m: m.update(idf_0=np.zeros_like(m["idf_0"])), r"idf values must be >= 1"),
    "idf-shape": (lambda m: m.update(idf_1=m["idf_1"][:-1]), r"idf_1 has .* shape"),
    "missing-member": (lambda m: m.pop("intercept"), r"the archive holds .* expected"),
    "extra-member": (lambda m: m.update(extra=np.zeros(2)), r"the archive holds .*'extra'"),
    "header-json": (
        lambda m: m.update(header=np.frombuffer(b"{not json", dtype=np.uint8)),
        r"header is not valid JSON",
    ),
    "object-array": (
        lambda m: m.update(coef=np.array([{"a": 1}], dtype=object)),
        r"not a readable end model file .*pickle",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_a_tampered_file_is_refused_naming_it_and_the_fault(fitted, tmp_path, case):
    model, _ = fitted
    good = tmp_path / "good.npz"
    model.save(good)
    members = _members(good)
    change, message = TAMPERED[case]
    change(members)
    bad = tmp_path / "bad.npz"
    if case == "object-array":  # savez would pickle it: write the member by hand
        _write(bad, {k: v for k, v in members.items() if k != "coef"})
        with zipfile.ZipFile(bad, "a") as archive, archive.open("coef.npy", "w") as handle:
            np.lib.format.write_array(handle, members["coef"], allow_pickle=True)
    else:
        _write(bad, members)
    with pytest.raises(DataError, match=message) as info:
        EndModel.load(bad)
    assert str(bad) in str(info.value)


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.99])
def test_a_truncated_file_is_refused(fitted, tmp_path, cut):
    model, _ = fitted
    path = tmp_path / "end.npz"
    model.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(DataError, match=rf"{path}: not a readable end model file .* again"):
        EndModel.load(path)


def test_flipped_bytes_and_other_files_are_refused(fitted, tmp_path):
    model, _ = fitted
    path = tmp_path / "end.npz"
    model.save(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside a compressed member: its CRC no longer matches
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"not a readable end model file"):
        EndModel.load(path)
    (tmp_path / "model.json").write_text('{"format": "weaklabel.model"}')
    with pytest.raises(DataError, match=r"not a readable end model file"):
        EndModel.load(tmp_path / "model.json")
    with pytest.raises(DataError, match=r"no such end model file"):
        EndModel.load(tmp_path / "missing.npz")
    with pytest.raises(DataError, match=r"is a folder"):
        EndModel.load(tmp_path)
