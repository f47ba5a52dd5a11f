"""The label-model benchmark's report: the tables (accuracy, calibration), a summary against the
peers, the targets."""

from __future__ import annotations

import platform
from collections.abc import Sequence

import numpy as np
from harness.tables import speed

import weaklabel
from label_model_bench.benches import ECE_BINS, PEERS, REFERENCE, Bench, Result
from label_model_bench.calibration import (
    RELIABILITY_MODELS,
    calibration_lines,
    focus_table,
    reliability_table,
)
from label_model_bench.tables import (
    Results,
    accuracy_table,
    dataset_table,
    detail_table,
    find,
    model_order,
    seconds,
    usable,
)

__all__ = ["TARGET_MARGIN", "report", "summary_lines"]

TARGET_MARGIN = 0.005  # LabelModel may trail the best peer by at most half a point
HOW_SCORED = (
    "How scored: each model is fitted on the fit split (no gold) and scored on ALL rows of the "
    "test split (crowd sets: the same rows). Accuracy is the expected accuracy under a random "
    "tie-break: classes within 1e-9 of the row's top probability are tied, and the row scores "
    "1/(number tied) if the gold class is among them. Rows with no votes are scored like any "
    "other row: each model gives them its prior (LabelModel weighs its LFs' silence too), and a "
    "uniform prior makes them ties; 'on voted "
    "rows' scores only the test rows with at least one vote. F1 is that of the positive class "
    "({positives}), from the argmax with ties going to the lowest class index (the negative "
    "class). Accuracy is the mean over seeds {seeds}; times are the fastest seed's fit (+ "
    "predict) seconds, ours in-process, the peers' as reported by peers_runner.py (import "
    "excluded). 'LabelModel' is weaklabel's default model (init=auto: EM from majority vote, "
    "and from the moments estimate too where the two disagree); 'x slower/faster' compares "
    "fit + predict times with it. Synthetic sets: fitted on {rows} rows, scored on "
    "{rows} others (synthetic-keywords: fitted on 2000; the synthetic crowd sets: fitted and "
    "scored on the same items, at fixed sizes); 'oracle' is the Bayes posterior under the true "
    "generating parameters. ECE (expected calibration error) is scored on the test rows with at "
    "least one vote: each row's top-class probability against its credit under the random "
    "tie-break (1/number tied if gold is tied), in {bins} equal-width bins, the rows' mean gap; "
    "'hard labels' marks a peer that gives one-hot answers only. Snorkel's LabelModel trains "
    "for 500 epochs; the Hyper Label Model and crowd-kit's DawidSkene are transductive (they "
    "see the fit and the test rows together). The Hyper Label Model's probabilities are those of "
    "its infer(return_probs=True), which rescales them so that the largest in the set becomes "
    "2/k: with more than two classes its confidence stays low by construction."
)


def best_peer(per_bench: Sequence[Result]) -> Result | None:
    peers = [r for r in per_bench if r.kind == "peer" and r.ok]
    return max(peers, key=Result.mean_accuracy, default=None)


def points(difference: float) -> str:
    return f"{100 * difference:+.1f} pt"


def per_dataset_lines(benches: Sequence[Bench], results: Results) -> tuple[list[str], list[str]]:
    """Best peer vs LabelModel on each dataset, and the datasets that miss the target."""
    lines, misses = [f"Per dataset, accuracy of the best peer and of {REFERENCE}:"], []
    width = max(len(b.name) for b in benches) + 1
    for bench in benches:
        best, ours = best_peer(results[bench.name]), find(results[bench.name], REFERENCE)
        if best is None:
            lines.append(f"  {bench.name + ':':<{width}} no peer result")
        elif ours is None or not ours.ok:
            lines.append(
                f"  {bench.name + ':':<{width}} {REFERENCE}: {ours.error if ours else 'n/a'}"
            )
            misses.append(bench.name)
        else:
            gap = ours.mean_accuracy() - best.mean_accuracy()
            lines.append(
                f"  {bench.name + ':':<{width}} best peer {best.model} {best.mean_accuracy():.3f}; "
                f"{REFERENCE} {ours.mean_accuracy():.3f}; {points(gap)}"
            )
            if gap < -TARGET_MARGIN - 1e-12:
                misses.append(f"{bench.name} ({points(gap)})")
    return lines, misses


def mean_lines(benches: Sequence[Bench], results: Results) -> tuple[list[str], bool]:
    """Means over the real datasets with a peer result; whether LabelModel's beats the best's."""
    pairs = [(b, best_peer(results[b.name])) for b in benches if b.real]
    best_scores = {b.name: best.mean_accuracy() for b, best in pairs if best is not None}
    if not best_scores:
        return [], True
    ours = {name: usable(results[name], REFERENCE) for name in best_scores}
    if not all(ours.values()):
        return [f"Mean over the real datasets: {REFERENCE} failed on some"], False
    mean = float(np.mean([r.mean_accuracy() for r in ours.values() if r]))
    best = float(np.mean(list(best_scores.values())))
    lines = [
        f"Mean accuracy over the {len(best_scores)} real datasets:",
        f"  {REFERENCE} {mean:.3f}; best peer on each dataset {best:.3f}; {points(mean - best)}",
    ]
    for label, _ in PEERS:
        ran = {name: r for name in best_scores if (r := usable(results[name], label))}
        if not ran:
            lines.append(f"  {label}: n/a")
            continue
        peer = float(np.mean([r.mean_accuracy() for r in ran.values()]))
        ours_same = float(np.mean([r.mean_accuracy() for n, r in ours.items() if r and n in ran]))
        subset = "" if len(ran) == len(best_scores) else f" on {len(ran)} of them"
        lines.append(f"  {label} {peer:.3f}{subset}; {REFERENCE} {points(ours_same - peer)}")
    return lines, mean >= best


