"""Guidelines as text: Markdown for people and files, HTML for Label Studio's instructions.

Texts, row ids, class and LF names are untrusted data: in Markdown every character that could
start markup (``*``, ``_``, ``<``, ``[``, ``&``, ...) is backslash-escaped; in HTML everything is
escaped with :func:`html.escape`. Class descriptions are the LF author's own words: the Markdown
keeps them as written (they may use Markdown), the HTML escapes them too.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

__all__ = ["Case", "ClassPart", "escape_markdown", "render_html", "render_markdown"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")

_INTRO = (
    "Choose the one class that fits each text. Each class comes with its description and clear "
    "examples: rows the model is most sure of, on which no two labeling functions disagree. Then "
    "come hard cases, where the labeling functions conflict: label them by the descriptions, not "
    "by the model's lean. The examples were picked automatically; read them critically."
)
_NO_DESCRIPTION = "No description yet (an LF file can give one in CLASS_DESCRIPTIONS)."
_NO_EXAMPLE = "No clear example: no row gets this class without a conflict between the LFs."
_NO_HARD = "No row where the labeling functions disagree."
_HARD = "The labeling functions disagree on these rows; the model is least sure of the first."


@dataclass(frozen=True)
class Case:
    """One example row: its shortened text, id and the model's confidence (and, for hard cases,
    the model's class and the LFs that voted for each class)."""

    text: str
    row_id: str
    confidence: float
    label: str = ""
    voters: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassPart:
    """A class: its name, description and clear examples."""

    name: str
    description: str | None
    examples: list[Case]


def escape_markdown(text: str) -> str:
    r"""``text`` with Markdown's special characters backslash-escaped.

    Examples
    --------
    >>> from weaklabel.labelstudio._render import escape_markdown
    >>> print(escape_markdown("*win* <b>$$$</b> [here](x.io)"))
    \*win\* \<b\>$$$\</b\> \[here\](x.io)
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(title: str, parts: list[ClassPart], hard: list[Case]) -> str:
    """The guidelines as Markdown."""
    md = escape_markdown
    lines = [f"# {md(title)}", "", _INTRO, "", "## Classes", ""]
    for part in parts:
        lines += [f"### {md(part.name)}", "", part.description or f"_{_NO_DESCRIPTION}_", ""]
        if part.examples:
            lines += ["Clear examples:", ""]
            lines += [
                f'- "{md(c.text)}" (row {md(c.row_id)}; model confidence {c.confidence:.2f})'
                for c in part.examples
            ]
        else:
            lines.append(f"_{_NO_EXAMPLE}_")
        lines.append("")
    lines += ["## Hard cases", ""]
    if hard:
        lines += [_HARD, ""]
        for c in hard:
            voters = "; ".join(
                f"{md(name)}: {', '.join(md(lf) for lf in _shown(lfs))}"
                for name, lfs in c.voters.items()
            )
            lines.append(
                f'- "{md(c.text)}" (row {md(c.row_id)}): {voters}. The model leans to '
                f"{md(c.label)} ({c.confidence:.2f})."
            )
    else:
        lines.append(f"_{_NO_HARD}_")
    return "\n".join(lines) + "\n"


def render_html(title: str, parts: list[ClassPart], hard: list[Case]) -> str:
    """The guidelines as HTML, for Label Studio's labeling instructions."""
    e = html.escape
    out = [f"<h2>{e(title)}</h2>", f"<p>{e(_INTRO)}</p>", "<h3>Classes</h3>"]
    for part in parts:
        out.append(f"<h4>{e(part.name)}</h4>")
        if part.description:
            out.append(f"<p>{e(part.description)}</p>")
        else:
            out.append(f"<p><em>{e(_NO_DESCRIPTION)}</em></p>")
        if part.examples:
            out.append("<p>Clear examples:</p>")
            out.append("<ul>")
            out += [
                f"<li>&ldquo;{e(c.text)}&rdquo; <small>(row {e(c.row_id)}; model confidence "
                f"{c.confidence:.2f})</small></li>"
                for c in part.examples
            ]
            out.append("</ul>")
        else:
            out.append(f"<p><em>{e(_NO_EXAMPLE)}</em></p>")
    out.append("<h3>Hard cases</h3>")
    if hard:
        out += [f"<p>{e(_HARD)}</p>", "<ul>"]
        for c in hard:
            voters = "; ".join(
                f"{e(name)}: {', '.join(e(lf) for lf in _shown(lfs))}"
                for name, lfs in c.voters.items()
            )
            out.append(
                f"<li>&ldquo;{e(c.text)}&rdquo; <small>(row {e(c.row_id)}): {voters}. The model "
                f"leans to {e(c.label)} ({c.confidence:.2f}).</small></li>"
            )
        out.append("</ul>")
    else:
        out.append(f"<p><em>{e(_NO_HARD)}</em></p>")
    return "\n".join(out) + "\n"


def _shown(lfs: list[str]) -> list[str]:
    """At most five LF names, then how many more."""
    return lfs[:5] + ([f"and {len(lfs) - 5} more"] if len(lfs) > 5 else [])
