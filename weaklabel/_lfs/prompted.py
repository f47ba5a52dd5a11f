"""LFs that ask a chat model: :func:`prompt_lf`, and :func:`dry_run` to see what they would send.

The LF renders its prompt template for each row of a chunk, asks an OpenAI-compatible
``/chat/completions`` endpoint through :class:`~weaklabel._lfs.chat.ChatClient` (made inside each
call, so the LF keeps only plain settings and pickles), and reads each answer with a
:class:`~weaklabel._lfs.verbalizer.Verbalizer`. The checks of its settings and few-shot examples
live in :mod:`weaklabel._lfs.prompt_settings`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaklabel._core.params import parameter_error
from weaklabel._core.random import RandomState
from weaklabel._lfs.chat import ChatClient
from weaklabel._lfs.chat.messages import Messages
from weaklabel._lfs.lf import LabelingFunction
from weaklabel._lfs.prompt_settings import check_settings, few_shot_messages
from weaklabel._lfs.template import PromptTemplate
from weaklabel._lfs.verbalizer import Verbalizer
from weaklabel._votes.encoding import ABSTAIN
from weaklabel.exceptions import LabelingFunctionError, ParameterError

__all__ = ["PromptRule", "PromptedLF", "dry_run", "prompt_lf"]


@dataclass(frozen=True, eq=False)
class PromptRule:
    """What a prompted LF runs on a chunk of rows.

    The fields shown in the repr decide the votes (they make the LF's checkpoint fingerprint); the
    others only say how to ask (weaklabel's fingerprints leave out ``repr=False`` fields), and the
    API key is never shown.
    """

    name: str
    model: str
    base_url: str | None
    template: PromptTemplate
    verbalizer: Verbalizer
    system: str | None
    shots: tuple[tuple[str, str], ...]  # few-shot messages: (role, content)
    sampling: Mapping[str, Any]
    api_key: str | None = field(default=None, repr=False)
    timeout: float = field(default=60.0, repr=False)
    max_retries: int = field(default=5, repr=False)
    max_concurrency: int = field(default=8, repr=False)
    cache_dir: str | None = field(default=None, repr=False)
    price_per_token: tuple[float, float] | None = field(default=None, repr=False)
    progress: bool = field(default=True, repr=False)
    random_state: RandomState = field(default=None, repr=False)

    def __call__(self, frame: pd.DataFrame) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        prompts, rows = self.prompts(frame)
        votes = np.full(len(frame), ABSTAIN, dtype=np.int64)
        if not prompts:
            return votes
        answers = self.client().complete(prompts, desc=f"prompt_lf {self.name}")
        read = [self.verbalizer.read(a.text) for a in answers]
        votes[rows] = read
        voted = [i for i, v in enumerate(read) if v != ABSTAIN]
        if not voted or not all(answers[i].logprobs for i in voted):
            return votes  # no log-probabilities: stating no confidence beats a false 1.0
        confidences = np.ones(len(frame), dtype=np.float64)
        for i in voted:
            a = answers[i]
            confidences[rows[i]] = self.verbalizer.confidence(read[i], a.logprobs or [], a.top)
        return votes, confidences

    def prompts(self, frame: pd.DataFrame) -> tuple[list[Messages], np.ndarray]:
        """The messages for each row of ``frame`` whose fields are all present, and those rows."""
        problem = self.template.check_columns(frame.columns)
        if problem is not None:
            raise LabelingFunctionError(
                f"The prompt of prompt_lf {self.name!r} {problem} Fix the placeholder in the "
                "prompt, or rename the column in the data.",
                lf_name=self.name,
            )
        fields = list(self.template.fields)
        present = ~frame[fields].isna().to_numpy().any(axis=1)
        rows = np.flatnonzero(present)
        head: Messages = [{"role": "system", "content": self.system}] if self.system else []
        head += [{"role": role, "content": content} for role, content in self.shots]
        records = frame[fields].iloc[rows].to_dict("records")
        prompts = [[*head, {"role": "user", "content": self.template.render(r)}] for r in records]
        return prompts, rows

    def client(self) -> ChatClient:
        """A client with these settings (made per call: only plain settings travel)."""
        return ChatClient(
            self.model,
            base_url=self.base_url,
            api_key=self.api_key,
            timeout=self.timeout,
            max_retries=self.max_retries,
            max_concurrency=self.max_concurrency,
            sampling=self.sampling,
            cache_dir=self.cache_dir,
            price_per_token=self.price_per_token,
            progress=self.progress,
            random_state=self.random_state,
        )


class PromptedLF(LabelingFunction):
    """A vectorized :class:`~weaklabel.LabelingFunction` that asks a chat model; made by
    :func:`prompt_lf`. Adds :meth:`dry_run`."""

    @property
    def rule(self) -> PromptRule:
        """The settings and the work of the LF."""
        rule = self.func
        assert isinstance(rule, PromptRule)
        return rule

    def dry_run(self, data: Any, *, n: int = 3) -> str:
        """What the LF would send for ``data``, without sending anything; see :func:`dry_run`."""
        return dry_run(self, data, n=n)

    def __repr__(self) -> str:
        rule = self.rule
        where = "" if rule.base_url is None else f", base_url={rule.base_url!r}"
        return f"PromptedLF({self.name!r}, model={rule.model!r}{where})"


def prompt_lf(
    name: str,
    prompt: str,
    *,
    classes: Sequence[str],
    model: str,
    base_url: str | None = None,
    api_key: str | None = None,
    cache_dir: str | Path | None = None,
    max_concurrency: int = 8,
    timeout: float = 60,
    max_retries: int = 5,
    verbalizer: Mapping[Any, Any] | None = None,
    system: str | None = None,
    examples: Any = None,
    sampling: Mapping[str, Any] | None = None,
    price_per_token: tuple[float, float] | None = None,
    progress: bool = True,
    random_state: RandomState = None,
) -> PromptedLF:
    """An LF that asks a chat model (any OpenAI-compatible server) which class each row is.

    For each row of a chunk the LF fills ``prompt`` with the row's fields and asks ``model``; the
    answer votes for the class it names (see ``verbalizer``) and abstains when it names none or
    several. Rows where a field the prompt reads is missing (null) abstain without a request.
    Needs httpx: ``pip install 'weaklabel[llm]'``.

    Parameters
    ----------
    name : str
    prompt : str
        A ``str.format`` template whose placeholders are columns of the data: ``"Comment:
        {text}\\nIs it spam or ham?"`` (``{{``/``}}`` for literal braces). A malformed template, a
        positional ``{}``, a conversion or format spec is refused here; a placeholder naming no
        column of the data stops the first call with an error that lists the columns.
    classes : sequence of str
        The class names; the position of a name is its class index.
    model : str
        The model to ask, as the server names it.
    base_url : str, optional
        The API root, such as ``"http://127.0.0.1:8000/v1"`` (llama.cpp, vLLM, Ollama); None asks
        OpenAI.
    api_key : str, optional
        None reads ``OPENAI_API_KEY`` when the LF runs (preferred: a key given here lives on the
        LF, so it is copied into worker processes and pickles; it is never shown, cached or
        written into a checkpoint).
    cache_dir : str or Path, optional
        Folder of the answer cache: a rerun asks only for answers it does not have. None caches
        nothing.
    max_concurrency, timeout, max_retries
        Requests in flight at once; seconds to wait for an answer; further attempts on HTTP 429 /
        5xx, timeouts and connection errors (with exponential backoff). A refused request (401,
        403 or another 4xx) fails at once.
    verbalizer : mapping, optional
        Class (name or index) -> the words or phrases that mean it in an answer, e.g. ``{"spam":
        ["spam", "junk"], "ham": ["ham", "not spam"]}``; every class needs some, and no word may
        mean two classes. By default each class is named by its own name. Matching ignores case
        and takes whole words only; a longer phrase wins over a word inside it.
    system : str, optional
        A system message sent first.
    examples : pandas.DataFrame or list of dict, optional
        Few-shot examples with the prompt's fields and a ``label`` column (class name or index),
        e.g. gold rows. Each becomes a user message (its prompt) and an assistant message (the
        first word of its class), before the row's prompt.
    sampling : dict, optional
        Merged into the request body over ``{"temperature": 0, "max_tokens": 8, "logprobs": True,
        "top_logprobs": 5}``; a key set to None is left out.
    price_per_token : (float, float), optional
        Price of an input and an output token, for the cost on the progress bar.
    progress : bool
        Show a progress bar per chunk.
    random_state : int, numpy Generator or None
        Seeds the backoff jitter.

    Returns
    -------
    PromptedLF
        A vectorized LabelingFunction, with :meth:`PromptedLF.dry_run`.

    Notes
    -----
    **Confidence.** When the answers carry log-probabilities, each vote comes with a confidence:
    at the first answer token that starts a class word, the probability mass of its top
    alternatives that start a word of the voted class, over the mass of those that start a word of
    any class (with no alternatives there, that token's probability; with no class token, the
    probability of the whole answer), clipped into (0, 1]. A server that gives no
    log-probabilities yields plain votes, with no confidence: a made-up 1.0 would look certain (so
    does a chunk where any answer that votes came without them).

    Examples
    --------
    >>> from weaklabel import prompt_lf
    >>> lf = prompt_lf("llm_spam", "Comment: {text}\\nAnswer spam or ham.", classes=["ham", "spam"],
    ...                model="qwen2.5-7b-instruct", base_url="http://127.0.0.1:8000/v1")
    >>> lf
    PromptedLF('llm_spam', model='qwen2.5-7b-instruct', base_url='http://127.0.0.1:8000/v1')
    >>> print(lf.dry_run([{"text": "Win a free prize!"}], n=0))  # doctest: +ELLIPSIS
    Dry run: 1 prompt for POST http://127.0.0.1:8000/v1/chat/completions ...
    >>> prompt_lf("x", "Is {text!r} spam?", classes=["ham", "spam"], model="m")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'prompt' parameter of prompt_lf('x') must be ... The
    placeholder {text!r} has a conversion or format spec; write just {text} (values are inserted
    as text).
    """
    owner = f"prompt_lf({name!r})"
    template = PromptTemplate.parse(prompt, owner=owner)
    settings = check_settings(
        owner,
        classes=classes,
        model=model,
        base_url=base_url,
        api_key=api_key,
        cache_dir=cache_dir,
        max_concurrency=max_concurrency,
        timeout=timeout,
        max_retries=max_retries,
        system=system,
        sampling=sampling,
        price_per_token=price_per_token,
        progress=progress,
        random_state=random_state,
    )
    words = Verbalizer.build(settings.pop("classes"), verbalizer, owner=owner)
    shots = few_shot_messages(examples, template, words, owner=owner)
    rule = PromptRule(name, template=template, verbalizer=words, shots=shots, **settings)
    listed = "/".join(words.classes)
    return PromptedLF(
        rule, name=name, vectorized=True, description=f"asks {model} whether it is {listed}"
    )


def dry_run(lf: LabelingFunction, data: Any, *, n: int = 3) -> str:
    """What the prompted LF ``lf`` would send for ``data``: nothing is sent.

    Renders every row's prompt and returns the endpoint, where the API key would come from (never
    the key), an estimate of the input tokens of all rows (characters / 4), how many answers are
    cached, and the request bodies of the first ``n`` rows.

    Parameters
    ----------
    lf : PromptedLF
        An LF made by :func:`prompt_lf`.
    data : pandas.DataFrame or sequence of mappings
    n : int
        How many requests to show.
    """
    rule = lf.func if isinstance(lf, LabelingFunction) else None
    if not isinstance(rule, PromptRule):
        raise parameter_error("lf", "dry_run", "an LF made by prompt_lf", lf)
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, Sequence) and not isinstance(data, str | bytes):
        frame = pd.DataFrame(list(data))
    else:
        raise ParameterError(
            f"The 'data' parameter of dry_run must be a pandas DataFrame or a list of dicts. Got "
            f"{type(data).__name__} instead."
        )
    prompts, rows = rule.prompts(frame)
    report = rule.client().dry_run(prompts, n=n)
    skipped = len(frame) - len(rows)
    if skipped:
        report += f"\n{skipped} row(s) with a missing field would abstain without a request."
    return report
