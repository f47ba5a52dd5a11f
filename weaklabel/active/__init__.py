"""Active learning that knows the LFs: which rows people should label next.

>>> from weaklabel.active import query, STRATEGIES

:func:`query` scores the vote patterns of the rows (rows with the same votes look alike to a label
model, and one gold label informs them all) and returns the best rows, best first, as a DataFrame
with ``row``, ``id``, ``score`` and ``strategy``. Fit the model again with the new labels
(``model.fit(votes, gold=...)``) and query again: round after round.
"""

from weaklabel.active._query import AUTO, AUTO_END_MODEL, STRATEGIES, query

__all__ = ["AUTO", "AUTO_END_MODEL", "STRATEGIES", "query"]
