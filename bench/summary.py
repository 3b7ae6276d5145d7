#!/usr/bin/env python3
"""summary.py - the benchmark's tables, fit, targets and cross-check.

usage: summary.py table LOG        Markdown tables of LOG (runstat lines)
       summary.py check PLAN DUCK  compare planner's per-VM egress (plan
                                   JSON) with DuckDB's (duck.cjs output)

table prints, for each measured command and input size, the median wall
time, CPU time and peak resident memory over the runs; the ratios
planner/DuckDB and planner/sqlite3 per billing size; the least-squares
line of planner's wall time against the input size; and each target of
issue #8 with its verdict.
"""
import json
import statistics
import sys

LABEL = {
    "planner": "planner import + plan",
    "duckdb": "DuckDB read_csv aggregate",
    "sqlite3": "sqlite3 .import",
    "cat": "floor: cat > /dev/null",
    "wc": "floor: wc -l (memchr pass)",
    "csvpass": "floor: one libcsv pass",
}


def ok_status(name):
    """planner exits 3 for alerts (unmapped locations); xargs turns that
    into 123 (run.sh checks the resolve output's line count instead)."""
    return (0, 3, 123) if name == "resolve" else (0, 3)


def load(path):
    runs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, size, wall, cpu, rss, status = line.split("\t")
            runs.setdefault((name, int(size)), []).append(
                (float(wall), float(cpu), int(rss), int(status)))
    return {k: {"wall": statistics.median(r[0] for r in v),
                "cpu": statistics.median(r[1] for r in v),
                "rss": statistics.median(r[2] for r in v) / 1024,
                "max_rss": max(r[2] for r in v) / 1024,
                "runs": len(v),
                "failed": sum(r[3] not in ok_status(k[0]) for r in v)}
            for k, v in runs.items()}


def row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


def billing_table(m, sizes):
    print("Billing export: import and plan (planner) against the same file")
    print()
    print(row(["CSV MB", "command", "wall s", "CPU s", "peak RSS MB",
               "MB/s", "runs"]))
    print(row(["---:", "---", "---:", "---:", "---:", "---:", "---:"]))
    for size in sizes:
        for name in ("planner", "duckdb", "sqlite3", "cat", "wc",
                     "csvpass"):
            r = m.get((name, size))
            if r is None:
                continue
            fail = " (FAILED %d)" % r["failed"] if r["failed"] else ""
            print(row([size, LABEL[name] + fail, "%.2f" % r["wall"],
                       "%.2f" % r["cpu"], "%.1f" % r["rss"],
                       "%.0f" % (size / r["wall"]) if r["wall"] else "-",
                       r["runs"]]))
    print()
    print(row(["CSV MB", "planner/DuckDB wall", "planner/sqlite3 wall"]))
    print(row(["---:", "---:", "---:"]))
    for size in sizes:
        p = m.get(("planner", size))
        d, s = m.get(("duckdb", size)), m.get(("sqlite3", size))
        print(row([size, "%.2f" % (p["wall"] / d["wall"]) if p and d else
                   "-", "%.2f" % (p["wall"] / s["wall"]) if p and s else
                   "-"]))
    print()


def fit(m, sizes):
    pts = [(s, m[("planner", s)]["wall"]) for s in sizes
           if ("planner", s) in m]
    if len(pts) < 2:
        return None
    n = len(pts)
    mx = sum(p[0] for p in pts) / n
    my = sum(p[1] for p in pts) / n
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in pts)
    slope = sxy / sxx
    icpt = my - slope * mx
    ss = sum((p[1] - my) ** 2 for p in pts)
    res = sum((p[1] - icpt - slope * p[0]) ** 2 for p in pts)
    r2 = 1 - res / ss if ss else 1.0
    per = [p[1] / p[0] * 100 for p in pts]
    print("planner wall time against size (least squares over %d sizes): "
          "%.3f s per 100 MB (%.2f s/GB), intercept %.2f s%s; seconds per "
          "100 MB at each size: %s"
          % (n, slope * 100, slope * 1000, icpt,
             ", r^2 = %.4f" % r2 if n > 2 else "",
             ", ".join("%.3f" % x for x in per)))
    print()
    return slope, per[-1] / per[0]


