from __future__ import annotations

import pytest

from weaklabel._io.atomic import atomic_write


def write_then_fail(target, text):
    with atomic_write(target) as handle:
        handle.write(text)
        raise RuntimeError("interrupted")


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="interrupted"):
        write_then_fail(target, "half of the new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_failure_on_a_new_file_leaves_nothing(tmp_path):
    target = tmp_path / "new.txt"
    with pytest.raises(RuntimeError, match="interrupted"):
        write_then_fail(target, "partial")
    assert list(tmp_path.iterdir()) == []


def test_binary_and_permissions(tmp_path):
    target = tmp_path / "b.bin"
    with atomic_write(target, "wb") as handle:
        handle.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert target.stat().st_mode & 0o044  # readable by group/others, not the 0600 of a temp file
