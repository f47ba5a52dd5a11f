"""The chat format: one conversation per row, as chat fine-tuning expects it.

Each row becomes ``{"messages": [system?, user, assistant]}``: the system message is the
``system`` prompt (left out when none is given), the user message is ``user_template`` filled with
the row's values (``{text}`` and any column of the original data; ``{{`` and ``}}`` are literal
braces), and the assistant message is the verbalizer's answer for the row's label (by default the
class name). Everything is checked before a row is written: a message may not be empty, every
placeholder must be known, every class needs an answer, and answers must differ (else the labels
could not be read back from the answers).
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from weaklabel.exceptions import DataError, ParameterError

__all__ = ["DEFAULT_TEMPLATE", "ChatFormat", "template_fields"]

#: The user message when no template is given: the row's text.
DEFAULT_TEMPLATE = "{text}"


def template_fields(template: str) -> list[str]:
    """The placeholders of ``template``, in order, each once."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ParameterError(
            f"The 'user_template' parameter of export must be a template with {{column}} "
            f"placeholders. Got {template!r} instead ({exc}); write a literal brace as {{{{ or "
            "}}."
        ) from None
    fields: list[str] = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or name.isdigit() or any(c in name for c in ".[]") or spec or conversion:
            raise ParameterError(
                f"The 'user_template' parameter of export must use plain {{column}} "
                f"placeholders. Got {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}} in {template!r}; name a column, without "
                "indexing or formatting."
            )
        if name not in fields:
            fields.append(name)
    return fields


class ChatFormat:
    """A checked system prompt, user template and verbalizer for the run's ``classes``."""

    def __init__(
        self,
        classes: Sequence[str],
        *,
        system: str | None,
        user_template: str | None,
        verbalizer: Mapping[str, str] | None,
    ) -> None:
        if system is not None and (not isinstance(system, str) or not system.strip()):
            raise ParameterError(
                f"The 'system' parameter of export must be a non-empty prompt or None. Got "
                f"{system!r} instead; leave it out to write no system message."
            )
        template = DEFAULT_TEMPLATE if user_template is None else user_template
        if not isinstance(template, str) or not template.strip():
            raise ParameterError(
                f"The 'user_template' parameter of export must be a non-empty template such as "
                f"'Is this spam? {{text}}'. Got {template!r} instead."
            )
        self.system = system
        self.template = template
        self.fields = template_fields(template)
        self.answers = _answers(classes, verbalizer)

    def data_columns(self) -> list[str]:
        """The placeholders that name columns of the original data (all but ``text``)."""
        return [f for f in self.fields if f != "text"]

    def check_columns(
        self, columns: Sequence[str], source: str, *, gold_column: str | None = None
    ) -> None:
        """Refuse a placeholder that is neither ``text`` nor a column of the data, or that is the
        run's gold column (which would put the answer in the prompt)."""
        if gold_column is not None and gold_column in self.data_columns():
            raise ParameterError(
                f"The 'user_template' parameter of export names the placeholder {{{gold_column}}}"
                f", the gold column of the run (--gold-column), kept only to score: it would put "
                "the answer in the prompt. Remove it from the template."
            )
        unknown = [f for f in self.data_columns() if f not in columns]
        if unknown:
            raise ParameterError(
                f"The 'user_template' parameter of export names the placeholder {{{unknown[0]}}}"
                f", which is not a column of {source}. Known: text, "
                f"{', '.join(dict.fromkeys(str(c) for c in columns if c != 'text'))}."
            )

    def messages(self, record: dict[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
        """The conversation of one row (``values``: its data cells, for the placeholders)."""
        fill = {**values, "text": record.get("text") or ""}
        user = self.template.format_map(fill)
        if not user.strip():
            raise DataError(
                f"Row {record['id']!r}: the user message is empty (the template {self.template!r} "
                "filled with its values); drop rows without text from the data, or put fixed "
                "words in --user-template."
            )
        messages = [] if self.system is None else [{"role": "system", "content": self.system}]
        messages.append({"role": "user", "content": user})
        messages.append({"role": "assistant", "content": self.answers[record["label"]]})
        return {"messages": messages}


def _answers(classes: Sequence[str], verbalizer: Mapping[str, str] | None) -> dict[str, str]:
    if verbalizer is None:
        return {c: c for c in classes}
    if not isinstance(verbalizer, Mapping):
        raise ParameterError(
            f"The 'verbalizer' parameter of export must map each class to its answer text. Got "
            f"{type(verbalizer).__name__} instead."
        )
    unknown = [c for c in verbalizer if c not in classes]
    if unknown:
        raise ParameterError(
            f"The 'verbalizer' parameter of export names {unknown[0]!r}, which is not a class of "
            f"the run. Classes: {', '.join(classes)}."
        )
    missing = [c for c in classes if c not in verbalizer]
    if missing:
        raise ParameterError(
            f"The 'verbalizer' parameter of export has no answer for the class {missing[0]!r}; "
            f"give every class one ({', '.join(classes)})."
        )
    empty = [c for c in classes if not isinstance(verbalizer[c], str) or not verbalizer[c].strip()]
    if empty:
        raise ParameterError(
            f"The 'verbalizer' parameter of export gives the class {empty[0]!r} the answer "
            f"{verbalizer[empty[0]]!r}; every answer must be non-empty text."
        )
    seen: dict[str, str] = {}
    for c in classes:
        answer = verbalizer[c]
        if answer in seen:
            raise ParameterError(
                f"The 'verbalizer' parameter of export gives the classes {seen[answer]!r} and "
                f"{c!r} the same answer {answer!r}; answers must differ, so that each label can "
                "be read back."
            )
        seen[answer] = c
    return dict(verbalizer.items())
