"""End-model benchmark: how much a text classifier trained on the label model's labels adds.

Usage::

    python benchmarks/endmodel.py [--datasets demo,sms-bundled,youtube,sms,trec]
        [--scale-rows 10000000] [--workdir DIR] [--markdown] [--smoke]

Every set gets the default ``LabelModel`` (``random_state=0``) fitted on its votes, no gold, and
the default ``EndModel`` trained on the label model's probabilities of the rows with a vote, as
``weaklabel run`` trains it:

- ``demo``: the bundled YouTube Spam Collection with the demo LFs (labeling_functions/spam.py),
  what ``weaklabel run`` labels without arguments; ``sms-bundled``: the bundled SMS Spam
  Collection with labeling_functions/sms.py. Both models are fitted on all rows and scored on
  all rows with their gold labels; the end model's probabilities are cross-fitted
  (``cross_fit_predict_proba``: each row's from a model fitted on the other folds).
- ``youtube``, ``sms``, ``trec``: WRENCH sets of ``../shared/data``, both models fitted on the
  train split (texts and votes) and scored on the test split; the end model is cross-fitted on
  the train split, as ``weaklabel run`` fits it (which sets its ``temperature_``), and the
  model fitted on all train rows predicts the test split.

Scores are accuracy (ties broken at random, ``harness.scoring``) over all rows and over the
uncovered rows (no LF voted), for majority vote, the label model, the end model, and each policy
of ``weaklabel.endmodel.combine`` (the final labels; ``end-model`` is the default), and the
calibration error (ECE, 10 bins) of the label model, end model and final probabilities.

Scale: ``--scale-rows`` short texts spliced from the bundled YouTube comments and SMS messages
(each with a soft label: the share of its words from spam sources, clipped to 0.05..0.95), kept
in ``--workdir`` as Parquet, go through ``EndModel.fit_chunks`` (hashed features, SGD), then
``predict_proba`` in chunks, in a fresh process: time and peak memory (VmHWM). Results go to
``benchmarks/results/endmodel.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from harness.isolation import run_isolated
from harness.results import parse_args, write_results
from harness.scoring import calibration_error, expected_accuracy
from harness.tables import render

from weaklabel import VoteMatrix, apply_lfs, load_lfs
from weaklabel.endmodel import DEFAULT_POLICY, POLICIES, EndModel, combine, training_targets
from weaklabel.models import LabelModel, MajorityVote

SMOKE = {"datasets": "demo,youtube", "scale_rows": 20000}
BUNDLED = {"demo": ("load_youtube_spam", "labeling_functions.spam"),
           "sms-bundled": ("load_sms_spam", "labeling_functions.sms")}  # fmt: skip
CHUNK = 20_000


class Problem:
    """One set: texts and votes to fit on, the rows to score (votes, gold, texts)."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name in BUNDLED:
            import weaklabel.datasets

            loader, lfs = BUNDLED[name]
            data = getattr(weaklabel.datasets, loader)()
            suite = load_lfs(lfs)
            votes = apply_lfs(suite.lfs, data.drop(columns="label"), classes=suite.classes,
                              id_column="id", progress=False)  # fmt: skip
            self.k = len(suite.classes)
            index = {c: i for i, c in enumerate(suite.classes)}
            self.fit_votes = self.test_votes = votes
            self.fit_texts = self.test_texts = data["text"].tolist()
            self.gold = data["label"].map(index).to_numpy()
            self.cross_fit = True
        else:
            from harness.datasets import wrench

            data = wrench(name)
            self.k = len(data.fit.classes)
            self.fit_votes = VoteMatrix.from_dense(data.fit.votes, cardinality=self.k)
            self.test_votes = VoteMatrix.from_dense(data.test.votes, cardinality=self.k)
            self.fit_texts, self.test_texts = list(data.fit.texts), list(data.test.texts)
            self.gold = data.test.gold
            self.cross_fit = False

    def run(self) -> dict[str, Any]:
        k, gold = self.k, self.gold
        label_model = LabelModel(cardinality=k, random_state=0, progress=False)
        label_model.fit(self.fit_votes)
        lm_test = label_model.predict_proba(self.test_votes)
        mv = MajorityVote(cardinality=k).fit(self.fit_votes).predict_proba(self.test_votes)
        end = EndModel(random_state=0, progress=False)
        targets, weight = training_targets(label_model, self.fit_votes)  # as weaklabel run
        start = time.perf_counter()
        if self.cross_fit:
            end_test = end.cross_fit_predict_proba(self.fit_texts, targets, sample_weight=weight)
        else:  # cross-fitted on train as weaklabel run does (which sets its temperature_)
            end.cross_fit_predict_proba(self.fit_texts, targets, sample_weight=weight)
            end_test = end.predict_proba(self.test_texts)
        seconds = time.perf_counter() - start
        covered = self.test_votes.votes_per_row() > 0
        probs = {"majority vote": mv, "label model": lm_test, "end model": end_test}
        for policy in POLICIES:
            probs[f"final ({policy})"] = combine(lm_test, end_test, covered, policy=policy)[0]
        out: dict[str, Any] = {"rows": len(gold), "uncovered": int((~covered).sum()),
                               "end_model_s": seconds, "classes": k}  # fmt: skip
        for key, p in probs.items():
            out[key] = {
                "all": expected_accuracy(p, gold),
                "uncovered": expected_accuracy(p[~covered], gold[~covered]) if (~covered).any()
                else None,
                "ece": calibration_error(p, gold),
            }  # fmt: skip
        if self.cross_fit:
            out["cv_log_loss"], out["cv_agreement"] = end.cv_log_loss_, end.cv_agreement_
        return out


