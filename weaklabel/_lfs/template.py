"""Prompt templates: ``str.format`` text whose ``{field}`` placeholders are the example's columns.

A :class:`PromptTemplate` is checked when it is made (balanced braces, named fields only, no
format specs or conversions, at least one field); the columns it reads are checked against each
chunk (:meth:`PromptTemplate.check_columns`), since the data is not known before.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from weaklabel._core.params import closest, parameter_error

__all__ = ["PromptTemplate"]

_RULE = "a str.format template whose placeholders name the example's fields, e.g. 'Text: {text}'"


@dataclass(frozen=True)
class PromptTemplate:
    """A checked prompt template.

    Parameters
    ----------
    text : str
        The template; ``{{`` and ``}}`` stand for literal braces.
    fields : tuple of str
        The fields it reads, in order of first appearance.

    Examples
    --------
    >>> from weaklabel._lfs.template import PromptTemplate
    >>> t = PromptTemplate.parse("Title: {title}\\nBody: {text} {{json}}", owner="f")
    >>> t.fields
    ('title', 'text')
    >>> print(t.render({"title": "Hi", "text": "win a prize"}))
    Title: Hi
    Body: win a prize {json}
    >>> PromptTemplate.parse("Text: {0}", owner="f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'prompt' parameter of f must be ... Got 'Text: {0}'
    instead. The placeholder {0} is positional; name a field of the examples, e.g. {text}.
    """

    text: str
    fields: tuple[str, ...]

    @classmethod
    def parse(cls, text: object, *, owner: str) -> PromptTemplate:
        """Check ``text`` and find its fields, or raise a ParameterError naming ``prompt``."""
        if not isinstance(text, str) or not text.strip():
            raise parameter_error("prompt", owner, _RULE, text)
        try:
            parts = list(string.Formatter().parse(text))
        except ValueError as exc:
            hint = f"It is malformed ({exc}); write literal braces as {{{{ and }}}}."
            raise parameter_error("prompt", owner, _RULE, text, hint) from None
        fields: dict[str, None] = {}
        for _, name, spec, conversion in parts:
            if name is None:
                continue
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            if not name or name.isdigit():
                why = f"The placeholder {shown} is positional; name a field of the examples"
                raise parameter_error("prompt", owner, _RULE, text, f"{why}, e.g. {{text}}.")
            if conversion or spec:
                why = f"The placeholder {shown} has a conversion or format spec"
                hint = f"{why}; write just {{{name}}} (values are inserted as text)."
                raise parameter_error("prompt", owner, _RULE, text, hint)
            if "." in name or "[" in name:
                why = f"The placeholder {shown} reads an attribute or an item"
                hint = f"{why}; name a whole column, e.g. {{{name.split('.')[0].split('[')[0]}}}."
                raise parameter_error("prompt", owner, _RULE, text, hint)
            fields[name] = None
        if not fields:
            hint = "It has no placeholder, so every example would get the same prompt."
            raise parameter_error("prompt", owner, _RULE, text, hint)
        return cls(text, tuple(fields))

    def check_columns(self, columns: Iterable[object]) -> str | None:
        """None when every field is among ``columns``; else the end of a sentence saying which
        placeholder names no column, listing the columns and guessing the one meant."""
        names = [str(c) for c in columns]
        for field in self.fields:
            if field not in names:
                message = (
                    f"has the placeholder {{{field}}}, but the data has no column {field!r}; its "
                    f"columns are: {', '.join(names)}."
                )
                guess = closest(field, names)
                if guess is not None:
                    message += f" Did you mean {{{guess}}}?"
                return message
        return None

    def render(self, values: Mapping[Any, Any]) -> str:
        """The prompt for one example, each field's value inserted as text."""
        return self.text.format_map({f: str(values[f]) for f in self.fields})
