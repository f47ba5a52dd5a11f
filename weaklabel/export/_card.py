"""The dataset card: the ``README.md`` every export writes beside its data.

A Hugging Face card: a YAML header (``license``, ``language`` when given, ``task_categories``,
``size_categories``, ``annotations_creators``, ``pretty_name``, ``tags`` and ``configs`` with the
data files of each split) and a body that says how the labels were made: the labeling functions
(from ``lf_summary.csv``), the label model and its class balance, the end model and people's
labels when the run had them, where each exported label comes from, the filters and the rows each
removed, and the known limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from weaklabel._version import __version__
from weaklabel.export._yaml import to_yaml

__all__ = ["CARD_FILE", "CardFacts", "size_category", "write_card"]

#: The card's file name, beside the data.
CARD_FILE = "README.md"
_BUCKETS = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)
_LF_COLUMNS = (
    "polarity",
    "coverage",
    "overlaps",
    "conflicts",
    "learned_accuracy",
    "empirical_accuracy",
)
_FORMAT_TEXT = {
    "jsonl": "JSON Lines: one object per row with `id`, `text`, `label` (class name), `probs` "
    "(class name -> probability), `confidence` (the probability of `label`) and `source`.",
    "chat": 'JSON Lines of conversations (`{"messages": [...]}`): the system prompt (when '
    "given), the row as the user message and the label's answer as the assistant message. "
    "Hard labels only: the probabilities are in the other formats.",
    "csv": "CSV: `id`, `text`, `label`, `confidence`, `source` and a `prob_<class>` column per "
    "class.",
    "parquet": "Parquet: `id`, `text`, `label`, `confidence`, `source` and a `prob_<class>` "
    "column per class.",
    "hf": "A Hugging Face `datasets` folder (`datasets.load_from_disk`): `id`, `text`, `label` "
    "(a `ClassLabel`), `probs` (float32, one per class, in class order), `confidence`, `source`.",
}
_VOTES_TEXT = (
    "Each row also has `votes`: the votes the labeling functions cast on it, in LF order, each "
    "with `lf` (the LF's name), `label` (the class it voted for) and `confidence` (how sure the "
    "LF said it was; 1.0 when it did not say); empty when no LF voted"
)
_VOTES_CELL = {
    "csv": ", as compact JSON in one cell.",
    "parquet": " (`list<struct<lf, label, confidence>>`).",
}


def size_category(n: int) -> str:
    """The Hugging Face size bucket of ``n`` rows.

    Examples
    --------
    >>> from weaklabel.export._card import size_category
    >>> size_category(999), size_category(1956), size_category(10_000_000)
    ('n<1K', '1K<n<10K', '10M<n<100M')
    """
    for bound, name in _BUCKETS:
        if n < bound:
            return name
    return "n>1B"


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}" if value == 0 or abs(value) >= 0.001 else f"{value:.3g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


class CardFacts:
    """What the card says, gathered by the export."""

    def __init__(
        self,
        *,
        info: dict[str, Any],
        run_dir: Path,
        format: str,
        rows: Mapping[str, int],
        files: Mapping[str, list[str]],
        removed: Mapping[str, int],
        settings: Mapping[str, Any],
        sources: Mapping[str, int],
        n_input: int,
        license: str | None,
        language: str | None,
        pretty_name: str | None,
        votes: bool = False,
    ) -> None:
        self.info, self.run_dir, self.format, self.votes = info, run_dir, format, votes
        self.rows, self.files, self.removed, self.settings = rows, files, removed, settings
        self.sources, self.n_input = sources, n_input
        self.license, self.language = license, language
        data = info["data"]
        shown = data["bundled"] or (Path(data["path"]).name if data["path"] else "data")
        self.pretty_name = pretty_name or f"{shown}: weak labels ({', '.join(info['classes'])})"

    def header(self) -> dict[str, Any]:
        people = self.sources.get("gold", 0) > 0 or self.info.get("annotations") is not None
        header: dict[str, Any] = {"license": self.license or "other"}
        if self.language:
            header["language"] = [self.language]
        header |= {
            "task_categories": ["text-classification"],
            "size_categories": [size_category(sum(self.rows.values()))],
            "annotations_creators": ["machine-generated", *(["expert-generated"] * people)],
            "pretty_name": self.pretty_name,
            "tags": ["weak-supervision", "weaklabel"],
            "configs": [
                {
                    "config_name": "default",
                    "data_files": [
                        {"split": split, "path": files[0] if len(files) == 1 else files}
                        for split, files in self.files.items()
                    ],
                }
            ],
        }
        return header

    def body(self) -> list[str]:
        info, total = self.info, sum(self.rows.values())
        data = info["data"]
        source = data["path"] or (
            f"the bundled dataset `{data['bundled']}`" if data["bundled"] else "a DataFrame"
        )
        lines = [
            f"# {self.pretty_name}",
            "",
            f"{total:,} rows of {source}, labeled by weak supervision with weaklabel: "
            f"{len(info['lfs']['names'])} labeling functions voted on each row and a label "
            f"model ({info['label_model']['name']}) turned the votes into class probabilities"
            + (", an end model relabeled rows" if info.get("end_model") else "")
            + (
                ", and people's labels replaced the model's on the rows they labeled"
                if info.get("annotations")
                else ""
            )
            + f". Classes: {', '.join(info['classes'])}.",
            "",
            f"Exported {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} by weaklabel "
            f"{__version__} from the run of {info['created']} (weaklabel "
            f"{info['weaklabel_version']}).",
            "",
            "## Files",
            "",
            _FORMAT_TEXT[self.format],
            *(["", _VOTES_TEXT + _VOTES_CELL.get(self.format, ".")] if self.votes else []),
            "",
            *_table(
                ["split", "rows", "files"],
                [(s, f"{self.rows[s]:,}", ", ".join(self.files[s])) for s in self.rows],
            ),
            "",
            "## How the labels were made",
            "",
            "### Labeling functions",
            "",
            *self._lf_table(),
            "",
            "### Label model",
            "",
            f"`{info['label_model']['name']}`, fitted without gold labels"
            + (" (with people's labels as gold)" if info.get("annotations") else "")
            + f"; coverage (rows with at least one vote): {info['coverage']:.3f}. Estimated "
            "class balance:",
            "",
            *_table(
                ["class", "share"],
                list(zip(info["classes"], info["label_model"]["class_balance"], strict=False)),
            ),
        ]
        for title, key in (("End model", "end_model"), ("Annotations", "annotations")):
            if info.get(key):
                lines += ["", f"### {title}", "", *_table(["", ""], _flat(info[key]))]
        if info.get("scores"):
            rows = [
                (m, s.get("accuracy"), s.get("accuracy_covered"), s.get("ece"), s.get("n_gold"))
                for m, s in info["scores"].items()
            ]
            lines += [
                "",
                f"### Accuracy against the gold column `{data['gold_column']}`",
                "",
                *_table(["model", "accuracy", "on covered rows", "ECE", "gold rows"], rows),
            ]
        lines += [
            "",
            "### Where each label comes from",
            "",
            *_table(["source", "rows"], [(k, f"{v:,}") for k, v in self.sources.items()]),
            "",
            "`lf`: the label model; `end-model`: the end model; `both`: the product of the two; "
            "`gold`: people's label.",
        ]
        lines += [
            "",
            "## Filters",
            "",
            f"{self.n_input:,} rows in labels.jsonl; the filters ran in this order:",
            "",
            *self._filter_table(),
            "",
        ]
        lines += self._limits()
        lines += ["", "## Provenance", "", *self._provenance()]
        return lines

    def _lf_table(self) -> list[str]:
        path = self.run_dir / "lf_summary.csv"
        try:
            table = pd.read_csv(path, index_col=0)
        except (OSError, ValueError):
            return [
                f"(no readable lf_summary.csv in the run folder; LFs: "
                f"{', '.join(self.info['lfs']['names'])})"
            ]
        columns = [c for c in _LF_COLUMNS if c in table.columns]
        rows = [(name, *(row[c] for c in columns)) for name, row in table.iterrows()]
        return _table(["lf", *columns], rows)

    def _filter_table(self) -> list[str]:
        rows = [(name, self.settings.get(name, ""), f"{n:,}") for name, n in self.removed.items()]
        if not rows:
            return ["No filter removed rows."]
        return _table(["filter", "setting", "rows removed"], rows)

    def _limits(self) -> list[str]:
        info = self.info
        uncovered = 1 - float(info["coverage"])
        return [
            "## Known limits",
            "",
            "- The labels are machine-generated from heuristics: they hold errors, and the errors "
            "follow the labeling functions' blind spots (rows no rule covers all get one guess, "
            "the class mix of rows where every rule stayed silent"
            + (f"; {uncovered:.1%} of the run's rows had no vote" if uncovered > 0 else "")
            + ").",
            "- `confidence` and `probs` are the model's estimates, not measured accuracies; "
            "check them on a labeled sample before relying on them.",
            "- Accuracies in the tables come from the run's own rows"
            + (" and gold column" if info.get("scores") else "")
            + "; they may not carry over to other data.",
            f"- License: {self.license or 'other'}"
            + (
                ""
                if self.license
                else " (none was given: pass --license; the labels inherit "
                "the terms of the source data)"
            )
            + "."
            + ("" if self.language else " Language: not stated (pass --language)."),
        ]

    def _provenance(self) -> list[str]:
        info, data = self.info, self.info["data"]
        facts = [
            ("data", data["path"] or data["bundled"]),
            ("size (bytes)", data["size"]),
            ("BLAKE2b-128 digest", data["digest"]),
            ("text column", data["text_column"]),
            ("id column", data["id_column"]),
            ("rows in the run", data["n_rows"]),
            ("labeling functions", info["lfs"]["source"]),
            ("seed", info["random_state"]),
            ("export seed", self.settings.get("seed")),
        ]
        return _table(["", ""], [(k, v) for k, v in facts if v is not None])


def _flat(record: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """The keys of a (nested) record as ``a.b`` rows, whatever keys it has."""
    rows: list[tuple[str, Any]] = []
    for key, value in record.items():
        if isinstance(value, Mapping):
            rows += _flat(value, f"{prefix}{key}.")
        else:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            rows.append((f"{prefix}{key}", shown))
    return rows


def write_card(path: Path, facts: CardFacts) -> None:
    """Write the card (YAML header, then the body) to ``path``."""
    text = "---\n" + to_yaml(facts.header()) + "---\n\n" + "\n".join(facts.body()) + "\n"
    path.write_text(text, encoding="utf-8")
