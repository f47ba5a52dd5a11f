"""What a run leaves behind: its JSON results in ``benchmarks/results/``, and where it ran.

Also the ``--smoke`` switch every script has: tiny sizes and one repeat, to check in seconds that
the script runs end to end (its figures mean nothing). Standard library only: the peers'
environment uses :func:`versions`.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import math
import os
import platform
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "machine_info", "parse_args", "versions", "write_results"]

RESULTS = Path(__file__).resolve().parents[1] / "results"


def versions(*names: str) -> dict[str, str]:
    """The Python version and each distribution's installed version ("missing" if absent)."""
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def machine_info() -> dict[str, str]:
    """CPU model, cores (and how many this process may use), RAM, OS."""
    model = "?"
    try:
        with open("/proc/cpuinfo") as handle:
            model = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                "?",
            )
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        memory = f"{mem_kb / 1024**2:.1f} GB"
    except (OSError, StopIteration):
        memory = "?"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "machine": f"{platform.machine()} {model}",
        "cores": f"{os.cpu_count()} cores ({usable} usable)",
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
    }


def _jsonable(value: Any) -> Any:
    """Plain JSON: numpy scalars and arrays as Python values, NaN and infinities as None."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # numpy
        return _jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def write_results(name: str, results: Any, *, smoke: bool = False) -> Path:
    """Write ``results/NAME.json`` (``NAME-smoke.json`` in smoke mode) atomically; its path.

    The file holds the command line, the time, the machine and the results.
    """
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}{'-smoke' if smoke else ''}.json"
    document = {
        "benchmark": name,
        "smoke": smoke,
        "argv": sys.argv,
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "results": results,
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(_jsonable(document), indent=1) + "\n")
    os.replace(tmp, path)
    print(f"results written to {path}", file=sys.stderr)
    return path


def parse_args(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None, smoke: Mapping[str, Any]
) -> argparse.Namespace:
    """Parse ``argv`` with a ``--smoke`` switch added to ``parser``.

    With ``--smoke``, the ``smoke`` sizes (option dest -> value) replace the defaults of the
    options the command line leaves unset, so ``--smoke --rows 100`` still takes 100 rows.
    """
    shown = ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in smoke.items())
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"check the script end to end in seconds, with tiny sizes ({shown}); "
        "the figures mean nothing",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        given = list(sys.argv[1:] if argv is None else argv)
        for dest, value in smoke.items():
            flag = "--" + dest.replace("_", "-")
            if not any(a == flag or a.startswith(flag + "=") for a in given):
                setattr(args, dest, value)
    return args
