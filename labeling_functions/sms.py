r"""Labeling functions for SMS spam, written from what spam text messages look like.

SMS spam sells: it announces prizes and free offers, asks the reader to text a keyword to a short
code or to call a premium-rate number, quotes prices per message and the legal small print (T&Cs,
PO boxes, "reply STOP"), and hurries the reader. Ham is chat between people who know each other:
short, casual, full of "ok", "lol" and "sorry", questions about where and when to meet, first-person
news. Each LF votes for one class or abstains; none of them looks at the gold labels.

Most LFs are vectorized builders (regular expressions in Arrow, no Python per row); four read the
tokens and entities of ``spacy.blank("en")`` plus an ``entity_ruler`` (no trained model, nothing
downloaded), and share one parse per chunk. Run them on the bundled data with::

    weaklabel run --data weaklabel/datasets/_data/sms_spam/spam.csv --encoding latin-1 \
        --text-column v2 --gold-column v1 --lfs labeling_functions/sms.py
"""

from __future__ import annotations

import spacy

from weaklabel import (
    LabelingFunction,
    entity_lf,
    keyword_lf,
    length_lf,
    pattern_lf,
    phrase_lf,
    regex_lf,
    spacy_preprocessor,
)

#: Class names, in class-index order; the only place they are defined.
CLASSES = ("ham", "spam")
HAM, SPAM = range(len(CLASSES))


def _described(lf: LabelingFunction, description: str) -> LabelingFunction:
    lf.description = description
    return lf


# -- the spaCy pipeline: tokens plus rule-based entities ----------------------------------------

_CURRENCY = ["£", "$", "€"]
_ENTITIES = [
    # "£500", "$ 20"; the bundled data shows the pound sign as "??", which spaCy splits in two
    {"label": "MONEY", "pattern": [{"ORTH": {"IN": _CURRENCY}}, {"LIKE_NUM": True}]},
    {"label": "MONEY", "pattern": [{"ORTH": "?"}, {"ORTH": "?"}, {"LIKE_NUM": True}]},
    {"label": "MONEY", "pattern": [{"LIKE_NUM": True}, {"LOWER": {"IN": ["pounds", "gbp"]}}]},
    # a run of five or more digits: a phone number or an SMS short code
    {"label": "PHONE", "pattern": [{"IS_DIGIT": True, "LENGTH": {">=": 5}}]},
]
_NLP = spacy.blank("en")
_NLP.add_pipe("entity_ruler").add_patterns(_ENTITIES)
_PARSE = spacy_preprocessor(_NLP, batch_size=512)

# -- word lists and token patterns ----------------------------------------------------------------

_PRIZE_WORDS = ["prize", "prizes", "winner", "claim", "awarded", "guaranteed", "congratulations",
                "voucher", "vouchers", "bonus", "you have won", "you've won", "u have won",
                "have been selected", "cash prize"]  # fmt: skip
_URGENT_WORDS = ["urgent", "immediately", "last chance", "final attempt", "2nd attempt",
                 "expires", "limited time", "act now", "don't miss", "today only"]  # fmt: skip
_REPLY_PATTERNS = [
    # "text WIN to 80086", "txt CLAIM 2 87121", "reply YES to 8007"
    [{"LOWER": {"IN": ["txt", "text", "send", "reply", "sms"]}},
     {"IS_ALPHA": True, "IS_UPPER": True}, {"LOWER": {"IN": ["to", "2", "on"]}, "OP": "?"},
     {"IS_DIGIT": True, "LENGTH": {">=": 4}}],
    # "call 09061701461", "call now 0800..."
    [{"LOWER": {"IN": ["call", "ring", "dial"]}},
     {"LOWER": {"IN": ["now", "free", "today", "on"]}, "OP": "?"},
     {"IS_DIGIT": True, "LENGTH": {">=": 5}}],
]  # fmt: skip
_CHAT_WORDS = ["lol", "haha", "hahaha", "hehe", "lor", "lar", "leh", "dun", "wat", "dunno",
               "gonna", "ok", "okay", "k", "yup", "yeah", "hmm", "btw", "nite", "gud"]  # fmt: skip
