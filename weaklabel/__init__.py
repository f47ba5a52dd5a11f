"""weaklabel: weak supervision, from labeling functions to probabilistic training labels.

Write heuristics as labeling functions, apply them to a dataset to get a sparse vote matrix, and
let a label model (:mod:`weaklabel.models`) turn the votes into class probabilities.

>>> from weaklabel import ABSTAIN, apply_lfs, labeling_function, lf_summary
>>> from weaklabel.models import LabelModel
"""

from weaklabel._apply import apply_lfs
from weaklabel._builders import keyword_lf, length_lf, regex_lf, threshold_lf
from weaklabel._dask import DaskVoteMatrix
from weaklabel._lf import LabelingFunction, Preprocessor, labeling_function, preprocessor
from weaklabel._readers import read_data
from weaklabel._spacy import entity_lf, pattern_lf, phrase_lf, spacy_preprocessor
from weaklabel._suite import LFSuite, load_lfs
from weaklabel._summary import lf_summary
from weaklabel._version import __version__
from weaklabel._votes import ABSTAIN, VoteMatrix
from weaklabel.exceptions import (
    DataError,
    LabelingFunctionError,
    MissingDependencyError,
    NotFittedError,
    ParameterError,
    WeaklabelError,
)

__all__ = [
    "ABSTAIN",
    "DaskVoteMatrix",
    "DataError",
    "LFSuite",
    "LabelingFunction",
    "LabelingFunctionError",
    "MissingDependencyError",
    "NotFittedError",
    "ParameterError",
    "Preprocessor",
    "VoteMatrix",
    "WeaklabelError",
    "__version__",
    "apply_lfs",
    "entity_lf",
    "keyword_lf",
    "labeling_function",
    "length_lf",
    "lf_summary",
    "load_lfs",
    "pattern_lf",
    "phrase_lf",
    "preprocessor",
    "read_data",
    "regex_lf",
    "spacy_preprocessor",
    "threshold_lf",
]
