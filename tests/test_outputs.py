"""How commands write their outputs: a run's folder swapped in whole, --out checked before the work.

The crash tests run ``weaklabel run`` in a child process that kills itself with SIGKILL at a chosen
point (a function patched inside the child), then check what is left on disk.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from weaklabel import VoteMatrix
from weaklabel._core.digest import digest
from weaklabel._io.outdir import MANIFEST, read_manifest
from weaklabel._io.temps import temp_name
from weaklabel.cli import _commands as commands
from weaklabel.cli import main
from weaklabel.cli._job import LEGACY_OUTPUT_FILES, OUTPUT_FILES, check_out_dir

KILL_AFTER_FIRST_FILE = """
import os, signal, sys
from weaklabel._votes.matrix import VoteMatrix
from weaklabel.cli import main

real_save = VoteMatrix.save
def save(self, path):
    real_save(self, path)
    os.kill(os.getpid(), signal.SIGKILL)  # the first output file is written
VoteMatrix.save = save
main(sys.argv[1:])
"""

KILL_BETWEEN_THE_RENAMES = """
import os, signal, sys
from weaklabel._io import outdir
from weaklabel.cli import main

outdir._exchange = lambda a, b: False  # as on a platform without renameat2
real_rename = os.rename
def rename(src, dst):
    real_rename(src, dst)
    if str(dst).endswith(".old"):
        os.kill(os.getpid(), signal.SIGKILL)  # the old folder is aside, the new not yet in place
