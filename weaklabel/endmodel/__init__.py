"""The end model: a text classifier trained on the label model's probabilities.

LFs vote on some rows only; the label model gives the others the class prior. The end model reads
the text itself, learns from the label model's probabilities (soft labels: a row the label model
is unsure of teaches little) and labels every row, including those no LF covered::

    from weaklabel.endmodel import EndModel, combine

    probs = label_model.predict_proba(votes)
    targets, weight = training_targets(label_model, votes)  # what weaklabel run trains it on
    end = EndModel(random_state=0)
    end_probs = end.cross_fit_predict_proba(texts, targets, sample_weight=weight)  # out of fold
    final, sources = combine(probs, end_probs, votes.votes_per_row() > 0)
    end.save("end_model.npz"); EndModel.load("end_model.npz")  # no pickle

It needs scikit-learn: ``pip install 'weaklabel[endmodel]'``. See docs/endmodel.md.
"""

from weaklabel.endmodel._combine import DEFAULT_POLICY, POLICIES, SOURCES, combine
from weaklabel.endmodel._model import EndModel
from weaklabel.endmodel._targets import training_targets

__all__ = ["DEFAULT_POLICY", "POLICIES", "SOURCES", "EndModel", "combine", "training_targets"]
