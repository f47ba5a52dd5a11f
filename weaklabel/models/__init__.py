"""Label models: turn a vote matrix into probabilistic labels.

Every model keeps one contract (scikit-learn style)::

    model = LabelModel(cardinality=2, random_state=0)  # settings only
    model.fit(votes, gold=None, class_balance=None)     # learns attributes ending in "_"
    model.predict_proba(votes)                          # n x k, rows sum to 1
    model.predict(votes)                                # one class per row, ties by `tie_break`
    model.save("model.json"); load_model("model.json")  # JSON, never pickle

Ties in ``predict`` follow one policy for every model, set by ``tie_break``: ``"prior"`` (default:
the tied class with the larger ``class_balance_``), ``"lowest"`` or ``"random"``.
A row where every LF abstained gets ``class_balance_``.
"""

from __future__ import annotations

from pathlib import Path

from weaklabel.models._base import BaseLabelModel
from weaklabel.models._dawid_skene import DawidSkene
from weaklabel.models._dependencies import learn_dependencies
from weaklabel.models._label_model import LabelModel
from weaklabel.models._majority import MajorityVote, WeightedMajorityVote
from weaklabel.models._moments import MomentsModel
from weaklabel.models._ties import TIE_POLICIES

__all__ = [
    "TIE_POLICIES",
    "BaseLabelModel",
    "DawidSkene",
    "LabelModel",
    "MajorityVote",
    "MomentsModel",
    "WeightedMajorityVote",
    "learn_dependencies",
    "load_model",
    "model_class",
    "model_names",
]


def load_model(path: str | Path) -> BaseLabelModel:
    """Read any weaklabel model saved with ``model.save(path)``."""
    model: BaseLabelModel = BaseLabelModel.load(path)
    return model


def model_names() -> list[str]:
    """The names models go by on the command line (``--model NAME``), sorted."""
    return sorted(BaseLabelModel.registry)


def model_class(name: str) -> type[BaseLabelModel]:
    """The model class registered under ``name`` (see :func:`model_names`)."""
    from weaklabel._core.params import check_choice

    check_choice("model", name, model_names(), owner="weaklabel")
    return BaseLabelModel.registry[name]
