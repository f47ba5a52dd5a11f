"""LF-application benchmark: weaklabel's ``apply_lfs`` against Snorkel 0.10's LF appliers.

Usage::

    python benchmarks/apply.py [--rows 1000000] [--snorkel-rows 100000] [--dask-rows 200000]
        [--spacy-rows 20000] [--big-rows 10000000] [--big-mode auto|whole|batches|both]
        [--no-peers] [--no-big] [--no-profile] [--workdir DIR] [--markdown]

What it measures, each system in its own fresh process (so every peak-memory figure, ``VmHWM``,
is that process's own):

1. **Text LFs.** ``--rows`` short texts x the 20 LFs of ``peers_apply.SPEC`` (keywords, regular
   expressions, lengths). weaklabel with row LFs (plain Python functions over ``x.text``), with the
   vectorized builders (``keyword_lf``, ``regex_lf``, ``length_lf``), both with ``n_jobs=2``, and on
   a Dask ``LocalCluster`` (when weaklabel accepts Dask DataFrames); Snorkel's
   ``PandasLFApplier`` on the first ``--snorkel-rows`` rows and ``DaskLFApplier`` (its own
   ``LocalCluster``, 2 single-threaded workers) on the first ``--dask-rows``, their rows/s
   extrapolated to the whole set. The row LFs are the very same Python functions on both sides.
   The vote matrices are compared cell by cell.
2. **spaCy.** ``--spacy-rows`` distinct texts x 5 LFs reading the entities of an EntityRuler on
   ``spacy.blank("en")`` and the tokens (``peers_apply.SPACY_SPEC``). weaklabel's spaCy LFs cold
   (first parse) and warm (cached), when ``weaklabel`` has them; a hand-written weaklabel batch
   preprocessor (``nlp.pipe`` per chunk) as a baseline; Snorkel's ``nlp_labeling_function`` LFs
   (its ``SpacyPreprocessor``, one text at a time), with and without its memoization.
3. **Scale.** ``--big-rows`` texts x the 20 vectorized builders read from a Parquet file: time and
   peak RSS, reading the whole file at once, and/or row group by row group with
   ``VoteMatrix.concat``.

Data: texts resampled from the real YouTube-comment and SMS spam collections in
``../shared/data/raw``: each text joins the first words of one real text to the last words of
another (both picked, and the cut points drawn, with fixed seeds), so the texts read like the real
ones but are nearly all distinct, and no system gets duplicates for free. The Parquet files are
written once to ``--workdir`` and reused.

Snorkel runs from the environment that ``../shared/peers/install.sh`` builds (``WEAKLABEL_PEERS``
overrides its location), through ``benchmarks/peers_apply.py``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 (thread settings come before numpy is imported)
import cProfile  # noqa: E402
import importlib.metadata  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import peers_apply as spec  # noqa: E402

PEERS_PYTHON = (
    Path(os.environ.get("WEAKLABEL_PEERS", Path.home() / ".cache" / "weaklabel-peers"))
    / "bin"
    / "python"
)
DATA = Path(
    os.environ.get("WEAKLABEL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
#: seeds of the three data sets (texts, 10M-row file, spaCy texts)
SEEDS = {"texts": 1, "big": 10, "spacy": 20}
#: bump when the text generator changes, so that stored files are drawn again
DATA_VERSION = 1
TARGETS = {"row": 5.0, "vectorized": 50.0, "spacy_cold": 3.0, "spacy_warm": 50.0, "big_gb": 4.0}


def vm_hwm_mb() -> float:
    """This process's peak resident memory in MB (Linux ``VmHWM``)."""
    return spec.vm_hwm_mb()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- data -----------------------------------------------------------------------------------------


def real_texts() -> list[str]:
    """The YouTube comments (CONTENT) and SMS messages (v2) of ../shared/data/raw."""
    youtube = sorted((DATA / "raw" / "youtube-spam-collection").glob("*.csv"))
    frames = [pd.read_csv(path)["CONTENT"] for path in youtube]
    sms = DATA / "raw" / "sms-spam-collection" / "spam.csv"
    frames.append(pd.read_csv(sms, encoding="latin-1")["v2"])
    texts = [str(t) for frame in frames for t in frame.dropna()]
    if not texts:
        raise SystemExit(f"no texts found under {DATA / 'raw'}; set WEAKLABEL_DATA")
    return texts


def spliced_texts(words: list[list[str]], n: int, rng: np.random.Generator) -> list[str]:
    """``n`` texts, each the first words of one real text and the last words of another."""
    sizes = np.array([len(w) for w in words])
    first = rng.integers(0, len(words), n)
    second = rng.integers(0, len(words), n)
    keep_first = (rng.random(n) * sizes[first]).astype(np.int64) + 1  # 1..len
    drop_second = (rng.random(n) * sizes[second]).astype(np.int64)  # 0..len-1
    return [
        " ".join(words[a][:k] + words[b][d:])
        for a, b, k, d in zip(
            first.tolist(), second.tolist(), keep_first.tolist(), drop_second.tolist(), strict=True
        )
    ]


def write_texts(path: Path, n: int, seed: int, *, unique: bool = False) -> Path:
    """Write ``n`` spliced texts (column ``text``) to a Parquet file, once; 1M rows a row group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.exists():
        return path
    start = time.perf_counter()
    words = [t.split(" ") for t in real_texts()]
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".tmp")
    seen: set[str] = set()
    with pq.ParquetWriter(tmp, pa.schema([("text", pa.string())])) as writer:
        done = 0
        while done < n:
            batch = spliced_texts(words, min(1_000_000, n - done), rng)
            if unique:
                batch = [t for t in dict.fromkeys(batch) if t not in seen][: n - done]
                seen.update(batch)
            writer.write_table(pa.table({"text": batch}), row_group_size=1_000_000)
            done += len(batch)
    os.replace(tmp, path)
    log(f"  wrote {n:,} texts to {path} in {time.perf_counter() - start:.1f} s")
    return path


def read_rows(path: Path, rows: int) -> pd.DataFrame:
    frame = pd.read_parquet(path, columns=["text"])
    return frame.iloc[:rows].reset_index(drop=True)


# -- the LFs --------------------------------------------------------------------------------------


def row_lfs() -> list[Any]:
    """weaklabel row LFs: the Python functions Snorkel runs too."""
    from weaklabel import labeling_function

    return [labeling_function(name=name)(rule) for name, rule in spec.row_rules()]


def vectorized_lfs() -> list[Any]:
    """weaklabel's vectorized builders, from the same spec."""
    from weaklabel import keyword_lf, length_lf, regex_lf

    lfs = []
    for entry in spec.SPEC:
        name, label = entry["name"], entry["label"]
        if entry["kind"] == "keyword":
            lfs.append(keyword_lf(name, entry["words"], label))
        elif entry["kind"] == "regex":
            case = bool(entry.get("case", False))
            lfs.append(regex_lf(name, entry["pattern"], label, case_sensitive=case))
        else:
            unit, low, high = entry["unit"], entry.get("min"), entry.get("max")
            lfs.append(length_lf(name, label, unit=unit, min=low, max=high))
    return lfs


