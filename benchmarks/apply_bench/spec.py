"""The LFs of the LF-application benchmark, defined once for weaklabel and for Snorkel.

* ``SPEC``: 20 text LFs (keywords, regular expressions, lengths) as data; ``row_rules()`` turns
  it into plain Python functions of a row ``x`` (``re`` and ``len`` over ``x.text``): the very
  same functions become Snorkel LFs in ``peers_apply.py`` and weaklabel row LFs in
  ``apply_bench.lfs``, while weaklabel's vectorized builders (``keyword_lf``, ``regex_lf``,
  ``length_lf``) are built from the same entries.
* ``SPACY_PATTERNS`` / ``SPACY_SPEC``: an EntityRuler on a blank English pipeline and 5 LFs that
  read its entities and the tokens; ``spacy_rules()`` gives them as Python functions of
  ``x.doc``.

Standard library only (spaCy inside the functions that need it): the peers' Python imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "ABSTAIN",
    "LF_NAMES",
    "SPACY_LF_NAMES",
    "SPACY_PATTERNS",
    "SPACY_SPEC",
    "SPEC",
    "build_spacy_pipeline",
    "python_pattern",
    "row_rules",
    "spacy_rules",
]

ABSTAIN = -1
CLASSES = ("ham", "spam")
HAM, SPAM = 0, 1

# -- the 20 text LFs, as data ---------------------------------------------------------------------
# keyword: whole words, any of them, case-insensitive (weaklabel's keyword_lf defaults).
# regex: searched anywhere; "case" = case-sensitive (regex_lf's default is case-insensitive).
# length: inclusive bounds, in words (whitespace-separated) or characters.

SPEC: tuple[dict[str, Any], ...] = (
    {"name": "kw_subscribe", "kind": "keyword", "label": SPAM,
     "words": ["subscribe", "subscribers", "sub", "subs"]},
    {"name": "kw_check_out", "kind": "keyword", "label": SPAM,
     "words": ["check out", "check it out", "check my", "check this"]},
    {"name": "kw_channel", "kind": "keyword", "label": SPAM,
     "words": ["my channel", "my videos", "my page", "channel"]},
    {"name": "kw_prize", "kind": "keyword", "label": SPAM,
     "words": ["free", "prize", "winner", "won", "claim", "award"]},
    {"name": "kw_call_txt", "kind": "keyword", "label": SPAM,
     "words": ["call", "txt", "text", "reply", "mobile", "stop"]},
    {"name": "kw_song", "kind": "keyword", "label": HAM,
     "words": ["song", "songs", "music", "voice", "dance"]},
    {"name": "kw_love", "kind": "keyword", "label": HAM,
     "words": ["love", "best", "awesome", "amazing", "beautiful"]},
    {"name": "kw_please", "kind": "keyword", "label": SPAM,
     "words": ["please", "plz", "pls", "help me"]},
    {"name": "kw_money", "kind": "keyword", "label": SPAM,
     "words": ["money", "cash", "earn", "income", "paypal", "bitcoin"]},
    {"name": "kw_chat", "kind": "keyword", "label": HAM,
     "words": ["lol", "haha", "ok", "home", "later", "sorry", "gonna"]},
    {"name": "rx_link", "kind": "regex", "label": SPAM, "pattern": r"https?://|www\.|\.com\b"},
    {"name": "rx_phone", "kind": "regex", "label": SPAM, "pattern": r"\b\d{5,}\b"},
    {"name": "rx_money", "kind": "regex", "label": SPAM, "pattern": r"[£$€]\s?\d+"},
    {"name": "rx_caps", "kind": "regex", "label": SPAM, "pattern": r"\b[A-Z]{4,}\b",
     "case": True},
    {"name": "rx_exclaim", "kind": "regex", "label": SPAM, "pattern": r"!{2,}"},
    {"name": "rx_emoticon", "kind": "regex", "label": HAM, "pattern": r"[:;]-?[)(dp]"},
    {"name": "len_few_words", "kind": "length", "label": HAM, "unit": "words", "max": 4},
    {"name": "len_many_words", "kind": "length", "label": SPAM, "unit": "words", "min": 40},
    {"name": "len_few_chars", "kind": "length", "label": HAM, "unit": "chars", "max": 20},
    {"name": "len_many_chars", "kind": "length", "label": SPAM, "unit": "chars", "min": 250},
)  # fmt: skip

LF_NAMES = tuple(entry["name"] for entry in SPEC)


def python_pattern(entry: dict[str, Any]) -> re.Pattern[str]:
    """The Python ``re`` pattern of a keyword or regex entry (what the builders give RE2)."""
    if entry["kind"] == "keyword":
        source = "|".join(rf"(?:\b{re.escape(w)}\b)" for w in entry["words"])
        return re.compile(source, re.IGNORECASE)
    return re.compile(entry["pattern"], 0 if entry.get("case") else re.IGNORECASE)


def _search_rule(search: Callable[[str], Any], label: int) -> Callable[[Any], int]:
    def rule(x: Any) -> int:
        return label if search(x.text) else ABSTAIN

    return rule


def _length_rule(unit: str, low: float, high: float, label: int) -> Callable[[Any], int]:
    if unit == "words":

        def rule(x: Any) -> int:
            return label if low <= len(x.text.split()) <= high else ABSTAIN

    else:

        def rule(x: Any) -> int:
            return label if low <= len(x.text) <= high else ABSTAIN

    return rule


def row_rules() -> list[tuple[str, Callable[[Any], int]]]:
    """``(name, f)`` per SPEC entry, with ``f(x)`` a plain Python LF reading ``x.text``."""
    rules = []
    for entry in SPEC:
        if entry["kind"] == "length":
            low = entry.get("min", float("-inf"))
            high = entry.get("max", float("inf"))
            rule = _length_rule(entry["unit"], low, high, entry["label"])
        else:
            rule = _search_rule(python_pattern(entry).search, entry["label"])
        rule.__name__ = entry["name"]
        rules.append((entry["name"], rule))
    return rules


# -- the spaCy LFs --------------------------------------------------------------------------------

#: EntityRuler patterns for a blank English pipeline.
SPACY_PATTERNS: tuple[dict[str, Any], ...] = (
    {"label": "MONEY", "pattern": [{"TEXT": {"REGEX": r"^[£$€]\d"}}]},
    {"label": "MONEY", "pattern": [{"LIKE_NUM": True},
                                   {"LOWER": {"IN": ["dollars", "pounds", "usd", "gbp"]}}]},
    {"label": "PHONE", "pattern": [{"TEXT": {"REGEX": r"^\+?\d{5,}$"}}]},
    {"label": "ARTIST", "pattern": [{"LOWER": {"IN": [
        "psy", "katy", "perry", "lmfao", "eminem", "rihanna", "shakira"]}}]},
    {"label": "ARTIST", "pattern": [{"LOWER": "katy"}, {"LOWER": "perry"}]},
)  # fmt: skip

#: The 5 spaCy LFs: three read entities, one a token attribute, one lower-cased token phrases.
SPACY_SPEC: tuple[dict[str, Any], ...] = (
    {"name": "ent_money", "kind": "entity", "entity": "MONEY", "label": SPAM},
    {"name": "ent_phone", "kind": "entity", "entity": "PHONE", "label": SPAM},
    {"name": "ent_artist", "kind": "entity", "entity": "ARTIST", "label": HAM},
    {"name": "tok_url", "kind": "pattern", "pattern": [{"LIKE_URL": True}], "label": SPAM},
    {"name": "phrase_promo", "kind": "phrase", "label": SPAM,
     "phrases": ["check out", "my channel", "subscribe", "free entry"]},
)  # fmt: skip

SPACY_LF_NAMES = tuple(entry["name"] for entry in SPACY_SPEC)


def build_spacy_pipeline() -> Any:
    """``spacy.blank("en")`` with an EntityRuler holding ``SPACY_PATTERNS``."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([dict(p) for p in SPACY_PATTERNS])
    return nlp


