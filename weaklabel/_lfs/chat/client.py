"""Asking an OpenAI-compatible ``/chat/completions`` endpoint many prompts: :class:`ChatClient`.

The client checks its settings when it is made; :meth:`ChatClient.complete` then answers a batch
of prompts in order: cached answers first, identical prompts asked once, the rest sent
concurrently (``max_concurrency`` threads sharing one ``httpx.Client``), each answer written to
the cache as soon as it arrives. Retries and error messages belong to
:mod:`~weaklabel._lfs.chat.transport`, the cache to :mod:`~weaklabel._lfs.chat.cache`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from weaklabel._core.optional import import_optional
from weaklabel._core.params import check_float, check_int, parameter_error
from weaklabel._core.random import RandomState, check_random_state
from weaklabel._lfs.chat.answer import ChatAnswer, parse_answer
from weaklabel._lfs.chat.cache import ChatCache
from weaklabel._lfs.chat.messages import Messages, check_prompts, estimate_tokens
from weaklabel._lfs.chat.progress import ChatProgress
from weaklabel._lfs.chat.retry import Backoff
from weaklabel._lfs.chat.settings import check_base_url, check_key, check_prices, check_sampling
from weaklabel._lfs.chat.transport import Credentials, Stopped, Transport

__all__ = ["API_KEY_ENV", "DEFAULT_BASE_URL", "ChatClient"]

#: Where the API key comes from when ``api_key`` is None.
API_KEY_ENV = "OPENAI_API_KEY"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
_OWNER = "ChatClient"


class ChatClient:
    """Answers batches of chat prompts from an OpenAI-compatible server, with a disk cache.

    Parameters
    ----------
    model : str
        The model to ask; an answer from another model is refused (a dated snapshot of it, such
        as ``gpt-4o-mini-2024-07-18`` for ``gpt-4o-mini``, is accepted).
    base_url : str, optional
        The API root, before ``/chat/completions``: ``"http://127.0.0.1:8000/v1"``. None asks
        OpenAI (``https://api.openai.com/v1``).
    api_key : str, optional
        None reads the environment variable ``OPENAI_API_KEY`` when a batch starts; when that is
        unset too, no key is sent (a local server may need none). The key is never shown,
        logged or cached.
    timeout : float
        Seconds to wait for each answer.
    max_retries : int
        Further attempts on HTTP 429 / 5xx, timeouts, connection errors and malformed bodies,
        with exponential backoff and full jitter (honouring ``Retry-After``).
    max_concurrency : int
        Requests in flight at once.
    sampling : dict, optional
        Merged over ``{"temperature": 0}`` into each request body: ``{"max_tokens": 5,
        "logprobs": True, "top_logprobs": 5}``; a key set to None is left out.
    cache_dir : str or Path, optional
        Folder of the answer cache (:class:`ChatCache`); None caches nothing.
    price_per_token : (float, float), optional
        Price of one input and one output token, to show the cost so far on the progress bar.
    progress : bool
        Show a progress bar.
    random_state : int, numpy Generator or None
        Seeds the backoff jitter.

    Examples
    --------
    >>> from weaklabel._lfs.chat import ChatClient
    >>> client = ChatClient("gpt-4o-mini", base_url="http://127.0.0.1:8000/v1")
    >>> print(client.dry_run([[{"role": "user", "content": "Win a free prize!"}]]))
    ... # doctest: +ELLIPSIS
    Dry run: 1 prompt for POST http://127.0.0.1:8000/v1/chat/completions (model 'gpt-4o-mini'); ...
    >>> ChatClient("gpt-4o-mini", max_concurrency=0)
    Traceback (most recent call last):
    ...
    weaklabel.exceptions.ParameterError: The 'max_concurrency' parameter of ChatClient must be an
    int >= 1. Got 0 instead.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 5,
        max_concurrency: int = 8,
        sampling: Mapping[str, Any] | None = None,
        cache_dir: str | Path | None = None,
        price_per_token: tuple[float, float] | None = None,
        progress: bool = True,
        random_state: RandomState = None,
    ) -> None:
        if not isinstance(model, str) or not model.strip():
            raise parameter_error("model", _OWNER, "a non-empty str", model)
        self.model = model
        base = DEFAULT_BASE_URL if base_url is None else base_url
        self.base_url = check_base_url(base, owner=_OWNER)
        self.url = f"{self.base_url}/chat/completions"
        self._api_key = None if api_key is None else check_key(api_key, source="api_key=")
        self.timeout = check_float(
            "timeout", timeout, owner=_OWNER, minimum=0, exclusive_minimum=True
        )
        self.max_retries = check_int("max_retries", max_retries, owner=_OWNER, minimum=0)
        self.max_concurrency = check_int(
            "max_concurrency", max_concurrency, owner=_OWNER, minimum=1
        )
        self.sampling = check_sampling(sampling, owner=_OWNER)
        self.cache = None if cache_dir is None else ChatCache(cache_dir)
        self.price_per_token = check_prices(price_per_token, owner=_OWNER)
        if not isinstance(progress, bool):
            raise parameter_error("progress", _OWNER, "a bool", progress)
        self.progress = progress
        self._backoff = Backoff(check_random_state(random_state, owner=_OWNER))

    def __repr__(self) -> str:
        key = "<hidden>" if self._api_key is not None else f"${API_KEY_ENV}"
        return f"ChatClient({self.model!r}, base_url={self.base_url!r}, api_key={key})"

    def body(self, messages: Sequence[Mapping[str, str]]) -> dict[str, Any]:
        """The JSON body sent for ``messages`` (which holds no API key)."""
        return {"model": self.model, "messages": [dict(m) for m in messages], **self.sampling}

    def cache_key(self, messages: Sequence[Mapping[str, str]]) -> str:
        """The :meth:`ChatCache.key` of ``messages`` asked with these settings."""
        return ChatCache.key(
            base_url=self.base_url, model=self.model, messages=messages, sampling=self.sampling
        )

    def complete(
        self, prompts: Sequence[Sequence[Mapping[str, str]]], *, desc: str | None = None
    ) -> list[ChatAnswer]:
        """The answer to each prompt, in the order of ``prompts``.

        Cached answers come back with ``cached=True`` and cost no request; a prompt repeated in
        the batch is asked once (its repeats come back with ``cached=True``).

        Parameters
        ----------
        prompts : list of list of dict
            Each a list of messages ``{"role": ..., "content": ...}``.
        desc : str, optional
            The progress bar's label; by default ``"Asking <model>"``.

        Raises
        ------
        ChatError
            A request was refused, the server stayed unreachable or kept failing after
            ``max_retries`` retries, or another model answered. Answers received before are in
            the cache.
        MissingDependencyError
            httpx is not installed (the ``llm`` extra) and some prompt is not in the cache.
        """
        checked = check_prompts(prompts, owner=f"{_OWNER}.complete")
        if not checked:
            return []
        answers: list[ChatAnswer | None] = [None] * len(checked)
        todo: dict[str, list[int]] = {}
        with ChatProgress(
            len(checked),
            desc=desc or f"Asking {self.model}",
            enabled=self.progress,
            price_per_token=self.price_per_token,
        ) as bar:
            for i, messages in enumerate(checked):
                key = self.cache_key(messages)
                hit = self.cache.get(key) if self.cache is not None and key not in todo else None
                if hit is None:
                    todo.setdefault(key, []).append(i)
                else:
                    answers[i] = hit
                    bar.add(hit, paid=False)
            if todo:  # only then is the client (and a key) needed: a full cache runs without
                httpx = import_optional("httpx", extra="llm", purpose="prompt_lf")
                self._ask(httpx, self._credentials(), checked, todo, answers, bar)
        return [a for a in answers if a is not None]

    def dry_run(self, prompts: Sequence[Sequence[Mapping[str, str]]], *, n: int = 3) -> str:
        """What :meth:`complete` would send, without sending anything.

        Returns the endpoint, where the key would come from (never the key), how many prompts are
        cached, an estimate of the input tokens of all prompts (characters / 4) and the JSON bodies
        of the first ``n`` requests.
        """
        checked = check_prompts(prompts, owner=f"{_OWNER}.dry_run")
        n = check_int("n", n, owner=f"{_OWNER}.dry_run", minimum=0)
        tokens = estimate_tokens(checked)
        count = len(checked)
        lines = [
            f"Dry run: {count} prompt{'s' if count != 1 else ''} for POST {self.url} "
            f"(model {self.model!r}); nothing was sent.",
            f"API key: {self._credentials().source}.",
            f"Estimated input tokens: about {tokens:,} in all (characters / 4; the server's "
            "tokenizer decides the real count).",
        ]
        if self.price_per_token is not None:
            lines.append(f"Estimated input cost: about ${tokens * self.price_per_token[0]:.4f}.")
        if self.cache is not None:
            cached = sum(self.cache.get(self.cache_key(m)) is not None for m in checked)
            lines.append(f"Cached: {cached} of {count} (in {self.cache.folder}).")
        for i, messages in enumerate(checked[:n]):
            lines.append(f"Request {i + 1} of {count}:")
            lines.append(json.dumps(self.body(messages), ensure_ascii=False, indent=2))
        return "\n".join(lines)

    def _credentials(self) -> Credentials:
        if self._api_key is not None:
            return Credentials(self._api_key, "the api_key parameter")
        key = os.environ.get(API_KEY_ENV) or None
        if key is None:
            return Credentials(None, f"none (api_key=None and {API_KEY_ENV} is unset)")
        check_key(key, source=f"the environment variable {API_KEY_ENV}")
        return Credentials(key, f"the environment variable {API_KEY_ENV}")

    def _ask(
        self,
        httpx: Any,
        credentials: Credentials,
        prompts: list[Messages],
        todo: dict[str, list[int]],
        answers: list[ChatAnswer | None],
        bar: ChatProgress,
    ) -> None:
        """Send one request per key of ``todo``, concurrently; fill ``answers`` as they arrive."""
        stop = threading.Event()
        workers = min(self.max_concurrency, len(todo))
        limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
        with httpx.Client(timeout=httpx.Timeout(self.timeout), limits=limits) as session:
            transport = Transport(
                session,
                httpx,
                url=self.url,
                credentials=credentials,
                max_retries=self.max_retries,
                timeout=self.timeout,
                backoff=self._backoff,
                stop=stop,
            )

            def fetch(key: str, messages: Messages) -> ChatAnswer:
                body = self.body(messages)
                try:
                    answer = parse_answer(transport.post(body), requested=self.model, url=self.url)
                    if self.cache is not None:
                        self.cache.put(key, answer, request=body)
                except BaseException:
                    stop.set()  # before this thread takes the next prompt
                    raise
                return answer

            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="weaklabel-chat")
            try:
                pending: dict[Future[ChatAnswer], str] = {
                    pool.submit(fetch, key, prompts[rows[0]]): key for key, rows in todo.items()
                }
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        rows = todo[pending.pop(future)]
                        if isinstance(future.exception(), Stopped):
                            continue  # the failure that stopped it is still pending
                        answer = future.result()  # the first failure stops the batch
                        answers[rows[0]] = answer
                        for row in rows[1:]:  # a repeat of the prompt: it cost no request
                            answers[row] = dataclasses.replace(answer, cached=True)
                        bar.add(answer, rows=1)
                        if len(rows) > 1:
                            bar.add(answer, rows=len(rows) - 1, paid=False)
            finally:
                stop.set()
                pool.shutdown(wait=True, cancel_futures=True)
