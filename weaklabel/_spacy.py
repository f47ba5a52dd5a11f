"""spaCy, once per dataset: a batch preprocessor that parses each text once, and LFs on its Docs.

:func:`spacy_preprocessor` parses the texts of each chunk with ``nlp.pipe`` and hands the Docs to
every labeling function that lists it (``x.doc``); with ``cache_dir`` the Docs are stored on disk
(:mod:`weaklabel._doc_cache`), so a second run parses nothing. :func:`pattern_lf`,
:func:`phrase_lf` and :func:`entity_lf` build vectorized LFs on those Docs (spaCy ``Matcher``,
``PhraseMatcher``, entities); LFs built on the same pipeline share one parse per chunk.

spaCy is imported when first used, so ``import weaklabel`` stays fast; a pipeline given by name is
loaded with ``spacy.load`` and never downloaded.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaklabel._builders import _check_label
from weaklabel._doc_cache import DocCache, PipelineStore, _digest, text_keys
from weaklabel._lf import LabelingFunction, Preprocessor
from weaklabel._params import check_choice, check_int, closest, parameter_error
from weaklabel._votes import ABSTAIN
from weaklabel.exceptions import DataError, MissingDependencyError, ParameterError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["entity_lf", "pattern_lf", "phrase_lf", "spacy_preprocessor"]

#: PhraseMatcher attributes; the lexical ones need only the tokenizer to build the term Docs
_LEXICAL_ATTRS = ("ORTH", "TEXT", "LOWER", "NORM", "SHAPE")
_PHRASE_ATTRS = (*_LEXICAL_ATTRS, "LEMMA", "POS", "TAG", "MORPH")
#: factories whose components find entities (and know their labels)
_ENTITY_FACTORIES = ("ner", "beam_ner", "entity_ruler")
_NLP_RULE = (
    "a spaCy Language (spacy.blank('en'), spacy.load(...)), the name of an installed pipeline "
    "such as 'en_core_web_sm', or a preprocessor made by spacy_preprocessor"
)

# Calls with the same settings return the same preprocessor, so LFs share one parse per chunk.
# Weak values: an entry lives as long as an LF (or the caller) holds its preprocessor.
_PREPROCESSORS: weakref.WeakValueDictionary[tuple[Any, ...], Preprocessor] = (
    weakref.WeakValueDictionary()
)
_PIPELINES: weakref.WeakValueDictionary[str, Language] = weakref.WeakValueDictionary()


def spacy_preprocessor(
    nlp: str | Language = "en_core_web_sm",
    *,
    column: str = "text",
    field: str = "doc",
    batch_size: int = 256,
    n_process: int = 1,
    cache_dir: str | Path | None = None,
    progress: bool = False,
) -> Preprocessor:
    """A batch preprocessor that parses ``column`` with spaCy and adds the Docs as ``field``.

    Each chunk's distinct texts go through ``nlp.pipe`` once, however many LFs read the Docs; row
    LFs read ``x.doc``, vectorized LFs ``frame["doc"]``. Calls with the same arguments (the same
    ``nlp`` object) return the same preprocessor, so LFs built separately still share one parse.

    Parameters
    ----------
    nlp : str or spacy.language.Language
        A pipeline: a Language object (``spacy.blank("en")`` with rule components, or a pipeline
        you loaded), or the name (or folder) of an installed pipeline, loaded with ``spacy.load``.
        weaklabel never downloads a model: a name that is not installed raises
        :class:`MissingDependencyError` with the command that installs it.
    column : str
        The text column. Missing texts (None, NaN) are parsed as the empty string: their Doc has
        no tokens, so spaCy LFs abstain on them.
    field : str
        The name of the new field holding the Docs. Rows with the same text share one Doc.
    batch_size : int
        Texts per batch in ``nlp.pipe``.
    n_process : int
        Processes for ``nlp.pipe`` (-1: one per CPU). spaCy starts them for every chunk, which
        pays off for trained pipelines; for cheap pipelines use ``apply_lfs(n_jobs=...)``.
    cache_dir : str or Path, optional
        Store the Docs in this folder (DocBin files, one subfolder per pipeline identity) and
        read them back instead of parsing, in this run and later ones. Safe to share between
        worker processes and runs; see :mod:`weaklabel._doc_cache` for what the key includes.
    progress : bool
        Show a progress bar over the texts parsed (texts/s).

    Returns
    -------
    Preprocessor
        A batch preprocessor named ``"spacy"``.

    Raises
    ------
    MissingDependencyError
        ``nlp`` names a pipeline that is not installed.

    Examples
    --------
    >>> import spacy
    >>> from weaklabel import spacy_preprocessor
    >>> nlp = spacy.blank("en")
    >>> parse = spacy_preprocessor(nlp)
    >>> [token.text for token in parse({"text": "Call 0800 now!"}).doc]
    ['Call', '0800', 'now', '!']
    >>> len(parse({"text": None}).doc)
    0
    >>> spacy_preprocessor(nlp) is parse
    True
    """
    return _preprocessor(
        nlp,
        "spacy_preprocessor",
        column=column,
        field=field,
        batch_size=batch_size,
        n_process=n_process,
        cache_dir=cache_dir,
        progress=progress,
    )


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
    parse = _parser(nlp, owner)
    label = _check_label(label, owner)
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
    parse = _parser(nlp, owner)
    label = _check_label(label, owner)
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
            f"{_describe(language)} does not set: {exc} Use attr='LOWER' or a trained pipeline."
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
    parse = _parser(nlp, owner)
    label = _check_label(label, owner)
    labels = _check_strings("entity_labels", entity_labels, owner, "an entity label or a list")
    language = parse.nlp
    if not language.pipe_names:
        raise ParameterError(
            f"{owner}: the pipeline {_describe(language)} has no components, so it finds no "
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
            f"labels the pipeline {_describe(language)} assigns ({', '.join(known)})",
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


# -- the preprocessor -------------------------------------------------------------------------


class _Parse:
    """Parses the texts of a chunk, reading and filling the Doc cache (see spacy_preprocessor).

    It remembers the last chunk it saw (per thread): the preprocessor and every builder LF on the
    same chunk share one parse. With a cache, builder rules ask :meth:`outcomes`, which reads what
    a rule gave on each cached Doc from earlier runs, so a warm run rebuilds no Doc for them.
    """

    def __init__(
        self,
        nlp: Language,
        column: str,
        field: str,
        batch_size: int,
        n_process: int,
        cache_dir: Path | None,
        progress: bool,
    ) -> None:
        self.nlp = nlp
        self.column = column
        self.field = field
        self.batch_size = batch_size
        self.n_process = n_process
        self.cache_dir = cache_dir
        self.cache = DocCache(cache_dir) if cache_dir is not None else None
        self.progress = progress
        self.preprocessor: Preprocessor | None = None
        self._last = threading.local()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_last"], state["cache"]  # per process: the cache is opened again there
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.cache = DocCache(self.cache_dir) if self.cache_dir is not None else None
        self._last = threading.local()

    def __call__(self, frame: pd.DataFrame) -> dict[str, list[Doc]]:
        chunk = self._chunk(frame)
        docs = self._docs(chunk)
        return {self.field: [docs[i] for i in chunk.inverse.tolist()]}

    def outcomes(self, rule: _Rule, frame: pd.DataFrame) -> np.ndarray:
        """Whether ``rule`` fires on each row's Doc (bool per row)."""
        chunk = self._chunk(frame)
        if chunk.store is None or rule.key is None:
            docs = self._docs(chunk)
            fired = np.fromiter(map(rule.test, docs), dtype=bool, count=len(docs))
            return fired[chunk.inverse]
        locations = self._locations(chunk)
        known = chunk.store.outcomes(rule.key, locations)
        todo = np.flatnonzero(known < 0)
        if len(todo):
            docs = self._docs(chunk)
            found = np.fromiter((rule.test(docs[i]) for i in todo.tolist()), bool, len(todo))
            known[todo] = found
            chunk.store.record(rule.key, locations[todo], found)
        return known.astype(bool)[chunk.inverse]

    def _chunk(self, frame: pd.DataFrame) -> _Chunk:
        """What is known about ``frame``'s texts: shared while the LFs of one chunk run.

        ``apply_lfs`` hands every LF of a chunk the same frame object; another frame (the next
        chunk, or a later call, maybe after rules were added to the pipeline) starts afresh.
        """
        texts = _texts(frame, self.column)
        last: _Chunk | None = getattr(self._last, "chunk", None)
        if last is None or last.frame is not frame or last.texts != texts:
            store = self.cache.open(self.nlp) if self.cache is not None else None
            last = self._last.chunk = _Chunk(frame, texts, store)
        return last

    def _locations(self, chunk: _Chunk) -> np.ndarray:
        """Where the chunk's texts are in the cache, after storing the ones that were not."""
        assert chunk.store is not None
        if chunk.locations is None:
            locations = chunk.store.lookup(chunk.keys())
            if (locations < 0).any():
                self._docs(chunk)  # parses and stores what is missing; sets chunk.locations
            else:
                chunk.locations = locations
        assert chunk.locations is not None
        return chunk.locations

    def _docs(self, chunk: _Chunk) -> list[Doc]:
        """The Doc of each distinct text of the chunk: from the cache, else parsed (and stored)."""
        if chunk.docs is not None:
            return chunk.docs
        store = chunk.store
        if store is None:
            chunk.docs = self.parse(chunk.unique)
            return chunk.docs
        keys = chunk.keys()
        found = store.docs_at(store.lookup(keys))  # None where not cached, or damaged
        missing = [i for i, doc in enumerate(found) if doc is None]
        if missing:
            texts = [chunk.unique[i] for i in missing]
            parsed = self.parse(texts)
            store.put(texts, parsed, keys[missing])
            for i, doc in zip(missing, parsed, strict=True):
                found[i] = doc
        chunk.locations = store.lookup(keys)
        chunk.docs = cast("list[Doc]", found)
        return chunk.docs

    def parse(self, texts: list[str]) -> list[Doc]:
        """``nlp.pipe`` over ``texts``, with a progress bar."""
        stream = self.nlp.pipe(texts, batch_size=self.batch_size, n_process=self.n_process)
        with tqdm(
            stream,
            total=len(texts),
            desc="Parsing with spaCy",
            unit="texts",
            disable=not self.progress,
            leave=False,
        ) as bar:
            return list(bar)

    def __repr__(self) -> str:
        # stable across runs (no memory address): checkpoints fingerprint preprocessors by repr
        return (
            f"spacy_preprocessor({_describe(self.nlp)}, column={self.column!r}, "
            f"field={self.field!r})"
        )


