"""The LF-application benchmark's report: one table line per measurement, the targets, notes."""

from __future__ import annotations

from typing import Any

from harness.results import machine_info, versions
from harness.single_thread import describe as describe_threads
from harness.tables import ratio, render

from apply_bench import agreement, profile, spec
from apply_bench.run import DATA_VERSION, SEEDS, TARGETS, Run
from apply_bench.text_lfs import rate

__all__ = ["HEADERS", "report"]

HEADERS = [
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
DASK_NOTE = "LocalCluster 2x1 thread, 8 partitions; cluster start {:.1f} s not timed"


def _others_cell(others: float | None, attempts: int) -> str:
    if others is None:
        return "n/a"
    return f"{others:.2f}" + (f" (x{attempts})" if attempts > 1 else "")


def line(
    res: dict[str, Any], section: str, system: str, note: str, ref: float | None, time_key: str
) -> list[str]:
    """One table line: rows/s, its ratio to ``ref`` rows/s, the process's peak MB, ..."""
    if "unavailable" in res:
        return [section, system, *[""] * 6, f"not available: {res['unavailable']}"]
    if "error" in res:
        return [section, system, *[""] * 6, f"failed: {res['error']}"]
    speed = rate(res, time_key)
    others = res.get("others_cores" if time_key == "apply_s" else "warm_others_cores")
    return [
        section,
        system,
        f"{res['rows']:,}",
        f"{res[time_key]:.2f}",
        f"{speed:,.0f}" if speed else "",
        ratio(speed, ref),
        f"{res['vm_hwm_mb']:,.0f}",
        _others_cell(others, res.get("attempts", 1)),
        note,
    ]


def table(run: Run) -> str:
    a, r = run.args, run.results
    snorkel = rate(r.get("snorkel", {}))
    cold = rate(r.get("snorkel-spacy", {}))
    warm = rate(r.get("snorkel-spacy", {}), "warm_s")
    text, spacy = f"{len(spec.SPEC)} text LFs", f"spaCy, {len(spec.SPACY_SPEC)} LFs"
    big = f"scale, {len(spec.SPEC)} vectorized LFs"
    sliced = "" if r.get("row", {}).get("rows", a.rows) == a.rows else "slice (row LFs are slow)"

    def dask_note(key: str) -> str:
        res = r.get(key, {})
        note = DASK_NOTE.format(res["cluster_start_s"]) if "cluster_start_s" in res else ""
        if key.startswith("dask") and "on_workers_s" in res:
            note += f"; incl. to_local() (votes on workers after {res['on_workers_s']:.2f} s)"
        return note

    def read_note(key: str) -> str:
        res = r.get(key, {})
        note = f"read {res['read_s']:.1f} s" if "read_s" in res else ""
        if key == "big-batches" and res:
            note += f", {a.batch_rows:,} rows per batch, VoteMatrix.concat"
        return note

    rows: list[tuple[str, str, str, str, float | None, str]] = [
        # section, system, measurement, note, reference rows/s, time
        (text, "weaklabel row LFs", "row", sliced, snorkel, "apply_s"),
        (text, "weaklabel row LFs, n_jobs=2", "row-jobs2", sliced, snorkel, "apply_s"),
        (text, "weaklabel vectorized builders", "vectorized", "", snorkel, "apply_s"),
        (text, "weaklabel vectorized, n_jobs=2", "vectorized-jobs2", "", snorkel, "apply_s"),
        (text, "weaklabel vectorized on Dask", "dask-vectorized", dask_note("dask-vectorized"),
         snorkel, "apply_s"),
        (text, "weaklabel row LFs on Dask", "dask-row", dask_note("dask-row"), snorkel, "apply_s"),
        (text, "Snorkel PandasLFApplier", "snorkel", "first rows only; rows/s extrapolated",
         snorkel, "apply_s"),
        (text, "Snorkel DaskLFApplier", "snorkel-dask",
         f"first rows only; {dask_note('snorkel-dask')}", snorkel, "apply_s"),
        (spacy, "weaklabel spaCy LFs, cold", "spacy", "no cache_dir: parses every text", cold,
         "apply_s"),
        (spacy, "weaklabel spaCy LFs, cold + cache", "spacy-cache",
         "empty cache_dir: parses, stores DocBins", cold, "apply_s"),
        (spacy, "weaklabel spaCy LFs, warm", "spacy-cache",
         "2nd apply, same process, Docs from cache_dir; vs Snorkel warm", warm, "warm_s"),
        (spacy, "weaklabel spaCy LFs, warm (new process)", "spacy-cache-fresh",
         "Docs from cache_dir; vs Snorkel warm (a new Snorkel process is cold)", warm, "apply_s"),
        (spacy, "weaklabel batch preprocessor", "spacy-batch",
         "hand-written nlp.pipe per chunk, row LFs; no cache", cold, "apply_s"),
        (spacy, "Snorkel nlp_labeling_function, cold", "snorkel-spacy", "memoize=True (default)",
         cold, "apply_s"),
        (spacy, "Snorkel nlp_labeling_function, warm", "snorkel-spacy",
         "2nd apply, memo cache full", cold, "warm_s"),
        (spacy, "Snorkel nlp_labeling_function", "snorkel-spacy-nomemo",
         "memoize=False: every LF parses again", cold, "apply_s"),
        (big, "weaklabel (read_data, whole file)", "big-whole", read_note("big-whole"), snorkel,
         "apply_s"),
        (big, "weaklabel (iter_batches)", "big-batches", read_note("big-batches"), snorkel,
         "apply_s"),
    ]  # fmt: skip
    lines = [
        line(r[key], section, system, note, ref, time_key)
        for section, system, key, note, ref, time_key in rows
        if key in r
    ]
    return render(HEADERS, lines, markdown=a.markdown)


def targets(run: Run) -> list[str]:
    r = run.results
    snorkel = rate(r.get("snorkel", {}))
    cold = rate(r.get("snorkel-spacy", {}))
    warm = rate(r.get("snorkel-spacy", {}), "warm_s")
    lines = ["targets:"]
    same, new = "spaCy warm (same process)", "spaCy warm (new process)"
    checks = [
        # what, measurement, reference rows/s, target, time, reference's name
        ("row LFs", "row", snorkel, TARGETS["row"], "apply_s", "Snorkel"),
        ("vectorized builders", "vectorized", snorkel, TARGETS["vectorized"], "apply_s", "Snorkel"),
        ("spaCy cold", "spacy", cold, TARGETS["spacy_cold"], "apply_s", "Snorkel cold"),
        ("spaCy cold + filling the cache", "spacy-cache", cold, TARGETS["spacy_cold"], "apply_s",
         "Snorkel cold"),
        (same, "spacy-cache", warm, TARGETS["spacy_warm"], "warm_s",
         "Snorkel warm (its memo cache)"),
        (same, "spacy-cache", cold, TARGETS["spacy_warm"], "warm_s", "Snorkel cold"),
        (new, "spacy-cache-fresh", cold, TARGETS["spacy_warm"], "apply_s",
         "Snorkel in a new process (cold: its memo cache lives in memory)"),
        ("spaCy batch preprocessor (baseline)", "spacy-batch", cold, TARGETS["spacy_cold"],
         "apply_s", "Snorkel cold"),
    ]  # fmt: skip
    for what, key, ref, target, time_key, ref_name in checks:
        mine = rate(r.get(key, {}), time_key)
        if mine is None or ref is None:
            lines.append(f"  {what} >= {target:g}x {ref_name}: not measured")
            continue
        verdict = "MET" if mine / ref >= target else "MISSED"
        lines.append(
            f"  {what} >= {target:g}x {ref_name}: {verdict} ({mine / ref:.1f}x: "
            f"{mine:,.0f} vs {ref:,.0f} rows/s)"
        )
    for key in ("big-whole", "big-batches"):
        res = r.get(key)
        if not res:
            continue
        what = f"{run.args.big_rows:,} rows ({key[4:]}) under {TARGETS['big_gb']:g} GB peak RSS"
        if "error" in res:
            lines.append(f"  {what}: MISSED ({res['error']})")
            continue
        gb = res["vm_hwm_mb"] / 1024
        verdict = "MET" if gb < TARGETS["big_gb"] else "MISSED"
        lines.append(f"  {what}: {verdict} ({gb:.2f} GB, {res['apply_s']:.0f} s)")
    return lines


def notes(run: Run) -> list[str]:
    a, r = run.args, run.results
    lines = [
        "notes:",
        "- 'rows/s' = rows timed / seconds of the apply call alone (reading the data, building "
        "the LFs and starting a Dask cluster are not timed); Snorkel is timed on the first "
        f"{min(a.snorkel_rows, a.rows):,} rows (PandasLFApplier) and "
        f"{min(a.dask_rows, a.rows):,} rows (DaskLFApplier) and its rows/s stands for the "
        f"whole {a.rows:,}.",
        "- 'vs Snorkel' divides by Snorkel PandasLFApplier's rows/s (spaCy rows: by Snorkel's "
        "cold run, warm weaklabel by Snorkel's warm run); 'peak MB' is VmHWM of the process "
        "that ran that line (for Dask: the client process only, not its workers).",
        '- "others\' CPU": cores kept busy by other processes on the machine while that line '
        "was timed (/proc/stat minus the process's own CPU); other work on this 2-core machine "
        f"slows the line down when it is well above 0 ({run.contention.describe()}: 'xN' = N "
        "runs). n/a: Dask workers are not told apart.",
        "- spaCy pipeline: spacy.blank('en') + EntityRuler (apply_bench.spec.SPACY_PATTERNS), "
        "saved once to disk; Snorkel loads it through nlp_labeling_function(language=<that "
        "dir>), i.e. its unmodified SpacyPreprocessor (spacy.load of a path, one text at a "
        "time, memoized per row by default); its 'warm' line is a second apply() in the same "
        "process.",
    ]
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


def header(run: Run) -> list[str]:
    md = run.args.markdown
    machine = machine_info()
    ours = versions("weaklabel", "pandas", "numpy", "pyarrow", "spacy", "dask")
    out = [
        f"machine: {machine['machine']}; {machine['cores']}; {machine['memory']} RAM; "
        f"{machine['system']}",
        "weaklabel env: " + ", ".join(f"{k} {v}" for k, v in ours.items()),
        f"threads: {describe_threads()}",
        f"seeds: {SEEDS} (numpy default_rng), data version {DATA_VERSION}",
    ]
    peers = next((x["versions"] for x in run.results.values() if "versions" in x), None)
    if peers:
        out.append("peers env: " + ", ".join(f"{k} {v}" for k, v in peers.items()))
    title = "# weaklabel apply_lfs vs Snorkel 0.10" if md else "== apply benchmark =="
    return ["", title, *[("- " if md else "") + x for x in out], ""]


def report(run: Run) -> str:
    out = [*header(run), table(run), "", *agreement.report(run), "", *targets(run), ""]
    out += notes(run)
    if "profile" in run.results:
        out += ["", *profile.report(run.results["profile"])]
    return "\n".join(out)
