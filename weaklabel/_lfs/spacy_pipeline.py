"""spaCy pipelines: a Language object, or an installed pipeline loaded by name, never downloaded."""

from __future__ import annotations

import os
import re
import weakref
from typing import TYPE_CHECKING, Any

from weaklabel._core.params import parameter_error
from weaklabel.exceptions import MissingDependencyError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["NLP_RULE", "describe", "pipeline"]

NLP_RULE = (
    "a spaCy Language (spacy.blank('en'), spacy.load(...)), the name of an installed pipeline "
    "such as 'en_core_web_sm', or a preprocessor made by spacy_preprocessor"
)

# Calls with the same settings return the same preprocessor, so LFs share one parse per chunk.
# Weak values: an entry lives as long as an LF (or the caller) holds its preprocessor.
# Pipelines loaded by name, kept while an LF (or the caller) holds them.
_PIPELINES: weakref.WeakValueDictionary[str, Language] = weakref.WeakValueDictionary()


def pipeline(nlp: Any, owner: str) -> Language:
    from spacy.language import Language

    if isinstance(nlp, Language):
        return nlp
    if isinstance(nlp, os.PathLike):
        nlp = os.fspath(nlp)
    if not isinstance(nlp, str) or not nlp:
        raise parameter_error("nlp", owner, NLP_RULE, nlp)
    language = _PIPELINES.get(nlp)
    if language is None:
        language = _PIPELINES[nlp] = _load(nlp)
    return language


def _load(name: str) -> Language:
    """``spacy.load(name)``; a pipeline that is not installed is a MissingDependencyError."""
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:
        if "[E050]" not in str(exc) and "[E941]" not in str(exc):
            raise
    installed = ", ".join(sorted(spacy.util.get_installed_models())) or "none"
    if re.fullmatch(r"[a-z]{2,3}", name):
        hint = (
            f"{name!r} is a language code, not a pipeline: pass spacy.blank({name!r}) (or "
            f"'blank:{name}') for a blank pipeline, or the name of a trained pipeline."
        )
    else:
        hint = (
            f"Install it with\n\n    python -m spacy download {name}\n\n(the package "
            f"{name!r}; weaklabel never downloads models at run time)."
        )
    raise MissingDependencyError(
        f"The spaCy pipeline {name!r} is not installed: it is neither an installed package nor "
        f"a pipeline folder. {hint} Installed pipelines: {installed}. Rule-based LFs need no "
        "trained model: pass spacy.blank('en') with rule components (an entity_ruler) instead."
    ) from None


def describe(nlp: Language) -> str:
    meta = nlp.meta
    parts = ", ".join(nlp.pipe_names) or "no components"
    return f"'{nlp.lang}_{meta.get('name', '')}' {meta.get('version', '')} ({parts})"
