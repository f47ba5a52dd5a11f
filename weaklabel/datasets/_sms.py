"""The SMS Spam Collection bundled with weaklabel (re-exported by :mod:`weaklabel.datasets`)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["SMS_SPAM_CLASSES", "load_sms_spam"]

#: Class names of the SMS spam data, in class-index order.
SMS_SPAM_CLASSES = ("ham", "spam")


def load_sms_spam() -> pd.DataFrame:
    """The SMS Spam Collection: 5,571 text messages with gold labels, 747 of them spam.

    Almeida, Gómez Hidalgo & Yamakami, "Contributions to the Study of SMS Spam Filtering: New
    Collection and Results", DocEng 2011 (UCI Machine Learning Repository); CC BY 4.0.

    Returns
    -------
    pandas.DataFrame
        One row per message, in the order of the source file, with columns

        - ``id``: ``"sms-<row>"``, e.g. ``"sms-0042"``; unique, whereas 280 messages appear more
          than once in the source (682 rows);
        - ``text``: the message as published (characters outside ASCII, such as the pound sign,
          appear as ``??``);
        - ``label``: the gold class name, ``"ham"`` or ``"spam"``.

    Examples
    --------
    >>> from weaklabel.datasets import load_sms_spam
    >>> df = load_sms_spam()
    >>> len(df), int((df["label"] == "spam").sum())
    (5571, 747)
    >>> df.loc[2, "text"][:37]
    'Burger King - Wanna play footy at a t'
    """
    path = resources.files("weaklabel.datasets") / "_data" / "sms_spam" / "spam.csv"
    with resources.as_file(path) as file:
        frame = pd.read_csv(
            file, encoding="latin-1", keep_default_na=False, dtype=str, usecols=["v1", "v2"]
        )
    return pd.DataFrame(
        {
            "id": [f"sms-{i:04d}" for i in range(len(frame))],
            "text": frame["v2"],
            "label": frame["v1"],
        }
    )
