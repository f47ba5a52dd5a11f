"""Tiny text sets with known classes for the end model's tests (no files, no ../shared)."""

from __future__ import annotations

import numpy as np
import pytest

SPAM_WORDS = ["free", "prize", "win", "click", "subscribe", "channel", "money", "offer", "cash"]
HAM_WORDS = ["love", "song", "great", "video", "beautiful", "voice", "music", "lyrics", "dance"]
COMMON = ["the", "this", "is", "my", "and", "you", "so", "here", "now", "just"]


def make_texts(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """``n`` short texts, class 1 (spam) or 0 (ham), each with 3 words of its class and 3
    common words, shuffled; and their classes."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    texts = []
    for label in labels.tolist():
        own = rng.choice(SPAM_WORDS if label else HAM_WORDS, 3).tolist()
        words = own + rng.choice(COMMON, 3).tolist()
        texts.append(" ".join(rng.permutation(words).tolist()))
    return texts, labels


def soft_labels(labels: np.ndarray, seed: int = 0, covered: float = 0.6) -> np.ndarray:
    """Label-model-like probabilities: 0.85 on the true class for a ``covered`` share of rows,
    uniform (no votes) for the others."""
    rng = np.random.default_rng(seed)
    probs = np.full((len(labels), 2), 0.5)
    hit = rng.random(len(labels)) < covered
    probs[hit] = 0.15
    probs[hit, labels[hit]] = 0.85
    return probs


@pytest.fixture
def small_set() -> tuple[list[str], np.ndarray, np.ndarray]:
    texts, labels = make_texts(200)
    return texts, soft_labels(labels), labels
