"""The quote structure of a CSV file, checked before pandas reads it.

pandas reads a field whose quote is never closed, or is closed and followed by more text, without
a word: it runs on to the next quote, so several rows silently become one field. This module finds
such a quote and names the line it opens on.

The rules (RFC 4180, as pandas and Python's ``csv`` read it with ``doublequote=True``): a field
that *starts* with ``"`` is quoted; inside it a quote is written ``""``; its closing quote is
followed by a comma, a line break or the end of the file. A quote anywhere else (``ab"c``) is an
ordinary character. A quoted field may span lines.

The check is a pair of regular expressions, run over the file in chunks of 4 MB so that memory
stays bounded, on the raw bytes when the encoding writes ``"``, ``,`` and line breaks as single
ASCII bytes that no other character uses (UTF-8, Latin-1, ...), else on decoded text. On a 1M-row
CSV (68 MB) it takes ~0.09 s (0.14 s on decoded text), against ~0.07 s for pandas' parse.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any, Final

from weaklabel.exceptions import DataError

__all__ = ["check_quotes"]

_CHUNK: Final = 1 << 22  # bytes (or characters) read at a time

#: a quoted field: "...", with "" for a quote inside (possessive: the grammar never backtracks)
_QUOTED_FIELD: Final = r'"[^"]*+(?:""[^"]*+)*+"'

#: what lies between quotes is always fine; each quote either opens a field (after a comma or a
#: line break) that closes and is followed by a comma or a line break, or is an ordinary character
#: inside an unquoted field
_SEGMENTS: Final = rf'(?:[^"]*+(?:(?<=[,\r\n]){_QUOTED_FIELD}[,\r\n]|(?<![,\r\n])"))*+'

#: (segments, quoted field) for decoded text and for raw bytes
_PATTERNS: Final[dict[type, tuple[Any, Any]]] = {
    str: (re.compile(_SEGMENTS), re.compile(_QUOTED_FIELD)),
    bytes: (re.compile(_SEGMENTS.encode()), re.compile(_QUOTED_FIELD.encode())),
}

#: codecs whose bytes 0x22 (") 0x2C (,) 0x0A 0x0D stand only for those characters
_BYTE_SAFE: Final = re.compile(r"utf-8(-sig)?|ascii|latin-1|iso8859-\d+|cp125\d")

_FIX: Final = 'Close the quote, or write a quote inside a quoted field as two quotes ("").'


def check_quotes(path: Path, encoding: str, *, chunk_size: int = _CHUNK) -> None:
    """Raise a :class:`~weaklabel.DataError` naming the line of the first malformed quote.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from weaklabel._io.quotes import check_quotes
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = path.write_text('id,text\\n1,"great song\\n2,"buy now",spam\\n')
    >>> check_quotes(path, "utf-8")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.DataError: ...d.csv, line 2: malformed quotes: the quote that opens a
    field here is not closed on this line, so lines 2-3 would be read as one field (the quote that
    ends it, on line 3, is followed by 'b', not by a comma or a line break). Close the quote, or
    write a quote inside a quoted field as two quotes (""). A quoted field may span lines only
    when it is closed properly.
    """
    raw = _BYTE_SAFE.fullmatch(codecs.lookup(encoding).name) is not None
    segments, quoted = _PATTERNS[bytes if raw else str]
    quote, newline, bom = (b'"', b"\n", codecs.BOM_UTF8) if raw else ('"', "\n", "\ufeff")
    # A virtual line break before the file makes its first character a field start; ``line``
    # counts the line breaks before ``text`` (the virtual one makes the first line line 1).
    line, carry, first = 0, newline, True
    handle: Any
    with path.open("rb") if raw else path.open(encoding=encoding, newline="") as handle:
        while True:
            chunk = handle.read(chunk_size)
            if first and chunk.startswith(bom):
                chunk = chunk[len(bom) :]  # a byte order mark is not part of the first field
            first = False
            text = carry + chunk
            end_of_file = not chunk
            start = segments.match(text).end()
            opening = text.find(quote, start)  # a quote at a field start that did not close well
            if opening == -1:
                if end_of_file:
                    return
                keep = len(text) - 1  # the last character decides whether a quote opens a field
            else:
                field = quoted.match(text, opening)
                if field is not None and field.end() < len(text):
                    raise _bad_close(path, text, line, opening, field.end(), encoding)
                if end_of_file:
                    if field is None:
                        raise _never_closed(path, line + text.count(newline, 0, opening))
                    return  # the last field, closed at the end of the file
                keep = opening - 1  # not closed yet, or closed at the chunk's end: read more
            line += text.count(newline, 0, keep)
            carry = text[keep:]


def _bad_close(
    path: Path, text: Any, line: int, opening: int, after: int, encoding: str
) -> DataError:
    newline = "\n" if isinstance(text, str) else b"\n"
    first = line + text.count(newline, 0, opening)
    last = first + text.count(newline, opening, after)
    follows = text[after : after + 4]
    if isinstance(follows, bytes):
        follows = follows.decode(encoding, errors="ignore") or follows[:1].decode("latin-1")
    found = repr(follows[:1])
    if first == last:
        where = (
            f"the quoted field that starts here ends with a quote followed by {found}, not by a "
            "comma or a line break."
        )
    else:
        where = (
            f"the quote that opens a field here is not closed on this line, so lines "
            f"{first}-{last} would be read as one field (the quote that ends it, on line {last}, "
            f"is followed by {found}, not by a comma or a line break)."
        )
    return DataError(
        f"{path}, line {first}: malformed quotes: {where} {_FIX} A quoted field may span lines "
        "only when it is closed properly."
    )


def _never_closed(path: Path, line: int) -> DataError:
    return DataError(
        f"{path}, line {line}: malformed quotes: the quote that opens a field here is never "
        f"closed, so the rest of the file would be read as one field. {_FIX}"
    )