# -- scale ---------------------------------------------------------------------------------------


def write_scale_data(path: Path, n: int, seed: int = 11) -> Path:
    """``n`` texts spliced from the bundled YouTube comments and SMS messages, with the share of
    each text's words that came from spam (clipped to 0.05..0.95) as its soft label; kept."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from weaklabel.datasets import load_sms_spam, load_youtube_spam

    if path.exists():
        return path
    frames = [load_youtube_spam(), load_sms_spam()]
    words = [t.split(" ") for f in frames for t in f["text"].tolist()]
    spam = np.array([lab == "spam" for f in frames for lab in f["label"].tolist()], dtype=float)
    sizes = np.array([len(w) for w in words])
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".tmp")
    start = time.perf_counter()
    schema = pa.schema([("text", pa.string()), ("spam", pa.float32())])
    with pq.ParquetWriter(tmp, schema) as writer:
        for done in range(0, n, 1_000_000):
            m = min(1_000_000, n - done)
            first, second = rng.integers(0, len(words), m), rng.integers(0, len(words), m)
            keep = (rng.random(m) * sizes[first]).astype(np.int64) + 1
            drop = (rng.random(m) * sizes[second]).astype(np.int64)
            cuts = zip(first.tolist(), second.tolist(), keep.tolist(), drop.tolist(), strict=True)
            texts = [" ".join(words[a][:k] + words[b][d:]) for a, b, k, d in cuts]
            tail = sizes[second] - drop
            share = (keep * spam[first] + tail * spam[second]) / (keep + tail)
            table = pa.table({"text": texts, "spam": np.clip(share, 0.05, 0.95).astype(np.float32)})
            writer.write_table(table, row_group_size=CHUNK * 10)
    tmp.replace(path)
    print(f"  wrote {n:,} texts to {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def _batches(path: str) -> Iterator[tuple[list[str], np.ndarray]]:
    import pyarrow.parquet as pq

    # pre_buffer=False: with pyarrow's default read cache, iter_batches keeps every row group it
    # read until the end (about 60 MB a million rows here), which is the reader's memory, not ours
    for batch in pq.ParquetFile(path, pre_buffer=False).iter_batches(batch_size=CHUNK):
        spam = batch.column("spam").to_numpy().astype(np.float64)
        yield batch.column("text").to_pylist(), np.column_stack([1.0 - spam, spam])


def scale_worker(config: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: fit_chunks over the Parquet file, then predict every row in chunks."""
    path, rows = config["path"], config["rows"]
    start = time.perf_counter()
    model = EndModel(random_state=0, progress=False).fit_chunks(_batches(path), n_rows=rows)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    agree = seen = 0
    for texts, targets in _batches(path):
        probs = model.predict_proba(texts)
        agree += int((probs.argmax(axis=1) == targets.argmax(axis=1)).sum())
        seen += len(texts)
    predict_s = time.perf_counter() - start
    return {"fit_s": fit_s, "predict_s": predict_s, "rows": seen, "agreement": agree / seen,
            "n_features": int(model.coef_.shape[1])}  # fmt: skip