class _Chunk:
    """One chunk's texts and what has been worked out about them so far."""

    def __init__(self, frame: pd.DataFrame, texts: list[str], store: PipelineStore | None) -> None:
        self.frame = frame
        self.texts = texts
        self.store = store
        positions: dict[str, int] = {}
        self.inverse = np.fromiter(
            (positions.setdefault(t, len(positions)) for t in texts), np.int64, len(texts)
        )
        self.unique = list(positions)
        self.locations: np.ndarray | None = None
        self.docs: list[Doc] | None = None
        self._keys: np.ndarray | None = None

    def keys(self) -> np.ndarray:
        if self._keys is None:
            self._keys = text_keys(self.unique)
        return self._keys


def _preprocessor(
    nlp: Any,
    owner: str,
    *,
    column: Any = "text",
    field: Any = "doc",
    batch_size: Any = 256,
    n_process: Any = 1,
    cache_dir: Any = None,
    progress: Any = False,
) -> Preprocessor:
    for option, value in (("column", column), ("field", field)):
        if not isinstance(value, str) or not value:
            raise parameter_error(option, owner, "a non-empty column name", value)
    if field == column:
        raise parameter_error(
            "field", owner, f"a new field name, not the text column {column!r}", field
        )
    batch_size = check_int("batch_size", batch_size, owner=owner, minimum=1)
    if n_process != -1:
        n_process = check_int("n_process", n_process, owner=owner, minimum=1)
    if cache_dir is not None and not isinstance(cache_dir, str | os.PathLike):
        raise parameter_error("cache_dir", owner, "a folder path or None", cache_dir)
    cache = Path(cache_dir).expanduser().resolve() if cache_dir is not None else None
    language = _pipeline(nlp, owner)
    key = (id(language), column, field, batch_size, n_process, cache, bool(progress))
    pre = _PREPROCESSORS.get(key)
    if pre is None:
        parse = _Parse(language, column, field, batch_size, n_process, cache, bool(progress))
        pre = _PREPROCESSORS[key] = Preprocessor(parse, name="spacy", batch=True)
        parse.preprocessor = pre  # builder LFs hold the parse: keep the shared entry alive
    return pre


