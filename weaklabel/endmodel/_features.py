"""The end model's text features: TF-IDF of word and character n-grams.

Each *block* turns texts into one sparse row per text: n-gram counts (lowercased) ``c`` become
``1 + log(c)`` (sublinear tf), are multiplied by the block's idf and scaled to unit length. The
default blocks are word 1-2 grams and ``char_wb`` 2-5 grams (character n-grams inside word
boundaries: they catch misspellings, URLs, numbers and obfuscated spam words that whole words
miss). The blocks are laid side by side.

A block is either *learned* (a vocabulary of the n-grams in at least ``min_df`` texts, with
``idf = log((1 + n) / (1 + df)) + 1``, scikit-learn's smoothed idf), or *hashed* into
``n_features`` buckets (scikit-learn's HashingVectorizer: no vocabulary, so it needs no pass over
the data first and its memory does not grow with the data; no idf). The in-memory fit learns its
blocks; the streaming fit hashes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import scipy.sparse as sp

from weaklabel._core.optional import import_optional

__all__ = ["ANALYZERS", "Block", "TextFeatures", "sklearn"]

#: The n-gram kinds a block may count, by scikit-learn's analyzer names.
ANALYZERS = ("word", "char_wb")


def sklearn(submodule: str) -> ModuleType:
    """``sklearn.<submodule>``, or a MissingDependencyError naming the ``endmodel`` extra."""
    import_optional("sklearn", extra="endmodel", purpose="The end model")
    return import_optional(f"sklearn.{submodule}", extra="endmodel", purpose="The end model")


@dataclass
class Block:
    """One kind of n-gram: learned (``vocabulary`` and ``idf``) or hashed (both None)."""

    analyzer: str
    ngram_range: tuple[int, int]
    n_features: int
    vocabulary: list[str] | None = None
    idf: np.ndarray | None = None
    _vectorizer: Any = field(default=None, repr=False, compare=False)

    @property
    def hashed(self) -> bool:
        return self.vocabulary is None

    def counts(self, texts: list[str]) -> sp.csr_matrix:
        """n-gram counts, one row per text."""
        if self.n_features == 0:  # nothing was frequent enough to learn
            return sp.csr_matrix((len(texts), 0))
        if self._vectorizer is None:
            text = sklearn("feature_extraction.text")
            settings = {"analyzer": self.analyzer, "ngram_range": self.ngram_range}
            if self.hashed:
                self._vectorizer = text.HashingVectorizer(
                    n_features=self.n_features, alternate_sign=False, norm=None, **settings
                )
            else:
                self._vectorizer = text.CountVectorizer(vocabulary=self.vocabulary, **settings)
        counts: sp.csr_matrix = self._vectorizer.transform(texts)
        return counts

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """The block's features of ``texts`` (see :meth:`weigh`)."""
        return self.weigh(self.counts(texts))

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf x idf, each row scaled to unit length (rows without n-grams stay 0)."""
        matrix = sp.csr_matrix(counts, dtype=np.float64)
        matrix.data = 1.0 + np.log(matrix.data)
        if self.idf is not None:
            matrix.data *= self.idf[matrix.indices]
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
        matrix.data /= norms[rows]  # a row with n-grams has a norm > 0
        return matrix


@dataclass
class TextFeatures:
    """The blocks of features, side by side."""

    blocks: list[Block]

    @property
    def n_features(self) -> int:
        return sum(block.n_features for block in self.blocks)

    @property
    def hashed(self) -> bool:
        return all(block.hashed for block in self.blocks)

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """The feature matrix of ``texts``: sparse, one row per text."""
        return sp.hstack([b.transform(texts) for b in self.blocks], format="csr", dtype=np.float64)

    @classmethod
    def learn(
        cls,
        texts: list[str],
        *,
        word_ngrams: tuple[int, int] | None,
        char_ngrams: tuple[int, int] | None,
        min_df: int,
    ) -> tuple[TextFeatures, sp.csr_matrix]:
        """Learn each block's vocabulary (n-grams in ``min_df`` texts or more) and idf; the
        features and the matrix of ``texts`` (counted once)."""
        text = sklearn("feature_extraction.text")
        blocks, matrices = [], []
        for analyzer, ngram_range in _kinds(word_ngrams, char_ngrams):
            counter = text.CountVectorizer(
                analyzer=analyzer, ngram_range=ngram_range, min_df=min(min_df, len(texts))
            )
            try:
                counts = sp.csr_matrix(counter.fit_transform(texts))
            except ValueError:  # no n-gram at all (empty texts) or none frequent enough
                blocks.append(Block(analyzer, ngram_range, 0, [], np.zeros(0)))
                matrices.append(sp.csr_matrix((len(texts), 0)))
                continue
            df = np.bincount(counts.indices, minlength=counts.shape[1])
            idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
            vocabulary = counter.get_feature_names_out().tolist()
            block = Block(analyzer, ngram_range, len(vocabulary), vocabulary, idf)
            blocks.append(block)
            matrices.append(block.weigh(counts))
        return cls(blocks), sp.hstack(matrices, format="csr", dtype=np.float64)

    @classmethod
    def hashing(
        cls,
        *,
        word_ngrams: tuple[int, int] | None,
        char_ngrams: tuple[int, int] | None,
        n_features: int,
    ) -> TextFeatures:
        """Hashed blocks of ``n_features`` buckets each (nothing to learn)."""
        kinds = _kinds(word_ngrams, char_ngrams)
        return cls([Block(analyzer, ngrams, n_features) for analyzer, ngrams in kinds])


def _kinds(
    word_ngrams: tuple[int, int] | None, char_ngrams: tuple[int, int] | None
) -> list[tuple[str, tuple[int, int]]]:
    kinds = []
    if word_ngrams is not None:
        kinds.append(("word", (int(word_ngrams[0]), int(word_ngrams[1]))))
    if char_ngrams is not None:
        kinds.append(("char_wb", (int(char_ngrams[0]), int(char_ngrams[1]))))
    return kinds
