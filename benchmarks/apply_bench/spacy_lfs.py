"""spaCy LFs over ``--spacy-rows`` distinct texts: weaklabel against Snorkel's
``nlp_labeling_function``.

5 LFs read the entities of an EntityRuler on ``spacy.blank("en")``, a token attribute and
lower-cased phrases (``apply_bench.spec.SPACY_SPEC``). weaklabel's ``spacy_preprocessor`` +
``entity_lf`` / ``pattern_lf`` / ``phrase_lf``: cold (no cache), cold filling an empty
``cache_dir``, warm (a second apply in the same process, and a new process, reading the cache); a
hand-written batch preprocessor (``nlp.pipe`` per chunk) with row LFs as a baseline. Snorkel's
``SpacyPreprocessor`` (one text at a time) with its memoization (cold, then warm: a second apply)
and without.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pandas as pd
from harness.cpu import CpuWatch

from apply_bench import spec
from apply_bench.lfs import read_rows, save_votes, spacy_lfs
from apply_bench.run import DATA_VERSION, Run

__all__ = ["batch_worker", "measure", "measure_snorkel", "spacy_model", "spacy_worker"]


def spacy_model(workdir: Path) -> Path:
    """The benchmark's pipeline (blank English + EntityRuler), saved once to ``workdir``."""
    path = workdir / f"spacy-en-ruler-v{DATA_VERSION}"
    if not path.exists():
        spec.build_spacy_pipeline().to_disk(path)
    return path


def batch_worker(config: dict[str, Any]) -> dict[str, Any]:
    """Baseline: a hand-written batch preprocessor (``nlp.pipe`` per chunk) + row LFs."""
    import spacy

    from weaklabel import apply_lfs, labeling_function, preprocessor

    nlp = spacy.load(config["model"])
    frame = read_rows(Path(config["data"]), config["rows"])

    @preprocessor(batch=True, resources={"nlp": nlp})
    def parse(chunk: pd.DataFrame, nlp: Any) -> dict[str, list[Any]]:
        return {"doc": list(nlp.pipe(chunk["text"].tolist(), batch_size=256))}

    lfs = [labeling_function(name=n, pre=[parse])(r) for n, r in spec.spacy_rules(nlp)]
    start = time.perf_counter()
    with CpuWatch() as cpu:
        votes = apply_lfs(lfs, frame, cardinality=2, progress=False)
    seconds = time.perf_counter() - start
    save_votes(votes, config.get("votes"))
    return {
        "rows": len(frame),
        "apply_s": seconds,
        "n_votes": votes.n_votes,
        "others_cores": cpu.others_cores,
    }


def spacy_worker(config: dict[str, Any]) -> dict[str, Any]:
    """weaklabel's spaCy LFs (``spacy_preprocessor`` + ``entity_lf`` / ``pattern_lf`` / ...).

    ``cache_dir`` None: one apply, parsing everything. With a ``cache_dir``: one apply (cold when
    the folder is empty: it parses and stores the Docs) and, with ``again``, a second one in the
    same process (``warm_s``: every Doc read back from the folder).
    """
    import spacy

    from weaklabel import apply_lfs

    nlp = spacy.load(config["model"])
    lfs = spacy_lfs(nlp, config.get("cache_dir"))
    frame = read_rows(Path(config["data"]), config["rows"])
    out: dict[str, Any] = {"rows": len(frame)}
    start = time.perf_counter()
    with CpuWatch() as cpu:
        votes = apply_lfs(lfs, frame, cardinality=2, progress=False)
    out["apply_s"] = time.perf_counter() - start
    out["others_cores"] = cpu.others_cores
    save_votes(votes, config.get("votes"))
    if config.get("cache_dir") and config.get("again"):
        start = time.perf_counter()
        with CpuWatch() as cpu:
            again = apply_lfs(lfs, frame, cardinality=2, progress=False)
        out["warm_s"] = time.perf_counter() - start
        out["warm_others_cores"] = cpu.others_cores
        out["warm_same"] = bool(again == votes)
    return out


def measure(run: Run, model: Path) -> None:
    """weaklabel cold, cold + cache and warm (same process), warm (new process), batch."""
    a = run.args
    base = {"data": str(run.data_path("spacy")), "rows": a.spacy_rows, "model": str(model)}
    target = "apply_bench.spacy_lfs:spacy_worker"
    run.ours("spacy", target, {**base, "votes": run.votes("spacy")})
    cache = run.workdir / "spacy-doc-cache"
    shutil.rmtree(cache, ignore_errors=True)
    try:
        cached = {**base, "cache_dir": str(cache)}
        run.ours("spacy-cache", target, {**cached, "again": True})
        run.ours("spacy-cache-fresh", target, {**cached, "votes": run.votes("spacy-warm")})
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    batch = {**base, "votes": run.votes("spacy-batch")}
    run.ours("spacy-batch", "apply_bench.spacy_lfs:batch_worker", batch)


def measure_snorkel(run: Run, model: Path) -> None:
    """Snorkel's spaCy LFs with memoization (its default) and without."""
    a = run.args
    base = {"task": "spacy", "data": str(run.data_path("spacy")), "rows": a.spacy_rows}
    base["spacy_model"] = str(model)
    run.snorkel("snorkel-spacy", {**base, "memoize": True})
    run.snorkel("snorkel-spacy-nomemo", {**base, "memoize": False})