def _parser(nlp: Any, owner: str) -> _Parse:
    """The parse function of the spaCy preprocessor a builder uses."""
    if isinstance(nlp, Preprocessor):
        if not isinstance(nlp.func, _Parse):
            raise parameter_error("nlp", owner, _NLP_RULE, nlp)
        return nlp.func
    pre = _preprocessor(nlp, owner)
    assert isinstance(pre.func, _Parse)
    return pre.func


def _pipeline(nlp: Any, owner: str) -> Language:
    from spacy.language import Language

    if isinstance(nlp, Language):
        return nlp
    if isinstance(nlp, os.PathLike):
        nlp = os.fspath(nlp)
    if not isinstance(nlp, str) or not nlp:
        raise parameter_error("nlp", owner, _NLP_RULE, nlp)
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


def _texts(frame: pd.DataFrame, column: str) -> list[str]:
    """The texts of ``column``; None and NaN become the empty string."""
    if column not in frame.columns:
        raise DataError(
            f"the spaCy preprocessor reads the column {column!r}, which the data lacks; columns: "
            f"{', '.join(map(str, frame.columns))}. Pass spacy_preprocessor(..., column=...)."
        )
    texts = frame[column].tolist()
    for i, text in enumerate(texts):
        if type(text) is str:
            continue
        if isinstance(text, str):
            texts[i] = str(text)
        elif text is None or (np.ndim(text) == 0 and bool(pd.isna(text))):
            texts[i] = ""
        else:
            raise DataError(
                f"column {column!r} must hold text for spaCy; row {frame.index[i]!r} holds "
                f"{type(text).__name__} {text!r}. Convert the column with .astype(str)."
            )
    return texts


