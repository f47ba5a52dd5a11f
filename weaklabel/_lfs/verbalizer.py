"""Reading a model's answer as a class: the words that name each class, and how sure the model was.

A :class:`Verbalizer` holds, for each class, the words or phrases that mean it (by default the
class's own name). :meth:`Verbalizer.read` finds them in an answer: case-insensitive, whole words
only, a longer phrase winning over a word inside it ("not spam" over "spam"); an answer that names
exactly one class votes for it, one that names none or several abstains.
:meth:`Verbalizer.confidence` turns the answer's log-probabilities into a confidence.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from weaklabel._core.params import closest, parameter_error
from weaklabel._votes.encoding import ABSTAIN

__all__ = ["MIN_CONFIDENCE", "Verbalizer", "class_index"]

#: The smallest confidence given; a confidence must be > 0.
MIN_CONFIDENCE = 1e-6


@dataclass(frozen=True)
class Verbalizer:
    """The words that name each class, checked: every class has some, no word has two classes.

    Examples
    --------
    >>> from weaklabel._lfs.verbalizer import Verbalizer
    >>> v = Verbalizer.build(["ham", "spam"], {"ham": ["ham", "not spam"], 1: "spam"}, owner="f")
    >>> v.read("Spam."), v.read("It is not spam"), v.read("spam or ham?"), v.read("no idea")
    (1, 0, -1, -1)
    >>> Verbalizer.build(["ham", "spam"], {"spma": ["junk"]}, owner="f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'verbalizer' parameter of f must be ... Got
    {'spma': ['junk']} instead. It names the class 'spma', which is not one of the classes
    'ham', 'spam'. Did you mean 'spam'?
    """

    classes: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]  # words[c]: the words of class c, as given
    # the phrases of every class, longest first, for matching (derived: not part of a fingerprint)
    _phrases: tuple[tuple[str, int], ...] = field(repr=False, compare=False, default=())
    _pattern: re.Pattern[str] | None = field(repr=False, compare=False, default=None)

    @classmethod
    def build(
        cls, classes: Sequence[str], verbalizer: Mapping[Any, Any] | None, *, owner: str
    ) -> Verbalizer:
        """Check ``verbalizer`` (class name or index -> words) against ``classes``."""
        names = tuple(classes)
        rule = (
            "a mapping from each class (its name or index) to the words or phrases that mean it, "
            "e.g. {'spam': ['spam', 'junk'], 'ham': ['ham', 'not spam']}, or None"
        )
        if verbalizer is None:
            verbalizer = {name: [name] for name in names}
        if not isinstance(verbalizer, Mapping):
            raise parameter_error("verbalizer", owner, rule, verbalizer)

        def fail(hint: str) -> None:
            raise parameter_error("verbalizer", owner, rule, verbalizer, hint)

        words: dict[int, tuple[str, ...]] = {}
        for key, value in verbalizer.items():
            index = class_index(key, names)
            if index is None:
                guess = closest(str(key), names) if isinstance(key, str) else None
                known = ", ".join(map(repr, names))
                fail(
                    f"It names the class {key!r}, which is not one of the classes {known}."
                    + (f" Did you mean {guess!r}?" if guess else "")
                )
                raise AssertionError("unreachable")
            if index in words:
                fail(f"It gives the class {names[index]!r} twice (by name and by index).")
            given = [value] if isinstance(value, str) else value
            if (
                isinstance(given, Mapping)
                or not isinstance(given, Sequence)
                or not given
                or not all(isinstance(w, str) and w.strip() for w in given)
            ):
                fail(f"The words of the class {names[index]!r} must be a non-empty list of words.")
            words[index] = tuple(" ".join(w.split()) for w in given)
        missing = [names[c] for c in range(len(names)) if c not in words]
        if missing:
            fail(f"It gives no words for the class(es) {', '.join(map(repr, missing))}.")
        owners: dict[str, int] = {}
        for c in sorted(words):
            for word in words[c]:
                other = owners.setdefault(word.lower(), c)
                if other != c:
                    fail(
                        f"It gives the word {word!r} to two classes, {names[other]!r} and "
                        f"{names[c]!r}; give each word to one class."
                    )
        ordered = tuple(words[c] for c in range(len(names)))
        return cls(names, ordered, *_matcher(ordered))

    def read(self, text: str) -> int:
        """The class the answer ``text`` names, or ``ABSTAIN`` when it names none or several."""
        assert self._pattern is not None
        owner = dict(self._phrases)
        named = {owner[" ".join(m.group(0).lower().split())] for m in self._pattern.finditer(text)}
        return named.pop() if len(named) == 1 else ABSTAIN

    def first_word(self, index: int) -> str:
        """The word that answers for class ``index`` in a few-shot example."""
        return self.words[index][0]

    def token_class(self, token: str) -> int | None:
        """The class a token starts to name: its letters (lowercased, without spaces and
        punctuation) begin a word of exactly one class; else None."""
        core = re.sub(r"[\W_]+", "", token.lower())
        if not core:
            return None
        found = {c for phrase, c in self._phrases if re.sub(r"[\W_]+", "", phrase).startswith(core)}
        return found.pop() if len(found) == 1 else None

    def confidence(
        self,
        vote: int,
        logprobs: Sequence[tuple[str, float]],
        top: Sequence[Sequence[tuple[str, float]]] | None,
    ) -> float:
        """How sure the model was of ``vote``, from the log-probabilities of its answer.

        At the first answer token that starts a class word: the probability mass of the tokens
        among its top alternatives that start a word of ``vote``, over that of the alternatives
        that start a word of any class. Without alternatives there, the probability of that token.
        When no answer token starts a class word, the probability of the whole answer. Clipped
        into ``[MIN_CONFIDENCE, 1]``.
        """
        for i, (token, logprob) in enumerate(logprobs):
            if self.token_class(token) is None:
                continue
            alternatives = top[i] if top is not None and i < len(top) else []
            mass = [0.0] * len(self.classes)
            for alternative, lp in dict(alternatives).items():
                c = self.token_class(alternative)
                if c is not None:
                    mass[c] += math.exp(lp)
            total = sum(mass)
            p = mass[vote] / total if total > 0 and mass[vote] > 0 else math.exp(logprob)
            return _clip(p)
        return _clip(math.exp(sum(lp for _, lp in logprobs)))


def class_index(key: object, names: tuple[str, ...]) -> int | None:
    """The index of the class ``key`` names (by name or index) among ``names``, or None."""
    if isinstance(key, str):
        return names.index(key) if key in names else None
    if isinstance(key, numbers.Integral) and not isinstance(key, bool):
        return int(key) if 0 <= int(key) < len(names) else None
    return None


def _matcher(
    words: tuple[tuple[str, ...], ...],
) -> tuple[tuple[tuple[str, int], ...], re.Pattern[str]]:
    phrases = sorted(
        ((w.lower(), c) for c, ws in enumerate(words) for w in ws), key=lambda p: -len(p[0])
    )
    # whole words: no word character just before or after; spaces inside a phrase match any run
    alternatives = [r"\s+".join(map(re.escape, p.split())) for p, _ in phrases]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
    return tuple(phrases), pattern


def _clip(p: float) -> float:
    return min(max(p, MIN_CONFIDENCE), 1.0) if math.isfinite(p) else MIN_CONFIDENCE
