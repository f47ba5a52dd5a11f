"""Annotations.read on Label Studio JSON exports (the documented "Export -> JSON" format)."""

from __future__ import annotations

import json

import pytest

from weaklabel.annotations import Annotations
from weaklabel.exceptions import AnnotationWarning, DataError


def task(task_id, annotations, data=None):
    return {
        "id": task_id,
        "data": data or {"text": "t", "row_id": task_id},
        "annotations": annotations,
    }


def annotation(user, *choices, cancelled=False, created="2024-05-02T09:00:00Z", tag="label"):
    result = [
        {
            "type": "choices",
            "from_name": tag,
            "to_name": "text",
            "value": {"choices": list(choices)},
        }
    ]
    return {
        "completed_by": user,
        "result": result if choices else [],
        "was_cancelled": cancelled,
        "created_at": created,
    }


def write(tmp_path, tasks, name="export.json"):
    path = tmp_path / name
    path.write_text(json.dumps(tasks))
    return path


def test_the_handwritten_export(fixtures):
    ann = Annotations.read(fixtures / "annotations" / "export.json")
    frame = ann.to_frame()
    # items: data["row_id"], else the task id (task 3 has no row_id); task 4 has no annotation
    assert frame["item"].tolist() == ["r0", "r0", "r1", 3]
    # the user's email when the export has it, else user-<id>
    assert frame["annotator"].tolist() == [
        "ana@example.org",
        "user-2",
        "ana@example.org",
        "user-2",
    ]
    assert frame["label"].tolist() == ["spam", "spam", "ham", "ham"]
    # the cancelled annotation of task 2 and the prediction of task 1 are not annotations
    assert len(ann) == 4
    assert str(frame["created_at"].iloc[0]) == "2024-05-02 09:00:01.123456+00:00"


def test_a_choice_that_is_not_a_class_names_task_and_choice(fixtures):
    with pytest.raises(DataError, match=r"task 2: the choice 'ham' is not a class name"):
        Annotations.read(fixtures / "annotations" / "export.json", classes=["spam", "eggs"])


def test_completed_by_as_an_id_or_an_object_without_email(tmp_path):
    tasks = [
        task(1, [annotation(7, "a"), annotation({"id": 8, "email": ""}, "b")]),
        task(2, [annotation({"id": 9}, "a")]),
    ]
    ann = Annotations.read(write(tmp_path, tasks))
    assert ann.annotators == ("user-7", "user-8", "user-9")
    with pytest.raises(DataError, match=r"task 1 has an annotation whose 'completed_by' is None"):
        Annotations.read(write(tmp_path, [task(1, [annotation(None, "a")])]))


def test_repeated_annotation_keeps_the_latest(tmp_path):
    tasks = [
        task(
            1,
            [
                annotation(7, "b", created="2024-05-03T00:00:00Z"),
                annotation(7, "a", created="2024-05-01T00:00:00Z"),
            ],
        ),
        task(2, [annotation(7, "a")]),
    ]
    with pytest.warns(AnnotationWarning, match="latest by created_at"):
        ann = Annotations.read(write(tmp_path, tasks))
    assert ann.to_frame()["label"].tolist() == ["b", "a"]


def test_empty_annotations_are_left_out_and_counted(tmp_path):
    tasks = [task(1, [annotation(7, "a"), annotation(8)]), task(2, [annotation(7, "b")])]
    with pytest.warns(AnnotationWarning, match=r"left out 1 annotation\(s\) with no choice.*task"):
        ann = Annotations.read(write(tmp_path, tasks))
    assert len(ann) == 2


def test_multiple_choices_are_an_error_naming_the_task(tmp_path):
    tasks = [task(1, [annotation(7, "a")]), task(5, [annotation(7, "a", "b")])]
    with pytest.raises(DataError, match=r"task 5 has an annotation with the choices \['a', 'b'\]"):
        Annotations.read(write(tmp_path, tasks))


def test_several_choices_tags_need_from_name(tmp_path):
    both = annotation(7, "a")
    both["result"] += annotation(7, "pos", tag="sentiment")["result"]
    tasks = [task(1, [both]), task(2, [annotation(8, "b")])]
    with pytest.raises(DataError, match=r"task 1 has choices of several <Choices> tags.*from_name"):
        Annotations.read(write(tmp_path, tasks))
    ann = Annotations.read(write(tmp_path, tasks), from_name="label")
    assert ann.to_frame()["label"].tolist() == ["a", "b"]


def test_an_empty_export_is_an_error_naming_the_file(fixtures, tmp_path):
    with pytest.raises(DataError, match=r"empty_export\.json: the export holds no tasks"):
        Annotations.read(fixtures / "annotations" / "empty_export.json")
    blank = tmp_path / "blank.json"
    blank.write_text("  \n")
    with pytest.raises(DataError, match=r"blank\.json: the file is empty"):
        Annotations.read(blank)
    only_cancelled = [task(1, [annotation(7, "a", cancelled=True)]), task(2, [])]
    with pytest.raises(DataError, match=r"2 task\(s\) but no annotation with a choice \(1 cancel"):
        Annotations.read(write(tmp_path, only_cancelled))


def test_a_truncated_export_names_file_and_position(fixtures):
    with pytest.raises(
        DataError, match=r"truncated\.json, line 54, column 9 \(character 1495\).*truncated"
    ):
        Annotations.read(fixtures / "annotations" / "truncated.json")


def test_not_an_export(tmp_path):
    with pytest.raises(DataError, match="a list of tasks; this file holds a dict"):
        Annotations.read(write(tmp_path, {"id": 1}))
    json_min = [{"id": 1, "text": "hi", "sentiment": "pos", "annotator": 1}]
    with pytest.raises(DataError, match=r"task 1 has no 'annotations' list.*JSON-MIN"):
        Annotations.read(write(tmp_path, json_min))
    with pytest.raises(DataError, match=r"task 0 \(counting from 0\) is not a Label Studio task"):
        Annotations.read(write(tmp_path, [["not", "a", "task"]]))
