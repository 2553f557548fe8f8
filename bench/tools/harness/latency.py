"""Latency under paced load (5k and 20k rows/s): the hook for issue #8's latency rows.

Method (to be implemented once `cdc-agent run` streams; nothing is reported until then, never a guess):
  1. A paced writer inserts single-row transactions into bench_orders on a fixed schedule
     t_i = t_0 + i / rate, writing t_i (µs) into the row. Latency is measured from t_i, the *intended*
     start, not from when the write actually happened: a stalled writer or server then shows up as
     latency instead of silently lowering the offered load (coordinated omission).
  2. "to Kafka delivery": a consumer on the agent's topic takes each message's arrival time minus the
     t_i it carries; the broker is on loopback, so arrival follows the delivery report within a fetch
     round trip (fetch.wait.max.ms=1), which is reported alongside as the measurement's resolution.
  3. "to acknowledged position": the harness polls the stored position (MySQL state.dir/offsets,
     PostgreSQL pg_replication_slots.confirmed_flush_lsn) every millisecond and maps it back to the last
     row covered; latency = first time the position covers row i minus t_i.
  4. p50/p99 (and max) per rate, from a 30 s run (full) or 3 s (quick), after a 2 s warm-up.
"""

RATES = (5_000, 20_000)


def measure_latency(ctx):
    """Markdown lines for the latency section."""
    if not any(ctx.agent_run_available.values()):
        status = "pending (agent command not available in this build)"
    else:
        status = "pending (paced-load tool not written yet: hook in bench/tools/harness/latency.py)"
    lines = ["| rate | to Kafka delivery p50 / p99 | to acknowledged position p50 / p99 |", "|---|---|---|"]
    lines += [f"| {rate:,} rows/s | {status} | {status} |" for rate in RATES]
    return lines