os.rename = rename
main(sys.argv[1:])
"""


def run_args(fixtures: Path, out: Path, *extra: str) -> list[str]:
    data, lfs = fixtures / "comments.csv", fixtures / "tiny_lfs.py"
    return ["run", "--data", str(data), "--lfs", str(lfs), "--text-column", "body", "--out",
            str(out), "-q", *extra]  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def run_child(script: str, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def assert_manifest_matches(out: Path) -> None:
    manifest = read_manifest(out)
    assert manifest is not None
    on_disk = sorted(p.name for p in out.iterdir())
    assert on_disk == sorted([MANIFEST, *manifest["files"]])
    for name, entry in manifest["files"].items():
        content = (out / name).read_bytes()
        assert entry == {"size": len(content), "digest": digest(content)}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def test_a_run_killed_mid_write_leaves_the_old_outputs_whole(fixtures, work):
    out = work / "out"
    assert main(run_args(fixtures, out)) == 0
    before = snapshot(out)
    killed = run_child(
        KILL_AFTER_FIRST_FILE,
        run_args(fixtures, out, "--id-column", "comment_id", "--model", "majority-vote"),
        work,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert snapshot(out) == before  # every file byte-identical, none added
    assert len(list(work.iterdir())) == 2  # out/ and the killed run's hidden folder

    assert (
        main(run_args(fixtures, out, "--id-column", "comment_id", "--model", "majority-vote")) == 0
    )
    assert [p.name for p in work.iterdir()] == ["out"]  # the stale folder is gone
    assert_manifest_matches(out)
    assert sorted(read_manifest(out)["files"]) == sorted(OUTPUT_FILES.values())
    first = json.loads((out / "labels.jsonl").read_text().splitlines()[0])
    assert first["id"] == "c1"  # the new run's ids
    assert json.loads((out / "model.json").read_text())["model"] == "MajorityVote"


def test_a_run_killed_between_the_two_renames_is_rolled_back(fixtures, work):
    out = work / "out"
    assert main(run_args(fixtures, out)) == 0
    before = snapshot(out)
    killed = run_child(
        KILL_BETWEEN_THE_RENAMES, run_args(fixtures, out, "--model", "dawid-skene"), work
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not out.exists()  # the crash window the next run must repair

    assert check_out_dir(out) == out.resolve()
    assert snapshot(out) == before
    assert [p.name for p in work.iterdir()] == ["out"]


def test_a_folder_with_other_files_is_refused_and_left_alone(fixtures, work, capsys):
    out = work / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(run_args(fixtures, out)) == 1
    err = capsys.readouterr().err
    assert "out already holds files weaklabel did not write (notes.txt)" in err
    assert err.count("\n") == 1
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "mine"
    assert [p.name for p in work.iterdir()] == ["out"]


def test_a_file_added_to_an_output_folder_makes_it_foreign(fixtures, work, capsys):
    out = work / "out"
    assert main(run_args(fixtures, out)) == 0
    (out / "notes.txt").write_text("mine")
    assert main(run_args(fixtures, out)) == 1
    assert "(notes.txt)" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("where", ["cwd", "home"])
def test_the_current_and_home_folders_are_refused(fixtures, tmp_path, monkeypatch, capsys, where):
    folder = tmp_path / where
    (tmp_path / "cwd").mkdir(exist_ok=True)
    folder.mkdir(exist_ok=True)  # empty: only the rule, not foreign files, refuses it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "cwd")
    assert main(run_args(fixtures, Path(".") if where == "cwd" else folder)) == 1
    err = capsys.readouterr().err
    assert ("current folder" if where == "cwd" else "home folder") in err
    assert list(folder.iterdir()) == []


def test_an_empty_folder_and_a_folder_of_older_outputs_are_replaced(fixtures, work):
    empty, legacy = work / "empty", work / "legacy"
    empty.mkdir()
    legacy.mkdir()
    for name in LEGACY_OUTPUT_FILES:
        (legacy / name).write_text("from a version that wrote no manifest")
    for out in (empty, legacy):
        assert main(run_args(fixtures, out)) == 0
        assert_manifest_matches(out)


def test_a_symlink_to_a_folder_is_followed(fixtures, work):
    real, link = work / "real", work / "link"
    real.mkdir()
    link.symlink_to("real")
    assert main(run_args(fixtures, link)) == 0
    assert link.is_symlink() and os.readlink(link) == "real"
    assert_manifest_matches(real)


def test_a_file_at_the_out_path_is_refused(fixtures, work, capsys):
    (work / "out").write_text("mine")
    assert main(run_args(fixtures, work / "out")) == 1
    assert "out is a regular file, not a folder" in capsys.readouterr().err
    assert (work / "out").read_text() == "mine"


def test_only_dead_runs_folders_are_cleaned(fixtures, work):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        stale = work / temp_name("out", "new", pid=dead.pid)
        running = work / temp_name("out", "new", pid=live.pid)
        for folder in (stale, running):
            folder.mkdir()
            (folder / "votes.npz").write_bytes(b"partial")
        assert main(run_args(fixtures, work / "out")) == 0
        assert not stale.exists()
        assert (running / "votes.npz").read_bytes() == b"partial"
    finally:
        live.kill()
        live.wait()


# -- single-file outputs: --out checked and its folder created before the work --------------------


def test_fit_creates_the_folders_of_its_out(fixtures, tmp_path):
    votes = tmp_path / "v.npz"
    data, lfs = fixtures / "comments.csv", fixtures / "tiny_lfs.py"
    argv = ["apply", "--data", str(data), "--lfs", str(lfs), "--text-column", "body", "-q"]
    assert main([*argv, "--out", str(votes)]) == 0
    model = tmp_path / "new" / "sub" / "model.json"
    assert main(["fit", "--votes", str(votes), "--out", str(model), "-q"]) == 0
    assert json.loads(model.read_text())["model"] == "LabelModel"


def no_work(*args, **kwargs):
    raise AssertionError("the work started before --out was checked")


@pytest.mark.parametrize("command", ["run", "apply", "fit", "summary", "report", "predict"])
def test_an_out_under_a_regular_file_fails_before_the_work(
    fixtures, tmp_path, monkeypatch, capsys, command
):
    monkeypatch.setattr(commands, "read_data", no_work)
    monkeypatch.setattr(VoteMatrix, "load", no_work)
    (tmp_path / "file.txt").write_text("mine")
    out = str(tmp_path / "file.txt" / "out")
    data, lfs = str(fixtures / "comments.csv"), str(fixtures / "tiny_lfs.py")
    argv = {
        "run": ["run", "--data", data, "--lfs", lfs],
        "apply": ["apply", "--data", data, "--lfs", lfs],
        "fit": ["fit", "--votes", "v.npz"],
        "summary": ["summary", "--votes", "v.npz"],
        "report": ["report", "--votes", "v.npz", "--model", "m.json"],
        "predict": ["predict", "--votes", "v.npz", "--model", "m.json"],
    }[command]
    assert main([*argv, "--out", out]) == 1
    err = capsys.readouterr().err
    assert "file.txt is a regular file, not a folder" in err and err.count("\n") == 1
    assert (tmp_path / "file.txt").read_text() == "mine"


def test_apply_to_dev_full_exits_1_and_leaves_the_device(fixtures, capsys, guard_devices):
    data, lfs = str(fixtures / "comments.csv"), str(fixtures / "tiny_lfs.py")
    argv = ["apply", "--data", data, "--lfs", lfs, "--text-column", "body", "-q"]
    assert main([*argv, "--out", "/dev/full"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("weaklabel: error: /dev/full is a character device, not a regular file")
    assert err.count("\n") == 1
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
