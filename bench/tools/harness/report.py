"""Writes the results markdown (and a JSON file with every run) from the measured rows. Every claim is a
ratio of two rows measured in the same invocation; a row that is pending or failed yields no figure."""
import json
from datetime import datetime, timezone

GROUPS = [
    ("mysql-decode", "MySQL decode (offline, binlog file → /dev/null)"),
    ("mysql-e2e", "MySQL end to end (backlog → Kafka delivery reports)"),
    ("pg-e2e", "PostgreSQL end to end (backlog through a slot)"),
    ("peers", "Peers and the agent doing their job (Debezium-shaped JSON lines, no Kafka)"),
]
RSS_LIMIT_MIB = 256
FLAT_SLACK_MIB = 32


def _n(x, digits=0):
    return "–" if x is None else f"{x:,.{digits}f}"


def _find(rows, group, workload, prefix):
    for r in rows:
        if r.group == group and r.workload == workload and r.contender.startswith(prefix):
            return r
    return None


def _status(row):
    return row.note if row.status != "ok" else ""


def _ratio_line(claim, workload, agent_row, ref_row, metric, target):
    """One summary line: agent figure, reference figure, ratio, target, verdict."""
    def fig(row):
        if row is None:
            return None, "not run"
        if not row.ok:
            return None, row.status
        return (row.rate()[0] if metric == "rate" else row.events_per_cpu_s()), None

    a, a_why = fig(agent_row)
    r, r_why = fig(ref_row)
    unit = "ev/s" if metric == "rate" else "ev/CPU-s"
    if a is None or r is None:
        verdict = f"**{(a_why or r_why)}**" + (" (agent)" if a_why else " (reference)")
        ratio = "–"
    else:
        ratio_v = a / r
        ratio = f"{ratio_v:.2f}×"
        verdict = "–" if target is None else ("meets" if ratio_v >= target else "**misses**")
    ref_name = ref_row.contender if ref_row else "?"
    return (f"| {claim} | {workload} | {_n(a)} {unit} | {ref_name}: {_n(r)} {unit} | {ratio} | "
            f"{'≥ %.2f×' % target if target else 'report'} | {verdict} |")


def summary(rows, workloads):
    out = ["| claim | workload | agent | reference | ratio | target | verdict |", "|---|---|---|---|---|---|---|"]
    for wl in workloads:
        w = wl.name
        agent_decode = _find(rows, "mysql-decode", w, "cdc-agent")
        agent_my = _find(rows, "mysql-e2e", w, "cdc-agent")
        agent_pg = _find(rows, "pg-e2e", w, "cdc-agent")
        zongji = _find(rows, "peers", w, "@vlasky/zongji")
        pglr = _find(rows, "peers", w, "pg-logical-replication")
        out += [
            _ratio_line("MySQL decode", w, agent_decode, _find(rows, "mysql-decode", w, "mariadb-binlog"), "rate", 2.0),
            _ratio_line("MySQL e2e vs raw dump", w, agent_my, _find(rows, "mysql-e2e", w, "mariadb-binlog"), "rate",
                        None),
            _ratio_line("MySQL e2e vs plain producer", w, agent_my, _find(rows, "mysql-e2e", w, "plain"), "rate",
                        None),
            _ratio_line("PostgreSQL e2e", w, agent_pg, _find(rows, "pg-e2e", w, "pg_recvlogical"), "rate", 0.85),
            _ratio_line("CPU efficiency vs zongji (same job: JSON lines, no Kafka)", w,
                        _find(rows, "peers", w, "cdc-agent run, stdout sink (MySQL)"), zongji, "cpu", 5.0),
            _ratio_line("CPU efficiency vs pg-logical-replication (same job: JSON lines, no Kafka)", w,
                        _find(rows, "peers", w, "cdc-agent run, stdout sink (PostgreSQL)"), pglr, "cpu", 5.0),
            _ratio_line("CPU efficiency vs zongji, agent end to end into Kafka", w, agent_my, zongji, "cpu", None),
            _ratio_line("CPU efficiency vs pg-logical-replication, agent end to end into Kafka", w, agent_pg, pglr,
                        "cpu", None),
        ]
    return out


