"""Saving and loading end models: one ``.npz`` file, no pickle, validated on load.

The file is a NumPy ``.npz`` archive (a zip) of plain arrays, written atomically (a temporary
file renamed over the target, :func:`weaklabel._io.atomic.atomic_write`), so the settings and
the numbers always appear together or not at all:

- ``header``: UTF-8 JSON as bytes: ``{"format": "weaklabel.endmodel", "version", "weaklabel",
  "sklearn", "params", "n_classes", "n_rows", "solver", "link", "features", "cv"}``, where
  ``features`` lists each block (``analyzer``, ``ngram_range``, ``n_features`` and, for a
  learned block, its ``vocabulary`` in column order; hashed blocks have none);
- ``coef`` (classes x features) and ``intercept`` (classes), float64;
- ``idf_0``, ``idf_1``, ...: the idf of each learned block.

Loading reads it with ``allow_pickle=False`` and checks everything: the archive, the members
present (no more, no fewer), the header, every setting against the model's constraints, the
vocabularies (distinct strings, as many as the block's columns), the shapes and finiteness of
every array, the idf (>= 1) and the cross-validated figures; a damaged or tampered file raises a
:class:`~weaklabel.DataError` naming the file and what is wrong. A model with a custom estimator
is not saved (its classifier would need pickle): :meth:`EndModel.save` refuses and says to refit.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from weaklabel._core.formats import check_version
from weaklabel._core.params import parameter_error
from weaklabel._io.atomic import atomic_write
from weaklabel._version import __version__
from weaklabel.endmodel._crossfit import MAX_TEMPERATURE, MIN_TEMPERATURE
from weaklabel.endmodel._features import ANALYZERS, Block, TextFeatures
from weaklabel.exceptions import DataError, ParameterError

if TYPE_CHECKING:
    from weaklabel.endmodel._model import EndModel

__all__ = ["FORMAT", "load_end_model", "save_end_model"]

FORMAT = "weaklabel.endmodel"
_VERSION = 1
_TRANSIENT = ("estimator", "progress")  # not saved: a custom estimator is never saved at all
_LINKS = {"lbfgs": "softmax", "sgd": ("softmax", "ovr")}


def save_end_model(model: EndModel, path: str | Path) -> None:
    """Write ``model`` to ``path`` (one .npz file), atomically."""
    if model.estimator is not None:
        raise parameter_error(
            "estimator",
            "EndModel.save",
            "None to save the model (a custom classifier would need pickle, which weaklabel "
            "never writes)",
            model.estimator,
            "Keep the code that builds your estimator and refit it: EndModel(estimator=...)"
            ".fit(texts, probs).",
        )
    import sklearn

    params = {k: v for k, v in model.get_params().items() if k not in _TRANSIENT}
    if not (params["random_state"] is None or isinstance(params["random_state"], int)):
        params["random_state"] = None  # a Generator is not saved
    blocks = model.features_.blocks
    header = {
        "format": FORMAT,
        "version": _VERSION,
        "weaklabel": __version__,
        "sklearn": sklearn.__version__,
        "params": params,
        "n_classes": model.n_classes_,
        "n_rows": model.n_rows_,
        "temperature": model.temperature_,
        "solver": model.solver_,
        "link": model.link_,
        "features": [
            {
                "analyzer": b.analyzer,
                "ngram_range": list(b.ngram_range),
                "n_features": b.n_features,
                "vocabulary": b.vocabulary,
            }
            for b in blocks
        ],
        "cv": (
            {"log_loss": model.cv_log_loss_, "agreement": model.cv_agreement_}
            if "cv_log_loss_" in model.__dict__
            else None
        ),
    }
    text = json.dumps(header, allow_nan=False, ensure_ascii=False).encode("utf-8")
    arrays = {
        "header": np.frombuffer(text, dtype=np.uint8),
        "coef": np.asarray(model.coef_, dtype=np.float64),
        "intercept": np.asarray(model.intercept_, dtype=np.float64),
    }
    for i, block in enumerate(blocks):
        if block.idf is not None:
            arrays[f"idf_{i}"] = np.asarray(block.idf, dtype=np.float64)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    with atomic_write(path, "wb") as handle:
        handle.write(buffer.getvalue())


def load_end_model(cls: type[EndModel], path: str | Path) -> EndModel:
    """Read and validate an end model file."""
    path = Path(path)
    arrays = _read_archive(path)
    try:
        return _build(cls, arrays)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, DataError):
            raise DataError(f"{path}: {exc}") from None
        raise DataError(
            f"{path}: the end model file is invalid: {exc}. The file was changed or damaged "
            "after it was saved; fit and save the model again."
        ) from None


def _read_archive(path: Path) -> dict[str, np.ndarray]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(
            f"{path}: no such end model file; write one with EndModel.save()."
        ) from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder; pass the end model file (.npz).") from None
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, KeyError) as exc:
        raise DataError(
            f"{path}: not a readable end model file ({type(exc).__name__}: {exc}); it is "
            "truncated, damaged or not one. Save the model again with EndModel.save()."
        ) from None


def _build(cls: type[EndModel], arrays: dict[str, np.ndarray]) -> EndModel:
    header = _header(arrays)
    model = cls(**_params(cls, header.get("params")))
    try:
        model._validate_params()
    except ParameterError as exc:
        raise ValueError(f"invalid settings: {exc}") from None
    k = _integer(header, "n_classes", 2)
    solver = header.get("solver")
    if solver not in _LINKS:
        raise ValueError(f"solver {solver!r} is not one of {sorted(_LINKS)}")
    link = header.get("link")
    if link not in _LINKS[solver]:
        raise ValueError(f"link {link!r} does not go with solver {solver!r}")
    blocks = _blocks(header.get("features"), arrays, hashed=solver == "sgd")
    width = sum(b.n_features for b in blocks)
    expected = {"header", "coef", "intercept"} | {
        f"idf_{i}" for i, b in enumerate(blocks) if not b.hashed
    }
    if set(arrays) != expected:
        raise ValueError(f"the archive holds {sorted(arrays)}; expected {sorted(expected)}")
    coef = _floats(arrays, "coef", (k, width))
    intercept = _floats(arrays, "intercept", (k,))
    model.features_ = TextFeatures(blocks)
    model.coef_, model.intercept_ = coef, intercept
    model.link_, model.solver_, model.n_classes_ = str(link), str(solver), k
    model.n_rows_ = _integer(header, "n_rows", 0)
    model.temperature_ = _temperature(header.get("temperature", 1.0))  # 1: saved before it
    model.estimator_ = None
    cv = header.get("cv")
    if cv is not None:
        if not isinstance(cv, dict) or set(cv) != {"log_loss", "agreement"}:
            raise ValueError("'cv' must be null or hold exactly 'log_loss' and 'agreement'")
        loss, agreement = cv["log_loss"], cv["agreement"]
        if not (_number(loss) and loss >= 0 and _number(agreement) and 0 <= agreement <= 1):
            raise ValueError(f"cv figures out of range: {cv!r}")
        model.cv_log_loss_, model.cv_agreement_ = float(loss), float(agreement)
    return model


def _header(arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    raw = arrays.get("header")
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise DataError("not a weaklabel end model file (no header); save the model again.")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(
            f"the end model's header is not valid JSON ({exc}); save it again."
        ) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise DataError(f"not a weaklabel end model file (no '{FORMAT}' header).")
    check_version(
        header.get("version"),
        current=_VERSION,
        what="end model file",
        redo="fit and save the model again",
    )
    return header


def _params(cls: type[EndModel], params: Any) -> dict[str, Any]:
    if not isinstance(params, dict):
        raise ValueError("the settings ('params') must be a JSON object")
    known = [name for name in cls._param_names() if name not in _TRANSIENT]
    unknown = sorted(set(params) - set(known))
    missing = sorted(set(known) - set(params))
    if unknown or missing:
        raise ValueError(f"settings unknown {unknown}, missing {missing}; EndModel has {known}")
    out = dict(params)
    for name in ("word_ngrams", "char_ngrams"):
        if isinstance(out[name], list):
            out[name] = tuple(out[name])
    return out


def _blocks(values: Any, arrays: dict[str, np.ndarray], *, hashed: bool) -> list[Block]:
    if not isinstance(values, list) or not values:
        raise ValueError("'features' must be a non-empty list of blocks")
    blocks = []
    for i, value in enumerate(values):
        if not isinstance(value, dict) or set(value) != {
            "analyzer",
            "ngram_range",
            "n_features",
            "vocabulary",
        }:
            raise ValueError(
                f"feature block {i} must hold analyzer, ngram_range, n_features, vocabulary"
            )
        analyzer, ngrams, vocabulary = value["analyzer"], value["ngram_range"], value["vocabulary"]
        if analyzer not in ANALYZERS:
            raise ValueError(f"feature block {i}: analyzer {analyzer!r} is not one of {ANALYZERS}")
        if not (
            isinstance(ngrams, list)
            and len(ngrams) == 2
            and all(type(v) is int for v in ngrams)
            and 1 <= ngrams[0] <= ngrams[1] <= 10
        ):
            raise ValueError(f"feature block {i}: ngram_range {ngrams!r} is not [low, high]")
        n = _integer(value, "n_features", 0)
        if hashed:
            if vocabulary is not None or not 16 <= n <= 2**26:
                raise ValueError(
                    f"feature block {i}: a hashed block has no vocabulary and 16..2**26 buckets"
                )
            blocks.append(Block(analyzer, (ngrams[0], ngrams[1]), n))
            continue
        if (
            not isinstance(vocabulary, list)
            or len(vocabulary) != n
            or not all(isinstance(t, str) for t in vocabulary)
            or len(set(vocabulary)) != n
        ):
            raise ValueError(f"feature block {i}: the vocabulary must be {n} distinct strings")
        idf = _floats(arrays, f"idf_{i}", (n,))
        if (idf < 1).any():
            raise ValueError(f"feature block {i}: idf values must be >= 1")
        blocks.append(Block(analyzer, (ngrams[0], ngrams[1]), n, vocabulary, idf))
    return blocks


def _floats(arrays: dict[str, np.ndarray], name: str, shape: tuple[int, ...]) -> np.ndarray:
    if name not in arrays:
        raise ValueError(f"the array {name!r} is missing")
    value = arrays[name]
    if value.dtype != np.float64 or value.shape != shape:
        raise ValueError(
            f"{name} has dtype {value.dtype} and shape {value.shape}; expected float64 {shape}"
        )
    if not np.isfinite(value).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return value


def _integer(data: dict[str, Any], name: str, minimum: int) -> int:
    value = data.get(name)
    if type(value) is not int or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return value


def _temperature(value: Any) -> float:
    if not (_number(value) and MIN_TEMPERATURE <= value <= MAX_TEMPERATURE):
        raise ValueError(
            f"temperature must be a number from {MIN_TEMPERATURE} to {MAX_TEMPERATURE}; "
            f"got {value!r}"
        )
    return float(value)


def _number(value: Any) -> bool:
    return type(value) in (int, float) and bool(np.isfinite(value))