_AFFECTION_PHRASES = ["love you", "love u", "miss you", "miss u", "sorry", "take care",
                      "good night", "good morning", "sweet dreams", "my love", "dear"]  # fmt: skip

# -- spam -----------------------------------------------------------------------------------------

prize_claim = _described(
    keyword_lf("prize_claim", _PRIZE_WORDS, SPAM),
    "Prizes, awards and winners to claim: spam.",
)

free_offer = _described(
    regex_lf(
        "free_offer",
        r"\bFREE\b|(?i:\bfree ?(msg|entry|ringtones?|tones?|camera|phones?|video|nokia|mobile"
        r"|sms|texts?|txts?|calls?|gift|delivery|games?)\b|\b(for|4) free\b)",
        SPAM,
        case_sensitive=True,
    ),
    'A free offer ("FREE", "free entry", "free ringtone", "for free"): spam.',
)

web_link = _described(
    regex_lf("web_link", r"https?://|www\.|\.(com|co\.uk|net|biz|org)\b|\b\w+@\w+\.\w", SPAM),
    "A web address or an e-mail address: spam.",
)

service_terms = _described(
    regex_lf(
        "service_terms",
        r"\b\d+ ?p ?(/|per |a |pm\b|min\b)|\d+ppm\b|\bt ?& ?c|\bt ?cs\b|\bpo ?box"
        r"|\b1[68]\+|\bcustomer (service|care)|\bcost \S*\d|\bsubscription\b|\bcalls? cost",
        SPAM,
    ),
    "Premium-rate prices, T&Cs, PO boxes and age limits: spam.",
)

opt_out = _described(
    regex_lf(
        "opt_out",
        r"\b(reply|send|txt|text) stop\b|\bstop (to|2) (end|stop|opt|cancel|unsub)|\bopt ?out\b"
        r"|\bunsubscribe\b|\bstop\?? ?\d{3,}",
        SPAM,
    ),
    'Instructions to opt out ("reply STOP", "unsubscribe"): spam.',
)

urgency = _described(
    keyword_lf("urgency", _URGENT_WORDS, SPAM),
    "Hurrying the reader (urgent, last chance, expires): spam.",
)

money_amount = _described(
    entity_lf("money_amount", "MONEY", SPAM, nlp=_PARSE),
    "A sum of money (£500, 100 pounds): spam.",
)

phone_number = _described(
    entity_lf("phone_number", "PHONE", SPAM, nlp=_PARSE),
    "A phone number or short code (five digits or more): spam.",
)

reply_code = _described(
    pattern_lf("reply_code", _REPLY_PATTERNS, SPAM, nlp=_PARSE),
    'An instruction to text a keyword to a code or call a number ("text WIN to 80086"): spam.',
)

# -- ham ------------------------------------------------------------------------------------------

short_message = _described(
    length_lf("short_message", HAM, max=5),
    "Messages of five words or fewer are replies between friends: ham.",
)

casual_chat = _described(
    keyword_lf("casual_chat", _CHAT_WORDS, HAM),
    'Chat words and slang ("ok", "lol", "lor", "gonna"): ham.',
)

affection_apology = _described(
    phrase_lf("affection_apology", _AFFECTION_PHRASES, HAM, nlp=_PARSE),
    'Affection and apologies ("love you", "sorry", "good night"): ham.',
)

meeting_question = _described(
    regex_lf(
        "meeting_question",
        r"\b(where|when|what time) (are|r|do|did|will|shall|should|is) (you|u|we|ya)\b"
        r"|\b(are|r) (you|u) (coming|going|there|home|free|ok|done|at|in|still|awake|back)\b",
        HAM,
    ),
    'Questions about where and when to meet ("where are you", "r u coming"): ham.',
)

first_person = _described(
    regex_lf(
        "first_person",
        r"\bi('m| am| was|'ll| will| have|'ve| just| think| dont| don't| can't| cant| need"
        r"| got| told| thought| said| feel)\b",
        HAM,
    ),
    'The writer\'s own news ("I\'m", "I just", "I think"): ham.',
)
