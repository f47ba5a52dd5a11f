"""Checking the settings of :func:`~weaklabel.prompt_lf`, and turning its few-shot examples into
chat messages.

Each error is a :class:`~weaklabel.ParameterError` that names ``prompt_lf('name')``, the
parameter, the rule, the value and the way out; the API key's value is never shown.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from weaklabel._core.params import check_float, check_int, parameter_error
from weaklabel._core.random import check_random_state
from weaklabel._lfs.chat.settings import check_base_url, check_key, check_prices, check_sampling
from weaklabel._lfs.template import PromptTemplate
from weaklabel._lfs.verbalizer import Verbalizer, class_index
from weaklabel.exceptions import ParameterError

__all__ = ["SAMPLING", "check_settings", "few_shot_messages"]

#: The request settings of a prompted LF, under the user's ``sampling``: the same answer every
#: run, a short answer, and the log-probabilities the confidences come from.
SAMPLING: Mapping[str, Any] = {
    "temperature": 0,
    "max_tokens": 8,
    "logprobs": True,
    "top_logprobs": 5,
}


def check_settings(
    owner: str,
    *,
    classes: Any,
    model: Any,
    base_url: Any = None,
    api_key: Any = None,
    cache_dir: Any = None,
    max_concurrency: Any = 8,
    timeout: Any = 60.0,
    max_retries: Any = 5,
    system: Any = None,
    sampling: Any = None,
    price_per_token: Any = None,
    progress: Any = True,
    random_state: Any = None,
) -> dict[str, Any]:
    """The settings of ``prompt_lf`` as the LF keeps them, each checked.

    Examples
    --------
    >>> from weaklabel._lfs.prompt_settings import check_settings
    >>> check_settings("f", classes=["ham", "spam"], model="m", sampling={"max_tokens": None})[
    ...     "sampling"]
    {'temperature': 0, 'max_tokens': None, 'logprobs': True, 'top_logprobs': 5}
    """
    if not isinstance(model, str) or not model.strip():
        raise parameter_error("model", owner, "the name of a model, a non-empty str", model)
    if cache_dir is not None and not isinstance(cache_dir, str | os.PathLike):
        raise parameter_error("cache_dir", owner, "a folder (str or Path), or None", cache_dir)
    if system is not None and (not isinstance(system, str) or not system.strip()):
        raise parameter_error("system", owner, "a non-empty str, or None", system)
    if not isinstance(progress, bool):
        raise parameter_error("progress", owner, "a bool", progress)
    check_sampling(sampling, owner=owner)  # the user's part: a dict of JSON values
    check_random_state(random_state, owner=owner)
    return {
        "classes": _check_classes(classes, owner),
        "model": model,
        "base_url": None if base_url is None else check_base_url(base_url, owner=owner),
        "api_key": None if api_key is None else check_key(api_key, source="api_key="),
        "cache_dir": None if cache_dir is None else os.fspath(cache_dir),
        "max_concurrency": check_int("max_concurrency", max_concurrency, owner=owner, minimum=1),
        "timeout": check_float("timeout", timeout, owner=owner, minimum=0, exclusive_minimum=True),
        "max_retries": check_int("max_retries", max_retries, owner=owner, minimum=0),
        "system": system,
        "sampling": {**SAMPLING, **(sampling or {})},  # a None value drops a default
        "price_per_token": check_prices(price_per_token, owner=owner),
        "progress": progress,
        "random_state": random_state,
    }


def _check_classes(classes: object, owner: str) -> tuple[str, ...]:
    rule = "a list of at least two distinct class names (str), in class-index order"
    if isinstance(classes, str) or not isinstance(classes, Sequence):
        raise parameter_error("classes", owner, rule, classes)
    names = tuple(classes)
    if len(names) < 2 or not all(isinstance(c, str) and c.strip() for c in names):
        raise parameter_error("classes", owner, rule, classes)
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise parameter_error("classes", owner, rule, classes, f"{repeated} appear twice.")
    return names


def few_shot_messages(
    examples: Any, template: PromptTemplate, verbalizer: Verbalizer, *, owner: str
) -> tuple[tuple[str, str], ...]:
    """The (role, content) messages of the few-shot ``examples``: for each, its prompt as the
    user's message and the first word of its class as the assistant's.

    Examples
    --------
    >>> from weaklabel._lfs.prompt_settings import few_shot_messages
    >>> from weaklabel._lfs.template import PromptTemplate
    >>> from weaklabel._lfs.verbalizer import Verbalizer
    >>> t = PromptTemplate.parse("Text: {text}", owner="f")
    >>> v = Verbalizer.build(["ham", "spam"], None, owner="f")
    >>> few_shot_messages([{"text": "win!", "label": "spam"}, {"text": "hi", "label": 0}], t, v,
    ...                   owner="f")
    (('user', 'Text: win!'), ('assistant', 'spam'), ('user', 'Text: hi'), ('assistant', 'ham'))
    """
    if examples is None:
        return ()
    rule = "a pandas DataFrame or a list of dicts with the prompt's fields and a 'label'"
    if isinstance(examples, pd.DataFrame):
        records = examples.to_dict("records")
    elif isinstance(examples, Sequence) and not isinstance(examples, str | bytes):
        records = list(examples)
    else:
        raise parameter_error("examples", owner, rule, type(examples).__name__)
    messages: list[tuple[str, str]] = []
    classes = verbalizer.classes
    where = f"The 'examples' parameter of {owner}"
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise ParameterError(f"{where}: example {i} is a {type(record).__name__}; {rule}.")
        needed = [*template.fields, "label"]
        missing = [f for f in needed if f not in record or _is_missing(record[f])]
        if missing:
            raise ParameterError(
                f"{where}: example {i} has no {missing[0]!r} (or it is missing); each example "
                f"needs the prompt's fields and a label: {', '.join(map(repr, needed))}. Drop "
                "unlabeled rows before passing them."
            )
        label = record["label"]
        index = class_index(label, classes)
        if index is None:
            options = ", ".join(f"{c!r} or {k}" for k, c in enumerate(classes))
            raise ParameterError(
                f"{where}: example {i} has the label {label!r}, which is no class; a label is a "
                f"class name or index: {options}."
            )
        messages.append(("user", template.render(record)))
        messages.append(("assistant", verbalizer.first_word(index)))
    return tuple(messages)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: present
        return False