def lf_set(kind: str) -> list[Any]:
    return row_lfs() if kind == "row" else vectorized_lfs()


def save_votes(votes: Any, path: str | None) -> None:
    if path:
        np.save(path, votes.to_dense().astype(np.int8))


# -- workers: each runs in a fresh process and returns a JSON-able dict ---------------------------


def worker_apply(cfg: dict[str, Any]) -> dict[str, Any]:
    """weaklabel ``apply_lfs`` on the first ``rows`` texts, row or vectorized LFs, ``n_jobs``."""
    from weaklabel import apply_lfs

    start = time.perf_counter()
    frame = read_rows(Path(cfg["data"]), cfg["rows"])
    load = time.perf_counter() - start
    lfs = lf_set(cfg["lfs"])
    start = time.perf_counter()
    with spec.CpuWatch() as cpu:
        votes = apply_lfs(lfs, frame, cardinality=2, n_jobs=cfg["n_jobs"], progress=False)
    seconds = time.perf_counter() - start
    save_votes(votes, cfg.get("votes"))
    return {
        "rows": len(frame),
        "apply_s": seconds,
        "load_s": load,
        "n_votes": votes.n_votes,
        "others_cores": cpu.others_cores,
    }


def worker_dask(cfg: dict[str, Any]) -> dict[str, Any]:
    """weaklabel ``apply_lfs`` on a Dask DataFrame, on a LocalCluster made here.

    ``apply_lfs`` returns once every partition's votes are built (and kept) on the workers; the
    time that counts adds ``to_local()``, which gathers them here, as Snorkel's DaskLFApplier
    returns its (dense) votes here too.
    """
    if importlib.util.find_spec("dask") is None or importlib.util.find_spec("distributed") is None:
        return {"unavailable": "dask / distributed not installed in weaklabel's environment"}
    if importlib.util.find_spec("weaklabel._dask") is None:
        return {"unavailable": "weaklabel has no Dask support yet (weaklabel._dask)"}
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    from weaklabel import apply_lfs

    lfs = lf_set(cfg["lfs"])
    frame = read_rows(Path(cfg["data"]), cfg["rows"])
    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=cfg["workers"], threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    startup = time.perf_counter() - start
    try:
        start = time.perf_counter()
        ddf = dd.from_pandas(frame, npartitions=cfg["partitions"])
        distributed_votes = apply_lfs(lfs, ddf, cardinality=2, progress=False)
        on_workers = time.perf_counter() - start
        votes = distributed_votes.to_local()
        seconds = time.perf_counter() - start
    finally:
        client.close()
        cluster.close()
    save_votes(votes, cfg.get("votes"))
    return {
        "rows": len(frame),
        "apply_s": seconds,
        "on_workers_s": on_workers,
        "cluster_start_s": startup,
        "n_votes": votes.n_votes,
    }


def worker_spacy_batch(cfg: dict[str, Any]) -> dict[str, Any]:
    """Baseline with today's API: a hand-written batch preprocessor (``nlp.pipe``) + row LFs."""
    import spacy

    from weaklabel import apply_lfs, labeling_function, preprocessor

    nlp = spacy.load(cfg["model"])
    frame = read_rows(Path(cfg["data"]), cfg["rows"])

    @preprocessor(batch=True, resources={"nlp": nlp})
    def parse(chunk: pd.DataFrame, nlp: Any) -> dict[str, list[Any]]:
        return {"doc": list(nlp.pipe(chunk["text"].tolist(), batch_size=256))}

    lfs = [labeling_function(name=n, pre=[parse])(r) for n, r in spec.spacy_rules(nlp)]
    start = time.perf_counter()
    with spec.CpuWatch() as cpu:
        votes = apply_lfs(lfs, frame, cardinality=2, progress=False)
    seconds = time.perf_counter() - start
    save_votes(votes, cfg.get("votes"))
    return {
        "rows": len(frame),
        "apply_s": seconds,
        "n_votes": votes.n_votes,
        "others_cores": cpu.others_cores,
    }


def weaklabel_spacy_lfs(nlp: Any, cache_dir: str | None) -> list[Any] | str:
    """weaklabel's own spaCy LFs for SPACY_SPEC, or why they are not available."""
    if importlib.util.find_spec("weaklabel._spacy") is None:
        return "weaklabel._spacy does not exist yet"
    try:
        import weaklabel
        from weaklabel import _spacy

        names = ("spacy_preprocessor", "entity_lf", "pattern_lf", "phrase_lf")
        # the public names when weaklabel exports them, else the module's own
        api = {n: getattr(weaklabel, n, None) or getattr(_spacy, n) for n in names}
    except Exception as exc:
        return f"importing weaklabel's spaCy support fails: {type(exc).__name__}: {exc}"
    pre = api["spacy_preprocessor"](nlp, cache_dir=cache_dir)
    lfs = []
    for entry in spec.SPACY_SPEC:
        name, label = entry["name"], entry["label"]
        if entry["kind"] == "entity":
            lfs.append(api["entity_lf"](name, entry["entity"], label, nlp=pre))
        elif entry["kind"] == "pattern":
            lfs.append(api["pattern_lf"](name, [entry["pattern"]], label, nlp=pre))
        else:
            lfs.append(api["phrase_lf"](name, entry["phrases"], label, nlp=pre, attr="LOWER"))
    return lfs


