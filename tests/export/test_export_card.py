"""The dataset card: a YAML header that parses and names the files that exist, and a body that
says how the labels were made."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from weaklabel.export import export
from weaklabel.export._card import size_category
from weaklabel.export._yaml import to_yaml


def card(out: Path) -> tuple[dict, str]:
    text = (out / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    header, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(header), body


@pytest.mark.parametrize("format", ["jsonl", "chat", "csv", "parquet", "hf"])
def test_the_header_parses_and_lists_the_files_that_exist(demo_run, tmp_path, format):
    out = tmp_path / "out"
    result = export(demo_run, out, format=format, split={"train": 0.9, "test": 0.1},
                    license="cc-by-4.0", language="en", progress=False)  # fmt: skip
    header, _ = card(out)
    assert header["license"] == "cc-by-4.0" and header["language"] == ["en"]
    assert header["task_categories"] == ["text-classification"]
    assert header["size_categories"] == ["1K<n<10K"]
    assert header["annotations_creators"] == ["machine-generated"]
    (config,) = header["configs"]
    assert [f["split"] for f in config["data_files"]] == ["train", "test"]
    for entry in config["data_files"]:
        paths = entry["path"] if isinstance(entry["path"], list) else [entry["path"]]
        for path in paths:
            assert (out / path).is_file()
            assert out / path in result.files


def test_the_body_says_how_the_labels_were_made(mixed_run, tmp_path):
    out = tmp_path / "out"
    export(mixed_run, out, min_confidence=0.5, gold="exclude", progress=False)
    header, body = card(out)
    assert header["license"] == "other" and "language" not in header
    assert header["annotations_creators"] == ["machine-generated", "expert-generated"]
    for lf in ("link", "channel", "short", "song"):  # the LF table, from lf_summary.csv
        assert f"| {lf} |" in body
    assert "learned_accuracy" in body and "empirical_accuracy" in body
    assert "`label-model`" in body and "| ham |" in body  # the class balance
    assert "### End model" in body and "| calibration.ece | 0.040 |" in body
    assert "| features | word, char |" in body
    assert "### Annotations" in body and "| krippendorff_alpha | 0.700 |" in body
    assert "| gold | exclude | 1 |" in body and "| min_confidence | 0.500 | 0 |" in body
    assert "| end-model | 2 |" in body and "| gold | 0 |" in body
    assert "## Known limits" in body and "none was given: pass --license" in body


def test_yaml_writer_round_trips_awkward_strings():
    value = {
        "pretty_name": 'a: "quoted" #name\nwith a newline',
        "tags": ["no", "yes", "null", "1.5", "-", "ünïcödé", "x: y", "[a]", "{b}", "@c", "`d`"],
        "empty": [],
        "nested": [{"a": [1, 2.5, True, None], "b": {"c": "d"}}],
    }
    assert yaml.safe_load(to_yaml(value)) == value


@pytest.mark.parametrize(
    ("n", "bucket"),
    [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (10**6, "1M<n<10M"), (10**10, "n>1B")],
)
def test_size_categories(n, bucket):
    assert size_category(n) == bucket
