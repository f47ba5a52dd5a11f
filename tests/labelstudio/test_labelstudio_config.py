"""The labeling config: a <Text> and a single <Choices> of the classes, escaped as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from weaklabel import ParameterError
from weaklabel.labelstudio import labeling_config


def test_the_config_reads_the_text_and_offers_one_choice_per_class():
    config = labeling_config(["ham", "spam"])
    assert config == (
        "<View>\n"
        '  <Text name="text" value="$text" />\n'
        '  <Choices name="label" toName="text" choice="single" showInLine="true">\n'
        '    <Choice value="ham" />\n'
        '    <Choice value="spam" />\n'
        "  </Choices>\n"
        "</View>"
    )


def test_class_names_are_escaped_and_parse_back_unchanged():
    names = ["a & b", "<script>alert(1)</script>", 'say "hi"', "it's", "ünï ♥", "two\nlines"]
    root = ET.fromstring(labeling_config(names))
    assert [c.get("value") for c in root.iter("Choice")] == names
    assert [child.tag for child in root] == ["Text", "Choices"]


def test_variable_and_control_name_the_tags():
    root = ET.fromstring(labeling_config(["a", "b"], variable="body", control="kind"))
    assert root.find("Text").attrib == {"name": "body", "value": "$body"}
    assert root.find("Choices").get("name") == "kind"
    assert root.find("Choices").get("toName") == "body"


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (["ham"], {}, "at least two distinct"),
        (["ham", "ham"], {}, "at least two distinct"),
        (["ham", " "], {}, "at least two distinct"),
        ("ham,spam", {}, r"Got the string 'ham,spam'; use \['ham', 'spam'\]"),
        (["ham", "sp\x00am"], {}, "without control characters"),
        (["a", "b"], {"variable": "$text"}, "'variable' parameter of labeling_config"),
        (["a", "b"], {"variable": "row_id"}, "other than 'row_id'"),
        (["a", "b"], {"control": "text"}, "other than the variable"),
    ],
)
def test_bad_classes_and_names_are_refused(args, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        labeling_config(args, **kwargs)
