"""The README's Python quickstart runs as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.DOTALL)


def test_readme_quickstart_runs(tmp_path, monkeypatch, capsys):
    blocks = python_blocks(ROOT / "README.md")
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "model.json").exists()
    probs = namespace["probs"]
    assert probs.shape == (1956, 2)
    assert "coverage" in capsys.readouterr().out


def test_every_cli_command_is_documented():
    text = (ROOT / "docs" / "cli.md").read_text()
    for command in (
        "run",
        "apply",
        "fit",
        "predict",
        "select",
        "agreement",
        "summary",
        "report",
        "export",
    ):
        assert f"## `weaklabel {command}`" in text
