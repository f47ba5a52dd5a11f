"""The little YAML a dataset card's header needs, written without a YAML library.

Mappings with string keys, lists, strings, numbers, booleans and null, in block style. A string
is written plain when it cannot be read as anything else, else double-quoted with JSON's escapes
(a JSON string is a valid YAML double-quoted scalar).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["to_yaml"]

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.<>/*+-]*")
# words YAML 1.1 reads as booleans or null
_SPECIAL = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _SPECIAL:
        return text
    return json.dumps(text, ensure_ascii=False)


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{_scalar(key)}:")
                out.extend(_lines(item, indent + (2 if isinstance(item, dict) else 0)))
            else:
                out.append(f"{pad}{_scalar(key)}: {_empty(item)}")
    else:
        for item in value:
            if (isinstance(item, dict) and item) or (isinstance(item, list) and item):
                inner = _lines(item, indent + 2)
                out.append(f"{pad}- {inner[0].lstrip()}")
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {_empty(item)}")
    return out


def _empty(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def to_yaml(value: dict[str, Any]) -> str:
    """``value`` as block-style YAML.

    Examples
    --------
    >>> from weaklabel.export._yaml import to_yaml
    >>> print(to_yaml({"license": "other", "size_categories": ["n<1K"],
    ...                "configs": [{"config_name": "default", "data_files": [
    ...                    {"split": "train", "path": "train.jsonl"}]}],
    ...                "pretty_name": "Spam: weak labels"}))
    license: other
    size_categories:
    - n<1K
    configs:
    - config_name: default
      data_files:
      - split: train
        path: train.jsonl
    pretty_name: "Spam: weak labels"
    <BLANKLINE>
    """
    return "\n".join(_lines(value, 0)) + "\n"
