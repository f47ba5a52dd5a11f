"""The package's shape: modules stay small, wings are layered, nothing imports in a cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import weaklabel

PACKAGE = Path(weaklabel.__file__).parent
ROOT = PACKAGE.parent
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if p.name not in ("__main__.py", "_version.py")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_module_has_a_docstring_and_an_all(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), "module docstring"
    if path.name != "__init__.py" or any(isinstance(n, ast.ImportFrom) for n in tree.body):
        names = {
            t.id
            for n in tree.body
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        names |= {
            n.target.id
            for n in tree.body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
        }
        assert "__all__" in names, "__all__"


def test_the_layering_contracts_are_declared():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    kinds = {c["type"] for c in contracts}
    assert {"layers", "acyclic_siblings"} <= kinds
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    wings = {w.strip() for layer in layers for w in layer.split("|")}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages <= wings, f"wings missing from the layering contract: {packages - wings}"


def test_the_layering_contracts_hold():
    command = Path(sys.executable).parent / "lint-imports"  # import-linter, a dev dependency
    result = subprocess.run([str(command)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