def other_table(m, name, title, unit):
    keys = sorted(k for k in m if k[0] == name)
    if not keys:
        return
    print(title)
    print()
    print(row([unit, "wall s", "CPU s", "peak RSS MB", "runs"]))
    print(row(["---:", "---:", "---:", "---:", "---:"]))
    for k in keys:
        r = m[k]
        fail = " (FAILED %d)" % r["failed"] if r["failed"] else ""
        print(row(["%d%s" % (k[1], fail), "%.2f" % r["wall"],
                   "%.2f" % r["cpu"], "%.1f" % r["rss"], r["runs"]]))
    print()


def verdict(ok):
    return "met" if ok else "NOT met"


def targets(m, sizes, line):
    print("Targets (issue #8)")
    print()
    p, d = m.get(("planner", 500)), m.get(("duckdb", 500))
    s = m.get(("sqlite3", 500))
    if p and d:
        r = p["wall"] / d["wall"]
        print("- 500 MB, wall no more than DuckDB's: ratio %.2f: %s"
              % (r, verdict(r <= 1.0)))
    if p and s:
        r = p["wall"] / s["wall"]
        print("- 500 MB, at most a quarter of sqlite3 .import: ratio %.2f: %s"
              % (r, verdict(r <= 0.25)))
    rss = [m[("planner", x)]["max_rss"] for x in sizes if ("planner", x) in m]
    if rss:
        print("- peak RSS under 64 MB at every size: largest %.1f MB: %s"
              % (max(rss), verdict(max(rss) < 64)))
    if line:
        print("- linear in size: %.2f s/GB; the time per MB at the largest "
              "size is %.2f times that at the smallest (met up to 1.25): %s"
              % (line[0] * 1000, line[1], verdict(line[1] <= 1.25)))
    for k in sorted(x for x in m if x[0] == "resolve"):
        print("- %d resolutions under 1 s: %.2f s: %s"
              % (k[1], m[k]["wall"], verdict(m[k]["wall"] < 1.0)))
    for k in sorted(x for x in m if x[0] == "report"):
        print("- report of %d pairs x 12 months under 2 s: %.2f s: %s"
              % (k[1], m[k]["wall"], verdict(m[k]["wall"] < 2.0)))
    print()


def table(path):
    m = load(path)
    sizes = sorted({k[1] for k in m if k[0] in LABEL})
    if sizes:
        billing_table(m, sizes)
    line = fit(m, sizes)
    other_table(m, "inventory", "Inventories only (Vast JSON + gcloud JSON, "
                "import and plan)", "instances")
    other_table(m, "resolve", "planner resolve", "locations")
    other_table(m, "report", "planner report (12 months)", "pairs")
    targets(m, sizes, line)


def check(plan_path, duck_path):
    """Every VM's egress in the plan equals DuckDB's bytes, in GiB to the
    plan's three decimals; returns the number of mismatches."""
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    ours = {p["cpu_name"]: p["egress_gb"] for p in plan["pairs"]
            if p["egress_source"] == "gcp-billing"}
    theirs = {}
    with open(duck_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                vm, _, nbytes = line.rstrip("\n").split("\t")
                theirs[vm] = int(nbytes) / 2 ** 30
    bad = [vm for vm in theirs
           if vm not in ours or abs(ours[vm] - theirs[vm]) > 0.0005]
    bad += [vm for vm in ours if vm not in theirs and ours[vm] != 0]
    print("cross-check: %d VMs, planner and DuckDB %s" %
          (len(theirs), "agree" if not bad else
           "DISAGREE on %d (first: %s)" % (len(bad), bad[0])))
    return len(bad)


def main(argv):
    if len(argv) == 3 and argv[1] == "table":
        table(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "check":
        return 1 if check(argv[2], argv[3]) else 0
    sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
