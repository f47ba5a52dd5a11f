from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel import ABSTAIN, DataError, ParameterError, apply_lfs, labeling_function, read_data
from weaklabel._io.quotes import check_quotes


def test_csv_keeps_na_text(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,text\n1,NA\n2,\n3,null\n")
    frame = read_data(path)
    assert frame["text"].iloc[0] == "NA"
    # an empty text cell reads as "" (it used to be NaN; see test_empty_text_cell_is_a_string)
    assert frame["text"].tolist() == ["NA", "", "null"]


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


# -- quotes ---------------------------------------------------------------------------------------


def test_unclosed_quote_no_longer_merges_rows(tmp_path):
    """The tester's file: pandas read 3 rows as 1 and exited 0."""
    path = tmp_path / "songs.csv"
    path.write_text('id,text,label\n1,"great song,ham\n2,love it,ham\n3,"buy now",spam\n')
    with pytest.raises(DataError) as caught:
        read_data(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 2: malformed quotes")
    assert "lines 2-4 would be read as one field" in message
    assert "Close the quote" in message and 'two quotes ("")' in message


def test_quote_never_closed_names_its_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('id,text\n1,fine\n2,"open\n3,more\n')
    with pytest.raises(DataError, match=r"d\.csv, line 3: .*never closed"):
        read_data(path)


def test_quote_inside_a_quoted_field_must_be_doubled(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('id,text\n1,"say "hi" now"\n')
    with pytest.raises(DataError, match=r"line 2: .*followed by 'h'"):
        read_data(path)


@pytest.mark.parametrize(
    "body",
    [
        'id,text\n1,"two\nlines, with a comma"\n2,x\n',
        'id,text\r\n1,"crlf\r\nfield"\r\n2,x\r\n',
        'id,text\n1,"say ""hi"""\n2,"""quoted"""\n',
        '"id","text"\n1,"last field, no line break"',
        'id,text\n1,ab"c\n2,x"y\n3, "z"\n',  # a quote inside an unquoted field is a character
        '\ufeff"id",text\n1,x\n',
    ],
    ids=["multi-line", "crlf", "doubled", "quoted-header", "mid-field", "bom"],
)
def test_well_formed_quotes_read_as_pandas_reads_them(tmp_path, body):
    path = tmp_path / "d.csv"
    path.write_bytes(body.encode("utf-8"))
    expected = pd.read_csv(path, keep_default_na=False, encoding="utf-8")
    assert read_data(path).astype(str).values.tolist() == expected.astype(str).values.tolist()


_CELLS = st.text(alphabet='ab ,"\n\r', max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_CELLS, min_size=2, max_size=2), min_size=1, max_size=5))
def test_files_written_by_the_csv_module_pass(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("q") / "d.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["a", "b"], *rows])
    for encoding in ("utf-8", "utf-16"):  # raw bytes, and decoded text
        if encoding == "utf-16":
            path.write_text(path.read_text(encoding="utf-8"), encoding="utf-16", newline="")
        for chunk_size in (1, 2, 7, 1 << 22):
            check_quotes(path, encoding, chunk_size=chunk_size)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='a,"\n\r', max_size=16))
def test_quote_check_agrees_with_the_strict_csv_module(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("q") / "d.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        list(csv.reader(io.StringIO(text, newline=""), strict=True))
        valid = True
    except csv.Error:
        valid = False
    for encoding, chunk_size in (("utf-8", 1), ("utf-8", 3), ("utf-8", 64), ("cp437", 2)):
        if valid:
            check_quotes(path, encoding, chunk_size=chunk_size)
        else:
            with pytest.raises(DataError, match="malformed quotes"):
                check_quotes(path, encoding, chunk_size=chunk_size)


# -- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["no-such", "rot13", ""])
def test_unknown_encoding_is_a_parameter_error(fixtures, encoding):
    with pytest.raises(
        ParameterError, match=r"'encoding' parameter of read_data.*'utf-8'.*latin-1"
    ):
        read_data(fixtures / "comments.csv", encoding=encoding)


def test_quote_check_reads_other_encodings(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('id,text\n1,"caf\u00e9, ok"\n2,"open\n', encoding="utf-16")
    with pytest.raises(DataError, match="line 3: malformed quotes"):
        read_data(path, encoding="utf-16")


# -- missing values -------------------------------------------------------------------------------


def test_empty_text_cell_is_a_string(tmp_path):
    """An LF doing x.text.lower() failed on the NaN an empty cell used to give."""
    path = tmp_path / "d.csv"
    path.write_text("id,text\n1,Great song\n2,\n3,BUY NOW\n")

    @labeling_function()
    def shouting(x):
        return 1 if x.text.lower() != x.text else ABSTAIN

    votes = apply_lfs([shouting], read_data(path), cardinality=2, id_column="id")
    assert votes.to_dense()[:, 0].tolist() == [1, -1, 1]


def test_integer_column_with_empty_cells_stays_integer(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(
        "id,score,ratio,flag,nothing,big\n1,3,0.5,true,,12345678901234567\n,,,,,\n3,4,1.0,false,,2\n"
    )
    frame = read_data(path)
    assert frame["id"].dtype == "Int64" and frame["id"].tolist() == [1, pd.NA, 3]
    assert frame["score"].dtype == "Int64"
    assert frame["big"].tolist()[0] == 12345678901234567  # exact, not through a float
    assert frame["ratio"].dtype == np.float64 and np.isnan(frame["ratio"].iloc[1])
    assert frame["flag"].dtype == "boolean" and frame["flag"].tolist() == [True, pd.NA, False]
    assert frame["nothing"].tolist() == ["", "", ""]


def test_integer_column_with_gaps_next_to_an_implicit_index(tmp_path):
    """Rows with one field more than the header: pandas makes the first one the index."""
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2,3\n4,,6\n")
    frame = read_data(path)
    assert frame.index.tolist() == [1, 4]
    assert frame["a"].tolist() == [2, pd.NA] and frame["b"].tolist() == [3, 6]


def test_columns_without_gaps_keep_plain_dtypes(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,ratio,text\n1,1.0,a\n2,2.0,b\n")
    frame = read_data(path)
    assert frame["id"].dtype == np.int64 and frame["ratio"].dtype == np.float64


def test_whole_floats_with_gaps_stay_floats(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,ratio\n1,1.0\n2,\n")
    assert read_data(path)["ratio"].dtype == np.float64


def test_jsonl_null_stays_none(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(
        '{"id": 1, "text": "a", "score": 0.5, "ok": true}\n'
        '{"id": null, "text": null, "score": null, "ok": null}\n'
        '{"id": 3}\n'
    )
    frame = read_data(path)
    assert frame["text"].tolist() == ["a", None, None]
    assert frame["id"].dtype == "Int64" and frame["id"].tolist() == [1, pd.NA, 3]
    assert frame["score"].dtype == np.float64 and frame["score"].isna().tolist()[1:] == [True] * 2
    assert frame["ok"].dtype == "boolean"


def test_parquet_integer_column_with_nulls_is_int64(tmp_path):
    """A file written without pandas' metadata (Spark, DuckDB, pyarrow) gave 1.0, NaN, 3.0."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"id": pa.array([1, None, 3]), "t": ["a", "b", "c"]}), path)
    frame = read_data(path)
    assert frame["id"].dtype == "Int64" and frame["id"].tolist() == [1, pd.NA, 3]