def _describe(nlp: Language) -> str:
    meta = nlp.meta
    parts = ", ".join(nlp.pipe_names) or "no components"
    return f"'{nlp.lang}_{meta.get('name', '')}' {meta.get('version', '')} ({parts})"


# -- the rules (small classes, as in weaklabel._builders) -------------------------------------


class _Rule:
    """A test on one Doc; ``key`` names it in the cache of outcomes (None: never cached)."""

    parse: _Parse
    label: int
    key: str | None

    def test(self, doc: Doc) -> bool:
        raise NotImplementedError

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        fired = self.parse.outcomes(self, frame)
        return np.where(fired, self.label, ABSTAIN).astype(np.int64)


@dataclass(frozen=True, eq=False)
class _MatchRule(_Rule):
    parse: _Parse
    spec: str  # the kind and the patterns or terms, as JSON: what identifies the rule across runs
    label: int
    matcher: Any = dataclasses.field(repr=False)
    key: str | None = dataclasses.field(repr=False, default=None)

    def test(self, doc: Doc) -> bool:
        return len(self.matcher(doc)) > 0


@dataclass(frozen=True, eq=False)
class _EntityRule(_Rule):
    parse: _Parse
    entity_labels: tuple[str, ...]
    label: int
    key: str | None = dataclasses.field(repr=False, default=None)

    def test(self, doc: Doc) -> bool:
        wanted = self.entity_labels
        return any(e.label_ in wanted for e in doc.ents)


def _rule_key(*parts: Any) -> str:
    """The name of a rule's outcomes in the cache; bump the version when a test changes."""
    return _digest(_dump(["weaklabel-rule-1", *parts]).encode("utf-8"))[:16]


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
