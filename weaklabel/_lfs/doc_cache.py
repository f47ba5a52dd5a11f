"""A disk cache of parsed spaCy documents, so that a dataset is parsed once per pipeline.

Layout of a cache folder::

    cache_dir/
        en_core_web_sm-3.8.0-1f0c9a2e4b7d3c65/   one folder per pipeline identity
            pipeline.json                      what the identity is made of (for people)
            <digest>.spacy                     a DocBin: the Docs of texts parsed together
            <digest>.keys.npy                  the 128-bit hash of each Doc's text, in DocBin order

**Identity.** A folder's name ends with a hash of what decides the Docs a pipeline makes and can
be read cheaply: spaCy's version; the pipeline's language, name and version (``nlp.meta``); its
components, their factories and settings (``nlp.config``); the patterns of rule components
(``entity_ruler``, ``span_ruler``, ``attribute_ruler``, anything with a ``patterns`` attribute);
the tokenizer's rules. A different pipeline never reads another's Docs. Trained weights are
identified by the pipeline's name and version only: bump ``nlp.meta["version"]`` (or clear the
folder) after changing weights or custom component code.

**Files.** Each batch of newly parsed texts becomes one DocBin plus one keys file, named by a hash
of the keys, so two processes that parse the same texts write the same names; each file is written
atomically and the keys file last, so a reader sees a complete pair or nothing. Nothing is ever
rewritten in place, so worker processes (``apply_lfs(n_jobs=2)``) share a folder safely.

**Index.** Each process keeps the keys of the folder in memory (24 bytes per cached text) as a few
sorted segments, merged like a binary counter as files appear, so a lookup is a handful of
``searchsorted`` calls on the first 64 bits of the keys; a hit needs all 128 bits to agree (two
texts share a key with probability about n^2 / 2^129). Only the Docs asked for are rebuilt from a
DocBin, and a DocBin stores only the token attributes its Docs carry (plus ``doc.user_data`` when
some Doc has any), which keeps loading several times faster than parsing with ``spacy.blank``
and orders of magnitude faster than a trained pipeline.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from weaklabel._core.digest import digest, json_bytes, text_keys
from weaklabel._io.atomic import atomic_write

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, DocBin

__all__ = ["DocCache", "PipelineStore", "pipeline_identity"]

#: the token attributes a DocBin can store (spaCy's default set)
_ALL_ATTRS = (
    "ORTH", "NORM", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID", "LEMMA",
    "MORPH", "POS", "SENT_START",
)  # fmt: skip
#: the attributes whose values are string hashes (the others are enums and offsets)
_STRING_ATTRS = ("ORTH", "NORM", "TAG", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID", "LEMMA", "MORPH")
#: token attributes stored for every Doc
_ALWAYS = ("ORTH", "NORM")
#: the attributes stored when some Doc of the file carries the first one
_OPTIONAL = (
    ("TAG", ("TAG",)),
    ("POS", ("POS",)),
    ("MORPH", ("MORPH",)),
    ("LEMMA", ("LEMMA",)),
    ("DEP", ("HEAD", "DEP")),
    ("SENT_START", ("SENT_START",)),
    ("ENT_IOB", ("ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")),
)
#: DocBin's lists with one entry per Doc
_PER_DOC = ("tokens", "spaces", "cats", "flags", "span_groups", "user_data")
_KEYS = ".keys.npy"


def pipeline_identity(nlp: Language) -> dict[str, Any]:
    """What identifies the Docs ``nlp`` makes, as a JSON-ready dict (see the module docstring)."""
    import spacy

    components = []
    for name in nlp.pipe_names:
        entry: dict[str, Any] = {"name": name, "factory": nlp.get_pipe_meta(name).factory}
        patterns = getattr(nlp.get_pipe(name), "patterns", None)
        if patterns is not None:
            entry["patterns"] = digest(json_bytes(patterns))
        components.append(entry)
    tokenizer: Any = nlp.tokenizer  # typed as a callable by spaCy
    try:
        config = nlp.config.to_str()
    except Exception:  # a config with values that do not serialize: fall back to its repr
        config = repr(dict(nlp.config))
    return {
        "spacy": spacy.__version__,
        "lang": nlp.lang,
        "name": str(nlp.meta.get("name", "")),
        "version": str(nlp.meta.get("version", "")),
        "components": components,
        "config": digest(config.encode("utf-8")),
        "tokenizer": digest(tokenizer.to_bytes(exclude=["vocab"])),
    }


class DocCache:
    """The cache folder ``root``: one :class:`PipelineStore` per pipeline identity."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._stores: dict[str, PipelineStore] = {}

    def open(self, nlp: Language) -> PipelineStore:
        """The store for ``nlp``'s current identity (its patterns may have changed since)."""
        identity = pipeline_identity(nlp)
        key = digest(json_bytes(identity))[:16]
        folder = f"{identity['lang']}_{identity['name']}-{identity['version']}-{key}"
        folder = re.sub(r"[^A-Za-z0-9_.-]", "_", folder)
        store = self._stores.get(folder)
        if store is None or store.nlp is not nlp:
            store = self._stores[folder] = PipelineStore(self.root / folder, nlp, identity)
        return store


