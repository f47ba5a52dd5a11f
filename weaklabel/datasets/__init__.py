"""Datasets: the data bundled with weaklabel, and synthetic votes with known truth."""

from weaklabel.datasets._sms import SMS_SPAM_CLASSES, load_sms_spam
from weaklabel.datasets._synthetic import make_dependent_votes, make_votes
from weaklabel.datasets._youtube import YOUTUBE_SPAM_CLASSES, load_youtube_spam

__all__ = [
    "SMS_SPAM_CLASSES",
    "YOUTUBE_SPAM_CLASSES",
    "load_sms_spam",
    "load_youtube_spam",
    "make_dependent_votes",
    "make_votes",
]
