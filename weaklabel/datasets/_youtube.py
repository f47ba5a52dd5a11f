"""The YouTube Spam Collection, bundled (CC BY 4.0)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["YOUTUBE_SPAM_CLASSES", "load_youtube_spam"]

#: Class names of the YouTube spam data, in class-index order.
YOUTUBE_SPAM_CLASSES = ("ham", "spam")

_YOUTUBE_FILES = (
    "Youtube01-Psy.csv",
    "Youtube02-KatyPerry.csv",
    "Youtube03-LMFAO.csv",
    "Youtube04-Eminem.csv",
    "Youtube05-Shakira.csv",
)


def load_youtube_spam() -> pd.DataFrame:
    """The YouTube Spam Collection: 1,956 comments on five music videos, with gold labels.

    Alberto, Lochter & Almeida, "TubeSpam: Comment Spam Filtering on YouTube", ICMLA 2015 (UCI
    Machine Learning Repository); CC BY 4.0.

    Returns
    -------
    pandas.DataFrame
        One row per comment, in the order of the source files, with columns

        - ``id``: ``"<video>-<row in its file>"``, e.g. ``"Psy-0007"``; unique, whereas three
          comments appear twice in the source under the same comment id;
        - ``comment_id``, ``author``, ``date``: as published;
        - ``text``: the comment as published, HTML entities included;
        - ``label``: the gold class name, ``"ham"`` or ``"spam"``;
        - ``video``: which of the five videos (Psy, KatyPerry, LMFAO, Eminem, Shakira).

    Examples
    --------
    >>> from weaklabel.datasets import load_youtube_spam
    >>> df = load_youtube_spam()
    >>> len(df), int((df["label"] == "spam").sum())
    (1956, 1005)
    """
    package = resources.files("weaklabel.datasets") / "_data" / "youtube_spam"
    frames = []
    for name in _YOUTUBE_FILES:
        with resources.as_file(package / name) as path:
            frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False, dtype=str)
        video = name.removesuffix(".csv").split("-", 1)[1]
        frame["video"] = video
        frame["id"] = [f"{video}-{i:04d}" for i in range(len(frame))]
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    data = data.rename(
        columns={"COMMENT_ID": "comment_id", "AUTHOR": "author", "DATE": "date", "CONTENT": "text"}
    )
    data["label"] = data.pop("CLASS").astype(int).map(dict(enumerate(YOUTUBE_SPAM_CLASSES)))
    return data[["id", "comment_id", "author", "date", "text", "label", "video"]]
