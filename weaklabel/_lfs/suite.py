"""A suite of labeling functions loaded from a Python file or module (``--lfs my_lfs.py``)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from weaklabel._core.digest import digest
from weaklabel._lfs.lf import LabelingFunction, check_lfs
from weaklabel.exceptions import DataError, ParameterError

__all__ = ["LFSuite", "load_lfs"]


@dataclass(frozen=True)
class LFSuite:
    """The labeling functions a file defines, and its class names when it declares them.

    Attributes
    ----------
    lfs : tuple of LabelingFunction
        In the order the file defines them, or the order of its ``LFS`` list when it has one.
    classes : tuple of str or None
        The file's ``CLASSES`` (class names in class-index order), when it defines them.
    source : str
        Where the suite came from (a path or a module name).
    """

    lfs: tuple[LabelingFunction, ...]
    classes: tuple[str, ...] | None
    source: str


def load_lfs(source: str | Path) -> LFSuite:
    """Load the labeling functions defined by a Python file or an importable module.

    Every module-level :class:`LabelingFunction` is collected in definition order; a module-level
    list ``LFS`` overrides that choice and order. A module-level ``CLASSES`` gives the class names.

    Parameters
    ----------
    source : str or Path
        A path to a ``.py`` file, or a dotted module name such as ``labeling_functions.spam``.

    Raises
    ------
    DataError
        The file is missing or fails to import (the message names the file and line), or it
        defines no labeling functions.

    Examples
    --------
    >>> from weaklabel import load_lfs
    >>> suite = load_lfs("labeling_functions.spam")
    >>> suite.classes
    ('ham', 'spam')
    """
    module = _import(source)
    name = str(source)
    explicit = getattr(module, "LFS", None)
    if explicit is not None:
        lfs = list(explicit)
    else:
        lfs = [v for v in vars(module).values() if isinstance(v, LabelingFunction)]
    if not lfs:
        raise DataError(
            f"{name} defines no labeling functions; decorate functions with "
            "@labeling_function (from weaklabel import labeling_function)."
        )
    try:
        lfs = check_lfs(lfs, owner=f"the LF suite {name}")
    except ParameterError as exc:
        raise DataError(str(exc)) from None
    classes = getattr(module, "CLASSES", None)
    if classes is not None:
        if isinstance(classes, str) or not all(isinstance(c, str) for c in classes):
            raise DataError(
                f"{name}: CLASSES must be a sequence of class names (strings), e.g. "
                f"('ham', 'spam'); got {classes!r}."
            )
        classes = tuple(classes)
    return LFSuite(lfs=tuple(lfs), classes=classes, source=name)


def _import(source: str | Path) -> ModuleType:
    text = str(source)
    looks_like_path = (
        text.endswith(".py") or "/" in text or "\\" in text or isinstance(source, Path)
    )
    if not looks_like_path:
        try:
            return importlib.import_module(text)
        except ModuleNotFoundError as exc:
            if exc.name and text.startswith(exc.name):
                raise DataError(
                    f"No LF file or module {text!r}: pass a path to a .py file (my_lfs.py) or an "
                    "importable module name (labeling_functions.spam)."
                ) from None
            raise DataError(_import_failure(text, exc)) from exc
        except Exception as exc:
            raise DataError(_import_failure(text, exc)) from exc
    path = Path(text)
    if not path.is_file():
        raise DataError(f"{path}: no such LF file; pass the path of a Python file defining LFs.")
    key = digest(str(path.resolve()).encode())[:12]
    module_name = f"_weaklabel_lfs_{path.stem}_{key}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise DataError(f"{path}: cannot be imported as Python; is it a .py file?")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(module_name, None)
        raise DataError(f"{path}, line {exc.lineno}: syntax error: {exc.msg}") from exc
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise DataError(_import_failure(str(path), exc)) from exc
    return module


def _import_failure(source: str, exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if f.filename.endswith(Path(source).name)] or frames[-1:]
    where = f", line {mine[-1].lineno}" if mine else ""
    return (
        f"{source}{where}: the LF file failed to import: {type(exc).__name__}: {exc}. Fix the "
        "file so that `python <file>` runs."
    )
