"""The machinery every benchmark in ``benchmarks/`` shares, so that each script only states what
it measures.

Modules (import them directly; this package imports nothing, so that ``single_thread`` can run
before numpy loads, and so that the peers' environment can use the stdlib-only ones):

* ``single_thread``: importing it pins the BLAS / OpenMP libraries to one thread per process.
* ``isolation`` and ``child``: run one measurement in a fresh process (ours or the peers' Python)
  and get its JSON result back, best of N, measured again while other processes disturb it.
* ``memory``: the process's peak resident memory (``VmHWM``) and RSS deltas.
* ``cpu``: how busy the machine's other processes kept the cores, waiting for a quiet machine.
* ``timing``: a stopwatch, the best of N runs.
* ``peers``: the peers' environment (Snorkel, FlyingSquid, crowd-kit) built by
  ``../shared/peers/install.sh``: where it is, running scripts in it, its label-model runner.
* ``datasets``: the WRENCH, spouse and crowd sets, and the raw texts, of ``../shared/data``.
* ``synthetic``: synthetic votes and texts drawn with fixed seeds.
* ``scoring``: expected accuracy under a random tie-break, F1 of a positive class.
* ``tables``: plain-text and Markdown tables, speed ratios.
* ``results``: JSON results in ``benchmarks/results/``, machine and version notes, ``--smoke``.

Only ``datasets``, ``synthetic`` and the label-model part of ``peers`` need numpy; ``child``,
``cpu``, ``memory``, ``results`` and ``single_thread`` use the standard library alone.
"""

__all__: list[str] = []
