"""The parts of the LF-application benchmark (``benchmarks/apply.py``), one module per topic.

* ``spec``: the LFs both sides run (standard library only: the peers' Python imports it);
* ``lfs``: weaklabel's LFs built from ``spec``, and the data and votes helpers of the workers;
* ``text_lfs``: 20 text LFs as row LFs and vectorized builders, ``n_jobs`` 1 and 2, on Dask;
* ``spacy_lfs``: spaCy LFs cold, with a Doc cache, warm, and a hand-written batch preprocessor;
* ``scale``: 10M rows read from Parquet, whole or batch by batch;
* ``profile``: where the time goes;
* ``run``: one run's settings, workdir and results;
* ``report`` and ``agreement``: the table, the targets, the notes, and the vote matrices compared.

The ``*_worker`` functions run in fresh processes (``harness.isolation``); the ``measure``
functions start them. This package imports nothing.
"""

__all__: list[str] = []
