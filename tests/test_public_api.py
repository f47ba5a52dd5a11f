"""The public names are a contract: this test fails when they drift."""

from __future__ import annotations

import inspect

import pytest

import weaklabel
import weaklabel.active
import weaklabel.analysis
import weaklabel.annotations
import weaklabel.datasets
import weaklabel.endmodel
import weaklabel.exceptions
import weaklabel.export
import weaklabel.labelstudio
import weaklabel.models

EXPECTED = {
    weaklabel: [
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
    ],
    weaklabel.models: [
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
    ],
    weaklabel.active: ["AUTO", "AUTO_END_MODEL", "STRATEGIES", "query"],
    weaklabel.analysis: [
        "LabelSummary",
        "Report",
        "build_report",
        "conflict_examples",
        "expected_calibration_error",
        "explain",
        "label_summary",
        "lf_pairs",
        "lf_reliability",
        "lf_summary",
        "reliability_table",
        "wilson_interval",
    ],
    weaklabel.annotations: [
        "CONSENSUS_METHODS",
        "AlphaInterval",
        "Annotations",
        "annotator_confusion",
        "annotator_summary",
        "class_agreement",
        "cohen_kappa",
        "cohen_kappa_matrix",
        "fleiss_kappa",
        "krippendorff_alpha",
        "krippendorff_alpha_interval",
        "percent_agreement",
    ],
    weaklabel.exceptions: [
        "AnnotationWarning",
        "ConvergenceWarning",
        "DependencyWarning",
        "DataError",
        "LabelingFunctionError",
        "MissingDependencyError",
        "NotFittedError",
        "ParameterError",
        "WeaklabelError",
        "WorkerError",
    ],
    weaklabel.datasets: [
        "SMS_SPAM_CLASSES",
        "YOUTUBE_SPAM_CLASSES",
        "load_sms_spam",
        "load_youtube_spam",
        "make_confidence_votes",
        "make_crowd_votes",
        "make_dependent_votes",
        "make_keyword_votes",
        "make_one_sided_votes",
        "make_random_lf_votes",
        "make_redundant_votes",
        "make_votes",
    ],
    weaklabel.endmodel: [
        "DEFAULT_POLICY",
        "POLICIES",
        "SOURCES",
        "EndModel",
        "combine",
        "training_targets",
    ],
    weaklabel.export: ["FORMATS", "GOLD_MODES", "ExportResult", "export"],
    weaklabel.labelstudio: [
        "Guidelines",
        "guidelines",
        "labeling_config",
        "tasks",
        "write_tasks",
    ],
}


@pytest.mark.parametrize("module", list(EXPECTED), ids=lambda m: m.__name__)
def test_exported_names_do_not_drift(module):
    assert list(module.__all__) == EXPECTED[module]
    for name in module.__all__:
        assert hasattr(module, name), name


def test_top_level_all_is_sorted():
    assert weaklabel.__all__ == sorted(weaklabel.__all__)


def test_abstain_is_minus_one():
    assert weaklabel.ABSTAIN == -1


def test_every_exception_descends_from_the_root_and_a_builtin():
    classes = [
        obj
        for _, obj in inspect.getmembers(weaklabel.exceptions, inspect.isclass)
        if issubclass(obj, Exception) and not issubclass(obj, Warning)
    ]
    assert len(classes) == 7
    for cls in classes:
        assert issubclass(cls, weaklabel.WeaklabelError)
        if cls is not weaklabel.WeaklabelError:
            builtins = [b for b in cls.__mro__ if b.__module__ == "builtins" and b is not object]
            assert any(b not in (Exception, BaseException) for b in builtins), cls


def test_warnings_are_user_warnings():
    assert issubclass(weaklabel.exceptions.ConvergenceWarning, UserWarning)


def test_exception_tree_is_drawn_in_the_module_docstring():
    doc = weaklabel.exceptions.__doc__
    for name in weaklabel.exceptions.__all__:
        assert name in doc


def test_version_is_a_string():
    assert isinstance(weaklabel.__version__, str) and weaklabel.__version__
