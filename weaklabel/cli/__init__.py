"""The ``weaklabel`` command line (``weaklabel --help``); :func:`main` is its entry point."""

from weaklabel.cli._main import main

__all__ = ["main"]
