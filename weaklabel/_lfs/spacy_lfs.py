"""spaCy labeling functions: token patterns, phrases and entities on the Docs of one parse.

:func:`pattern_lf`, :func:`phrase_lf` and :func:`entity_lf` build vectorized LFs whose rules test
the Docs made by :func:`~weaklabel.spacy_preprocessor` (spaCy ``Matcher``, ``PhraseMatcher``,
entities); LFs built on the same pipeline share one parse per chunk, and with a Doc cache their
outcomes are stored too, so a warm run rebuilds no Doc.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from weaklabel._core.digest import digest
from weaklabel._core.params import check_choice, closest, parameter_error
from weaklabel._lfs.builders import check_label
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._lfs.preprocessor import Preprocessor
from weaklabel._lfs.spacy_parse import Rule, parser
from weaklabel._lfs.spacy_pipeline import describe
from weaklabel.exceptions import ParameterError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["entity_lf", "pattern_lf", "phrase_lf"]

_LEXICAL_ATTRS = ("ORTH", "TEXT", "LOWER", "NORM", "SHAPE")
_PHRASE_ATTRS = (*_LEXICAL_ATTRS, "LEMMA", "POS", "TAG", "MORPH")
#: factories whose components find entities (and know their labels)
_ENTITY_FACTORIES = ("ner", "beam_ner", "entity_ruler")


def pattern_lf(
    name: str,
    patterns: Sequence[Sequence[Mapping[str, Any]]],
    label: int,
    *,
    nlp: str | Language | Preprocessor = "en_core_web_sm",
) -> LabelingFunction:
    """An LF that votes ``label`` when any spaCy ``Matcher`` token pattern matches the Doc.

    Parameters
    ----------
    name : str
    patterns : list of list of dict
        Token patterns as for ``spacy.matcher.Matcher``: a list of patterns, each a list of token
        dicts (``[[{"LOWER": "call"}, {"IS_DIGIT": True}]]``). Checked when the LF is built.
    label : int
        The class index to vote.
    nlp : str, spacy.language.Language or Preprocessor
        The pipeline (a Language or an installed pipeline's name, parsed with
        ``spacy_preprocessor(nlp)``), or a preprocessor from :func:`spacy_preprocessor` to set
        the text column, cache, batch size or processes. LFs on the same pipeline share a parse.
        Patterns on ``POS``, ``TAG``, ``LEMMA``, ``MORPH`` or ``DEP`` need a trained pipeline.

    Examples
    --------
    >>> import spacy
    >>> from weaklabel import pattern_lf
    >>> nlp = spacy.blank("en")
    >>> lf = pattern_lf("text_to_number", [[{"LOWER": "text"}, {}, {"LOWER": "to"},
    ...                                     {"IS_DIGIT": True}]], 1, nlp=nlp)
    >>> lf({"text": "Text WIN to 80086 now"}), lf({"text": "text me when you get to 5th st"})
    (1, -1)
    """
    owner = f"pattern_lf({name!r})"
    parse = parser(nlp, owner)
    label = check_label(label, owner)
    checked = _check_patterns(patterns, owner)
    from spacy.matcher import Matcher

    matcher = Matcher(parse.nlp.vocab, validate=True)
    try:
        matcher.add("pattern", checked)
    except (ValueError, re.error) as exc:
        raise ParameterError(
            f"The 'patterns' parameter of {owner} must hold valid spaCy token patterns: {exc}"
        ) from None
    spec = _dump(["pattern", checked])
    # a custom attribute (``{"_": ...}``) may run user code, so its outcomes are never stored
    custom = any("_" in token for pattern in checked for token in pattern)
    key = None if custom else _rule_key(spec)
    rule = _MatchRule(parse, spec, label, matcher, key)
    return LabelingFunction(
        rule,
        name=name,
        vectorized=True,
        description=f"votes {label} when {parse.column} matches one of {len(checked)} token "
        "patterns",
    )


def phrase_lf(
    name: str,
    terms: str | Sequence[str],
    label: int,
    *,
    nlp: str | Language | Preprocessor = "en_core_web_sm",
    attr: str = "LOWER",
) -> LabelingFunction:
    """An LF that votes ``label`` when the Doc contains any of ``terms`` (spaCy ``PhraseMatcher``).

    Terms are tokenized like the texts, so "i'll" matches the tokens ``i``, ``'ll`` and a term
    never matches inside a longer word.

    Parameters
    ----------
    name : str
    terms : str or sequence of str
        Words or phrases.
    label : int
        The class index to vote.
    nlp : str, spacy.language.Language or Preprocessor
        The pipeline, as for :func:`pattern_lf`.
    attr : {"LOWER", "ORTH", "TEXT", "NORM", "SHAPE", "LEMMA", "POS", "TAG", "MORPH"}
        The token attribute compared: ``"LOWER"`` ignores case, ``"ORTH"`` does not; ``"LEMMA"``,
        ``"POS"``, ``"TAG"`` and ``"MORPH"`` need a trained pipeline that sets them.

    Examples
    --------
    >>> import spacy
    >>> from weaklabel import phrase_lf
    >>> lf = phrase_lf("see_you", ["see you", "on my way"], 0, nlp=spacy.blank("en"))
    >>> lf({"text": "On my way, see you soon"}), lf({"text": "You won a prize"})
    (0, -1)
    """
    owner = f"phrase_lf({name!r})"
    parse = parser(nlp, owner)
    label = check_label(label, owner)
    words = _check_strings("terms", terms, owner, "a word or phrase, or a list of them")
    attr = check_choice("attr", attr, _PHRASE_ATTRS, owner=owner)
    from spacy.matcher import PhraseMatcher

    language = parse.nlp
    if attr in _LEXICAL_ATTRS:
        docs = [language.make_doc(w) for w in words]
    else:
        docs = list(language.pipe(words))
    matcher = PhraseMatcher(language.vocab, attr=attr)
    try:
        matcher.add("phrase", docs)
    except ValueError as exc:
        raise ParameterError(
            f"The 'attr' parameter of {owner} is {attr!r}, which the pipeline "
            f"{describe(language)} does not set: {exc} Use attr='LOWER' or a trained pipeline."
        ) from None
    spec = _dump(["phrase", attr, words])
    rule = _MatchRule(parse, spec, label, matcher, _rule_key(spec))
    shown = ", ".join(repr(w) for w in words[:5]) + (", ..." if len(words) > 5 else "")
    return LabelingFunction(
        rule,
        name=name,
        vectorized=True,
        description=f"votes {label} when {parse.column} contains any of {shown}",
    )


def entity_lf(
    name: str,
    entity_labels: str | Sequence[str],
    label: int,
    *,
    nlp: str | Language | Preprocessor = "en_core_web_sm",
) -> LabelingFunction:
    """An LF that votes ``label`` when the Doc has an entity with one of ``entity_labels``.

    Parameters
    ----------
    name : str
    entity_labels : str or sequence of str
        Entity labels (``"MONEY"``, ``"PERSON"``), as the pipeline's ``ner`` or ``entity_ruler``
        assigns them; an unknown label is refused when the pipeline lists its labels (add the
        ruler's patterns before building the LF).
    label : int
        The class index to vote.
    nlp : str, spacy.language.Language or Preprocessor
        The pipeline, as for :func:`pattern_lf`; ``spacy.blank("en")`` plus an ``entity_ruler``
        works without any trained model.

    Examples
    --------
    >>> import spacy
    >>> from weaklabel import entity_lf
    >>> nlp = spacy.blank("en")
    >>> ruler = nlp.add_pipe("entity_ruler")
    >>> ruler.add_patterns([{"label": "MONEY", "pattern": [{"ORTH": "$"}, {"LIKE_NUM": True}]}])
    >>> lf = entity_lf("mentions_money", "MONEY", 1, nlp=nlp)
    >>> lf({"text": "Claim your $500 now"}), lf({"text": "see you at 5"})
    (1, -1)
    """
    owner = f"entity_lf({name!r})"
    parse = parser(nlp, owner)
    label = check_label(label, owner)
    labels = _check_strings("entity_labels", entity_labels, owner, "an entity label or a list")
    language = parse.nlp
    if not language.pipe_names:
        raise ParameterError(
            f"{owner}: the pipeline {describe(language)} has no components, so it finds no "
            "entities. Add rules (ruler = nlp.add_pipe('entity_ruler'); ruler.add_patterns(...)) "
            "or use a trained pipeline with 'ner'."
        )
    known = sorted(
        {
            str(known_label)
            for pipe_name, component in language.pipeline
            if language.get_pipe_meta(pipe_name).factory in _ENTITY_FACTORIES
            for known_label in getattr(component, "labels", ())
        }
    )
    unknown = [lab for lab in labels if known and lab not in known]
    if unknown:
        guess = closest(unknown[0], known)
        raise parameter_error(
            "entity_labels",
            owner,
            f"labels the pipeline {describe(language)} assigns ({', '.join(known)})",
            unknown[0],
            f"Did you mean {guess!r}?" if guess else "Add patterns with that label first.",
        )
    rule = _EntityRule(parse, tuple(labels), label, _rule_key("entity", labels))
    return LabelingFunction(
        rule,
        name=name,
        vectorized=True,
        description=f"votes {label} when {parse.column} has a {' or '.join(labels)} entity",
    )


@dataclass(frozen=True, eq=False)
class _MatchRule(Rule):
    parse: Any
    spec: str  # the kind and the patterns or terms, as JSON: what identifies the rule across runs
    label: int
    matcher: Any = dataclasses.field(repr=False)
    key: str | None = dataclasses.field(repr=False, default=None)

    def test(self, doc: Doc) -> bool:
        return len(self.matcher(doc)) > 0


@dataclass(frozen=True, eq=False)
class _EntityRule(Rule):
    parse: Any
    entity_labels: tuple[str, ...]
    label: int
    key: str | None = dataclasses.field(repr=False, default=None)

    def test(self, doc: Doc) -> bool:
        wanted = self.entity_labels
        return any(e.label_ in wanted for e in doc.ents)


def _rule_key(*parts: Any) -> str:
    """The name of a rule's outcomes in the cache; bump the version when a test changes."""
    return digest(_dump(["weaklabel-rule-1", *parts]).encode("utf-8"))[:16]


def _check_patterns(patterns: Any, owner: str) -> list[list[dict[str, Any]]]:
    rule = "a non-empty list of token patterns, each a non-empty list of token dicts"
    if not isinstance(patterns, list | tuple) or not patterns:
        raise parameter_error("patterns", owner, rule, patterns)
    if all(isinstance(p, Mapping) for p in patterns):
        raise parameter_error(
            "patterns", owner, rule, patterns, "It looks like one pattern: wrap it, [[...]]."
        )
    for i, pattern in enumerate(patterns):
        if (
            not isinstance(pattern, list | tuple)
            or not pattern
            or not all(isinstance(t, Mapping) for t in pattern)
        ):
            raise parameter_error("patterns", owner, rule, patterns, f"Pattern {i} is {pattern!r}.")
    return [[dict(token) for token in pattern] for pattern in patterns]


def _check_strings(name: str, value: Any, owner: str, rule: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if (
        not isinstance(values, Sequence)
        or not values
        or not all(isinstance(v, str) and v.strip() for v in values)
    ):
        raise parameter_error(name, owner, rule + " (non-empty strings)", value)
    return list(values)


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)
