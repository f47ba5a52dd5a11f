"""Datasets: the data bundled with weaklabel, and synthetic votes with known truth.

The synthetic generators each return ``(votes, truth)`` (``make_dependent_votes`` also the
planted pairs) and take a ``random_state``. ``make_votes`` and ``make_dependent_votes`` draw LFs
from given accuracies and coverages; the others draw the patterns real LF suites show, where a
label model may go wrong: a long keyword list over many classes (``make_keyword_votes``), a few
weak one-sided LFs (``make_one_sided_votes``), crowd workers (``make_crowd_votes``), near-copies
of a weak LF (``make_redundant_votes``) and an LF that fires at random (``make_random_lf_votes``).
"""

from weaklabel.datasets._confident import make_confidence_votes
from weaklabel.datasets._crowd import make_crowd_votes
from weaklabel.datasets._faulty import make_random_lf_votes, make_redundant_votes
from weaklabel.datasets._keywords import make_keyword_votes, make_one_sided_votes
from weaklabel.datasets._sms import SMS_SPAM_CLASSES, load_sms_spam
from weaklabel.datasets._synthetic import make_dependent_votes, make_votes
from weaklabel.datasets._youtube import YOUTUBE_SPAM_CLASSES, load_youtube_spam

__all__ = [
    "SMS_SPAM_CLASSES",
    "YOUTUBE_SPAM_CLASSES",
    "load_sms_spam",
    "load_youtube_spam",
    "make_confidence_votes",
    "make_crowd_votes",
    "make_dependent_votes",
    "make_keyword_votes",
    "make_one_sided_votes",
    "make_random_lf_votes",
    "make_redundant_votes",
    "make_votes",
]