def detail(rows, group):
    out = ["| workload | contender | status | events/s median (min–max) | time s | CPU s | CPU s / M events | "
           "events / CPU s | peak RSS MiB | note |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in (r for r in rows if r.group == group):
        if r.ok:
            med, lo, hi = r.rate()
            times = sorted(s.extra.get("time_s", s.wall_s) for s in r.samples)
            cpus = sorted(s.extra.get("cpu_s", s.cpu_s) for s in r.samples)
            out.append(f"| {r.workload} | {r.contender} | ok ×{len(r.samples)} | {_n(med)} ({_n(lo)}–{_n(hi)}) | "
                       f"{times[len(times) // 2]:.3f} | {cpus[len(cpus) // 2]:.3f} | {_n(r.cpu_per_million(), 2)} | "
                       f"{_n(r.events_per_cpu_s())} | {_n(r.peak_rss_mib(), 1)} | {r.note} |")
        else:
            out.append(f"| {r.workload} | {r.contender} | {r.status} | – | – | – | – | – | – | {r.note} |")
    return out


def memory(rows):
    """Peak RSS per agent row, and whether it stays flat: the RSS at the end of the run may exceed the RSS
    half-way through its delivery (Results.rss_flatness) by at most FLAT_SLACK_MIB or a quarter, whichever
    is more."""
    out = [f"Target: peak RSS < {RSS_LIMIT_MIB} MiB and flat (RSS half-way between the first and the last message "
           "delivered, or half-way through the run for `decode`, vs at the end; flat = grows "
           f"by at most {FLAT_SLACK_MIB} MiB or 25%, whichever is more).", "",
           "| run | peak RSS MiB | RSS half-way → end, MiB | verdict |", "|---|---|---|---|"]
    for r in (r for r in rows if r.role == "agent"):
        name = f"{r.contender}, {r.workload}"
        if not r.ok:
            out.append(f"| {name} | – | – | {r.note} |")
            continue
        peak, flat = r.peak_rss_mib(), r.rss_flatness()
        verdict = "meets" if peak < RSS_LIMIT_MIB else f"**misses** (≥ {RSS_LIMIT_MIB} MiB)"
        if flat and flat[1] - flat[0] > max(FLAT_SLACK_MIB, 0.25 * flat[0]):
            verdict = f"**misses** (grows {flat[1] - flat[0]:+.0f} MiB)"
        out.append(f"| {name} | {peak:.1f} | {'%.1f → %.1f' % flat if flat else 'too short to sample'} | {verdict} |")
    return out


def write(path_md, path_json, meta, machine, workloads, rows, latency_lines, latency_results):
    lines = [f"# cdc-agent benchmark, {meta['date']}{' (quick smoke run)' if meta['quick'] else ''}", "",
             f"`{meta['command']}`: {meta['runs']} run(s) per contender, medians with (min–max); "
             f"total {meta['duration_s']:.0f} s. Method: [docs/benchmarks.md](../../docs/benchmarks.md).", "",
             "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine]
    lines += ["", "## Workloads", ""]
    lines += [f"- `{wl.name}`: {wl.title}" for wl in workloads]
    if meta["quick"]:
        lines += ["", "Quick run: tiny row counts so the harness is exercised in CI; the figures are dominated by "
                  "start-up costs and say nothing about throughput."]
    lines += ["", "## Summary (agent ÷ reference, same invocation)", ""] + summary(rows, workloads)
    for group, title in GROUPS:
        lines += ["", f"## {title}", ""] + detail(rows, group)
    lines += ["", "## Latency under paced load", ""] + latency_lines
    lines += ["", "## Memory (agent)", ""] + memory(rows)
    lines.append("")
    with open(path_md, "w") as f:
        f.write("\n".join(lines))
    with open(path_json, "w") as f:
        json.dump({"meta": meta, "machine": dict(machine),
                   "workloads": [{"name": w.name, "changes": w.changes, "messages": w.messages} for w in workloads],
                   "rows": [r.to_json() for r in rows], "latency": latency_results}, f, indent=1)


def today():
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def rerender(path_json, path_md):
    """Writes the markdown again from a results JSON (after a change to this report's layout or rules)."""
    from .latency import render
    from .proc import Sample
    from .results import Row
    from .workloads import Workload
    with open(path_json) as f:
        d = json.load(f)
    rows = []
    for r in d["rows"]:
        row = Row(r["group"], r["workload"], r["contender"], r["events"], role=r["role"], status=r["status"],
                  note=r["note"])
        row.samples = [Sample(rc=s["rc"], wall_s=s["wall_s"], cpu_s=s["cpu_s"], maxrss_mib=s["maxrss_mib"],
                              rss_series_mib=s["rss_series_mib"], extra=s["extra"]) for s in r["runs"]]
        rows.append(row)
    workloads = [Workload(w["name"], w["changes"]) for w in d["workloads"]]
    latency = d.get("latency", [])
    lines = render(latency) if latency else ["Not measured in this run (--skip-latency)."]
    write(path_md, path_json, d["meta"], list(d["machine"].items()), workloads, rows, lines, latency)
