"""Import first, before numpy: one BLAS / OpenMP thread per process unless the caller chose.

With one thread per core (the default of torch and OpenBLAS) a label-model fit became up to 50x
slower whenever anything else ran on the machine; one thread per process keeps the timings of
weaklabel and of the peers (which inherit the environment) comparable and stable. Importing this
module sets ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` to 1 where they
are not set already.
"""

import os

__all__ = ["THREAD_VARIABLES", "describe"]

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

for _variable in THREAD_VARIABLES:
    os.environ.setdefault(_variable, "1")


def describe() -> str:
    """``OMP_NUM_THREADS=1, ...`` as set for this process and its children."""
    return ", ".join(f"{v}={os.environ.get(v, 'unset')}" for v in THREAD_VARIABLES)