def spacy_rules(nlp: Any) -> list[tuple[str, Callable[[Any], int]]]:
    """``(name, f)`` per SPACY_SPEC entry, with ``f(x)`` a plain Python LF reading ``x.doc``."""
    rules = []
    for entry in SPACY_SPEC:
        label = entry["label"]
        if entry["kind"] == "entity":
            rule = _entity_rule(entry["entity"], label)
        elif entry["kind"] == "pattern":
            assert entry["pattern"] == [{"LIKE_URL": True}]

            def rule(x: Any, label: int = label) -> int:
                return label if any(t.like_url for t in x.doc) else ABSTAIN

        else:
            phrases = [tuple(t.lower_ for t in nlp.make_doc(p)) for p in entry["phrases"]]
            rule = _phrase_rule(phrases, label)
        rule.__name__ = entry["name"]
        rules.append((entry["name"], rule))
    return rules


def _entity_rule(entity: str, label: int) -> Callable[[Any], int]:
    def rule(x: Any) -> int:
        return label if any(e.label_ == entity for e in x.doc.ents) else ABSTAIN

    return rule


def _phrase_rule(phrases: list[tuple[str, ...]], label: int) -> Callable[[Any], int]:
    firsts = {p[0] for p in phrases}

    def rule(x: Any) -> int:
        words = [t.lower_ for t in x.doc]
        for i, w in enumerate(words):
            if w in firsts and any(tuple(words[i : i + len(p)]) == p for p in phrases):
                return label
        return ABSTAIN

    return rule
