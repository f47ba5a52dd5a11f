from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from weaklabel._io.atomic import atomic_write, check_output_file
from weaklabel._io.temps import temp_name
from weaklabel.exceptions import DataError


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


# -- what is at the path: symlinks are written through, special files refused -------------------


def test_writes_through_a_symlink_and_keeps_the_link(tmp_path):
    (tmp_path / "real.txt").write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    with atomic_write(link) as handle:
        handle.write("new")
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert (tmp_path / "real.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


def test_a_dangling_symlink_gets_its_target_created(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(Path("sub") / "target.txt")
    with atomic_write(link) as handle:
        handle.write("made")
    assert link.is_symlink()
    assert (tmp_path / "sub" / "target.txt").read_text() == "made"


def test_refuses_a_fifo_and_leaves_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused = pytest.raises(DataError, match=r"pipe is a FIFO \(named pipe\), not a regular file")
    with refused, atomic_write(fifo) as handle:
        handle.write("x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_refuses_a_folder_and_leaves_it(tmp_path):
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "keep.txt").write_text("kept")
    refused = pytest.raises(DataError, match="dir is a folder, not a regular file; pass a file")
    with refused, atomic_write(folder) as handle:
        handle.write("x")
    assert (folder / "keep.txt").read_text() == "kept"


def test_refuses_a_symlink_to_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to("pipe")
    with pytest.raises(DataError, match=r"a symlink to .*pipe\) is a FIFO"):
        check_output_file(tmp_path / "link")
    assert (tmp_path / "link").is_symlink()


@pytest.mark.usefixtures("guard_devices")
@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_refuses_a_character_device_and_leaves_it(device):
    refused = pytest.raises(DataError, match=f"{device} is a character device, not a regular file")
    with refused, atomic_write(device) as handle:
        handle.write("x")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "secret.txt"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_write(target) as handle:
        handle.write("new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "new"


def test_missing_folders_are_created(tmp_path):
    target = tmp_path / "new" / "sub" / "a.txt"
    with atomic_write(target) as handle:
        handle.write("x")
    assert target.read_text() == "x"


def test_a_parent_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file.txt").write_text("mine")
    with pytest.raises(DataError, match=r"file\.txt is a regular file, not a folder"):
        check_output_file(tmp_path / "file.txt" / "sub" / "a.txt")
    assert (tmp_path / "file.txt").read_text() == "mine"


# -- temporaries left by a killed writer ----------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stale_temporaries_of_dead_writers_only_are_removed(tmp_path):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        dead_tmp = tmp_path / temp_name("a.txt", "tmp", pid=dead_pid())
        live_tmp = tmp_path / temp_name("a.txt", "tmp", pid=live.pid)
        other = tmp_path / ".a.txt.abcd1234.tmp"  # not ours: never touched
        for path in (dead_tmp, live_tmp, other):
            path.write_text("partial")
        with atomic_write(tmp_path / "b.txt") as handle:
            handle.write("x")
        assert not dead_tmp.exists()
        assert live_tmp.exists() and other.exists()
    finally:
        live.kill()
        live.wait()
