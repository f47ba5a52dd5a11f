"""Export benchmark: time and peak memory of ``weaklabel export`` on 1M and 10M rows.

Usage::

    python benchmarks/export.py [--rows 1000000,10000000] [--formats jsonl,chat,parquet,hf]
        [--workdir DIR] [--smoke]

Builds a run folder once per size in ``--workdir`` (default: a folder under the system's temp
folder, kept between runs): ``labels.jsonl`` with texts resampled from the bundled YouTube and
SMS spam comments (the first words of one, the last words of another, and a row number, so that
dedupe keeps nearly every row), two classes, label-model probabilities; ``run.json`` and
``lf_summary.csv`` of a real demo run. Then exports it to each format with
``--split train=0.8,validation=0.1,test=0.1`` (dedupe on, as by default), each export in a fresh
process (``harness.isolation.run_isolated``), and prints seconds and the peak resident memory
(``VmHWM``) of that process: interpreter, imports and the export.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from harness.isolation import run_isolated
from harness.results import parse_args, write_results
from harness.synthetic import spliced_texts

SMOKE = {"rows": "20000"}
SPLIT = {"train": 0.8, "validation": 0.1, "test": 0.1}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_run(folder: Path, n_rows: int) -> Path:
    """A run folder of ``n_rows`` synthetic rows (made once; reused when complete)."""
    if (folder / "run.json").exists():
        return folder
    from weaklabel.cli import main
    from weaklabel.datasets import load_sms_spam, load_youtube_spam

    start = time.perf_counter()
    demo = folder.with_name(folder.name + "-demo")
    if not (demo / "run.json").exists():
        assert main(["-q", "run", "--out", str(demo)]) == 0
    texts = [*load_youtube_spam()["text"].astype(str), *load_sms_spam()["text"].astype(str)]
    words = [t.split() or ["empty"] for t in texts]
    rng = np.random.default_rng(0)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    chunk = 500_000
    with (tmp / "labels.jsonl").open("w", encoding="utf-8") as handle:
        for start_row in range(0, n_rows, chunk):
            n = min(chunk, n_rows - start_row)
            batch = spliced_texts(words, n, rng)
            spam = rng.beta(0.6, 0.6, n)
            lines = []
            for i, (text, p) in enumerate(zip(batch, spam.tolist(), strict=True)):
                probs = {"ham": 1 - p, "spam": p}
                label = "spam" if p > 0.5 else "ham"
                record = {"id": start_row + i, "label": label, "probs": probs,
                          "confidence": max(p, 1 - p), "source": "lf",
                          "label_model_probs": probs, "end_model_probs": None,
                          "text": f"{text} #{start_row + i}"}  # fmt: skip
                lines.append(json.dumps(record, ensure_ascii=False))
            handle.write("\n".join(lines) + "\n")
    info = json.loads((demo / "run.json").read_text())
    info["data"] |= {"bundled": None, "n_rows": n_rows}
    (tmp / "run.json").write_text(json.dumps(info, indent=1))
    shutil.copy(demo / "lf_summary.csv", tmp / "lf_summary.csv")
    tmp.rename(folder)
    size = (folder / "labels.jsonl").stat().st_size
    log(f"  wrote {n_rows:,} rows ({size / 2**20:,.0f} MB) in {time.perf_counter() - start:.0f} s")
    return folder


def measure(config: dict[str, Any]) -> dict[str, Any]:
    """One export in this (fresh) process."""
    from weaklabel.export import export

    out = Path(config["out"])
    start = time.perf_counter()
    result = export(config["run"], out, format=config["format"], split=SPLIT, overwrite=True,
                    progress=False)  # fmt: skip
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in result.files)
    shutil.rmtree(out)
    return {"export_s": seconds, "rows": sum(result.rows.values()), "removed": result.removed,
            "out_mb": size / 2**20}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,10000000", help="sizes, comma-separated")
    parser.add_argument("--formats", default="jsonl,chat,parquet,hf")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wl-export")
    args = parse_args(parser, argv, SMOKE)
    sizes = [int(r) for r in str(args.rows).split(",")]
    formats = args.formats.split(",")
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sizes:
        log(f"{n:,} rows")
        run = make_run(args.workdir / f"run-{n}", n)
        for format in formats:
            config = {"run": str(run), "out": str(args.workdir / f"out-{n}-{format}"),
                      "format": format}  # fmt: skip
            result = run_isolated("export:measure", config, args.workdir, what=f"{format} {n:,}",
                                  best_key="export_s")  # fmt: skip
            results.append({"rows_in": n, "format": format, **result})
    print(f"{'rows':>12} {'format':<8} {'seconds':>8} {'peak MB':>8} {'out MB':>8} {'written':>12}")
    for r in results:
        if "error" in r:
            print(f"{r['rows_in']:>12,} {r['format']:<8} failed: {r['error']}")
            continue
        print(f"{r['rows_in']:>12,} {r['format']:<8} {r['export_s']:>8.1f} {r['vm_hwm_mb']:>8.0f} "
              f"{r['out_mb']:>8.0f} {r['rows']:>12,}")  # fmt: skip
    write_results("export", results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