def worker_spacy(cfg: dict[str, Any]) -> dict[str, Any]:
    """weaklabel's spaCy LFs (``spacy_preprocessor`` + ``entity_lf`` / ``pattern_lf`` / ...).

    ``cache_dir`` None: one apply, parsing everything. With a ``cache_dir``: one apply (cold when
    the folder is empty: it parses and stores the Docs) and a second one in the same process
    (``warm_s``: every Doc read back from the folder).
    """
    import spacy

    from weaklabel import apply_lfs

    nlp = spacy.load(cfg["model"])
    lfs = weaklabel_spacy_lfs(nlp, cfg.get("cache_dir"))
    if isinstance(lfs, str):
        return {"unavailable": lfs}
    frame = read_rows(Path(cfg["data"]), cfg["rows"])
    out: dict[str, Any] = {"rows": len(frame)}
    start = time.perf_counter()
    with spec.CpuWatch() as cpu:
        votes = apply_lfs(lfs, frame, cardinality=2, progress=False)
    out["apply_s"] = time.perf_counter() - start
    out["others_cores"] = cpu.others_cores
    save_votes(votes, cfg.get("votes"))
    if cfg.get("cache_dir") and cfg.get("again"):
        start = time.perf_counter()
        with spec.CpuWatch() as cpu:
            again = apply_lfs(lfs, frame, cardinality=2, progress=False)
        out["warm_s"] = time.perf_counter() - start
        out["warm_others_cores"] = cpu.others_cores
        out["warm_same"] = bool(again == votes)
    return out


def worker_big(cfg: dict[str, Any]) -> dict[str, Any]:
    """The vectorized builders over a big Parquet file: read whole, or row group by row group."""
    from weaklabel import VoteMatrix, apply_lfs, read_data

    lfs = vectorized_lfs()
    cpu = spec.CpuWatch().__enter__()
    start = time.perf_counter()
    if cfg["mode"] == "whole":
        frame = read_data(cfg["data"])
        read = time.perf_counter() - start
        read_mb = vm_hwm_mb()
        votes = apply_lfs(lfs, frame, cardinality=2, progress=False)
    else:
        import pyarrow.parquet as pq

        parts, offset, read = [], 0, 0.0
        handle = pq.ParquetFile(cfg["data"])
        batches = handle.iter_batches(batch_size=cfg["batch_rows"], columns=["text"])
        while True:
            tick = time.perf_counter()
            batch = next(batches, None)
            if batch is None:
                break
            frame = batch.to_pandas()
            frame.index = pd.RangeIndex(offset, offset + len(frame))
            offset += len(frame)
            read += time.perf_counter() - tick
            parts.append(apply_lfs(lfs, frame, cardinality=2, progress=False))
            del frame, batch
        read_mb = float("nan")
        votes = VoteMatrix.concat(parts)
    total = time.perf_counter() - start
    cpu.__exit__()
    return {
        "others_cores": cpu.others_cores,
        "rows": votes.n_rows,
        "apply_s": total,
        "read_s": read,
        "read_peak_mb": read_mb,
        "n_votes": votes.n_votes,
        "votes_per_lf": votes.votes_per_lf().tolist(),
    }


def worker_profile(cfg: dict[str, Any]) -> dict[str, Any]:
    """Where the time goes: row LFs under cProfile; a pure-Python floor; each builder alone."""
    from weaklabel import apply_lfs
    from weaklabel._lfs.example import iter_examples

    frame = read_rows(Path(cfg["data"]), cfg["rows"])
    out: dict[str, Any] = {"rows": len(frame)}
    lfs = row_lfs()
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    apply_lfs(lfs, frame, cardinality=2, progress=False)
    profile.disable()
    out["row_apply_s"] = time.perf_counter() - start
    stream = io.StringIO()
    pstats.Stats(profile, stream=stream).sort_stats("tottime").print_stats(12)
    out["row_profile"] = stream.getvalue()
    # The floor: the same 20 functions called on the same examples, nothing else.
    rules = [rule for _, rule in spec.row_rules()]
    start = time.perf_counter()
    examples = list(iter_examples(("text",), [frame["text"].tolist()]))
    out["examples_s"] = time.perf_counter() - start
    start = time.perf_counter()
    for rule in rules:
        [rule(x) for x in examples]
    out["row_calls_s"] = time.perf_counter() - start
    start = time.perf_counter()
    apply_lfs(lfs, frame, cardinality=2, progress=False)
    out["row_apply_plain_s"] = time.perf_counter() - start
    # Each builder alone over the same rows, in 16384-row chunks as apply_lfs does.
    per_lf = {}
    chunks = [frame.iloc[a : a + 16384] for a in range(0, len(frame), 16384)]
    for lf in vectorized_lfs():
        start = time.perf_counter()
        for chunk in chunks:
            lf.vote_batch(chunk)
        per_lf[lf.name] = time.perf_counter() - start
    out["vectorized_per_lf_s"] = per_lf
    start = time.perf_counter()
    apply_lfs(vectorized_lfs(), frame, cardinality=2, progress=False)
    out["vectorized_apply_s"] = time.perf_counter() - start
    out["python_re_per_lf_s"] = {}
    texts = frame["text"].tolist()
    for entry in spec.SPEC:
        if entry["kind"] != "length":
            search = spec.python_pattern(entry).search
            start = time.perf_counter()
            [search(t) for t in texts]
            out["python_re_per_lf_s"][entry["name"]] = time.perf_counter() - start
    out["word_count"] = word_count_check(chunks)
    return out


