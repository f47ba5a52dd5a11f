"""Snorkel's side of the LF-application benchmark (``benchmarks/apply.py``), and the shared LF spec.

This file is standalone: it imports only the standard library, numpy, pandas and (inside the
tasks) Snorkel, Dask and spaCy, never weaklabel, so it runs with the peers' Python from
``../shared/peers/install.sh`` (default ``~/.cache/weaklabel-peers``). ``benchmarks/apply.py``
imports it too, for the one definition of the LFs both sides run:

* ``SPEC``: 20 text LFs (keywords, regular expressions, lengths) as data;
  ``row_rules()`` turns it into plain Python functions of a row ``x`` (``re`` and ``len`` over
  ``x.text``); the very same functions become Snorkel LFs here and weaklabel row LFs there, while
  weaklabel's vectorized builders (``keyword_lf``, ``regex_lf``, ``length_lf``) are built from the
  same entries.
* ``SPACY_PATTERNS`` / ``SPACY_SPEC``: an EntityRuler on a blank English pipeline and 5 LFs that
  read its entities and the tokens; ``spacy_rules()`` gives them as Python functions of
  ``x.doc``.

Usage::

    PEERS/bin/python benchmarks/peers_apply.py TASK --data FILE.parquet --rows N
        --out-json OUT.json [--out-votes OUT.npy] [--workers 2] [--partitions 8]
        [--spacy-model DIR] [--no-memoize]

Tasks: ``pandas`` (``PandasLFApplier``), ``dask`` (``DaskLFApplier`` on a ``LocalCluster`` of
``--workers`` single-threaded worker processes started in this process), ``spacy``
(``nlp_labeling_function`` LFs, i.e. Snorkel's ``SpacyPreprocessor``, loading the pipeline saved
in ``--spacy-model``; applied twice, cold then warm from its memo cache).

The JSON holds the seconds per stage, the rows timed, versions and ``vm_hwm_mb`` (this process's
peak RSS); the ``.npy`` holds the dense int8 vote matrix (-1 = abstain) of the timed rows.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 (thread settings come before numpy is imported)
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ABSTAIN = -1
CLASSES = ("ham", "spam")
HAM, SPAM = 0, 1

# -- the 20 text LFs, as data ---------------------------------------------------------------------
# keyword: whole words, any of them, case-insensitive (weaklabel's keyword_lf defaults).
# regex: searched anywhere; "case" = case-sensitive (regex_lf's default is case-insensitive).
# length: inclusive bounds, in words (whitespace-separated) or characters.

SPEC: tuple[dict[str, Any], ...] = (
    {"name": "kw_subscribe", "kind": "keyword", "label": SPAM,
     "words": ["subscribe", "subscribers", "sub", "subs"]},
    {"name": "kw_check_out", "kind": "keyword", "label": SPAM,
     "words": ["check out", "check it out", "check my", "check this"]},
    {"name": "kw_channel", "kind": "keyword", "label": SPAM,
     "words": ["my channel", "my videos", "my page", "channel"]},
    {"name": "kw_prize", "kind": "keyword", "label": SPAM,
     "words": ["free", "prize", "winner", "won", "claim", "award"]},
    {"name": "kw_call_txt", "kind": "keyword", "label": SPAM,
     "words": ["call", "txt", "text", "reply", "mobile", "stop"]},
    {"name": "kw_song", "kind": "keyword", "label": HAM,
     "words": ["song", "songs", "music", "voice", "dance"]},
    {"name": "kw_love", "kind": "keyword", "label": HAM,
     "words": ["love", "best", "awesome", "amazing", "beautiful"]},
    {"name": "kw_please", "kind": "keyword", "label": SPAM,
     "words": ["please", "plz", "pls", "help me"]},
    {"name": "kw_money", "kind": "keyword", "label": SPAM,
     "words": ["money", "cash", "earn", "income", "paypal", "bitcoin"]},
    {"name": "kw_chat", "kind": "keyword", "label": HAM,
     "words": ["lol", "haha", "ok", "home", "later", "sorry", "gonna"]},
    {"name": "rx_link", "kind": "regex", "label": SPAM, "pattern": r"https?://|www\.|\.com\b"},
    {"name": "rx_phone", "kind": "regex", "label": SPAM, "pattern": r"\b\d{5,}\b"},
    {"name": "rx_money", "kind": "regex", "label": SPAM, "pattern": r"[£$€]\s?\d+"},
    {"name": "rx_caps", "kind": "regex", "label": SPAM, "pattern": r"\b[A-Z]{4,}\b",
     "case": True},
    {"name": "rx_exclaim", "kind": "regex", "label": SPAM, "pattern": r"!{2,}"},
    {"name": "rx_emoticon", "kind": "regex", "label": HAM, "pattern": r"[:;]-?[)(dp]"},
    {"name": "len_few_words", "kind": "length", "label": HAM, "unit": "words", "max": 4},
    {"name": "len_many_words", "kind": "length", "label": SPAM, "unit": "words", "min": 40},
    {"name": "len_few_chars", "kind": "length", "label": HAM, "unit": "chars", "max": 20},
    {"name": "len_many_chars", "kind": "length", "label": SPAM, "unit": "chars", "min": 250},
)  # fmt: skip

LF_NAMES = tuple(entry["name"] for entry in SPEC)


def python_pattern(entry: dict[str, Any]) -> re.Pattern[str]:
    """The Python ``re`` pattern of a keyword or regex entry (what the builders give RE2)."""
    if entry["kind"] == "keyword":
        source = "|".join(rf"(?:\b{re.escape(w)}\b)" for w in entry["words"])
        return re.compile(source, re.IGNORECASE)
    return re.compile(entry["pattern"], 0 if entry.get("case") else re.IGNORECASE)


def _search_rule(search: Callable[[str], Any], label: int) -> Callable[[Any], int]:
    def rule(x: Any) -> int:
        return label if search(x.text) else ABSTAIN

    return rule


def _length_rule(unit: str, low: float, high: float, label: int) -> Callable[[Any], int]:
    if unit == "words":

        def rule(x: Any) -> int:
            return label if low <= len(x.text.split()) <= high else ABSTAIN

    else:

        def rule(x: Any) -> int:
            return label if low <= len(x.text) <= high else ABSTAIN

    return rule


def row_rules() -> list[tuple[str, Callable[[Any], int]]]:
    """``(name, f)`` per SPEC entry, with ``f(x)`` a plain Python LF reading ``x.text``."""
    rules = []
    for entry in SPEC:
        if entry["kind"] == "length":
            low = entry.get("min", float("-inf"))
            high = entry.get("max", float("inf"))
            rule = _length_rule(entry["unit"], low, high, entry["label"])
        else:
            rule = _search_rule(python_pattern(entry).search, entry["label"])
        rule.__name__ = entry["name"]
        rules.append((entry["name"], rule))
    return rules


# -- the spaCy LFs --------------------------------------------------------------------------------

#: EntityRuler patterns for a blank English pipeline.
SPACY_PATTERNS: tuple[dict[str, Any], ...] = (
    {"label": "MONEY", "pattern": [{"TEXT": {"REGEX": r"^[£$€]\d"}}]},
    {"label": "MONEY", "pattern": [{"LIKE_NUM": True},
                                   {"LOWER": {"IN": ["dollars", "pounds", "usd", "gbp"]}}]},
    {"label": "PHONE", "pattern": [{"TEXT": {"REGEX": r"^\+?\d{5,}$"}}]},
    {"label": "ARTIST", "pattern": [{"LOWER": {"IN": [
        "psy", "katy", "perry", "lmfao", "eminem", "rihanna", "shakira"]}}]},
    {"label": "ARTIST", "pattern": [{"LOWER": "katy"}, {"LOWER": "perry"}]},
)  # fmt: skip

#: The 5 spaCy LFs: three read entities, one a token attribute, one lower-cased token phrases.
SPACY_SPEC: tuple[dict[str, Any], ...] = (
    {"name": "ent_money", "kind": "entity", "entity": "MONEY", "label": SPAM},
    {"name": "ent_phone", "kind": "entity", "entity": "PHONE", "label": SPAM},
    {"name": "ent_artist", "kind": "entity", "entity": "ARTIST", "label": HAM},
    {"name": "tok_url", "kind": "pattern", "pattern": [{"LIKE_URL": True}], "label": SPAM},
    {"name": "phrase_promo", "kind": "phrase", "label": SPAM,
     "phrases": ["check out", "my channel", "subscribe", "free entry"]},
)  # fmt: skip

SPACY_LF_NAMES = tuple(entry["name"] for entry in SPACY_SPEC)


def build_spacy_pipeline() -> Any:
    """``spacy.blank("en")`` with an EntityRuler holding ``SPACY_PATTERNS``."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([dict(p) for p in SPACY_PATTERNS])
    return nlp


