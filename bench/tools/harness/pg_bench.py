"""PostgreSQL measurements for one workload: backlog drain through a slot by the agent vs pg_recvlogical
(pgoutput, same publication, to /dev/null), and the pg-logical-replication peer. Every run gets its own
copy of one slot created before the workload, so every run decodes the same WAL."""
import os
import shutil
import time

from . import agent
from .context import agent_drain_row, agent_drain_rows, run_peer, run_samples
from .results import Row

PUBLICATION = "bench_pub"
TEMPLATE_SLOT = "bench_tmpl"


def bench_pg(ctx, wl):
    env = ctx.env
    env.drop_bench_slots()
    env.psql(f"{wl.setup_sql('pg')} DROP PUBLICATION IF EXISTS {PUBLICATION}; "
             f"CREATE PUBLICATION {PUBLICATION} FOR TABLE {wl.table}; "
             f"SELECT 1 FROM pg_create_logical_replication_slot('{TEMPLATE_SLOT}', 'pgoutput');")
    t0 = time.monotonic()
    env.psql(wl.generate_sql("pg"))
    end_lsn = env.psql("SELECT pg_current_wal_lsn();")
    ctx.log(f"pg {wl.name}: generated {wl.changes:,} changes in {time.monotonic() - t0:.1f}s (end {end_lsn})")
    try:
        _recvlogical(ctx, wl, end_lsn)
        _pglr(ctx, wl)
        _agent_drain(ctx, wl, "kafka")
        _agent_drain(ctx, wl, "stdout")
    finally:
        env.drop_bench_slots()


def copy_slot(ctx, name):
    ctx.env.psql(f"SELECT 1 FROM pg_copy_logical_replication_slot('{TEMPLATE_SLOT}', '{name}');")
    return name


def drop_slot(ctx, name):
    ctx.env.drop_slots(f"slot_name = '{name}'")


def _recvlogical(ctx, wl, end_lsn):
    row = ctx.add_row(Row("pg-e2e", wl.name, "pg_recvlogical (pgoutput) → /dev/null", wl.changes))
    ctx.log(f"pg {wl.name}: {row.contender}")
    slots = []

    def cmd(i):
        slots.append(copy_slot(ctx, f"bench_recv_{i}"))
        return [ctx.env.pg_bin("pg_recvlogical"), "-d", ctx.env["CDC_TEST_PG_DB"], "--slot", slots[-1], "--start",
                "--endpos", end_lsn, "--no-loop", "-o", "proto_version=1", "-o", f"publication_names={PUBLICATION}",
                "-f", "/dev/null"]

    run_samples(ctx, row, cmd, env=ctx.env.pg_env())
    for s in slots:
        drop_slot(ctx, s)


def _pglr(ctx, wl):
    row = ctx.add_row(Row("peers", wl.name, "pg-logical-replication (PostgreSQL)", wl.changes, role="peer"))
    if ctx.peers_missing():
        row.skip(ctx.peers_missing())
        return
    ctx.log(f"pg {wl.name}: {row.contender}")

    def make_env(i):
        slot = copy_slot(ctx, f"bench_peer_{i}")
        env = ctx.env.pg_env()
        env.update(BENCH_SLOT=slot, BENCH_PUBLICATION=PUBLICATION, BENCH_EXPECT=str(wl.changes),
                   BENCH_OUT="/dev/null")
        return env, lambda: drop_slot(ctx, slot)

    run_peer(ctx, row, "pglr_peer.mjs", make_env)


def _agent_drain(ctx, wl, sink):
    """As mysql_bench._agent_drain: "kafka" end to end, "stdout" the peers' job."""
    row = agent_drain_row(ctx, wl, sink, "pg-e2e", "cdc-agent run (PostgreSQL → Kafka)",
                          "cdc-agent run, stdout sink (PostgreSQL)")
    if not ctx.agent_run_available["pg"]:
        row.pend()
        return
    ctx.log(f"pg {wl.name}: {row.contender}")

    def make_run(i):
        slot = copy_slot(ctx, f"bench_agent_{i}")
        state = os.path.join(ctx.work, f"agent-pg-state-{i}")
        shutil.rmtree(state, ignore_errors=True)
        prefix = f"benchpg{wl.name.replace('_', '')}{time.time_ns()}"
        cfg = os.path.join(ctx.work, f"agent-pg-{i}.yaml")
        metrics = agent.write_config(cfg, ctx.env, "postgres", wl.table, prefix, state, slot=slot,
                                     publication=PUBLICATION, sink=sink, schemas=(sink == "kafka"))

        def cleanup():
            drop_slot(ctx, slot)
            shutil.rmtree(state, ignore_errors=True)

        return ([ctx.agent_bin, "run", "-c", cfg], agent.run_env(ctx.env, "postgres"),
                metrics or agent.topic(prefix, "postgres", ctx.env, wl.table), cleanup)

    agent_drain_rows(ctx, "pg", row, wl.messages, make_run, sink=sink)
