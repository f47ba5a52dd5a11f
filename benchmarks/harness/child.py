"""The fresh process of one isolated measurement: ``python -m harness.child MODULE:FUNCTION``.

Usage (started by :func:`harness.isolation.run_isolated`, with ``benchmarks/`` on PYTHONPATH)::

    python -m harness.child MODULE:FUNCTION --config JSON --out RESULT.json

It imports ``MODULE`` (a script or module under ``benchmarks/``), calls ``FUNCTION(config)``
(the decoded JSON object), which returns a JSON-able dict, adds ``total_s`` (the call's wall
seconds), ``vm_hwm_mb`` (this process's peak resident memory: interpreter, imports, data and
the measurement, nothing else) and ``rss_delta_mb`` (the resident memory the call kept), and
writes the dict to ``RESULT.json`` atomically. Any failure
leaves no result file and a traceback on stderr. Standard library only, so the peers' Python runs
it too.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from harness.memory import MemoryWatch

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="MODULE:FUNCTION")
    parser.add_argument("--config", required=True, help="the function's argument, as JSON")
    parser.add_argument("--out", required=True, type=Path, help="where to write the JSON result")
    args = parser.parse_args(argv)
    module_name, _, function_name = args.target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    start = time.perf_counter()
    with MemoryWatch() as memory:
        result = dict(function(json.loads(args.config)))
    result["total_s"] = time.perf_counter() - start
    result["vm_hwm_mb"] = memory.peak_mb
    result["rss_delta_mb"] = memory.delta_mb
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(json.dumps(result))
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
