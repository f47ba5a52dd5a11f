from __future__ import annotations

import pytest

from weaklabel._lfs.example import Example, example_type, make_example


def test_attribute_and_item_access():
    x = make_example({"text": "hi", "my col": 3, "class": "k"})
    assert x.text == "hi"
    assert x["my col"] == 3
    assert x["class"] == "k"
    assert x.get("missing", 9) == 9
    assert x.to_dict() == {"text": "hi", "my col": 3, "class": "k"}


def test_missing_field_names_field_and_lists_available():
    x = make_example({"text": "hi", "author": "a"})
    with pytest.raises(
        AttributeError, match="no field 'body'; available fields: text, author"
    ) as info:
        _ = x.body
    assert info.value.obj is x
    assert info.value.name == "body"
    with pytest.raises(KeyError, match="no field 'body'"):
        _ = x["body"]


def test_columns_win_over_method_names():
    x = make_example({"keys": 1, "get": 2, "count": 3})
    assert (x.keys, x.get, x.count) == (1, 2, 3)


def test_types_are_cached_per_field_tuple():
    assert example_type(("a", "b")) is example_type(("a", "b"))
    assert isinstance(make_example({"a": 1}), Example)
