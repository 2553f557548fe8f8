"""Latency under paced load (5k and 20k rows/s), issue #8: from the intended commit time of each row to
its arrival in Kafka and to the acknowledged position, corrected for coordinated omission.

Per source and rate, a fresh `cdc-agent run` (dev Kafka, envelopes without schemas, `snapshot: never`)
streams the table bench_latency while bench/tools/latency.cpp (`bench-latency`) writes it on a fixed
schedule, consumes the agent's topic and polls the acknowledged position (MySQL: the agent's offset
file; PostgreSQL: the slot's confirmed_flush_lsn). The tool's header comment states exactly what is
measured; docs/benchmarks.md repeats it.
"""
import json
import os
import shutil
import subprocess
import time

from . import agent
from .context import first_line
from .proc import Measured

RATES = (5_000, 20_000)
PUBLICATION, SLOT = "bench_lat_pub", "bench_lat"


def _durations(ctx):
    """(warm-up, measured) seconds per rate."""
    return (1, 2) if ctx.quick else (2, 20)


def _start_agent(ctx, source, prefix, state):
    cfg = os.path.join(ctx.work, f"agent-latency-{source}.yaml")
    kind = "mysql" if source == "mysql" else "postgres"
    agent.write_config(cfg, ctx.env, kind, "bench_latency", prefix, state, slot=SLOT, publication=PUBLICATION,
                       server_id=5450, schemas=False)
    return Measured([ctx.agent_bin, "run", "-c", cfg], env=agent.run_env(ctx.env, kind))


def _wait_ready(ctx, source, m, state, timeout=60):
    """True once the agent streams: MySQL stored its start position; PostgreSQL holds the slot."""
    deadline = time.monotonic() + timeout
    while m.poll() and time.monotonic() < deadline:
        if source == "mysql":
            if os.path.exists(os.path.join(state, "offsets")):
                return True
        elif ctx.env.psql(f"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{SLOT}' "
                          "AND active_pid IS NOT NULL;") == "1":
            return True
        time.sleep(0.05)
    return False


def _one(ctx, source, rate):
    """Runs one source at one rate. Returns the tool's JSON result or {"error": why}."""
    env = ctx.env
    state = os.path.join(ctx.work, f"agent-latency-state-{source}")
    shutil.rmtree(state, ignore_errors=True)
    prefix = f"benchlat{source}{rate}{time.time_ns()}"
    if source == "mysql":
        env.mysql("CALL bench_reset_latency();")
    else:
        env.drop_slots(f"slot_name = '{SLOT}'")
        env.psql(f"CALL bench_reset_latency(); DROP PUBLICATION IF EXISTS {PUBLICATION}; "
                 f"CREATE PUBLICATION {PUBLICATION} FOR TABLE bench_latency; "
                 f"SELECT 1 FROM pg_create_logical_replication_slot('{SLOT}', 'pgoutput');")
    m = _start_agent(ctx, source, prefix, state)
    try:
        if not _wait_ready(ctx, source, m, state):
            s = m.terminate(timeout=30)
            return {"error": f"agent not streaming (exit {s.rc}): {first_line(s.stderr_tail)}"}
        warmup, seconds = _durations(ctx)
        kind = "mysql" if source == "mysql" else "postgres"
        cmd = [ctx.tool("bench-latency"), "--source", source, "-b", env.kafka,
               "-t", agent.topic(prefix, kind, env, "bench_latency"), "--rate", str(rate),
               "--warmup", str(warmup), "--seconds", str(seconds)]
        tool_env = env.pg_env()
        if source == "mysql":
            cmd += ["--mysql-host", env["CDC_TEST_MYSQL_HOST"], "--mysql-port", env["CDC_TEST_MYSQL_PORT"],
                    "--mysql-user", env["CDC_TEST_MYSQL_USER"], "--mysql-db", env["CDC_TEST_MYSQL_DB"],
                    "--offsets", os.path.join(state, "offsets")]
            tool_env["BENCH_DB_PASSWORD"] = env["CDC_TEST_MYSQL_PASSWORD"]
        else:
            cmd += ["--slot", SLOT]
        ctx.log(f"latency {source} {rate:,} rows/s")
        r = subprocess.run(cmd, capture_output=True, text=True, env=tool_env, timeout=warmup + seconds + 120)
        if r.returncode != 0:
            return {"error": f"bench-latency exit {r.returncode}: {first_line(r.stderr)}"}
        result = json.loads(r.stdout)
        if not m.poll():
            s = m.wait()
            result["error"] = f"agent exited {s.rc} during the run: {first_line(s.stderr_tail)}"
        return result
    finally:
        if m.poll():
            m.terminate(timeout=60)
        else:
            m.wait()
        if source == "pg":
            env.drop_slots(f"slot_name = '{SLOT}'")
        shutil.rmtree(state, ignore_errors=True)


def _cell(res, key):
    if "error" in res:
        return f"failed: {res['error']}"
    d = res[key]
    if d["missing"]:
        return f"failed: {d['missing']:,} of {res['measured_rows']:,} rows never arrived"
    return f"{d['p50_ms']:.1f} / {d['p99_ms']:.1f} ms (max {d['max_ms']:.1f})"


def _from_commit(d):
    return f"[{d['p50_ms']:.1f} / {d['p99_ms']:.1f}]" if d["n"] else ""


def render(results):
    """Markdown lines for the latency section from the measured results (also used by bench/run --render)."""
    if not results:
        return ["Not measured in this run."]
    warmup, seconds = results[0]["warmup_s"], results[0]["seconds"]
    lines = [f"From the row's intended commit time (coordinated omission corrected); {seconds} s measured after "
             f"{warmup} s of warm-up per rate; p50 / p99 (max). In brackets: the same measured from the writer's "
             "commit return.", "",
             "| source | rate (achieved) | to Kafka (consumer arrival) p50 / p99 | to acknowledged position "
             "p50 / p99 | writer transactions, max lag |", "|---|---|---|---|---|"]
    for res in results:
        label, rate = ("MariaDB" if res["source"] == "mysql" else "PostgreSQL"), res["rate"]
        if res.get("pending"):
            lines.append(f"| {label} | {rate:,} rows/s | pending (agent) | pending (agent) | – |")
        elif "error" in res and "kafka" not in res:
            lines.append(f"| {label} | {rate:,} rows/s | failed: {res['error']} | – | – |")
        else:
            lines.append(
                f"| {label} | {rate:,} rows/s ({res['achieved_rows_s']:,.0f}) | {_cell(res, 'kafka')} "
                f"{_from_commit(res['kafka_from_commit'])} | {_cell(res, 'ack')} {_from_commit(res['ack_from_commit'])} | "
                f"{res['transactions']:,}, {res['writer_max_lag_ms']:.1f} ms |")
    return lines


def measure_latency(ctx, sources):
    """Runs every selected source at every rate. Returns (markdown lines, results for the JSON, failed?)."""
    warmup, seconds = _durations(ctx)
    results = []
    for source in ("mysql", "pg"):
        if source not in sources:
            continue
        for rate in RATES:
            if not ctx.agent_run_available[source]:
                res = {"pending": True}
            else:
                try:
                    res = _one(ctx, source, rate)
                except Exception as e:  # one broken measurement must not lose the others
                    res = {"error": f"harness error: {str(e).splitlines()[0][:300] if str(e) else type(e).__name__}"}
            res.update(source=source, rate=rate, warmup_s=warmup, seconds=seconds)
            results.append(res)
    failed = any("error" in r or any(r[k]["missing"] for k in ("kafka", "ack")) for r in results if not r.get("pending"))
    return render(results), results, failed
