"""The ``weaklabel`` command line: a thin layer that wires the library's calls together.

Exit status: 0 on success, 1 when the input or a labeling function is at fault, or memory ran out
(a one-paragraph message on stderr; ``--debug`` adds the traceback), 2 for a malformed command
line, 130 on Ctrl-C.
"""

from __future__ import annotations

import signal
import sys
import traceback
from collections.abc import Sequence

from weaklabel.cli._parser import build_parser
from weaklabel.exceptions import WeaklabelError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (``sys.argv[1:]`` by default); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return 2
    try:
        args.handler(args)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: we are already exiting
        print("weaklabel: interrupted", file=sys.stderr)
        return 130
    except (WeaklabelError, OSError) as exc:
        if args.debug:
            traceback.print_exc()
        message = str(exc) if isinstance(exc, WeaklabelError) else f"{exc.strerror}: {exc.filename}"
        hint = "" if args.debug else " (run with --debug for the traceback)"
        print(f"weaklabel: error: {message}{hint}", file=sys.stderr)
        return 1
    except MemoryError as exc:
        if args.debug:
            traceback.print_exc()
        command = getattr(args.handler, "__name__", "the command")
        detail = f" ({exc})" if str(exc) else ""
        print(
            f"weaklabel: error: weaklabel ran out of memory while running `weaklabel {command}`"
            f"{detail}. Memory grows with rows x classes (and LFs x classes x classes for "
            "label-model and dawid-skene): use as few classes as the task needs (--cardinality "
            "K, K in 2..32766), fewer rows, or a machine with more memory.",
            file=sys.stderr,
        )
        return 1
    return 0
