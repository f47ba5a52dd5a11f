"""The error a chat request raises: :class:`ChatError`, when the server cannot give an answer.

::

    WeaklabelError
    └── ChatError (RuntimeError)    the server refused the request, was unreachable, kept failing
                                    after the retries, or answered with another model

Its message names the URL, the last status or reason and the way out; it never holds the API key.
"""

from __future__ import annotations

from weaklabel.exceptions import WeaklabelError

__all__ = ["ChatError"]


class ChatError(WeaklabelError, RuntimeError):
    """A chat-completions request failed: refused, unreachable, out of retries or the wrong model.

    Examples
    --------
    >>> from weaklabel._lfs.chat import ChatError
    >>> from weaklabel.exceptions import WeaklabelError
    >>> issubclass(ChatError, WeaklabelError) and issubclass(ChatError, RuntimeError)
    True
    """