def word_count_check(chunks: list[pd.DataFrame]) -> dict[str, Any]:
    """length_lf(unit="words")'s word count against Arrow's split and Python's str.split."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from weaklabel._lfs.words import word_counts as _word_counts

    def split(strings: Any) -> Any:  # Unicode whitespace, as str.split()
        trimmed = pc.utf8_trim_whitespace(strings)
        words = pc.list_value_length(pc.utf8_split_whitespace(trimmed))
        return pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), 0, words)

    arrays = [pa.array(c["text"], from_pandas=True) for c in chunks]
    arrays = [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
    python = [np.array([len(t.split()) for t in c["text"].tolist()]) for c in chunks]
    out: dict[str, Any] = {}
    for name, count in (("weaklabel", _word_counts), ("split", split)):
        start = time.perf_counter()
        counts = [np.asarray(count(a)) for a in arrays]
        out[f"{name}_s"] = time.perf_counter() - start
        out[f"{name}_rows_unlike_python"] = int(
            sum((c != p).sum() for c, p in zip(counts, python, strict=True))
        )
    return out


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "apply": worker_apply,
    "dask": worker_dask,
    "spacy-batch": worker_spacy_batch,
    "spacy": worker_spacy,
    "big": worker_big,
    "profile": worker_profile,
}


def worker_main(name: str, cfg: dict[str, Any], out: Path) -> None:
    start = time.perf_counter()
    result = WORKERS[name](cfg)
    result["total_s"] = time.perf_counter() - start
    result["vm_hwm_mb"] = vm_hwm_mb()
    out.write_text(json.dumps(result))


# -- running the workers and the peers ------------------------------------------------------------


def run_worker(name: str, cfg: dict[str, Any], workdir: Path, *, repeat: int = 1) -> dict[str, Any]:
    out = workdir / f"result-{name}-{os.getpid()}-{time.monotonic_ns()}.json"
    command = [sys.executable, __file__, "--worker", name, "--config", json.dumps(cfg)]
    command += ["--out", str(out)]
    what = f"weaklabel {name} {cfg.get('lfs', cfg.get('mode', ''))}"
    return _best([_run(command, out, what) for _ in range(repeat)])


def _best(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of repeated measurements (as timeit does), with every time kept."""
    timed = [r for r in results if "apply_s" in r]
    if not timed:
        return results[0]
    best = dict(min(timed, key=lambda r: r["apply_s"]))
    best["runs_s"] = [r["apply_s"] for r in timed]
    return best


