"""The progress bar of a batch of prompts: rows done, rows per second, tokens and cost so far.

The bar counts rows (prompts); its rate is rows per second. Its postfix adds the tokens used so far
and, given prices, what they cost. Answers read from the cache count as rows but cost no tokens.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from tqdm.auto import tqdm

from weaklabel._lfs.chat.answer import ChatAnswer

__all__ = ["ChatProgress", "format_usage"]


def format_usage(tokens: int, cost: float | None) -> dict[str, str]:
    """The postfix of the bar.

    Examples
    --------
    >>> from weaklabel._lfs.chat.progress import format_usage
    >>> format_usage(12345, 0.0123)
    {'tokens': '12,345', 'cost': '$0.0123'}
    >>> format_usage(0, None)
    {'tokens': '0'}
    """
    postfix = {"tokens": f"{tokens:,}"}
    if cost is not None:
        postfix["cost"] = f"${cost:.4f}"
    return postfix


class ChatProgress:
    """A tqdm bar over ``total`` prompts that also sums tokens and cost.

    Parameters
    ----------
    total : int
    desc : str
    enabled : bool
        False shows nothing (the sums are still kept).
    price_per_token : (float, float), optional
        Price of one input (prompt) token and one output (completion) token.
    """

    def __init__(
        self,
        total: int,
        *,
        desc: str,
        enabled: bool,
        price_per_token: tuple[float, float] | None,
    ) -> None:
        self.tokens = 0
        self.cost: float | None = None if price_per_token is None else 0.0
        self._prices = price_per_token
        self._bar: Any = tqdm(
            total=total,
            desc=desc,
            unit="rows",
            disable=not enabled,
            leave=False,
            dynamic_ncols=True,
        )
        self._bar.set_postfix(ordered_dict=format_usage(0, self.cost))

    def add(self, answer: ChatAnswer, *, rows: int = 1, paid: bool = True) -> None:
        """Count ``rows`` rows answered by ``answer``, and its tokens when ``paid``."""
        if paid:
            self.tokens += answer.prompt_tokens + answer.completion_tokens
            if self._prices is not None and self.cost is not None:
                self.cost += (
                    answer.prompt_tokens * self._prices[0]
                    + answer.completion_tokens * self._prices[1]
                )
            self._bar.set_postfix(ordered_dict=format_usage(self.tokens, self.cost), refresh=False)
        self._bar.update(rows)

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> ChatProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
