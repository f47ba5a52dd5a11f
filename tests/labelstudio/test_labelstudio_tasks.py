"""Tasks in Label Studio's import format: text, row id, extra columns, predictions and scores."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from weaklabel import DataError, ParameterError, VoteMatrix
from weaklabel.labelstudio import tasks, write_tasks
from weaklabel.models import MajorityVote

CLASSES = ["ham", "spam"]


@pytest.fixture
def data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "text": ["win $$$", "nice song", "sub 4 sub", "hello"],
            "likes": np.array([3, 0, 7, 1], dtype=np.int64),
            "when": pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"]),
        }
    )


@pytest.fixture
def votes() -> VoteMatrix:
    dense = [[1, -1], [0, 0], [1, 0], [-1, -1]]
    return VoteMatrix.from_dense(
        dense, cardinality=2, class_names=CLASSES, row_ids=["a", "b", "c", "d"]
    )


PROBS = np.array([[0.1, 0.9], [0.95, 0.05], [0.4, 0.6], [0.5, 0.5]])


def test_each_task_holds_the_text_the_row_id_and_the_extra_columns(data, votes):
    shuffled = data.iloc[[2, 0, 3, 1]]  # matched to the votes by id, not by position
    out = tasks(shuffled, votes, id_column="id", columns=["likes", "when"])
    assert [t["data"] for t in out] == [
        {"text": "win $$$", "row_id": "a", "likes": 3, "when": "2024-01-01T00:00:00"},
        {"text": "nice song", "row_id": "b", "likes": 0, "when": None},
        {"text": "sub 4 sub", "row_id": "c", "likes": 7, "when": "2024-01-03T00:00:00"},
        {"text": "hello", "row_id": "d", "likes": 1, "when": "2024-01-04T00:00:00"},
    ]
    assert all(set(t) == {"data"} for t in out)  # blind: no predictions
    json.dumps(out, allow_nan=False)  # plain JSON values only
    assert type(out[0]["data"]["likes"]) is int


def test_without_votes_the_ids_are_the_id_column_or_the_positions(data):
    assert [t["data"]["row_id"] for t in tasks(data, id_column="id")] == ["a", "b", "c", "d"]
    assert [t["data"]["row_id"] for t in tasks(data)] == [0, 1, 2, 3]


def test_the_variable_names_the_text_key(data):
    out = tasks(data, variable="comment")
    assert out[0]["data"] == {"comment": "win $$$", "row_id": 0}


def test_a_prediction_is_the_model_class_with_its_confidence(data, votes):
    out = tasks(data, votes, id_column="id", predictions=PROBS, model_version="v1")
    first = out[0]["predictions"]
    assert first == [
        {
            "model_version": "v1",
            "score": 0.9,
            "result": [
                {
                    "from_name": "label",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["spam"]},
                }
            ],
        }
    ]
    assert [t["predictions"][0]["score"] for t in out] == [0.9, 0.95, 0.6, 0.5]
    # a tie goes to the lowest class index without a model ...
    assert out[3]["predictions"][0]["result"][0]["value"]["choices"] == ["ham"]


def test_a_tie_follows_the_model_tie_policy(data, votes):
    model = MajorityVote(cardinality=2).fit(votes, class_balance=[0.2, 0.8])
    out = tasks(data, votes, id_column="id", predictions=PROBS, model=model)
    assert out[3]["predictions"][0]["result"][0]["value"]["choices"] == ["spam"]


def test_control_and_variable_name_the_prediction_tags(data):
    out = tasks(data, predictions=PROBS, classes=CLASSES, variable="body", control="kind")
    result = out[0]["predictions"][0]["result"][0]
    assert (result["from_name"], result["to_name"]) == ("kind", "body")


def test_a_selection_chooses_and_orders_the_tasks_and_its_order_is_the_score(data, votes):
    selection = pd.DataFrame({"row": [2, 0, 3], "id": ["c", "a", "d"], "score": [3.0, 2.0, 1.0]})
    out = tasks(data, votes, id_column="id", predictions=PROBS, selection=selection)
    assert [t["data"]["row_id"] for t in out] == ["c", "a", "d"]
    scores = [t["predictions"][0]["score"] for t in out]
    assert scores == [0.0, 1 / 3, 2 / 3]
    # Label Studio serves the lowest score first: that is the selection's order
    assert sorted(out, key=lambda t: t["predictions"][0]["score"]) == out
    confident = tasks(
        data, votes, id_column="id", predictions=PROBS, selection=selection, score="confidence"
    )
    assert [t["predictions"][0]["score"] for t in confident] == [0.6, 0.9, 0.5]
    blind = tasks(data, votes, id_column="id", selection=selection)
    assert [t["data"]["row_id"] for t in blind] == ["c", "a", "d"]


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (pd.DataFrame({"row": [0, 9]}), r"row 9 \(its entry 1\) is not a row position"),
        (pd.DataFrame({"row": [-1]}), "row -1"),
        (pd.DataFrame({"row": [1, 1]}), "holds row 1 twice"),
        (pd.DataFrame({"row": [0.5]}), "must hold row positions"),
        (pd.DataFrame({"rows": [0]}), "The row column 'row' is not in the selection"),
        (pd.DataFrame({"row": [0], "id": ["b"]}), "has id 'b', but that row of the data has id"),
    ],
)
def test_a_bad_selection_is_refused(data, votes, selection, message):
    with pytest.raises(DataError, match=message):
        tasks(data, votes, id_column="id", selection=selection)


def test_a_selection_must_be_a_frame(data):
    with pytest.raises(ParameterError, match="'selection' parameter of tasks must be a DataFrame"):
        tasks(data, selection=[0, 1])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"columns": "likes"}, ParameterError, r"Use \['likes'\]"),
        ({"columns": ["row_id"]}, ParameterError, "other than the text variable"),
        ({"columns": ["text"]}, ParameterError, "other than the text variable"),
        ({"columns": ["like"]}, DataError, "The extra column 'like' is not in the data"),
        ({"text_column": "txt"}, DataError, "The text column 'txt' is not in the data"),
        ({"variable": "row_id"}, ParameterError, "other than 'row_id'"),
        ({"variable": "my text"}, ParameterError, "letters, digits and underscores"),
        ({"control": "1abc"}, ParameterError, "'control' parameter of tasks"),
        ({"score": "order"}, ParameterError, "'auto' when there are no predictions"),
        ({"score": "rank"}, ParameterError, "one of 'auto', 'confidence', 'order'"),
        ({"model_version": " "}, ParameterError, "non-empty string"),
        ({"predictions": PROBS[:3]}, ParameterError, r"one row per data row \(4\)"),
        ({"predictions": PROBS[:, :1]}, ParameterError, "shape"),
        ({"predictions": [[0.5, np.nan]] * 4}, DataError, r"predictions\[0, 1\] = nan"),
        ({"predictions": PROBS, "classes": ["spam", "ham"]}, ParameterError, "disagrees"),
        ({"classes": ["spam", "ham"]}, ParameterError, "disagrees"),
    ],
)
def test_bad_arguments_are_refused_by_name(data, votes, kwargs, error, message):
    with pytest.raises(error, match=message):
        tasks(data, votes, id_column="id", **kwargs)


def test_classes_default_to_class_indices_and_must_fit_the_probabilities(data):
    out = tasks(data, predictions=PROBS)
    assert out[0]["predictions"][0]["result"][0]["value"]["choices"] == ["1"]
    with pytest.raises(ParameterError, match=r"must name 2 classes.*Got \['a', 'b', 'c'\]"):
        tasks(data, predictions=PROBS, classes=["a", "b", "c"])


def test_data_must_be_a_frame_and_votes_a_vote_matrix(data):
    with pytest.raises(ParameterError, match="'data' parameter of tasks must be a pandas"):
        tasks(data.to_dict("records"))
    with pytest.raises(ParameterError, match="'votes' parameter of tasks must be a VoteMatrix"):
        tasks(data, PROBS)


def test_the_data_must_match_the_votes(data, votes):
    with pytest.raises(DataError, match="has 3 rows but the votes have 4"):
        tasks(data.iloc[:3], votes)


def test_a_row_id_shared_by_two_tasks_is_refused(data):
    data = data.assign(id=["a", "b", "a", "d"])
    with pytest.raises(DataError, match="row id 'a' belongs to more than one task"):
        tasks(data, id_column="id")


def test_missing_text_stays_missing_and_other_values_become_text():
    data = pd.DataFrame({"text": ["x", None, 5]})
    assert [t["data"]["text"] for t in tasks(data)] == ["x", None, "5"]


def test_write_tasks_writes_json_that_reads_back(tmp_path, data, votes):
    out = tasks(data, votes, id_column="id", predictions=PROBS)
    path = write_tasks(tmp_path / "sub" / "tasks.json", out)
    assert json.loads(path.read_text(encoding="utf-8")) == out


def test_write_tasks_refuses_what_json_cannot_hold_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text("old")
    with pytest.raises(DataError, match="Cannot write the tasks to"):
        write_tasks(path, [{"data": {"text": float("nan")}}])
    with pytest.raises(DataError, match="Cannot write the tasks to"):
        write_tasks(path, [{"data": {"text": object()}}])
    with pytest.raises(ParameterError, match="'tasks' parameter of write_tasks"):
        write_tasks(path, {"data": {}})
    assert path.read_text() == "old"
