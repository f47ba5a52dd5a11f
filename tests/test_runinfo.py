"""run.json: where a run's rows came from, and how they were labeled; validated when read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from weaklabel import DataError
from weaklabel._io.runinfo import RUN_INFO, file_fingerprint, read_run_info, write_run_info
from weaklabel.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    fixtures = FIXTURES
    out = tmp_path_factory.mktemp("run") / "out"
    code = main(["-q", "run", "--data", str(fixtures / "comments.csv"), "--lfs",
                 str(fixtures / "tiny_lfs.py"), "--out", str(out), "--text-column", "body",
                 "--id-column", "comment_id", "--gold-column", "truth"])  # fmt: skip
    assert code == 0
    return out


def test_run_json_says_where_the_rows_came_from(run_folder, fixtures):
    info = read_run_info(run_folder)
    data = info["data"]
    path = fixtures / "comments.csv"
    assert data["path"] == str(path.resolve()) and data["bundled"] is None
    assert data["size"] == path.stat().st_size
    assert data["digest"] == hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    assert (data["text_column"], data["id_column"], data["gold_column"]) == (
        "body", "comment_id", "truth",
    )  # fmt: skip
    assert data["n_rows"] == len((run_folder / "labels.jsonl").read_text().splitlines())
    assert info["lfs"] == {"source": str(fixtures / "tiny_lfs.py"),
                           "names": ["link", "channel", "short", "song"]}  # fmt: skip
    assert info["classes"] == ["ham", "spam"]
    assert abs(sum(info["label_model"]["class_balance"]) - 1) < 1e-9
    assert set(info["scores"]) == {"label-model", "majority-vote", "end-model"}
    assert 0 < info["coverage"] <= 1 and info["end_model"]["policy"] == "end-model"


def test_the_demo_records_its_bundled_dataset(tmp_path):
    assert main(["-q", "run", "--out", str(tmp_path / "demo")]) == 0
    data = read_run_info(tmp_path / "demo")["data"]
    assert data["bundled"] == "youtube-spam" and data["path"] is None
    assert data["n_rows"] == 1956


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other"}, "not a weaklabel run.json"),
        ({"version": 99}, "run.json version 99"),
        ({"version": 0}, "corrupt run.json: format version 0"),
        ({"version": True}, "corrupt run.json: format version True"),
        ({"classes": ["ham", ""]}, "'classes' must be non-empty strings"),
        ({"coverage": "high"}, "'coverage' is str"),
        ({"data": {"path": "/x"}}, "'data.bundled' missing"),
    ],
)
def test_a_tampered_run_json_is_refused(run_folder, tmp_path, change, message):
    record = json.loads((run_folder / RUN_INFO).read_text())
    record.update(change)
    (tmp_path / RUN_INFO).write_text(json.dumps(record))
    with pytest.raises(DataError, match=message):
        read_run_info(tmp_path)


def test_a_folder_without_run_json_or_with_broken_json(tmp_path):
    with pytest.raises(DataError, match=r"no run\.json: not the output folder"):
        read_run_info(tmp_path)
    (tmp_path / RUN_INFO).write_text("{")
    with pytest.raises(DataError, match="not valid JSON"):
        read_run_info(tmp_path)


def test_write_refuses_a_record_it_could_not_read_back(tmp_path):
    with pytest.raises(DataError, match="'data' missing"):
        write_run_info(tmp_path / RUN_INFO, {"classes": ["a"]})
    assert not (tmp_path / RUN_INFO).exists()


def test_file_fingerprint_reads_in_blocks(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (3 * (1 << 20) + 5))
    print_ = file_fingerprint(path)
    assert print_["size"] == 3 * (1 << 20) + 5
    assert print_["digest"] == hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
