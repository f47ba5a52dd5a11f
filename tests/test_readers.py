from __future__ import annotations

import pytest

from weaklabel import DataError, ParameterError, read_data


def test_csv_keeps_na_text(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,text\n1,NA\n2,\n3,null\n")
    frame = read_data(path)
    assert frame["text"].iloc[0] == "NA"
    assert frame["text"].isna().tolist() == [False, True, False]


def test_malformed_csv_names_file_and_line(fixtures):
    with pytest.raises(
        DataError, match=r"malformed\.csv, line 3: malformed CSV row: expected 2 fields, saw 3"
    ):
        read_data(fixtures / "malformed.csv")


def test_jsonl(fixtures):
    frame = read_data(fixtures / "comments.jsonl")
    assert frame["id"].tolist() == ["a", "b"]


def test_malformed_jsonl_names_file_and_line(fixtures):
    with pytest.raises(DataError, match=r"bad\.jsonl, line 2: not valid JSON"):
        read_data(fixtures / "bad.jsonl")


def test_jsonl_line_must_be_an_object(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"a": 1}\n[1, 2]\n')
    with pytest.raises(DataError, match="line 2: expected a JSON object"):
        read_data(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_data(tmp_path / "nope.csv")


def test_unknown_suffix(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("x")
    with pytest.raises(DataError, match="cannot tell the format"):
        read_data(path)
    with pytest.raises(ParameterError, match="'format'"):
        read_data(path, format="excel")


def test_empty_files(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="empty"):
        read_data(empty)
    header_only = tmp_path / "h.csv"
    header_only.write_text("id,text\n")
    with pytest.raises(DataError, match="no rows"):
        read_data(header_only)


def test_wrong_encoding_says_how_to_fix(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,text\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"not valid utf-8.*--encoding"):
        read_data(path)
    assert read_data(path, encoding="latin-1")["text"].iloc[0] == "café"