def spacy_rules(nlp: Any) -> list[tuple[str, Callable[[Any], int]]]:
    """``(name, f)`` per SPACY_SPEC entry, with ``f(x)`` a plain Python LF reading ``x.doc``."""
    rules = []
    for entry in SPACY_SPEC:
        label = entry["label"]
        if entry["kind"] == "entity":
            rule = _entity_rule(entry["entity"], label)
        elif entry["kind"] == "pattern":
            assert entry["pattern"] == [{"LIKE_URL": True}]

            def rule(x: Any, label: int = label) -> int:
                return label if any(t.like_url for t in x.doc) else ABSTAIN

        else:
            phrases = [tuple(t.lower_ for t in nlp.make_doc(p)) for p in entry["phrases"]]
            rule = _phrase_rule(phrases, label)
        rule.__name__ = entry["name"]
        rules.append((entry["name"], rule))
    return rules


def _entity_rule(entity: str, label: int) -> Callable[[Any], int]:
    def rule(x: Any) -> int:
        return label if any(e.label_ == entity for e in x.doc.ents) else ABSTAIN

    return rule


def _phrase_rule(phrases: list[tuple[str, ...]], label: int) -> Callable[[Any], int]:
    firsts = {p[0] for p in phrases}

    def rule(x: Any) -> int:
        words = [t.lower_ for t in x.doc]
        for i, w in enumerate(words):
            if w in firsts and any(tuple(words[i : i + len(p)]) == p for p in phrases):
                return label
        return ABSTAIN

    return rule


