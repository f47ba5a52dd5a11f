"""Where the time goes, on the first 100,000 texts (``--no-profile`` skips it).

Row LFs: ``apply_lfs`` under cProfile, and against a floor, the same 20 functions called in a bare
loop over ready-made examples (``weaklabel._lfs.example.iter_examples``, the examples
``apply_lfs`` builds). Builders: each alone over the same rows in 16,384-row chunks, and the same
patterns with Python's ``re``. The word count of ``length_lf(unit="words")``
(``weaklabel._lfs.words.word_counts``) against Arrow's ``utf8_split_whitespace`` and
``str.split``. The two private imports are deliberate: they are what is being measured.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from apply_bench import spec
from apply_bench.lfs import read_rows, row_lfs, vectorized_lfs

__all__ = ["PROFILE_ROWS", "profile_worker", "report"]

PROFILE_ROWS = 100_000
CHUNK = 16_384  # apply_lfs's default chunk_size


def profile_worker(config: dict[str, Any]) -> dict[str, Any]:
    """Row LFs under cProfile; a pure-Python floor; each builder alone; the word count."""
    from weaklabel import apply_lfs
    from weaklabel._lfs.example import iter_examples

    frame = read_rows(Path(config["data"]), config["rows"])
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
    # Each builder alone over the same rows, in chunks as apply_lfs does.
    per_lf = {}
    chunks = [frame.iloc[a : a + CHUNK] for a in range(0, len(frame), CHUNK)]
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

    from weaklabel._lfs.words import word_counts

    def split(strings: Any) -> Any:  # Unicode whitespace, as str.split()
        trimmed = pc.utf8_trim_whitespace(strings)
        words = pc.list_value_length(pc.utf8_split_whitespace(trimmed))
        return pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), 0, words)

    arrays = [pa.array(c["text"], from_pandas=True) for c in chunks]
    arrays = [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
    python = [np.array([len(t.split()) for t in c["text"].tolist()]) for c in chunks]
    out: dict[str, Any] = {}
    for name, count in (("weaklabel", word_counts), ("split", split)):
        start = time.perf_counter()
        counts = [np.asarray(count(a)) for a in arrays]
        out[f"{name}_s"] = time.perf_counter() - start
        out[f"{name}_rows_unlike_python"] = int(
            sum((c != p).sum() for c, p in zip(counts, python, strict=True))
        )
    return out


def report(p: dict[str, Any]) -> list[str]:
    """The profile's lines in the report."""
    if "error" in p:
        return [f"profile failed: {p['error']}"]
    lines = [f"profile on {p['rows']:,} rows:"]
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
