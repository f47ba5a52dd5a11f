"""weaklabel: weak supervision, from labeling functions to probabilistic training labels.

Write heuristics as labeling functions, apply them to a dataset to get a sparse vote matrix, and
let a label model (:mod:`weaklabel.models`) turn the votes into class probabilities.

The package is built in wings, one per stage of the data flow, each importing only from the
wings below it (checked by import-linter, see ``pyproject.toml``)::

    cli                       the command line: wires the calls below together
    _report | labelstudio     the HTML report; Label Studio tasks, config and guidelines
    _analysis                 LF and label statistics (public door: weaklabel.analysis)
    models | _apply | datasets | endmodel
                              label models; applying LFs (chunks, processes, checkpoints, Dask);
                              bundled and synthetic data; the end model (a text classifier
                              trained on the label model's probabilities)
    _lfs                      labeling functions, preprocessors, builders, spaCy, LF files
    _votes                    the vote matrix: encoding, names, storage, gold labels, Dask votes
    _io                       files: reading data, atomic writes, labels
    _core                     conventions: parameters, randomness, digests, columns, extras

>>> from weaklabel import ABSTAIN, apply_lfs, labeling_function, lf_summary
>>> from weaklabel.models import LabelModel
"""

from weaklabel._analysis.summary import lf_summary
from weaklabel._apply.api import apply_lfs
from weaklabel._io.readers import read_data
from weaklabel._lfs.builders import keyword_lf, length_lf, regex_lf, threshold_lf
from weaklabel._lfs.lf import LabelingFunction, labeling_function
from weaklabel._lfs.model_lf import model_lf
from weaklabel._lfs.preprocessor import Preprocessor, preprocessor
from weaklabel._lfs.prompted import prompt_lf
from weaklabel._lfs.spacy_lfs import entity_lf, pattern_lf, phrase_lf
from weaklabel._lfs.spacy_parse import spacy_preprocessor
from weaklabel._lfs.suite import LFSuite, load_lfs
from weaklabel._version import __version__
from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.encoding import ABSTAIN
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.exceptions import (
    DataError,
    LabelingFunctionError,
    MissingDependencyError,
    NotFittedError,
    ParameterError,
    WeaklabelError,
    WorkerError,
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
    "WorkerError",
    "__version__",
    "apply_lfs",
    "entity_lf",
    "keyword_lf",
    "labeling_function",
    "length_lf",
    "lf_summary",
    "load_lfs",
    "model_lf",
    "pattern_lf",
    "phrase_lf",
    "preprocessor",
    "prompt_lf",
    "read_data",
    "regex_lf",
    "spacy_preprocessor",
    "threshold_lf",
]