def _env() -> dict[str, str]:
    """This environment, with benchmarks/ on the path (Dask workers unpickle LFs from there)."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(HERE) + (os.pathsep + path if path else "")}


def run_peer(task: str, workdir: Path, *, repeat: int = 1, **options: Any) -> dict[str, Any]:
    if not PEERS_PYTHON.exists():
        return {
            "unavailable": f"no peers environment at {PEERS_PYTHON} (../shared/peers/install.sh)"
        }
    out = workdir / f"peer-{task}-{os.getpid()}-{time.monotonic_ns()}.json"
    command = [str(PEERS_PYTHON), str(HERE / "peers_apply.py"), task, "--out-json", str(out)]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        command += [flag] if value is True else [flag, str(value)]
    return _best([_run(command, out, f"Snorkel {task}") for _ in range(repeat)])


#: how measurements deal with other work on the machine (set from the command line):
#: wait up to quiet_wait s for idle cores first; measure again (up to `retries` times) when other
#: processes used more than `contended` cores meanwhile, and keep the least disturbed run
SETTINGS = {"quiet_wait": 60.0, "retries": 2, "contended": 0.25}


def wait_quiet() -> None:
    """Wait (at most ``quiet_wait`` s) until other processes leave the cores idle."""
    start = time.perf_counter()
    busy = spec.busy_cores(0.5)
    while busy > SETTINGS["contended"] and time.perf_counter() - start < SETTINGS["quiet_wait"]:
        time.sleep(2.0)
        busy = spec.busy_cores(0.5)
    waited = time.perf_counter() - start
    if waited > 1.0:
        state = "quiet" if busy <= SETTINGS["contended"] else f"still {busy:.1f} cores busy"
        log(f"    waited {waited:.0f} s for a quiet machine ({state})")


def _run(command: list[str], out: Path, what: str) -> dict[str, Any]:
    """Run one measurement; again while other processes disturbed it (see SETTINGS)."""
    best: dict[str, Any] = {}
    for attempt in range(1, int(SETTINGS["retries"]) + 2):
        result = _run_once(command, out, what)
        if "others_cores" not in result:  # failed, unavailable, or not measurable (Dask)
            return result
        result["others_cores_max"] = others = _others(result)
        if not best or others < best["others_cores_max"]:
            best = result
        best["attempts"] = attempt
        if others <= SETTINGS["contended"]:
            break
        log(f"    other processes used {others:.2f} cores meanwhile")
    return best


def _others(result: dict[str, Any]) -> float:
    return max(result.get("others_cores") or 0.0, result.get("warm_others_cores") or 0.0)


def _run_once(command: list[str], out: Path, what: str) -> dict[str, Any]:
    wait_quiet()
    log(f"  running {what} ...")
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_env())
    wall = time.perf_counter() - start
    if done.returncode != 0 or not out.exists():
        lines = (done.stderr or "").strip().splitlines()
        tail = lines[-1] if lines else f"exit status {done.returncode}"
        if done.returncode < 0 or done.returncode == 137:
            tail = f"killed (signal {-done.returncode if done.returncode < 0 else 9}); {tail}"
        log(f"    failed after {wall:.1f} s: {tail}")
        return {"error": tail, "wall_s": wall}
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    result["wall_s"] = wall
    if "unavailable" in result:
        log(f"    not available yet: {result['unavailable']}")
    else:
        log(f"    {wall:.1f} s wall; apply {result.get('apply_s', float('nan')):.2f} s")
    return result


# -- comparing votes ------------------------------------------------------------------------------


@dataclass
class Agreement:
    left: str
    right: str
    rows: int
    cells: int
    agree: int
    per_lf: dict[str, int]  # disagreeing cells per LF (only LFs with some)
    examples: list[tuple[str, int, int, int]]  # (LF, row, left vote, right vote)

    @property
    def share(self) -> float:
        return self.agree / self.cells if self.cells else float("nan")


def compare(left: str, a: np.ndarray, right: str, b: np.ndarray, names: Sequence[str]) -> Agreement:
    rows = min(len(a), len(b))
    a, b = a[:rows], b[:rows]
    differ = a != b
    per_lf = {names[j]: int(c) for j, c in enumerate(differ.sum(axis=0)) if c}
    examples = []
    for j in np.flatnonzero(differ.any(axis=0)):
        for i in np.flatnonzero(differ[:, j])[:3]:
            examples.append((names[j], int(i), int(a[i, j]), int(b[i, j])))
    return Agreement(
        left, right, rows, differ.size, int(differ.size - differ.sum()), per_lf, examples
    )


# -- the report -----------------------------------------------------------------------------------


def render(headers: Sequence[str], rows: Sequence[Sequence[str]], *, markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*headers)] + [fmt.format(*r) for r in rows])


def _others_cell(others: float | None, attempts: int) -> str:
    if others is None:
        return "n/a"
    return f"{others:.2f}" + (f" (x{attempts})" if attempts > 1 else "")


def rate(result: dict[str, Any], key: str = "apply_s") -> float | None:
    if "error" in result or "unavailable" in result or key not in result:
        return None
    return result["rows"] / max(result[key], 1e-9)


def machine_info() -> list[str]:
    model = "?"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = f"{int(line.split()[1]) / 1024**2:.1f} GB"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    ours = spec.versions("weaklabel", "pandas", "numpy", "pyarrow", "spacy", "dask")
    threads = ", ".join(
        f"{v}={os.environ.get(v)}"
        for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    )
    return [
        f"machine: {platform.machine()} {model}; {os.cpu_count()} cores ({usable} usable); "
        f"{mem} RAM; {platform.system()} {platform.release()}",
        "weaklabel env: " + ", ".join(f"{k} {v}" for k, v in ours.items()),
        f"threads: {threads}",
        f"seeds: {SEEDS} (numpy default_rng), data version {DATA_VERSION}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--snorkel-rows", type=int, default=100_000)
    parser.add_argument("--dask-rows", type=int, default=200_000)
    parser.add_argument("--spacy-rows", type=int, default=20_000)
    parser.add_argument("--big-rows", type=int, default=10_000_000)
    parser.add_argument(
        "--big-mode",
        choices=["auto", "whole", "batches", "both"],
        default="auto",
        help="auto: read whole; also by row groups when that fails or passes the memory target",
    )
    parser.add_argument("--batch-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--row-max-s", type=float, default=180.0, help="cap for row LFs on all rows"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="run the headline lines (row LFs, vectorized, Snorkel) this many times; keep the best",
    )
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--no-big", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="before each measurement, wait up to this many seconds for idle cores",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="measure again up to this many times when other processes competed for the cores",
    )
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker_main(args.worker, json.loads(args.config), args.out)
        return 0
    began = time.perf_counter()
    SETTINGS.update(quiet_wait=args.quiet_wait, retries=args.retries)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "weaklabel-bench-apply"
    workdir.mkdir(parents=True, exist_ok=True)
    bench = Bench(args, workdir)
    try:
        bench.run()
    finally:
        shutil.rmtree(bench.votes_dir, ignore_errors=True)
    print(f"\ntotal runtime: {time.perf_counter() - began:.0f} s")
    return 0


class Bench:
    """One run of the benchmark: data, measurements, report."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.votes_dir = Path(tempfile.mkdtemp(prefix="votes-", dir=workdir))
        self.results: dict[str, dict[str, Any]] = {}

    def votes(self, key: str) -> str:
        return str(self.votes_dir / f"{key}.npy")

    def load_votes(self, key: str) -> np.ndarray | None:
        path = Path(self.votes(key))
        return np.load(path) if path.exists() else None

    # -- measurements ---------------------------------------------------------------------------

    def run(self) -> None:
        a = self.args
        log("data:")
        texts = write_texts(
            self.workdir / f"texts-{a.rows}-s{SEEDS['texts']}-v{DATA_VERSION}.parquet",
            a.rows,
            SEEDS["texts"],
        )
        spacy_texts = write_texts(
            self.workdir / f"spacy-{a.spacy_rows}-s{SEEDS['spacy']}-v{DATA_VERSION}.parquet",
            a.spacy_rows,
            SEEDS["spacy"],
            unique=True,
        )
        model = self.spacy_model()
        log(f"text LFs ({a.rows:,} rows x {len(spec.SPEC)} LFs):")
        self.text_lfs(texts)
        log(f"spaCy ({a.spacy_rows:,} texts x {len(spec.SPACY_SPEC)} LFs):")
        self.spacy(spacy_texts, model)
        if not a.no_big:
            big = write_texts(
                self.workdir / f"big-{a.big_rows}-s{SEEDS['big']}-v{DATA_VERSION}.parquet",
                a.big_rows,
                SEEDS["big"],
            )
            log(f"scale ({a.big_rows:,} rows x {len(spec.SPEC)} vectorized LFs):")
            self.big(big)
        if not a.no_profile:
            log("profile (100,000 rows):")
            self.results["profile"] = run_worker(
                "profile", {"data": str(texts), "rows": min(100_000, a.rows)}, self.workdir
            )
        print(self.report())

    def spacy_model(self) -> Path:
        path = self.workdir / f"spacy-en-ruler-v{DATA_VERSION}"
        if not path.exists():
            spec.build_spacy_pipeline().to_disk(path)
        return path

    def text_lfs(self, texts: Path) -> None:
        a, r = self.args, self.results
        base = {"data": str(texts), "rows": a.rows}
        r["vectorized"] = run_worker(
            "apply",
            {**base, "lfs": "vectorized", "n_jobs": 1, "votes": self.votes("vectorized")},
            self.workdir,
            repeat=a.repeat,
        )
        # Row LFs on every row when that takes under --row-max-s (judged on a 50k-row probe).
        probe = run_worker(
            "apply", {**base, "rows": 50_000, "lfs": "row", "n_jobs": 1}, self.workdir
        )
        row_rows = a.rows
        if (probe_rate := rate(probe)) and a.rows / probe_rate > a.row_max_s:
            row_rows = int(probe_rate * a.row_max_s) // 10_000 * 10_000
        r["row"] = run_worker(
            "apply",
            {**base, "rows": row_rows, "lfs": "row", "n_jobs": 1, "votes": self.votes("row")},
            self.workdir,
            repeat=a.repeat,
        )
        r["row-jobs2"] = run_worker(
            "apply",
            {**base, "rows": row_rows, "lfs": "row", "n_jobs": 2, "votes": self.votes("row-jobs2")},
            self.workdir,
        )
        r["vectorized-jobs2"] = run_worker(
            "apply",
            {**base, "lfs": "vectorized", "n_jobs": 2, "votes": self.votes("vectorized-jobs2")},
            self.workdir,
        )
        dask_cfg = {**base, "workers": 2, "partitions": 8}
        r["dask-vectorized"] = run_worker(
            "dask",
            {**dask_cfg, "lfs": "vectorized", "votes": self.votes("dask-vectorized")},
            self.workdir,
        )
        if "unavailable" not in r["dask-vectorized"]:
            r["dask-row"] = run_worker(
                "dask", {**dask_cfg, "lfs": "row", "votes": self.votes("dask-row")}, self.workdir
            )
        if a.no_peers:
            return
        r["snorkel"] = run_peer(
            "pandas",
            self.workdir,
            repeat=a.repeat,
            data=texts,
            rows=min(a.snorkel_rows, a.rows),
            out_votes=self.votes("snorkel"),
        )
        r["snorkel-dask"] = run_peer(
            "dask",
            self.workdir,
            data=texts,
            rows=min(a.dask_rows, a.rows),
            workers=2,
            partitions=8,
            out_votes=self.votes("snorkel-dask"),
        )

    def spacy(self, texts: Path, model: Path) -> None:
        a, r = self.args, self.results
        base = {"data": str(texts), "rows": a.spacy_rows, "model": str(model)}
        r["spacy"] = run_worker("spacy", {**base, "votes": self.votes("spacy")}, self.workdir)
        if "unavailable" not in r["spacy"]:
            cache = self.workdir / "spacy-doc-cache"
            shutil.rmtree(cache, ignore_errors=True)
            cached = {**base, "cache_dir": str(cache)}
            r["spacy-cache"] = run_worker("spacy", {**cached, "again": True}, self.workdir)
            r["spacy-cache-fresh"] = run_worker(
                "spacy", {**cached, "votes": self.votes("spacy-warm")}, self.workdir
            )
            shutil.rmtree(cache, ignore_errors=True)
        r["spacy-batch"] = run_worker(
            "spacy-batch", {**base, "votes": self.votes("spacy-batch")}, self.workdir
        )
        if a.no_peers:
            return
        for key, memo in (("snorkel-spacy", True), ("snorkel-spacy-nomemo", False)):
            options = {"data": texts, "rows": a.spacy_rows, "spacy_model": model}
            if not memo:
                options["no_memoize"] = True
            r[key] = run_peer("spacy", self.workdir, **options, out_votes=self.votes(key))

    def big(self, path: Path) -> None:
        a, r = self.args, self.results
        cfg = {"data": str(path), "batch_rows": a.batch_rows}
        if a.big_mode in ("auto", "whole", "both"):
            r["big-whole"] = run_worker("big", {**cfg, "mode": "whole"}, self.workdir)
        whole = r.get("big-whole", {})
        over = "error" in whole or whole.get("vm_hwm_mb", 0) > TARGETS["big_gb"] * 1024
        if a.big_mode in ("batches", "both") or (a.big_mode == "auto" and over):
            r["big-batches"] = run_worker("big", {**cfg, "mode": "batches"}, self.workdir)

    # -- report ---------------------------------------------------------------------------------

    def report(self) -> str:
        a, r, md = self.args, self.results, self.args.markdown
        out = ["", "# weaklabel apply_lfs vs Snorkel 0.10" if md else "== apply benchmark =="]
        out += [("- " if md else "") + line for line in machine_info()]
        peers = next((x["versions"] for x in r.values() if "versions" in x), None)
        if peers:
            out.append(
                ("- " if md else "")
                + "peers env: "
                + ", ".join(f"{k} {v}" for k, v in peers.items())
            )
        out.append("")
        snorkel = rate(r.get("snorkel", {}))
        headers = [
            "section",
            "system",
            "rows timed",
            "seconds",
            "rows/s",
            "vs Snorkel",
            "peak MB",
            "others' CPU",
            "notes",
        ]
        lines = []

        def add(
            section: str,
            system: str,
            key: str,
            note: str = "",
            ref: float | None = None,
            time_key: str = "apply_s",
        ) -> None:
            res = r.get(key)
            if res is None:
                return
            if "unavailable" in res:
                lines.append(
                    [
                        section,
                        system,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        f"not available yet: {res['unavailable']}",
                    ]
                )
                return
            if "error" in res:
                lines.append([section, system, "", "", "", "", "", "", f"failed: {res['error']}"])
                return
            speed = rate(res, time_key)
            ratio = f"{speed / ref:.1f}x" if speed and ref else ""
            others = res.get("others_cores" if time_key == "apply_s" else "warm_others_cores")
            lines.append(
                [
                    section,
                    system,
                    f"{res['rows']:,}",
                    f"{res[time_key]:.2f}",
                    f"{speed:,.0f}" if speed else "",
                    ratio,
                    f"{res['vm_hwm_mb']:,.0f}",
                    _others_cell(others, res.get("attempts", 1)),
                    note,
                ]
            )

        sec = f"{len(spec.SPEC)} text LFs"
        row_note = (
            "" if r.get("row", {}).get("rows", a.rows) == a.rows else "slice (row LFs are slow)"
        )
        add(sec, "weaklabel row LFs", "row", row_note, snorkel)
        add(sec, "weaklabel row LFs, n_jobs=2", "row-jobs2", row_note, snorkel)
        add(sec, "weaklabel vectorized builders", "vectorized", "", snorkel)
        add(sec, "weaklabel vectorized, n_jobs=2", "vectorized-jobs2", "", snorkel)
        dask_note = "LocalCluster 2x1 thread, 8 partitions; cluster start {:.1f} s not timed"
        for key, name in (("dask-vectorized", "vectorized"), ("dask-row", "row LFs")):
            res = r.get(key, {})
            note = dask_note.format(res["cluster_start_s"]) if "cluster_start_s" in res else ""
            if "on_workers_s" in res:
                note += f"; incl. to_local() (votes on workers after {res['on_workers_s']:.2f} s)"
            add(sec, f"weaklabel {name} on Dask", key, note, snorkel)
        add(
            sec,
            "Snorkel PandasLFApplier",
            "snorkel",
            "first rows only; rows/s extrapolated",
            snorkel,
        )
        res = r.get("snorkel-dask", {})
        note = dask_note.format(res["cluster_start_s"]) if "cluster_start_s" in res else ""
        add(sec, "Snorkel DaskLFApplier", "snorkel-dask", f"first rows only; {note}", snorkel)

        sec = f"spaCy, {len(spec.SPACY_SPEC)} LFs"
        snorkel_cold = rate(r.get("snorkel-spacy", {}))
        snorkel_warm = rate(r.get("snorkel-spacy", {}), "warm_s")
        add(
            sec,
            "weaklabel spaCy LFs, cold",
            "spacy",
            "no cache_dir: parses every text",
            snorkel_cold,
        )
        add(
            sec,
            "weaklabel spaCy LFs, cold + cache",
            "spacy-cache",
            "empty cache_dir: parses, stores DocBins",
            snorkel_cold,
        )
        add(
            sec,
            "weaklabel spaCy LFs, warm",
            "spacy-cache",
            "2nd apply, same process, Docs from cache_dir; vs Snorkel warm",
            snorkel_warm,
            time_key="warm_s",
        )
        add(
            sec,
            "weaklabel spaCy LFs, warm (new process)",
            "spacy-cache-fresh",
            "Docs from cache_dir; vs Snorkel warm (a new Snorkel process is cold)",
            snorkel_warm,
        )
        add(
            sec,
            "weaklabel batch preprocessor",
            "spacy-batch",
            "hand-written nlp.pipe per chunk, row LFs; no cache",
            snorkel_cold,
        )
        add(
            sec,
            "Snorkel nlp_labeling_function, cold",
            "snorkel-spacy",
            "memoize=True (default)",
            snorkel_cold,
        )
        add(
            sec,
            "Snorkel nlp_labeling_function, warm",
            "snorkel-spacy",
            "2nd apply, memo cache full",
            snorkel_cold,
            time_key="warm_s",
        )
        add(
            sec,
            "Snorkel nlp_labeling_function",
            "snorkel-spacy-nomemo",
            "memoize=False: every LF parses again",
            snorkel_cold,
        )

        sec = f"scale, {len(spec.SPEC)} vectorized LFs"
        for key, how in (("big-whole", "read_data, whole file"), ("big-batches", "iter_batches")):
            res = r.get(key, {})
            note = f"read {res['read_s']:.1f} s" if "read_s" in res else ""
            if key == "big-batches" and res:
                note += f", {a.batch_rows:,} rows per batch, VoteMatrix.concat"
            add(sec, f"weaklabel ({how})", key, note, snorkel)

        out.append(render(headers, lines, markdown=md))
        out += ["", *self.agreement_report(), "", *self.targets_report(), ""]
        out += self.notes()
        if "profile" in r:
            out += ["", *self.profile_report()]
        return "\n".join(out)

    def agreement_report(self) -> list[str]:
        md = self.args.markdown
        pairs = [
            ("row", "vectorized", spec.LF_NAMES),
            ("row", "snorkel", spec.LF_NAMES),
            ("vectorized", "snorkel", spec.LF_NAMES),
            ("snorkel", "snorkel-dask", spec.LF_NAMES),
            ("row", "row-jobs2", spec.LF_NAMES),
            ("vectorized", "vectorized-jobs2", spec.LF_NAMES),
            ("vectorized", "dask-vectorized", spec.LF_NAMES),
            ("row", "dask-row", spec.LF_NAMES),
            ("spacy-batch", "snorkel-spacy", spec.SPACY_LF_NAMES),
            ("spacy", "snorkel-spacy", spec.SPACY_LF_NAMES),
            ("spacy-warm", "snorkel-spacy", spec.SPACY_LF_NAMES),
            ("snorkel-spacy", "snorkel-spacy-nomemo", spec.SPACY_LF_NAMES),
        ]
        found = []
        for left, right, names in pairs:
            a, b = self.load_votes(left), self.load_votes(right)
            if a is not None and b is not None:
                found.append(compare(left, a, right, b, names))
        lines = ["agreement of the vote matrices (cells equal / cells compared):"]
        rows = [
            [
                x.left,
                x.right,
                f"{x.rows:,}",
                f"{100 * x.share:.4f}%",
                ", ".join(f"{k}: {v}" for k, v in x.per_lf.items()) or "-",
            ]
            for x in found
        ]
        lines.append(
            render(["left", "right", "rows", "agree", "differing cells per LF"], rows, markdown=md)
        )
        texts: dict[Path, pd.Series] = {}
        shown = 0
        for x in found:
            for name, i, va, vb in x.examples:
                if shown >= 12:
                    break
                path = self.text_path(x.left)
                if path not in texts:
                    texts[path] = read_rows(path, 10**9)["text"]
                text = texts[path].iloc[i]
                lines.append(
                    f"  {x.left} vs {x.right}, {name}, row {i}: {va} vs {vb}: {text!r:.160}"
                )
                shown += 1
        return lines

    def text_path(self, key: str) -> Path:
        a = self.args
        if key.startswith(("spacy", "snorkel-spacy")):  # spacy, spacy-warm, spacy-batch
            return self.workdir / f"spacy-{a.spacy_rows}-s{SEEDS['spacy']}-v{DATA_VERSION}.parquet"
        return self.workdir / f"texts-{a.rows}-s{SEEDS['texts']}-v{DATA_VERSION}.parquet"

    def targets_report(self) -> list[str]:
        r = self.results
        snorkel = rate(r.get("snorkel", {}))
        lines = ["targets:"]

        def ratio_line(
            what: str,
            key: str,
            ref: float | None,
            target: float,
            time_key: str = "apply_s",
            ref_name: str = "Snorkel",
        ) -> None:
            mine = rate(r.get(key, {}), time_key)
            if mine is None or ref is None:
                lines.append(f"  {what} >= {target:g}x {ref_name}: not measured")
                return
            ratio = mine / ref
            verdict = "MET" if ratio >= target else "MISSED"
            lines.append(
                f"  {what} >= {target:g}x {ref_name}: {verdict} ({ratio:.1f}x: "
                f"{mine:,.0f} vs {ref:,.0f} rows/s)"
            )

        ratio_line("row LFs", "row", snorkel, TARGETS["row"])
        ratio_line("vectorized builders", "vectorized", snorkel, TARGETS["vectorized"])
        cold = rate(r.get("snorkel-spacy", {}))
        warm = rate(r.get("snorkel-spacy", {}), "warm_s")
        ratio_line("spaCy cold", "spacy", cold, TARGETS["spacy_cold"], ref_name="Snorkel cold")
        ratio_line(
            "spaCy cold + filling the cache",
            "spacy-cache",
            cold,
            TARGETS["spacy_cold"],
            ref_name="Snorkel cold",
        )
        ratio_line(
            "spaCy warm (same process)",
            "spacy-cache",
            warm,
            TARGETS["spacy_warm"],
            "warm_s",
            "Snorkel warm (its memo cache)",
        )
        ratio_line(
            "spaCy warm (same process)",
            "spacy-cache",
            cold,
            TARGETS["spacy_warm"],
            "warm_s",
            "Snorkel cold",
        )
        ratio_line(
            "spaCy warm (new process)",
            "spacy-cache-fresh",
            cold,
            TARGETS["spacy_warm"],
            ref_name="Snorkel in a new process (cold: its memo cache lives in memory)",
        )
        ratio_line(
            "spaCy batch preprocessor (baseline)",
            "spacy-batch",
            cold,
            TARGETS["spacy_cold"],
            ref_name="Snorkel cold",
        )
        for key in ("big-whole", "big-batches"):
            res = r.get(key)
            if not res:
                continue
            what = (
                f"{self.args.big_rows:,} rows ({key[4:]}) under {TARGETS['big_gb']:g} GB peak RSS"
            )
            if "error" in res:
                lines.append(f"  {what}: MISSED ({res['error']})")
                continue
            gb = res["vm_hwm_mb"] / 1024
            verdict = "MET" if gb < TARGETS["big_gb"] else "MISSED"
            lines.append(f"  {what}: {verdict} ({gb:.2f} GB, {res['apply_s']:.0f} s)")
        return lines

    def notes(self) -> list[str]:
        a, r = self.args, self.results
        lines = ["notes:"]
        lines.append(
            "- 'rows/s' = rows timed / seconds of the apply call alone (reading the data, building "
            "the LFs and starting a Dask cluster are not timed); Snorkel is timed on the first "
            f"{min(a.snorkel_rows, a.rows):,} rows (PandasLFApplier) and "
            f"{min(a.dask_rows, a.rows):,} rows (DaskLFApplier) and its rows/s stands for the "
            f"whole {a.rows:,}."
        )
        lines.append(
            "- 'vs Snorkel' divides by Snorkel PandasLFApplier's rows/s (spaCy rows: by Snorkel's "
            "cold run, warm weaklabel by Snorkel's warm run); 'peak MB' is VmHWM of the process "
            "that ran that line (for Dask: the client process only, not its workers)."
        )
        lines.append(
            '- "others\' CPU": cores kept busy by other processes on the machine while that line '
            "was timed (/proc/stat minus the process's own CPU); other work on this 2-core machine "
            f"slows the line down when it is well above 0 (each measurement waited up to "
            f"{SETTINGS['quiet_wait']:.0f} s for idle cores first, and was repeated up to "
            f"{SETTINGS['retries']:.0f} times when that figure passed {SETTINGS['contended']} "
            "cores, keeping the least disturbed run: 'xN' = N runs). n/a: Dask workers are not "
            "told apart."
        )
        lines.append(
            "- spaCy pipeline: spacy.blank('en') + EntityRuler (peers_apply.SPACY_PATTERNS), saved "
            "once to disk; Snorkel loads it through nlp_labeling_function(language=<that dir>), "
            "i.e. its unmodified SpacyPreprocessor (spacy.load of a path, one text at a time, "
            "memoized per row by default); its 'warm' line is a second apply() in the same process."
        )
        for key, name in (
            ("row", "weaklabel row LFs"),
            ("vectorized", "weaklabel vectorized builders"),
            ("snorkel", "Snorkel PandasLFApplier"),
        ):
            runs = r.get(key, {}).get("runs_s")
            if runs and len(runs) > 1:
                shown = ", ".join(f"{t:.2f}" for t in runs)
                lines.append(f"- {name}: the fastest of {len(runs)} runs ({shown} s).")
        for key in ("big-whole", "big-batches"):
            res = r.get(key, {})
            if "read_peak_mb" in res and res["read_peak_mb"] == res["read_peak_mb"]:
                lines.append(
                    f"- {key}: peak after reading {res['read_peak_mb']:,.0f} MB, "
                    f"after applying {res['vm_hwm_mb']:,.0f} MB."
                )
        whole, batches = r.get("big-whole", {}), r.get("big-batches", {})
        if "votes_per_lf" in whole and "votes_per_lf" in batches:
            same = whole["votes_per_lf"] == batches["votes_per_lf"]
            lines.append(f"- whole-file and by-batch votes per LF {'agree' if same else 'DIFFER'}.")
        return lines

    def profile_report(self) -> list[str]:
        p = self.results["profile"]
        if "error" in p:
            return [f"profile failed: {p['error']}"]
        n = p["rows"]
        lines = [f"profile on {n:,} rows:"]
        floor = p["examples_s"] + p["row_calls_s"]
        lines.append(
            f"- row LFs: apply_lfs {p['row_apply_plain_s']:.2f} s; the 20 functions alone over "
            f"ready-made examples {p['row_calls_s']:.2f} s (+ {p['examples_s']:.2f} s building "
            f"examples) -> apply_lfs overhead "
            f"{100 * (p['row_apply_plain_s'] - floor) / p['row_apply_plain_s']:.0f}% of its time"
        )
        per_lf = sorted(p["vectorized_per_lf_s"].items(), key=lambda kv: -kv[1])
        total = sum(v for _, v in per_lf)
        lines.append(
            f"- vectorized: apply_lfs {p['vectorized_apply_s']:.2f} s; the builders alone "
            f"{total:.2f} s; slowest: " + ", ".join(f"{k} {v:.3f} s" for k, v in per_lf[:6])
        )
        py = p.get("python_re_per_lf_s", {})
        if py:
            slow = [
                f"{k} RE2 {p['vectorized_per_lf_s'][k]:.3f} s / Python re {v:.3f} s"
                for k, v in sorted(py.items(), key=lambda kv: -p["vectorized_per_lf_s"][kv[0]])[:6]
            ]
            lines.append("- builder vs Python re on the same texts: " + "; ".join(slow))
        wc = p.get("word_count")
        if wc:
            lines.append(
                f"- word count of length_lf(unit='words') over these rows: weaklabel (UTF-8 bytes "
                f"in numpy) {wc['weaklabel_s']:.3f} s, {wc['weaklabel_rows_unlike_python']} rows "
                f"unlike len(text.split()); Arrow utf8_split_whitespace + list_value_length "
                f"{wc['split_s']:.3f} s, {wc['split_rows_unlike_python']} rows unlike it"
            )
        lines.append("- cProfile of apply_lfs with row LFs (tottime):")
        body = p["row_profile"].strip().splitlines()
        start = next((i for i, line in enumerate(body) if "ncalls" in line), 0)
        lines += ["    " + line for line in body[start:]]
        return lines


if __name__ == "__main__":
    sys.exit(main())