def time_lines(benches: Sequence[Bench], results: Results) -> list[str]:
    """Each model's fit + predict seconds summed over the datasets where it and LabelModel ran."""
    lines = [f"Fit + predict time summed over the datasets, against {REFERENCE} on the same:"]
    for model in model_order(results):
        if model == REFERENCE:
            continue
        total = reference = 0.0
        count = 0
        for bench in benches:
            result, ref = usable(results[bench.name], model), usable(results[bench.name], REFERENCE)
            if result is not None and ref is not None and result.kind != "oracle":
                total += min(result.total_seconds)
                reference += min(ref.total_seconds)
                count += 1
        if count:
            lines.append(
                f"  {model}: {seconds(total)} s vs {seconds(reference)} s on {count} "
                f"dataset{'s' if count > 1 else ''}, "
                f"{speed(total, reference)}"
            )
    return lines if len(lines) > 1 else []


def summary_lines(benches: Sequence[Bench], results: Results) -> list[str]:
    per_dataset, misses = per_dataset_lines(benches, results)
    means, mean_met = mean_lines(benches, results)
    lines = [*time_lines(benches, results), *calibration_lines(benches, results)]
    if not any(best_peer(results[b.name]) for b in benches):
        return [*lines, "Targets: not evaluated (no peer results)."]
    lines += [*per_dataset, *means, "Targets of the issue:"]
    lines.append(
        f"  {REFERENCE} >= best peer - {100 * TARGET_MARGIN:.1f} pt on every dataset "
        f"(real and synthetic): {'met' if not misses else 'missed on ' + ', '.join(misses)}"
    )
    lines.append(
        f"  {REFERENCE}'s real-set mean >= best peer's mean: {'met' if mean_met else 'missed'}"
    )
    missed = misses + ([] if mean_met else ["the mean"])
    lines.append("TARGET MET" if not missed else f"TARGET MISSED: {', '.join(missed)}")
    return lines


def as_markdown(lines: Sequence[str]) -> str:
    """Indented lines become list items, the others paragraphs."""
    out = []
    for line in lines:
        if line.startswith("  "):
            out.append(f"- {' '.join(line.split())}")
        else:
            out.extend(["", f"**{line}**", ""])
    return "\n".join(out).strip()


def report(
    benches: Sequence[Bench],
    results: Results,
    notes: Sequence[str],
    seeds: Sequence[int],
    markdown: bool,
    synthetic_rows: int,
) -> str:
    positives = ", ".join(
        f"{b.name}: {b.data.test.classes[b.data.positive]}"
        for b in benches
        if b.data.positive is not None
    )
    how = HOW_SCORED.format(
        seeds=", ".join(map(str, seeds)),
        rows=synthetic_rows,
        positives=positives or "none here",
        bins=ECE_BINS,
    )
    summary = summary_lines(benches, results)
    ece = f"ECE (top class, {ECE_BINS} bins, test rows with a vote; mean over seeds)"
    shown = " and ".join(RELIABILITY_MODELS)
    focused = "; ".join(f"{b.name}: {b.focus_label}" for b in benches if b.focus is not None)
    sections = [
        ("Datasets", dataset_table(benches, markdown)),
        ("Accuracy (mean over seeds)", accuracy_table(benches, results, markdown)),
        (ece, accuracy_table(benches, results, markdown, metric="ece")),
        ("Details", detail_table(benches, results, markdown)),
        (
            f"Reliability of {shown}, the real sets' voted test rows pooled (seeds pooled)",
            reliability_table(benches, results, markdown, real=True),
        ),
        (
            f"Reliability of {shown}, the synthetic sets' voted test rows pooled (seeds pooled)",
            reliability_table(benches, results, markdown, real=False),
        ),
        (f"Focus rows ({focused})", focus_table(benches, results, markdown)),
        ("Summary", as_markdown(summary) if markdown else "\n".join(summary)),
    ]
    sections = [(title, body) for title, body in sections if body]
    head = [
        f"weaklabel {weaklabel.__version__} label-model benchmark, "
        f"Python {platform.python_version()}",
        *notes,
    ]
    if markdown:
        parts = ["\n\n".join(head)] + [f"### {title}\n\n{body}" for title, body in sections]
        return "\n\n".join([*parts, how])
    parts = ["\n".join(head)] + [f"{title}\n\n{body}" for title, body in sections]
    return "\n\n".join([*parts, how])