# -- measuring ------------------------------------------------------------------------------------


def vm_hwm_mb() -> float:
    """This process's peak resident memory in MB (Linux ``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class CpuWatch:
    """How many cores other processes kept busy while a block ran (``others_cores``).

    Machine-wide busy time from ``/proc/stat`` minus this process's own CPU time and that of its
    reaped children, over the wall time. Worker processes not yet reaped (a Dask cluster's)
    count as others.
    """

    def __enter__(self) -> CpuWatch:
        self._start = (_machine_busy(), _own_cpu(), time.perf_counter())
        return self

    def __exit__(self, *exc: object) -> None:
        machine, own, wall = self._start
        wall = time.perf_counter() - wall
        others = (_machine_busy() - machine) - (_own_cpu() - own)
        self.others_cores = max(0.0, others / wall) if wall > 0 else 0.0


def _machine_busy() -> float:
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:9]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def busy_cores(seconds: float = 1.0) -> float:
    """Cores busy on the whole machine over the next ``seconds``."""
    start = _machine_busy()
    time.sleep(seconds)
    return (_machine_busy() - start) / seconds


def versions(*names: str) -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def read_rows(path: str, rows: int) -> pd.DataFrame:
    frame = pd.read_parquet(path, columns=["text"])
    return frame.iloc[:rows].reset_index(drop=True)


def snorkel_lfs() -> list[Any]:
    from snorkel.labeling import labeling_function

    return [labeling_function(name=name)(rule) for name, rule in row_rules()]


def task_pandas(args: argparse.Namespace) -> dict[str, Any]:
    from snorkel.labeling import PandasLFApplier

    frame = read_rows(args.data, args.rows)
    applier = PandasLFApplier(snorkel_lfs())
    start = time.perf_counter()
    with CpuWatch() as cpu:
        votes = applier.apply(frame, progress_bar=False)
    seconds = time.perf_counter() - start
    save_votes(args, votes)
    return {"rows": len(frame), "apply_s": seconds, "others_cores": cpu.others_cores}


def task_dask(args: argparse.Namespace) -> dict[str, Any]:
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster
    from snorkel.labeling.apply.dask import DaskLFApplier

    frame = read_rows(args.data, args.rows)
    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    startup = time.perf_counter() - start
    try:
        applier = DaskLFApplier(snorkel_lfs())
        start = time.perf_counter()
        ddf = dd.from_pandas(frame, npartitions=args.partitions)
        # Snorkel 0.10 passes no meta= to map_partitions, so Dask infers the output type by running
        # the LFs on a dummy row whose text is a placeholder object, not a string, and re.search
        # raises. fault_tolerant=True (Snorkel's own option: an LF that raises votes -1) lets that
        # dry run through; on the real rows no LF raises (the votes equal PandasLFApplier's).
        votes = applier.apply(ddf, scheduler=client, fault_tolerant=True)
        seconds = time.perf_counter() - start
    finally:
        client.close()
        cluster.close()
    save_votes(args, votes)
    return {
        "rows": len(frame),
        "apply_s": seconds,
        "cluster_start_s": startup,
        "workers": args.workers,
        "partitions": args.partitions,
    }


def task_spacy(args: argparse.Namespace) -> dict[str, Any]:
    import spacy
    from snorkel.labeling import PandasLFApplier
    from snorkel.labeling.lf.nlp import nlp_labeling_function

    frame = read_rows(args.data, args.rows)
    nlp = spacy.load(args.spacy_model)  # only to tokenize the phrases, as the LFs' author would
    lfs = [
        nlp_labeling_function(name=name, language=args.spacy_model, memoize=args.memoize)(rule)
        for name, rule in spacy_rules(nlp)
    ]
    applier = PandasLFApplier(lfs)
    start = time.perf_counter()
    with CpuWatch() as cpu:
        votes = applier.apply(frame, progress_bar=False)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    with CpuWatch() as cpu_warm:
        again = applier.apply(frame, progress_bar=False)
    warm = time.perf_counter() - start
    if not np.array_equal(votes, again):
        raise RuntimeError("Snorkel's second (memoized) run gave other votes than the first")
    save_votes(args, votes)
    return {
        "rows": len(frame),
        "apply_s": cold,
        "warm_s": warm,
        "memoize": args.memoize,
        "others_cores": cpu.others_cores,
        "warm_others_cores": cpu_warm.others_cores,
    }


def save_votes(args: argparse.Namespace, votes: np.ndarray) -> None:
    if args.out_votes:
        np.save(args.out_votes, np.asarray(votes).astype(np.int8))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["pandas", "dask", "spacy"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out-json", required=True)
    parser.add_argument("--out-votes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--spacy-model")
    parser.add_argument("--no-memoize", dest="memoize", action="store_false")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = {"task_pandas": task_pandas, "task_dask": task_dask, "task_spacy": task_spacy}[
        f"task_{args.task}"
    ](args)
    result["total_s"] = time.perf_counter() - start
    result["vm_hwm_mb"] = vm_hwm_mb()
    result["versions"] = versions("snorkel", "pandas", "numpy", "dask", "distributed", "spacy")
    tmp = f"{args.out_json}.tmp"
    Path(tmp).write_text(json.dumps(result, indent=1))
    os.replace(tmp, args.out_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