class PipelineStore:
    """The Docs of one pipeline identity: :meth:`get` what is cached, :meth:`put` what is new."""

    def __init__(self, folder: Path, nlp: Language, identity: dict[str, Any]) -> None:
        self.folder = folder
        self.nlp = nlp
        self.identity = identity
        self._index = _Index()
        self._rules: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.RLock()

    def get(self, texts: Sequence[str]) -> list[Doc | None]:
        """The cached Doc of each text, or None where there is none."""
        if not texts:
            return []
        return self.docs_at(self.lookup(text_keys(texts)))

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Where each text key is stored (``file id << 32 | position``), -1 where it is not."""
        with self._lock:
            self._refresh()
            return self._index.lookup(keys)

    def docs_at(self, locations: np.ndarray) -> list[Doc | None]:
        """The Docs at ``locations`` (from :meth:`lookup`), None where -1 or unreadable."""
        found: list[Doc | None] = [None] * len(locations)
        with self._lock:
            for rows, stem, positions in self._by_file(locations):
                docs = self._read(stem, positions)
                if docs is None:
                    continue
                for row, doc in zip(rows.tolist(), docs, strict=True):
                    found[row] = doc
        return found

    def put(
        self, texts: Sequence[str], docs: Sequence[Doc], keys: np.ndarray | None = None
    ) -> None:
        """Store the Docs of ``texts`` (newly parsed; ``keys``: their text keys, if known)."""
        if not texts:
            return
        keys = text_keys(texts) if keys is None else keys
        stem = digest(keys.tobytes())[:32]
        with self._lock:
            if stem in self._index.known:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            about = self.folder / "pipeline.json"
            if not about.exists():
                with atomic_write(about) as handle:
                    json.dump(self.identity, handle, indent=2, sort_keys=True)
            with atomic_write(self.folder / f"{stem}.spacy", "wb") as handle:
                handle.write(_doc_bin(docs, self.nlp.vocab).to_bytes())
            with atomic_write(self.folder / f"{stem}{_KEYS}", "wb") as handle:
                np.save(handle, keys, allow_pickle=False)
            self._index.add(stem, keys)

    def outcomes(self, rule: str, locations: np.ndarray) -> np.ndarray:
        """What the rule ``rule`` (a key) gave on the Docs at ``locations``: 1, 0, or -1 unknown.

        A rule's outcomes on the Docs of one DocBin are kept in ``<stem>.<rule>.npy`` once known
        for all of them, so a later run with the same rule needs neither the Docs nor the rule.
        """
        out = np.full(len(locations), -1, dtype=np.int8)
        with self._lock:
            for rows, stem, positions in self._by_file(locations):
                out[rows] = self._outcomes(rule, stem)[positions]
        return out

    def record(self, rule: str, locations: np.ndarray, outcomes: np.ndarray) -> None:
        """Note the rule's ``outcomes`` (bool) on the Docs at ``locations``; store whole files."""
        with self._lock:
            for rows, stem, positions in self._by_file(locations):
                known = self._outcomes(rule, stem)
                if known.min() >= 0:
                    continue
                known[positions] = outcomes[rows]
                if known.min() >= 0:
                    with atomic_write(self.folder / f"{stem}.{rule}.npy", "wb") as handle:
                        np.save(handle, known.astype(bool), allow_pickle=False)

    def _by_file(self, locations: np.ndarray) -> list[tuple[np.ndarray, str, np.ndarray]]:
        """``(rows, stem, positions)`` for each live file that ``locations`` point into."""
        hit = np.flatnonzero(locations >= 0)
        files = locations[hit] >> 32
        out = []
        for file_id in np.unique(files).tolist():
            stem = self._index.stems[file_id]
            if stem in self._index.known:  # not dropped as damaged since
                rows = hit[files == file_id]
                positions = (locations[rows] & 0xFFFFFFFF).astype(np.int64)
                out.append((rows, stem, positions))
        return out

    def _outcomes(self, rule: str, stem: str) -> np.ndarray:
        """The rule's known outcomes on one file's Docs (int8, -1 unknown), read once."""
        known = self._rules.get((rule, stem))
        if known is None:
            size = self._index.sizes[stem]
            known = np.full(size, -1, dtype=np.int8)
            with contextlib.suppress(OSError, ValueError, EOFError):
                stored = np.load(self.folder / f"{stem}.{rule}.npy", allow_pickle=False)
                if stored.shape == (size,) and stored.dtype == bool:
                    known = stored.astype(np.int8)
            self._rules[(rule, stem)] = known
        return known

    def _refresh(self) -> None:
        """Index the files other processes (or earlier runs) wrote since the last look."""
        try:
            names = sorted(n for n in os.listdir(self.folder) if n.endswith(_KEYS))
        except FileNotFoundError:
            return
        for name in names:
            stem = name[: -len(_KEYS)]
            if stem in self._index.known or stem in self._index.dropped:
                continue
            try:
                keys = np.load(self.folder / name, allow_pickle=False)
            except (OSError, ValueError, EOFError):
                continue
            if keys.ndim == 2 and keys.shape[1] == 2 and keys.dtype == np.uint64:
                self._index.add(stem, keys)

    def _read(self, stem: str, positions: np.ndarray) -> list[Doc] | None:
        """The Docs at ``positions`` of one DocBin, or None (and the pair dropped) if unreadable."""
        from spacy.tokens import DocBin

        try:
            doc_bin = DocBin().from_bytes((self.folder / f"{stem}.spacy").read_bytes())
            wanted = np.unique(positions)
            lists = [getattr(doc_bin, name) for name in _PER_DOC]
            if all(len(values) == len(doc_bin) for values in lists) and len(doc_bin):
                for name, values in zip(_PER_DOC, lists, strict=True):
                    setattr(doc_bin, name, [values[i] for i in wanted.tolist()])
            else:  # a DocBin laid out otherwise: rebuild every Doc, keep the wanted ones
                wanted = np.arange(len(doc_bin))
            docs = list(doc_bin.get_docs(self.nlp.vocab))
        except (OSError, ValueError, TypeError, IndexError, KeyError, AttributeError):
            # a damaged or vanished file: forget the pair, so its texts are parsed and stored anew
            with contextlib.suppress(OSError):
                os.unlink(self.folder / f"{stem}{_KEYS}")
            self._index.drop(stem)
            return None
        return [docs[i] for i in np.searchsorted(wanted, positions).tolist()]