def _scale(args: argparse.Namespace) -> dict[str, Any]:
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = write_scale_data(args.workdir / f"endmodel_texts_{args.scale_rows}.parquet",
                            args.scale_rows)  # fmt: skip
    result = run_isolated("endmodel:scale_worker", {"path": str(path), "rows": args.scale_rows},
                          args.workdir, best_key="fit_s")  # fmt: skip
    if "error" not in result:
        n = result["rows"]
        print(f"\nstreaming (fit_chunks) on {n:,} texts: fit {result['fit_s']:.0f} s "
              f"({n / result['fit_s']:,.0f} rows/s), predict {result['predict_s']:.0f} s "
              f"({n / result['predict_s']:,.0f} rows/s), peak {result['vm_hwm_mb']:,.0f} MB; "
              f"agreement with the soft labels' top class {result['agreement']:.3f}")  # fmt: skip
    return result


# -- report --------------------------------------------------------------------------------------


def _print(results: dict[str, Any], markdown: bool) -> None:
    final = f"final ({DEFAULT_POLICY})"
    columns = ["majority vote", "label model", "end model", final]
    header = ["dataset", "rows", "uncovered"]
    header += [f"{c} {part}" for c in ("MV", "LM", "end", "final") for part in ("all", "unc.")]
    header += ["ECE LM", "ECE end", "ECE final"]
    rows = []
    for name, r in results.items():
        row = [name, f"{r['rows']:,}", f"{r['uncovered']:,}"]
        for key in columns:
            unc = r[key]["uncovered"]
            row += [f"{r[key]['all']:.3f}", "" if unc is None else f"{unc:.3f}"]
        row += [f"{r[key]['ece']:.3f}" for key in ("label model", "end model", final)]
        rows.append(row)
    print(render(header, rows, markdown=markdown, text_columns=1))
    print("\nfinal-label policies, accuracy over all rows (gain over the label model):")
    policy_rows, means = [], {p: [] for p in POLICIES}
    for name, r in results.items():
        base = r["label model"]["all"]
        cells = []
        for policy in POLICIES:
            value = r[f"final ({policy})"]["all"]
            means[policy].append(value)
            cells.append(f"{value:.3f} ({value - base:+.3f})")
        policy_rows.append([name, *cells])
    policy_rows.append(["mean", *(f"{np.mean(means[p]):.4f}" for p in POLICIES)])
    print(render(["dataset", *POLICIES], policy_rows, markdown=markdown, text_columns=1))
    checks = []
    if "demo" in results:
        value = results["demo"][final]["all"]
        checks.append(f"demo >= 0.92: {'MET' if value >= 0.92 else 'MISSED'} ({value:.3f})")
    for name, r in results.items():
        if name != "demo":
            a, b = r[final]["all"], r["label model"]["all"]
            checks.append(f"{name} final > label model: {'MET' if a > b else 'MISSED'} "
                          f"({a:.3f} vs {b:.3f})")  # fmt: skip
    print("\ntargets: " + "; ".join(checks))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="demo,sms-bundled,youtube,sms,trec")
    parser.add_argument("--scale-rows", type=int, default=10_000_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--markdown", action="store_true")
    args = parse_args(parser, argv, SMOKE)
    results: dict[str, Any] = {}
    for name in args.datasets.split(","):
        print(f"[endmodel] {name}", file=sys.stderr, flush=True)
        results[name] = Problem(name).run()
    _print(results, args.markdown)
    scale = _scale(args) if args.scale_rows else None
    write_results("endmodel", {"datasets": results, "scale": scale}, smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
