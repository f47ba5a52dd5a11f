"""Labeling functions for YouTube comment spam, written from what spam comments look like.

Spam on music videos advertises: it links away, asks for subscribers or views, points at the
author's own channel, or promises money. Ham talks about the song, the artist and the view count.
Each LF votes for one class or abstains; none of them looks at the gold labels.

Run them with ``weaklabel run`` (the demo) or ``weaklabel run --lfs labeling_functions/spam.py``.
"""

from __future__ import annotations

import re

from weaklabel import ABSTAIN, labeling_function

#: Class names, in class-index order; the only place they are defined.
CLASSES = ("ham", "spam")
HAM, SPAM = range(len(CLASSES))

#: What each class means, for the labeling guidelines (weaklabel.labelstudio.guidelines).
CLASS_DESCRIPTIONS = {
    "ham": "A comment about the video, the song or the artist, even when short or rude.",
    "spam": "A comment that advertises: links away, asks for subscribers, views or likes, "
    "promotes the author's own channel, or promises money or prizes.",
}

_LINK = re.compile(r"https?://|www\.|\.com\b|\.net\b|\.ly\b|\.co\b|bit\.ly", re.IGNORECASE)
_CHECK_OUT = re.compile(
    r"\bch[ae]ck(ing)?\s*(it|me|us|this)?\s*out\b|\bcheck my\b|\bcheck (this|it)\b", re.IGNORECASE
)
_SUBSCRIBE = re.compile(
    r"\bsu[bs]?c?scri\w*|\bsub(s|bed)?\b|\bsub 4 sub\b|\bsub4sub\b", re.IGNORECASE
)
_OWN_CHANNEL = re.compile(
    r"\bmy (channel|chanel|videos?|page|music|songs?|covers?|vids?|band|youtube|blog|site)\b"
    r"|\bour (channel|videos?|page|music|band)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"\b(free|money|earn|cash|dollars?|\$\d+|gift ?cards?|giveaway|win|prizes?|offer|"
    r"promo|discount|paypal|bitcoin|income|online job|make \$?\d+)\b",
    re.IGNORECASE,
)
_SOCIAL = re.compile(
    r"\b(facebook|instagram|twitter|snapchat|kik|follow me|follow 4 follow|like 4 like|l4l|f4f)\b",
    re.IGNORECASE,
)
_PLEASE_ACTION = re.compile(
    r"\bplease\b.*\b(like|share|subscribe|check|visit|view|help|support)\b"
    r"|\b(like|share|subscribe|check|visit|view|help|support)\b.*\bplease\b|\bplz\b|\bpls\b",
    re.IGNORECASE,
)
_SONG_PRAISE = re.compile(
    r"\b(love|like|luv) (this|the|that) (song|video|music|track)\b|\bbest song\b|\bgreat song\b"
    r"|\b(awesome|amazing|beautiful|perfect|catchy|legend(ary)?) (song|video|voice|music)\b"
    r"|\bi love (her|him|you|this|it)\b|\bso (good|beautiful|catchy|amazing)\b",
    re.IGNORECASE,
)
_VIEWS_TALK = re.compile(
    r"\b(billion|million|views?|viewed|viewers|20\d\d|years? (ago|later)|most (viewed|liked)"
    r"|who('?s| is) (still )?(here|watching|listening)|still (watching|listening))\b",
    re.IGNORECASE,
)
_THE_VIDEO = re.compile(
    r"\b(psy|gangnam|katy|perry|roar|lmfao|party rock|shuffl\w*|eminem|rihanna|shakira|waka)\b",
    re.IGNORECASE,
)
_LAUGH = re.compile(r"\b(lol|lmao|haha+|hahah\w*|xd|omg|wtf)\b", re.IGNORECASE)


@labeling_function()
def has_link(x):
    """A link or web address sends viewers away from the video: spam."""
    return SPAM if _LINK.search(x.text) else ABSTAIN


@labeling_function()
def check_out(x):
    """ "Check out ..." is how spammers advertise: spam."""
    return SPAM if _CHECK_OUT.search(x.text) else ABSTAIN


@labeling_function()
def asks_to_subscribe(x):
    """Asking for subscribers: spam."""
    return SPAM if _SUBSCRIBE.search(x.text) else ABSTAIN


@labeling_function()
def own_channel(x):
    """Pointing at the author's own channel, videos or music: spam."""
    return SPAM if _OWN_CHANNEL.search(x.text) else ABSTAIN


@labeling_function()
def money_offer(x):
    """Money, prizes and free offers: spam."""
    return SPAM if _MONEY.search(x.text) else ABSTAIN


@labeling_function()
def social_promotion(x):
    """Social-network handles and follow-for-follow: spam."""
    return SPAM if _SOCIAL.search(x.text) else ABSTAIN


@labeling_function()
def please_action(x):
    """Begging viewers to like, share or visit: spam."""
    return SPAM if _PLEASE_ACTION.search(x.text) else ABSTAIN


@labeling_function()
def short_comment(x):
    """Very short comments that promote nothing are reactions to the video: ham."""
    text = x.text.strip()
    promotes = _LINK.search(text) or _SUBSCRIBE.search(text) or _CHECK_OUT.search(text)
    return HAM if len(text.split()) <= 5 and not promotes else ABSTAIN


@labeling_function()
def song_praise(x):
    """Praise of the song, video or artist: ham."""
    return HAM if _SONG_PRAISE.search(x.text) else ABSTAIN


@labeling_function()
def talks_about_views(x):
    """Talk of view counts and years ("who is still watching in 2015"): ham."""
    return HAM if _VIEWS_TALK.search(x.text) and not _LINK.search(x.text) else ABSTAIN


@labeling_function()
def about_the_video(x):
    """Talk about the artist or the song by name, with no link: ham."""
    return HAM if _THE_VIDEO.search(x.text) and not _LINK.search(x.text) else ABSTAIN


@labeling_function()
def laughter(x):
    """Laughter and exclamations are reactions: ham."""
    return HAM if _LAUGH.search(x.text) else ABSTAIN