class _Index:
    """Text key -> location (``file id << 32 | position``), kept as a few sorted segments.

    A segment holds three aligned arrays: the first 64 bits of the keys (sorted), the other 64
    bits, and the locations. File ids never change, so a location stays valid: it points to the
    same file, or to one dropped since (no longer in ``known``).
    """

    def __init__(self) -> None:
        self.stems: list[str] = []
        self.known: set[str] = set()
        self.sizes: dict[str, int] = {}
        self.dropped: set[str] = set()
        self._segments: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, stem: str, keys: np.ndarray) -> None:
        file_id = len(self.stems)
        self.stems.append(stem)
        self.known.add(stem)
        self.dropped.discard(stem)
        self.sizes[stem] = len(keys)
        locations = (np.int64(file_id) << 32) | np.arange(len(keys), dtype=np.int64)
        self._segments.append(_sorted(keys[:, 0], keys[:, 1], locations))
        # merge like a binary counter: O(log files) segments, O(n log n) work in all
        while len(self._segments) > 1 and len(self._segments[-2][0]) <= 2 * len(
            self._segments[-1][0]
        ):
            newer, older = self._segments.pop(), self._segments.pop()
            merged = (np.concatenate([a, b]) for a, b in zip(older, newer, strict=True))
            self._segments.append(_sorted(*merged))

    def drop(self, stem: str) -> None:
        """Forget a file (found damaged): its keys are no longer found."""
        if stem not in self.known:
            return
        self.known.discard(stem)
        self.dropped.add(stem)
        file_id = self.stems.index(stem)
        segments = []
        for first, second, locations in self._segments:
            keep = (locations >> 32) != file_id
            if keep.any():
                segments.append((first[keep], second[keep], locations[keep]))
        self._segments = segments

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The location of each key (rows of two ``uint64``), -1 where it is not cached."""
        found = np.full(len(keys), -1, dtype=np.int64)
        for first, second, locations in self._segments:
            i = np.minimum(np.searchsorted(first, keys[:, 0]), len(first) - 1)
            hit = (first[i] == keys[:, 0]) & (second[i] == keys[:, 1]) & (found < 0)
            found[hit] = locations[i[hit]]
        return found


def _sorted(
    first: np.ndarray, second: np.ndarray, locations: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.argsort(first, kind="stable")
    return first[order], second[order], locations[order]


def _doc_bin(docs: Sequence[Doc], vocab: Any) -> DocBin:
    """A DocBin of ``docs`` that stores only the token attributes they carry.

    Equivalent to ``DocBin(attrs, docs=docs)``, but the strings are gathered once per distinct
    hash instead of nine times per token, which makes it several times faster; if a hash is not in
    ``vocab.strings`` it falls back to ``DocBin.add``.
    """
    import srsly
    from spacy.attrs import SPACY, intify_attr
    from spacy.tokens import DocBin

    ids = [intify_attr(name) for name in _ALL_ATTRS]
    arrays = [doc.to_array(ids) for doc in docs]
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    table = np.concatenate(arrays) if arrays else np.zeros((0, len(ids)), dtype=np.uint64)
    present: np.ndarray = np.asarray(table.any(axis=0))
    # a Doc's first token always starts a sentence: only later ones say that sentences were set
    sent_start = _ALL_ATTRS.index("SENT_START")
    later = np.ones(len(table), dtype=bool)
    later[(np.cumsum(lengths) - lengths)[lengths > 0]] = False
    present[sent_start] = bool(table[later, sent_start].any())
    attrs = list(_ALWAYS)
    for probe, stored in _OPTIONAL:
        if present[_ALL_ATTRS.index(probe)]:
            attrs.extend(stored)
    store_user_data = any(doc.user_data for doc in docs)
    doc_bin = DocBin(attrs=attrs, store_user_data=store_user_data)
    columns = [ids.index(attr) for attr in doc_bin.attrs]
    hashes = np.unique(table[:, [c for c in columns if _ALL_ATTRS[c] in _STRING_ATTRS]])
    strings = vocab.strings
    try:
        doc_bin.strings.update(strings[int(h)] for h in hashes.tolist() if h)
    except KeyError:
        return DocBin(attrs=attrs, docs=docs, store_user_data=store_user_data)
    for doc, array in zip(docs, arrays, strict=True):
        doc_bin.tokens.append(np.ascontiguousarray(array[:, columns]))
        doc_bin.spaces.append(doc.to_array(SPACY).astype(bool).reshape((-1, 1)))
        doc_bin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        doc_bin.cats.append(doc.cats)
        doc_bin.span_groups.append(doc.spans.to_bytes())
        for group in doc.spans.values():
            for span in group:
                doc_bin.strings.add(span.label_)
                if span.kb_id in strings:
                    doc_bin.strings.add(span.kb_id_)
                if span.id in strings:
                    doc_bin.strings.add(span.id_)
        if store_user_data:
            doc_bin.user_data.append(srsly.msgpack_dumps(doc.user_data))
    return doc_bin
