"""Fingerprints of labeling functions: what decides their votes, as named parts with digests.

An LF's fingerprint is a mapping of named parts to tokens (:mod:`weaklabel._apply.tokens`):

- ``code``, ``default argument 'x'``, ``closure variable 'x'``, ``attribute 'x'`` and
  ``global 'X'`` (each global its code loads; ``global 'helpers.clean'`` for an attribute chain
  into the user's module) for an LF written as a function; ``global 'W' (read by clean)`` for each
  global that the helpers it reaches read, transitively;
- ``class`` and ``field 'x'`` for a builder's rule (a dataclass) or the user's callable object;
- ``resource 'x'`` and ``preprocessor 'name'`` (its function, followed the same way, or the spaCy
  pipeline's identity and its column and field);
- ``source file '/path/my_lfs.py'``: the digest of the file the LF's function was defined in, when
  it is the user's file, so that any edit to it counts.

Parts that cannot be fingerprinted are listed apart: a checkpoint with such an LF can be written
but not resumed.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Sequence
from typing import Any

from weaklabel._apply.origin import module_file
from weaklabel._apply.tokens import Fingerprinter, Unfingerprintable
from weaklabel._core.digest import digest
from weaklabel._lfs.lf import LabelingFunction

__all__ = ["describe_change", "describe_unstable", "fingerprint_lfs"]

_SOURCE = "source file "


def fingerprint_lfs(
    lfs: Sequence[LabelingFunction],
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The fingerprint of each LF (``name``, ``vectorized``, ``parts``), and the parts that cannot
    be fingerprinted (``lf``, ``part``, ``type``, ``at``: the path to the culprit, ``reason``)."""
    printer = Fingerprinter()
    sources: dict[str, str] = {}
    entries, unstable = [], []
    for lf in lfs:
        parts: dict[str, str] = {}
        reads: dict[str, str] = {}
        for label, value in _items(printer, lf):
            try:
                parts[label] = printer.part(value, reads)
            except Unfingerprintable as exc:
                parts[label] = "unfingerprintable " + exc.type_name
                at = _named(label) + "".join(exc.path) if exc.path else ""
                unstable.append(
                    {"lf": lf.name, "part": label, "type": exc.type_name, "at": at}
                    | {"reason": exc.reason}
                )
        for label, token in reads.items():
            parts.setdefault(label, token)
        source = _source(lf, sources)
        if source is not None:
            parts[_SOURCE + repr(source[0])] = source[1]
        entries.append({"name": lf.name, "vectorized": lf.vectorized, "parts": parts})
    return entries, unstable


def _items(printer: Fingerprinter, lf: LabelingFunction) -> list[tuple[str, Any]]:
    func = lf.func
    if isinstance(func, types.FunctionType):
        items = printer.function_items(func, full=True)  # the LF itself is the user's
    else:
        items = printer.object_items(func) or [("function", func)]
    items += [(f"resource {k!r}", v) for k, v in sorted(lf.resources.items())]
    seen: set[str] = set()
    for i, p in enumerate(lf.pre):
        label = f"preprocessor {p.name!r}" + (f" #{i}" if p.name in seen else "")
        seen.add(p.name)
        items.append((label, p.func))
        items += [(f"{label} resource {k!r}", v) for k, v in sorted(p.resources.items())]
        items += [(f"{label} (batch)", True)] if p.batch else []
    return items


def _source(lf: LabelingFunction, cache: dict[str, str]) -> tuple[str, str] | None:
    """The file that defines the LF's function, and the digest of its text."""
    module = sys.modules.get(str(getattr(lf.func, "__module__", "")))
    path = module_file(module, installed=isinstance(lf.func, types.FunctionType))
    if path is None:
        return None
    key = str(path)
    if key not in cache:
        try:
            cache[key] = digest(path.read_bytes())
        except OSError:
            cache[key] = "unreadable"
    return key, cache[key]


def describe_change(before: Any, after: list[dict[str, Any]]) -> str:
    """What differs between two lists of LF fingerprints, for an error message."""
    old = (
        {e.get("name"): e for e in before if isinstance(e, dict)}
        if isinstance(before, list)
        else {}
    )
    new = {e["name"]: e for e in after}
    pieces, files = [], []
    changed = [name for name in new if name in old and old[name] != new[name]]
    for name in changed:
        was, now = old[name].get("parts") or {}, new[name]["parts"]
        labels = [k for k in dict.fromkeys([*now, *was]) if was.get(k) != now.get(k)]
        if old[name].get("vectorized") != new[name]["vectorized"]:
            labels.insert(0, "vectorized")
        files += [k for k in labels if k.startswith(_SOURCE) and k not in files]
        specific = [k for k in labels if not k.startswith(_SOURCE)]
        if specific:
            more = f" and {len(specific) - 3} more" if len(specific) > 3 else ""
            pieces.append(
                f"LF {name!r} changed: " + ", ".join(f"{k} differs" for k in specific[:3]) + more
            )
    if len(pieces) > 3:
        pieces = [*pieces[:3], f"{len(pieces) - 3} more LFs changed"]
    if files:
        paths = ", ".join(_named(k[len(_SOURCE) :]) for k in files[:3])
        pieces.append(
            f"the LF file {paths} was edited (any edit to the file of an LF invalidates a "
            "checkpoint)"
        )
    added = [name for name in new if name not in old]
    removed = [name for name in old if name not in new]
    if added:
        pieces.append("LFs added: " + ", ".join(map(repr, added[:5])))
    if removed:
        pieces.append("LFs removed: " + ", ".join(map(repr, removed[:5])))
    if not pieces and list(old) != list(new):
        pieces.append("the LFs are in another order")
    return "; ".join(pieces) or "the LFs differ"


def describe_unstable(entry: dict[str, str]) -> str:
    """``LF 'x' reads global 'F', a TextIOWrapper that cannot be fingerprinted: why``."""
    if entry["at"]:
        what = f", which reaches a {entry['type']} at {entry['at']}"
    else:
        what = f", a {entry['type']}"
    verb = "reads" if entry["part"].startswith(("global", "closure", "default")) else "has"
    return (
        f"LF {entry['lf']!r} {verb} {entry['part']}{what} that cannot be fingerprinted: "
        f"{entry['reason']}"
    )


def _named(label: str) -> str:
    """``X`` from ``global 'X'`` (the quoted name of a part)."""
    found = re.search(r"'(.*)'", label)
    return found.group(1) if found else label
