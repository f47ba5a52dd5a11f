"""The round trip through a real Label Studio server.

weaklabel's config makes the project, its tasks file is imported as written, two annotators
(the admin and one who joins through the invite link) label through the API, one skips a task,
and the JSON export comes back: every annotation must land on its row, with its annotator and
label, and the skipped one must not count.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from weaklabel import VoteMatrix
from weaklabel.labelstudio import guidelines, labeling_config, tasks, write_tasks
from weaklabel.models import MajorityVote

pytestmark = pytest.mark.slow

# Class names are user data: markup characters, quotes and non-ASCII must survive the XML config,
# the predictions, the annotations and the export.
CLASSES = ("ham", "spam & <eggs>", 'say "hé"')
HAM, SPAM, SAY = CLASSES
TEXTS = {
    "c-01": "check out my channel http://x.io",
    "c-02": "love this song",
    "c-03": "subscribe please <3",
    "c-04": "great video & great voice",
    "c-05": "free $$$ at bit.ly/x",
    "c-06": 'she said "hi" to me',
    "c-07": "ünïcödé ♥ <b>text</b>",
    "c-08": "nothing here",
}
DENSE = [  # three LFs
    [1, 1, -1],
    [0, -1, 0],
    [1, -1, 2],
    [0, 0, -1],
    [1, 1, 1],
    [-1, 2, 2],
    [2, -1, 0],
    [-1, -1, -1],
]
SELECTED = [4, 0, 6, 2, 5]  # rows chosen for labeling, best first (as active.query gives them)


def _raw_export(path: Path) -> set[tuple[str, int, str]]:
    """The export read as plain JSON, apart from weaklabel's reader (which the next test checks):
    (row_id, annotator id, label) of every annotation that was not cancelled."""
    out = set()
    for task in json.loads(path.read_text(encoding="utf-8")):
        for annotation in task["annotations"]:
            if annotation["was_cancelled"]:
                continue
            who = annotation["completed_by"]
            who = who["id"] if isinstance(who, dict) else who
            (choice,) = annotation["result"][0]["value"]["choices"]
            out.add((task["data"]["row_id"], who, choice))
    return out


@pytest.fixture(scope="module")
def round_trip(label_studio: Any, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    ls = label_studio
    folder = tmp_path_factory.mktemp("round-trip")
    data = pd.DataFrame({"id": list(TEXTS), "text": list(TEXTS.values())})
    data["author"] = [f"user {i}" for i in range(len(data))]
    votes = VoteMatrix.from_dense(
        DENSE, cardinality=3, class_names=CLASSES, row_ids=data["id"], lf_names=["a", "b", "c"]
    )
    model = MajorityVote(cardinality=3).fit(votes)
    probs = model.predict_proba(votes)
    selection = pd.DataFrame(
        {"row": SELECTED, "id": data["id"].iloc[SELECTED].tolist(), "score": [5, 4, 3, 2, 1]}
    )
    batch = tasks(
        data,
        votes,
        id_column="id",
        columns=["author"],
        predictions=probs,
        model=model,
        selection=selection,
        model_version="weaklabel-test",
    )
    tasks_file = write_tasks(folder / "tasks.json", batch)
    guide = guidelines(data, votes, probs, id_column="id", descriptions={SPAM: "Ads & <links>."})

    project = ls.call(
        "POST",
        "/api/projects/",
        {
            "title": "weaklabel round trip",
            "label_config": labeling_config(CLASSES),
            "expert_instruction": guide.html,
            "show_instruction": True,
        },
    )
    pid = project["id"]
    imported = ls.call("POST", f"/api/projects/{pid}/import", json.loads(tasks_file.read_text()))
    listing = ls.call("GET", f"/api/tasks/?project={pid}&page_size=100")["tasks"]
    task_of = {t["data"]["row_id"]: t["id"] for t in listing}
    predictions = ls.call("GET", f"/api/predictions/?project={pid}")

    # the free edition's active learning: serve the lowest prediction score first
    ls.call(
        "PATCH",
        f"/api/projects/{pid}/",
        {"sampling": "Uncertainty sampling", "model_version": "weaklabel-test"},
    )
    second = ls.sign_up("annotator.two@weaklabel.test", "Second-annotator-pw-42")
    first_served = ls.call("GET", f"/api/projects/{pid}/next", token=second)
    me = ls.call("GET", "/api/current-user/whoami")["id"]
    other = ls.call("GET", "/api/current-user/whoami", token=second)["id"]

    def annotate(row_id: str, label: str | None, token: str | None = None) -> None:
        body: dict[str, Any] = {"result": [], "was_cancelled": True}  # a skip
        if label is not None:
            value = {"choices": [label]}
            result = {"from_name": "label", "to_name": "text", "type": "choices", "value": value}
            body = {"result": [result]}
        ls.call("POST", f"/api/tasks/{task_of[row_id]}/annotations/", body, token=token)

    annotate("c-05", SPAM)
    annotate("c-05", SPAM, second)
    annotate("c-01", SPAM)
    annotate("c-01", HAM, second)  # a disagreement
    annotate("c-07", SAY)
    annotate("c-07", None, second)  # skipped: must not count
    annotate("c-03", HAM)
    annotate("c-06", SAY, second)
    expected = {
        ("c-05", me, SPAM),
        ("c-05", other, SPAM),
        ("c-01", me, SPAM),
        ("c-01", other, HAM),
        ("c-07", me, SAY),
        ("c-03", me, HAM),
        ("c-06", other, SAY),
    }
    export = folder / "export.json"
    export.write_bytes(
        ls.download(f"/api/projects/{pid}/export?exportType=JSON&download_all_tasks=true")
    )
    return SimpleNamespace(
        data=data,
        votes=votes,
        probs=probs,
        model=model,
        batch=batch,
        guide=guide,
        project=project,
        imported=imported,
        listing=listing,
        predictions=predictions,
        first_served=first_served,
        annotators=(me, other),
        expected=expected,
        export=export,
    )


def test_the_config_makes_a_project_whose_choices_are_the_classes(round_trip):
    parsed = round_trip.project["parsed_label_config"]
    assert parsed["label"]["type"] == "Choices"
    assert parsed["label"]["to_name"] == ["text"]
    assert parsed["label"]["labels"] == list(CLASSES)
    assert round_trip.project["expert_instruction"] == round_trip.guide.html
    assert "Ads &amp; &lt;links&gt;." in round_trip.guide.html


def test_the_tasks_file_imports_as_written(round_trip):
    assert round_trip.imported["task_count"] == len(SELECTED)
    assert round_trip.imported["prediction_count"] == len(SELECTED)
    # in the selection's order, with their text, row id and extra column
    assert [t["data"] for t in round_trip.listing] == [
        {"text": TEXTS[row_id], "row_id": row_id, "author": f"user {int(row_id[2:]) - 1}"}
        for row_id in round_trip.data["id"].iloc[SELECTED]
    ]


def test_the_predictions_come_back_with_their_class_and_score(round_trip):
    row_of = {t["id"]: t["data"]["row_id"] for t in round_trip.listing}
    labels = round_trip.model.predict(round_trip.votes)
    came_back = {
        row_of[p["task"]]: (p["result"][0]["value"]["choices"], p["score"], p["model_version"])
        for p in round_trip.predictions
    }
    sent = {}
    for place, row in enumerate(SELECTED):
        row_id = round_trip.data["id"].iloc[row]
        sent[row_id] = ([CLASSES[labels[row]]], place / len(SELECTED), "weaklabel-test")
    assert came_back == sent
    assert round_trip.predictions[0]["result"][0]["from_name"] == "label"


def test_uncertainty_sampling_serves_the_selection_best_first(round_trip):
    served = round_trip.first_served
    assert served["data"]["row_id"] == round_trip.data["id"].iloc[SELECTED[0]]
    assert "Active learning" in served["queue"]
    # served pre-labeled with weaklabel's class (the project's model version is weaklabel's)
    (prediction,) = served["predictions"]
    label = CLASSES[round_trip.model.predict(round_trip.votes)[SELECTED[0]]]
    assert prediction["result"][0]["value"]["choices"] == [label]
    assert prediction["model_version"] == "weaklabel-test"


def test_blind_tasks_are_served_in_the_selection_order(label_studio, tmp_path):
    data = pd.DataFrame({"id": list(TEXTS), "text": list(TEXTS.values())})
    selection = pd.DataFrame({"row": [6, 2, 0]})
    path = write_tasks(tmp_path / "blind.json", tasks(data, id_column="id", selection=selection))
    project = label_studio.call(
        "POST",
        "/api/projects/",
        {"title": "weaklabel blind", "label_config": labeling_config(CLASSES)},
    )
    label_studio.call("POST", f"/api/projects/{project['id']}/import", json.loads(path.read_text()))
    served = label_studio.call("GET", f"/api/projects/{project['id']}/next")
    assert project["sampling"] == "Sequential sampling"
    assert served["data"] == {"text": TEXTS["c-07"], "row_id": "c-07"}
    assert served["predictions"] == []


def test_every_annotation_arrives_on_its_row_with_its_annotator_and_label(round_trip):
    raw = json.loads(round_trip.export.read_text(encoding="utf-8"))
    skipped = [
        (t["data"]["row_id"], a["completed_by"])
        for t in raw
        for a in t["annotations"]
        if a["was_cancelled"]
    ]
    assert skipped == [("c-07", round_trip.annotators[1])]  # the export holds the skip ...
    assert _raw_export(round_trip.export) == round_trip.expected  # ... which is dropped
    assert len(set(round_trip.annotators)) == 2


def test_round_trip_through_annotations_read(round_trip):
    from weaklabel.annotations import Annotations

    frame = Annotations.read(round_trip.export, classes=CLASSES).to_frame()
    got = {
        (str(item), str(annotator), str(label))
        for item, annotator, label in frame[["item", "annotator", "label"]].itertuples(index=False)
    }
    # the export gives each annotator as a user id; Annotations names them user-<id>
    assert got == {(row, f"user-{who}", label) for row, who, label in round_trip.expected}
    gold = Annotations.read(round_trip.export, classes=CLASSES).to_gold(round_trip.votes)
    assert np.asarray(gold)[[7]].tolist() == [-1]  # never annotated
