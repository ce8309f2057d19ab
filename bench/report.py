#!/usr/bin/env python3
"""Markdown report for bench/run.sh from its raw results folder.

    report.py RAW_DIR --sizes 10000,100000 --mode quick|full

Reads RAW_DIR/<case>.json (hyperfine --export-json), rss.tsv, load.tsv,
checks.txt and machine.txt; prints Markdown on stdout.
"""

import argparse
import json
import os
import statistics


def fmt_time(sec):
    if sec is None:
        return "—"
    if sec < 1:
        return f"{sec * 1000:.1f} ms"
    return f"{sec:.2f} s"


def fmt_ratio(r):
    if r is None:
        return "—"
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x"


def fmt_size(n):
    n = int(n)
    if n == 0:
        return "—"
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def load_results(raw, name):
    path = os.path.join(raw, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        data = json.load(f)
    out = {}
    for r in data["results"]:
        times = r.get("times") or [r["mean"]]
        out[r["command"]] = {
            "median": r.get("median", statistics.median(times)),
            "cpu": (r.get("user") or 0) + (r.get("system") or 0),
            "runs": len(times),
            "exit_codes": r.get("exit_codes") or [],
        }
    return out


# Targets: (description, predicate on (ratio, project_median), applies(size)).
def ratio_at_least(x):
    return lambda ratio, med: ratio is not None and ratio >= x


def always(_n):
    return True


def from_100k(n):
    return n >= 100_000


def at_100k(n):
    return n == 100_000


# case prefix, label, [(project cmd, peer cmd or None, target text, predicate, applies)]
CASES = [
    # The shipped binary is the static one: when it was measured, it is the one judged, and
    # the dynamically linked development build is shown for information.
    ("cold", "cold start, empty store (`svc items list`)", [
        ("project", "python template", "≥20x faster", ratio_at_least(20), "unless-static"),
        ("project", "/bin/true", "< 3x /bin/true", ratio_at_least(1 / 3), "unless-static"),
        ("project (static)", "python template", "≥20x faster", ratio_at_least(20), always),
        ("project (static)", "/bin/true", "< 3x /bin/true", ratio_at_least(1 / 3), always),
    ]),
    ("import", "import NDJSON → SQLite (empty db each run)", [
        ("project", "sqlite-utils", "≥10x faster", ratio_at_least(10), from_100k),
        ("project", "sqlite3 .import", "within 1.5x of the floor", ratio_at_least(1 / 1.5), from_100k),
        # How far sqlite-utils is from SQLite's own loader: the ceiling of the 10x target.
        ("sqlite3 .import", "sqlite-utils", "— (info)", None, always),
        ("sqlite3 .import, bare table", "sqlite-utils", "— (info)", None, always),
    ]),
    ("list-sqlite", "list --where status=pending, SQLite (indexed; `--limit 10` on the static binary)", [
        ("project --limit 10", "sqlite3 --limit 10", "< 10 ms (milliseconds)",
         lambda ratio, med: med < 0.010, always),
        ("project no limit", "sqlite3 no limit", "— (info)", None, always),
    ]),
    ("cold-services", "cold start, 300-service manifest (`svc svc5 list`, empty store)", [
        ("project, 300 services", "project, 2 services", "≤ 3x the 2-service manifest",
         ratio_at_least(1 / 3), always),
        ("project, 300 services, no cache", "project, 2 services", "— (info: the first command after an edit)",
         None, always),
    ]),
    ("list-all", "list every record, SQLite", [
        ("project -o ndjson", "sqlite3 -json", "within 2x of `sqlite3 -json`", ratio_at_least(1 / 2), from_100k),
        ("project -o ndjson", "sqlite3 select data", "— (info: the floor)", None, always),
        ("project table", "project -o ndjson", "within 3x of ndjson", ratio_at_least(1 / 3), from_100k),
        ("project -o csv", "project -o ndjson", "within 1.5x of ndjson", ratio_at_least(1 / 1.5), from_100k),
    ]),
    ("list-json", "list --where status=active -o ndjson, JSON store", [
        ("project", "jq", "≥3x faster than `jq -c`", ratio_at_least(3), always),
    ]),
    ("add-json", "add one record into a JSON store of N", [
        ("project", "python template", "≥5x faster", ratio_at_least(5), at_100k),
    ]),
    ("export", "export SQLite → JSON store file", [
        ("project", "python template", "≥5x faster", ratio_at_least(5), from_100k),
    ]),
]


def wall_seconds(text):
    """Seconds from GNU time's elapsed wall clock, `m:ss.cc` or `h:mm:ss`."""
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


MEMORY_GOAL_MB = 64
# (rss case, label): every JSON-store command, and the table over every SQLite record.
MEMORY_GOAL_CASES = [
    ("json-get", "`get ID`"),
    ("list-json", "`list --where status=active -o ndjson`"),
    ("json-count", "`count --where status=active`"),
    ("add-json", "`add --name x`"),
    ("json-update", "`update ID --count 7`"),
    ("json-delete", "`delete ID`"),
    ("json-import", "`import --target json`, 1000 records into the store"),
    ("export", "`export --replace` (SQLite → the JSON store file)"),
    ("list-all-table", "`list` (table), SQLite, every record"),
]


def memory_goals(w, rows, walls, sizes):
    """The table of peak memory against the goal: ≤ 64 MB at 1M records, for each command."""
    present = [case for case, _ in MEMORY_GOAL_CASES if case in rows]
    if not present:
        return
    w("")
    w(f"## Peak memory against the goal: ≤ {MEMORY_GOAL_MB} MB at 1M records")
    w("")
    w("JSON store of N records (a pristine copy before each command), and the table over every "
      "SQLite record. One run each; the wall time of that run in brackets.")
    w("")
    w("| command | " + " | ".join(fmt_size(n) for n in sizes) + " | goal | result |")
    w("|---|" + "---|" * (len(sizes) + 2))
    met = total = 0
    for case, label in MEMORY_GOAL_CASES:
        if case not in rows:
            continue
        vals = rows[case]
        cells = []
        for n in sizes:
            if n not in vals:
                cells.append("—")
                continue
            wall = walls.get(case, {}).get(n)
            cells.append(f"{vals[n] / 1024:.1f} MB" + (f" ({fmt_time(wall)})" if wall is not None else ""))
        if 1_000_000 in vals:
            ok = vals[1_000_000] / 1024 <= MEMORY_GOAL_MB
            total += 1
            met += ok
            verdict = "**met**" if ok else "**not met**"
        else:
            verdict = "— (goal is for 1M)"
        w(f"| {label} | " + " | ".join(cells) + f" | ≤ {MEMORY_GOAL_MB} MB at 1M | {verdict} |")
    if total:
        w("")
        w(f"**Memory goals met: {met} of {total}.**")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--mode", default="full")
    args = ap.parse_args()
    raw = args.raw
    sizes = [int(s) for s in args.sizes.split(",")]

    out = []
    w = out.append
    w(f"# `project` benchmark ({args.mode})")
    w("")
    w("Produced by `bench/run.sh" + {"quick": " --quick", "tiny": " --tiny"}.get(args.mode, "") +
      f" --sizes {args.sizes}`. Medians of hyperfine runs after 2 warm-up runs; "
      "ratio = peer median / project median (above 1: project is faster). "
      "\"project CPU\" is hyperfine's mean user+system time of the project command, and "
      "\"CPU peer/project\" the same ratio on CPU time: on a loaded machine a process also waits for a core, "
      "so CPU time is the steadier measure (but it leaves out real I/O waits, such as sqlite-utils' fsyncs). "
      "Targets are judged on wall-clock medians.")
    w("")
    w("| case | N | project | project median | project CPU | peer | peer median | peer/project | CPU peer/project | target | result |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    met = total = 0
    failures = []
    for prefix, label, comparisons in CASES:
        for n in ([0] if prefix.startswith("cold") else sizes):
            name = prefix if prefix.startswith("cold") else f"{prefix}-{n}"
            res = load_results(raw, name)
            if res is None:
                continue
            for cmd, res_entry in res.items():
                if any(c != 0 for c in res_entry["exit_codes"]):
                    failures.append(f"{name}: `{cmd}` exited non-zero in some runs")
            for proj, peer, target, pred, applies in comparisons:
                p = res.get(proj)
                q = res.get(peer) if peer else None
                if p is None:
                    continue
                ratio = (q["median"] / p["median"]) if q and p["median"] > 0 else None
                cpu_ratio = (q["cpu"] / p["cpu"]) if q and p["cpu"] > 0 else None
                info = "— (info)"
                if applies == "unless-static":
                    if "project (static)" in res:
                        pred = None
                        info = "— (info: dynamic build; the shipped static binary is judged)"
                    applies = always
                if pred is None or not applies(n):
                    tgt = info if pred is None else f"— (target is for {'100k' if applies is at_100k else '100k and 1M'})"
                    verdict = "—"
                else:
                    tgt = target
                    ok = pred(ratio, p["median"])
                    total += 1
                    met += ok
                    verdict = "**met**" if ok else "**not met**"
                w(f"| {label} | {fmt_size(n)} | {proj} | {fmt_time(p['median'])} | {fmt_time(p['cpu'])} | "
                  f"{peer or '—'} | {fmt_time(q['median']) if q else '—'} | {fmt_ratio(ratio)} | {fmt_ratio(cpu_ratio)} | {tgt} | {verdict} |")
    w("")
    w(f"**Targets met: {met} of {total}.**")
    if failures:
        w("")
        w("Commands that failed during timing:")
        for f in failures:
            w(f"- {f}")

    # Peak memory
    rss_path = os.path.join(raw, "rss.tsv")
    if os.path.exists(rss_path):
        rows = {}
        walls = {}
        for line in open(rss_path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[2]:
                rows.setdefault(parts[0], {})[int(parts[1])] = int(parts[2])
                if len(parts) >= 4 and parts[3]:
                    walls.setdefault(parts[0], {})[int(parts[1])] = wall_seconds(parts[3])
        w("")
        w("## Peak memory of `project` (maximum resident set size, one run, `/usr/bin/time -v`)")
        w("")
        cols = sizes
        w("| command | " + " | ".join(fmt_size(n) if n else "—" for n in cols) + " |")
        w("|---|" + "---|" * len(cols))
        for case, label in [("cold", "cold start `list` (empty store)"),
                            ("cold-services", "cold start `list`, 300-service manifest"),
                            ("import", "`import --target sqlite`"),
                            ("list-sqlite", "`list --where` SQLite, no limit, -o json"),
                            ("list-all-ndjson", "`list -o ndjson` SQLite, every record"),
                            ("list-all-table", "`list` (table) SQLite, every record"),
                            ("list-all-csv", "`list -o csv` SQLite, every record"),
                            ("list-json", "`list --backend json --where`"),
                            ("json-get", "`get --backend json`"),
                            ("json-count", "`count --backend json --where`"),
                            ("add-json", "`add --backend json`"),
                            ("json-update", "`update --backend json`"),
                            ("json-delete", "`delete --backend json`"),
                            ("json-import", "`import --target json` (1000 records)"),
                            ("export", "`export --replace`")]:
            if case not in rows:
                continue
            vals = rows[case]
            if case.startswith("cold"):
                w(f"| {label} | " + " | ".join(f"{vals.get(0, 0) / 1024:.1f} MB" if i == 0 else "" for i, _ in enumerate(cols)) + " |")
            else:
                w(f"| {label} | " + " | ".join(f"{vals[n] / 1024:.1f} MB" if n in vals else "—" for n in cols) + " |")
        memory_goals(w, rows, walls, sizes)
        imp = rows.get("import", {})
        if len(imp) >= 2:
            ns = sorted(imp)
            steps = ", ".join(f"{imp[n] / 1024:.1f} MB at {fmt_size(n)}" for n in ns)
            a, b = ns[-2], ns[-1]
            growth = imp[b] / imp[a]
            w("")
            w(f"Import peak RSS: {steps}. Between the two largest sizes it grows {growth:.2f}x for "
              f"{b // a}x the records: " + ("bounded, it does not grow with N." if growth < 1.25
                                            else "**it grows with N**."))
    checks = os.path.join(raw, "checks.txt")
    if os.path.exists(checks):
        w("")
        w("## Correctness checks")
        w("")
        for line in open(checks):
            w(f"- {line.rstrip()}")

    w("")
    w("## Machine")
    w("")
    machine = os.path.join(raw, "machine.txt")
    for line in (open(machine) if os.path.exists(machine) else []):
        w(f"- {line.rstrip()}")
    load = os.path.join(raw, "load.tsv")
    if os.path.exists(load):
        w("- load average (1/5/15 min) when each case started: " +
          "; ".join(f"{a} {b}" for a, b in (l.rstrip('\n').split('\t') for l in open(load))))
    w("")
    w("Notes: the JSON-store cases copy a pristine store file into place before every run "
      "(hyperfine `--prepare`, not timed); `project` fsyncs the temp file and the folder on "
      "every JSON write as its design requires, the Python template does not. "
      "The `sqlite3 .import` floor writes the same table, indexes and page size as `project` (its "
      "schema is read from a database `project` made), in WAL mode, the mode of `project`'s files; "
      "`project` itself writes a new file in rollback-journal mode and switches it to WAL at the "
      "end, and builds the field index after the rows (Documentation/Performance.md). The "
      "bare-table row is the same table with no index but the primary key; "
      "`sqlite-utils insert` makes its own column-per-field table. "
      "Export starts without a store file for both programs.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
