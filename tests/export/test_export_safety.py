"""An export appears whole or not at all, never replaces what it should not, and every bad input
is one clear error (exit status 1, no traceback from the CLI)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from weaklabel import DataError, MissingDependencyError, ParameterError
from weaklabel.cli import main
from weaklabel.export import _writers, export

FIXTURES = Path(__file__).parent.parent / "fixtures"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def cli_error(capsys, *args) -> str:
    code = main([str(a) for a in args])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "weaklabel: error: " in err and "Traceback" not in err
    return err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".weaklabel-" in p.name)


@pytest.mark.parametrize("format", ["jsonl", "csv", "hf"])
def test_a_failure_mid_export_leaves_no_output_and_the_old_one_untouched(
    demo_run, tmp_path, monkeypatch, format
):
    out = tmp_path / "out"
    calls = []

    def fail(self, split, rows):
        calls.append(split)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(out))
        return real(self, split, rows)

    writer = {"jsonl": _writers.JsonlWriter, "csv": _writers.CsvWriter}.get(format)
    if writer is None:
        from weaklabel.export._hf import HfWriter as writer
    real = writer.write
    monkeypatch.setattr(writer, "write", fail)
    split = {"train": 0.5, "test": 0.5}
    with pytest.raises(OSError, match="No space left"):
        export(demo_run, out, format=format, split=split, dedupe=False, progress=False)
    assert not out.exists() and leftovers(tmp_path) == []
    monkeypatch.setattr(writer, "write", real)
    export(demo_run, out, format=format, progress=False)
    before = snapshot(out)
    calls.clear()
    monkeypatch.setattr(writer, "write", fail)
    with pytest.raises(OSError, match="No space left"):
        export(demo_run, out, format=format, split=split, dedupe=False, overwrite=True,
               progress=False)  # fmt: skip
    assert snapshot(out) == before and leftovers(tmp_path) == []


def test_a_bad_row_late_in_the_file_leaves_nothing(csv_run, copy_run, tmp_path, capsys):
    run = copy_run(csv_run)
    records = read_jsonl(run / "labels.jsonl")
    records[-1]["text"] = "   "
    write_jsonl(run / "labels.jsonl", records)
    err = cli_error(capsys, "export", run, "--format", "chat", "--out", tmp_path / "out")
    assert "Row 'c8': the user message is empty" in err
    assert not (tmp_path / "out").exists()


def test_overwrite(csv_run, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["-q", "export", str(csv_run), "--out", str(out)]) == 0
    err = cli_error(capsys, "export", csv_run, "--out", out, "--format", "csv")
    assert "already exists; pass --overwrite" in err
    assert main(["-q", "export", str(csv_run), "--out", str(out), "--format", "csv",
                 "--overwrite"]) == 0  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == [".weaklabel-run.json", "README.md",
                                                     "train.csv"]  # fmt: skip
    (out / "notes.txt").write_text("mine")
    err = cli_error(capsys, "export", csv_run, "--out", out, "--overwrite")
    assert "files weaklabel did not write (notes.txt)" in err
    assert (out / "notes.txt").read_text() == "mine"


def test_out_may_not_be_a_run_folder_or_inside_one(csv_run, demo_run, tmp_path, capsys):
    err = cli_error(capsys, "export", csv_run, "--out", csv_run / "export")
    assert "inside the run folder" in err
    err = cli_error(capsys, "export", csv_run, "--out", demo_run, "--overwrite")
    assert "is the output folder of `weaklabel run`, not an export" in err
    (tmp_path / "file").write_text("x")
    assert "already exists" in cli_error(capsys, "export", csv_run, "--out", tmp_path / "file")


def test_unknown_placeholder_names_it_and_lists_the_columns(csv_run, tmp_path, capsys):
    err = cli_error(capsys, "export", csv_run, "--format", "chat", "--out", tmp_path / "o",
                    "--user-template", "{author}: {body} {likes}")  # fmt: skip
    assert "{likes}" in err and "Known: text, comment_id, author, body, truth" in err
    err = cli_error(capsys, "export", csv_run, "--format", "chat", "--out", tmp_path / "o",
                    "--user-template", "{0} {text}")  # fmt: skip
    assert "plain {column} placeholders" in err


def test_the_gold_column_is_no_placeholder(demo_run, tmp_path, capsys):
    err = cli_error(capsys, "export", demo_run, "--format", "chat", "--out", tmp_path / "o",
                    "--user-template", "{text} (answer: {label})")  # fmt: skip
    assert "{label}, the gold column of the run" in err and "answer in the prompt" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("verbalizer", "message"),
    [
        ("ham=Not spam", "no answer for the class 'spam'"),
        ("ham=Spam,spam=Spam", "the same answer 'Spam'"),
        ("ham=No,spam=Yes,eggs=Maybe", "names 'eggs', which is not a class of the run"),
        ("ham=,spam=Yes", "every answer must be non-empty"),
        ("ham", "CLASS=ANSWER pairs"),
        ("missing.json", "cannot read it as a JSON file"),
    ],
)
def test_bad_verbalizers(csv_run, tmp_path, capsys, verbalizer, message):
    err = cli_error(capsys, "export", csv_run, "--format", "chat", "--out", tmp_path / "o",
                    "--verbalizer", verbalizer)  # fmt: skip
    assert message in err


def test_an_empty_system_prompt_and_a_bad_split(csv_run, tmp_path, capsys):
    err = cli_error(capsys, "export", csv_run, "--format", "chat", "--out", tmp_path / "o",
                    "--system", " ")  # fmt: skip
    assert "'system' parameter of export must be a non-empty prompt" in err
    err = cli_error(capsys, "export", csv_run, "--out", tmp_path / "o", "--split", "train:0.8")
    assert "--split must be NAME=SHARE pairs" in err


def test_no_text_anywhere(csv_run, copy_run, tmp_path, capsys):
    run = copy_run(csv_run)
    records = read_jsonl(run / "labels.jsonl")
    for record in records:
        del record["text"]
    write_jsonl(run / "labels.jsonl", records)
    info = json.loads((run / "run.json").read_text())
    info["data"]["text_column"] = None
    (run / "run.json").write_text(json.dumps(info))
    err = cli_error(capsys, "export", run, "--out", tmp_path / "o")
    assert "has no text and the run named no text column" in err


def test_text_is_read_from_the_data_when_labels_have_none(csv_run, copy_run, tmp_path):
    run = copy_run(csv_run)
    records = read_jsonl(run / "labels.jsonl")
    texts = [record.pop("text") for record in records]
    write_jsonl(run / "labels.jsonl", records)
    export(run, tmp_path / "o", progress=False)
    assert [r["text"] for r in read_jsonl(tmp_path / "o" / "train.jsonl")] == texts


def csv_run_on_a_copy(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "comments.csv"
    shutil.copy(FIXTURES / "comments.csv", data)
    run = tmp_path / "run"
    assert main(["-q", "run", "--data", str(data), "--lfs", str(FIXTURES / "tiny_lfs.py"),
                 "--out", str(run), "--text-column", "body", "--id-column",
                 "comment_id"]) == 0  # fmt: skip
    return data, run


def test_a_data_file_changed_since_the_run(tmp_path, capsys):
    data, run = csv_run_on_a_copy(tmp_path)
    template = ["--format", "chat", "--user-template", "{author}: {text}"]
    assert main(["-q", "export", str(run), "--out", str(tmp_path / "ok"), *template]) == 0
    data.write_text(data.read_text().replace("ann,", "ANN,"))  # same size, other digest
    err = cli_error(capsys, "export", run, "--out", tmp_path / "o", *template)
    assert f"{data} changed since the run (digest" in err and "Run `weaklabel run` again" in err
    data.write_text(data.read_text() + "c9,ivy,hello,ham\n")
    err = cli_error(capsys, "export", run, "--out", tmp_path / "o", *template)
    assert "changed since the run (size" in err
    data.unlink()
    assert "is gone" in cli_error(capsys, "export", run, "--out", tmp_path / "o", *template)
    # the data is read only when needed: without a template, labels.jsonl is enough
    assert main(["-q", "export", str(run), "--out", str(tmp_path / "plain")]) == 0


def test_ids_missing_from_the_data(tmp_path, capsys):
    _, run = csv_run_on_a_copy(tmp_path)
    records = read_jsonl(run / "labels.jsonl")
    records[4]["id"] = "c99"
    write_jsonl(run / "labels.jsonl", records)
    err = cli_error(capsys, "export", run, "--out", tmp_path / "o", "--format", "chat",
                    "--user-template", "{author}: {text}")  # fmt: skip
    assert "labels.jsonl, line 5: the id 'c99' has no row in" in err
    assert "by its id column 'comment_id'" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 3: not valid JSON"),
        ('["a list"]', "line 3: expected a JSON object, found list"),
        ('{"id": "x", "label": "eggs"}', "line 3: 'label' is 'eggs', not one of the run's"),
        ('{"id": null}', "line 3: 'id' must be a string or a number"),
    ],
)
def test_a_malformed_labels_line_names_file_and_line(csv_run, copy_run, tmp_path, capsys, line,
                                                      message):  # fmt: skip
    run = copy_run(csv_run)
    lines = (run / "labels.jsonl").read_text().splitlines()
    lines[2] = line
    (run / "labels.jsonl").write_text("\n".join(lines) + "\n")
    err = cli_error(capsys, "export", run, "--out", tmp_path / "o")
    assert f"{run / 'labels.jsonl'}, {message}" in err


def test_a_folder_that_is_not_a_run(tmp_path, capsys):
    assert "no run.json" in cli_error(capsys, "export", tmp_path, "--out", tmp_path / "o")


def test_votes_that_do_not_match(csv_run, demo_run, copy_run, tmp_path):
    run = copy_run(csv_run)
    shutil.copy(demo_run / "votes.npz", run / "votes.npz")
    with pytest.raises(DataError, match="not from the same run"):
        export(run, tmp_path / "o", drop_uncovered=True, progress=False)


def test_hf_without_datasets_names_the_extra(csv_run, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "datasets", None)  # as if not installed
    with pytest.raises(MissingDependencyError, match=r"pip install 'weaklabel\[hf\]'"):
        export(csv_run, tmp_path / "o", format="hf", progress=False)
    assert not (tmp_path / "o").exists()


def test_balance_and_caps_together_are_refused(csv_run, tmp_path, capsys):
    with pytest.raises(ParameterError, match="cannot both be set"):
        export(csv_run, tmp_path / "o", balance=True, max_per_class=3, progress=False)
    with pytest.raises(SystemExit) as exit_:
        main(["export", str(csv_run), "--out", str(tmp_path / "o"), "--balance",
              "--max-per-class", "3"])  # fmt: skip
    assert exit_.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_an_hf_export_is_replaced_whole_unless_a_subfolder_holds_other_files(csv_run, tmp_path,
                                                                             capsys):  # fmt: skip
    out = tmp_path / "out"
    export(csv_run, out, format="hf", progress=False)
    export(csv_run, out, format="hf", overwrite=True, progress=False)  # subfolders are ours
    (out / "train" / "notes.txt").write_text("mine")
    err = cli_error(capsys, "export", csv_run, "--out", out, "--format", "hf", "--overwrite")
    assert "files weaklabel did not write (train)" in err
    assert (out / "train" / "notes.txt").read_text() == "mine"
