"""spaCy once per dataset: a batch preprocessor that parses each distinct text of a chunk once.

:func:`spacy_preprocessor` parses the texts of each chunk with ``nlp.pipe`` and hands the Docs to
every labeling function that lists it (``x.doc``); with ``cache_dir`` the Docs are stored on disk
(:mod:`weaklabel._lfs.doc_cache`), so a second run parses nothing. Builder rules
(:mod:`weaklabel._lfs.spacy_lfs`) ask the same parse for their outcomes, so LFs built on one
pipeline share one parse per chunk.

spaCy is imported when first used, so ``import weaklabel`` stays fast; a pipeline given by name is
loaded with ``spacy.load`` and never downloaded.
"""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaklabel._core.columns import missing_column
from weaklabel._core.digest import text_keys
from weaklabel._core.params import check_int, parameter_error
from weaklabel._lfs.doc_cache import DocCache, PipelineStore
from weaklabel._lfs.preprocessor import Preprocessor
from weaklabel._lfs.spacy_pipeline import NLP_RULE, describe, pipeline
from weaklabel._votes.encoding import ABSTAIN
from weaklabel.exceptions import DataError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["Rule", "parser", "spacy_preprocessor"]

_PREPROCESSORS: weakref.WeakValueDictionary[tuple[Any, ...], Preprocessor] = (
    weakref.WeakValueDictionary()
)


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

    def outcomes(self, rule: Rule, frame: pd.DataFrame) -> np.ndarray:
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
        # stable across runs (no memory address); checkpoints key the parse on its pipeline's
        # identity (weaklabel._apply.tokens), not on this repr
        return (
            f"spacy_preprocessor({describe(self.nlp)}, column={self.column!r}, "
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
    language = pipeline(nlp, owner)
    key = (id(language), column, field, batch_size, n_process, cache, bool(progress))
    pre = _PREPROCESSORS.get(key)
    if pre is None:
        parse = _Parse(language, column, field, batch_size, n_process, cache, bool(progress))
        pre = _PREPROCESSORS[key] = Preprocessor(parse, name="spacy", batch=True)
        parse.preprocessor = pre  # builder LFs hold the parse: keep the shared entry alive
    return pre


def parser(nlp: Any, owner: str) -> _Parse:
    """The parse function of the spaCy preprocessor a builder uses."""
    if isinstance(nlp, Preprocessor):
        if not isinstance(nlp.func, _Parse):
            raise parameter_error("nlp", owner, NLP_RULE, nlp)
        return nlp.func
    pre = _preprocessor(nlp, owner)
    assert isinstance(pre.func, _Parse)
    return pre.func


def _texts(frame: pd.DataFrame, column: str) -> list[str]:
    """The texts of ``column``; None and NaN become the empty string."""
    if column not in frame.columns:
        raise DataError(
            missing_column(
                column,
                frame.columns,
                role="text",
                hint="The spaCy preprocessor reads it; pass spacy_preprocessor(..., column=...).",
            )
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


class Rule:
    """A test on one Doc; ``key`` names it in the cache of outcomes (None: never cached)."""

    parse: _Parse
    label: int
    key: str | None

    def test(self, doc: Doc) -> bool:
        raise NotImplementedError

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        fired = self.parse.outcomes(self, frame)
        return np.where(fired, self.label, ABSTAIN).astype(np.int64)
