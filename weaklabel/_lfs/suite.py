"""A suite of labeling functions loaded from a Python file or module (``--lfs my_lfs.py``)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    class_descriptions : dict of str to str or None
        The file's ``CLASS_DESCRIPTIONS`` (class name -> what the class means, for the labeling
        guidelines, :func:`weaklabel.labelstudio.guidelines`), when it defines them.
    """

    lfs: tuple[LabelingFunction, ...]
    classes: tuple[str, ...] | None
    source: str
    class_descriptions: Mapping[str, str] | None = field(default=None, hash=False)


def load_lfs(source: str | Path) -> LFSuite:
    """Load the labeling functions defined by a Python file or an importable module.

    Every module-level :class:`LabelingFunction` is collected in definition order; a module-level
    list ``LFS`` overrides that choice and order. A module-level ``CLASSES`` gives the class names,
    and an optional ``CLASS_DESCRIPTIONS`` dict describes the classes (for labeling guidelines).

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
    _check_rebound_lfs(module, name)
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
    descriptions = _class_descriptions(module, name, classes)
    return LFSuite(lfs=tuple(lfs), classes=classes, source=name, class_descriptions=descriptions)


def _class_descriptions(
    module: ModuleType, name: str, classes: tuple[str, ...] | None
) -> dict[str, str] | None:
    """The file's ``CLASS_DESCRIPTIONS``, checked: text per class, for classes it declares."""
    given = getattr(module, "CLASS_DESCRIPTIONS", None)
    if given is None:
        return None
    if not isinstance(given, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in given.items()
    ):
        raise DataError(
            f"{name}: CLASS_DESCRIPTIONS must be a dict of class name to description (text), "
            f"e.g. {{'spam': 'Ads and self-promotion.'}}; got {given!r}."
        )
    if classes is not None:
        unknown = [k for k in given if k not in classes]
        if unknown:
            raise DataError(
                f"{name}: CLASS_DESCRIPTIONS describes {unknown[0]!r}, which is not one of its "
                f"CLASSES ({', '.join(classes)}); use the class names of CLASSES."
            )
    return dict(given)


def _check_rebound_lfs(module: ModuleType, name: str) -> None:
    """Refuse a file that binds a name twice where one binding is a labeling function.

    ``def spam(x)`` twice, or an LF later replaced by another value, makes Python keep only the
    last binding: the first LF would silently never run.
    """
    path = getattr(module, "__file__", None)
    if not path or not str(path).endswith(".py"):
        return
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return
    lines: dict[str, list[int]] = {}
    decorated: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            lines.setdefault(node.name, []).append(node.lineno)
            if any("labeling_function" in ast.unparse(d) for d in node.decorator_list):
                decorated.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    lines.setdefault(target.id, []).append(node.lineno)
    for var, where in lines.items():
        final = getattr(module, var, None)
        if len(where) > 1 and (isinstance(final, LabelingFunction) or var in decorated):
            shown = ", ".join(map(str, where))
            raise DataError(
                f"{name}, lines {shown}: the name {var!r} is bound {len(where)} times, so each "
                "binding replaces the one before and only the last would count: a labeling "
                "function would silently never run. Give each LF its own function name."
            )


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
