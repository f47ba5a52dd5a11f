"""LF-application benchmark: weaklabel's ``apply_lfs`` against Snorkel 0.10's LF appliers.

Usage::

    python benchmarks/apply.py [--rows 1000000] [--snorkel-rows 100000] [--dask-rows 200000]
        [--spacy-rows 20000] [--big-rows 10000000] [--big-mode auto|whole|batches|both]
        [--batch-rows 1000000] [--row-max-s 180] [--repeat 3] [--no-peers] [--no-big]
        [--no-profile] [--workdir DIR] [--quiet-wait 60] [--retries 2] [--markdown] [--smoke]

What it measures, each system in its own fresh process (``harness.isolation``, so every
peak-memory figure, ``VmHWM``, is that process's own), one module of ``apply_bench`` per topic:

1. **Text LFs** (``text_lfs``, ``dask_lfs``). ``--rows`` short texts x the 20 LFs of
   ``apply_bench.spec.SPEC`` (keywords, regular expressions, lengths). weaklabel with row LFs
   (plain Python functions over ``x.text``), with the vectorized builders (``keyword_lf``,
   ``regex_lf``, ``length_lf``), both with ``n_jobs=2``, and on a Dask ``LocalCluster``;
   Snorkel's ``PandasLFApplier`` on the first ``--snorkel-rows`` rows and ``DaskLFApplier`` (its
   own ``LocalCluster``, 2 single-threaded workers) on the first ``--dask-rows``, their rows/s
   extrapolated to the whole set. The row LFs are the very same Python functions on both sides.
2. **spaCy** (``spacy_lfs``). ``--spacy-rows`` distinct texts x 5 LFs reading the entities of an
   EntityRuler on ``spacy.blank("en")`` and the tokens (``spec.SPACY_SPEC``). weaklabel's spaCy
   LFs cold (first parse) and warm (cached); a hand-written weaklabel batch preprocessor
   (``nlp.pipe`` per chunk) as a baseline; Snorkel's ``nlp_labeling_function`` LFs (its
   ``SpacyPreprocessor``, one text at a time), with and without its memoization.
3. **Scale** (``scale``). ``--big-rows`` texts x the 20 vectorized builders read from a Parquet
   file: time and peak RSS, reading the whole file at once, and/or batch by batch with
   ``VoteMatrix.concat``.
4. **Profile** (``profile``): where the time goes, on 100,000 rows.

The vote matrices are compared cell by cell (``agreement``). Data: texts resampled from the real
YouTube-comment and SMS spam collections in ``../shared/data/raw`` (``harness.synthetic``): each
text joins the first words of one real text to the last words of another (both picked, and the
cut points drawn, with fixed seeds), so the texts read like the real ones but are nearly all
distinct, and no system gets duplicates for free. The Parquet files are written once to
``--workdir`` and reused.

Snorkel runs from the environment that ``../shared/peers/install.sh`` builds (``WEAKLABEL_PEERS``
overrides its location), through ``benchmarks/peers_apply.py``. The report goes to stdout, every
figure to ``benchmarks/results/apply.json``.
"""

from __future__ import annotations

import harness.single_thread  # noqa: F401 - one BLAS thread per process, before numpy loads

# isort: split
import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from apply_bench import profile, scale, spacy_lfs, spec, text_lfs
from apply_bench.report import report
from apply_bench.run import SEEDS, Run
from harness.cpu import Contention
from harness.results import parse_args, write_results
from harness.synthetic import write_texts

SMOKE = {
    "rows": 5_000,
    "snorkel_rows": 2_000,
    "dask_rows": 2_000,
    "spacy_rows": 300,
    "big_rows": 30_000,
    "big_mode": "both",
    "batch_rows": 10_000,
    "repeat": 1,
    "quiet_wait": 0.0,
    "retries": 0,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
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
    return parse_args(parser, argv, SMOKE)


def measure(run: Run) -> None:
    a = run.args
    log("data:")
    texts = write_texts(run.data_path("texts"), a.rows, SEEDS["texts"])
    write_texts(run.data_path("spacy"), a.spacy_rows, SEEDS["spacy"], unique=True)
    model = spacy_lfs.spacy_model(run.workdir)
    log(f"text LFs ({a.rows:,} rows x {len(spec.SPEC)} LFs):")
    text_lfs.measure(run)
    if not a.no_peers:
        text_lfs.measure_snorkel(run)
    log(f"spaCy ({a.spacy_rows:,} texts x {len(spec.SPACY_SPEC)} LFs):")
    spacy_lfs.measure(run, model)
    if not a.no_peers:
        spacy_lfs.measure_snorkel(run, model)
    if not a.no_big:
        write_texts(run.data_path("big"), a.big_rows, SEEDS["big"])
        log(f"scale ({a.big_rows:,} rows x {len(spec.SPEC)} vectorized LFs):")
        scale.measure(run)
    if not a.no_profile:
        rows = min(profile.PROFILE_ROWS, a.rows)
        log(f"profile ({rows:,} rows):")
        config = {"data": str(texts), "rows": rows}
        run.ours("profile", "apply_bench.profile:profile_worker", config)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    began = time.perf_counter()
    workdir = args.workdir or Path(tempfile.gettempdir()) / "weaklabel-bench-apply"
    workdir.mkdir(parents=True, exist_ok=True)
    contention = Contention(quiet_wait=args.quiet_wait, retries=args.retries)
    run = Run(args, workdir, contention)
    try:
        measure(run)
        print(report(run))
    finally:
        run.close()
    print(f"\ntotal runtime: {time.perf_counter() - began:.0f} s")
    write_results("apply", run.results, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
