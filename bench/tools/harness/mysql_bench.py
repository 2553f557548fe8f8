"""MySQL/MariaDB measurements for one workload: offline decode (agent vs mariadb-binlog), end to end
(agent drain vs raw binlog dump and vs a plain librdkafka producer) and the zongji peer."""
import json
import os
import shutil
import subprocess
import time

from . import agent
from .context import agent_drain_row, agent_drain_rows, first_line, run_peer, run_samples
from .proc import run
from .results import Row


def bench_mysql(ctx, wl):
    env = ctx.env
    env.mysql(wl.setup_sql("mysql"))
    state_template = _prepare_agent(ctx, wl)
    binlog = env.rotate_binlog()
    t0 = time.monotonic()
    env.mysql(wl.generate_sql("mysql"))
    ctx.log(f"mysql {wl.name}: generated {wl.changes:,} changes in {time.monotonic() - t0:.1f}s ({binlog})")
    env.rotate_binlog()
    copy = os.path.join(ctx.work, f"{wl.name}.binlog")
    env.copy_binlog(binlog, copy)
    size = os.path.getsize(copy)
    try:
        _decode(ctx, wl, copy, size)
        _raw_dump(ctx, wl, binlog, size)
        _zongji(ctx, wl, binlog)
        _producer(ctx, wl, copy, binlog)
        _agent_drain(ctx, wl, state_template, "kafka")
        _agent_drain(ctx, wl, state_template, "stdout")
    finally:
        os.unlink(copy)


def _prepare_agent(ctx, wl):
    """The agent's start position (before the workload), or None with the agent row marked."""
    if not ctx.agent_run_available["mysql"]:
        return None
    state, failure = agent.prepare_mysql_position(ctx.agent_bin, ctx.env, ctx.work, wl.table)
    if failure is not None:
        if agent.not_wired(failure):
            ctx.agent_run_available["mysql"] = False
        else:
            ctx.prepare_failure = f"agent could not store a start position: {first_line(failure.stderr_tail)}"
    return state


def _decode(ctx, wl, copy, size):
    ref = ctx.add_row(Row("mysql-decode", wl.name, "mariadb-binlog -v --base64-output=decode-rows", wl.changes,
                          note=f"binlog file {size / 2**20:.1f} MiB"))
    ctx.log(f"mysql {wl.name}: {ref.contender}")
    run_samples(ctx, ref, lambda i: ["mariadb-binlog", "--no-defaults", "-v", "--base64-output=decode-rows", copy])
    row = ctx.add_row(Row("mysql-decode", wl.name, "cdc-agent decode --schemas", wl.changes, role="agent"))
    if not ctx.agent_decode_available:
        row.pend()
        return
    ctx.log(f"mysql {wl.name}: {row.contender}")
    run_samples(ctx, row, lambda i: [ctx.agent_bin, "decode", "--schemas", copy])
    if row.status == "pending":
        ctx.agent_decode_available = False


def _raw_dump(ctx, wl, binlog, size):
    row = ctx.add_row(Row("mysql-e2e", wl.name, "mariadb-binlog --read-from-remote-server --raw", wl.changes,
                          note=f"{size / 2**20:.1f} MiB to a local file"))
    ctx.log(f"mysql {wl.name}: {row.contender}")
    out_dir = os.path.join(ctx.work, "raw") + "/"

    def cmd(i):
        shutil.rmtree(out_dir, ignore_errors=True)
        os.makedirs(out_dir)
        return ctx.env.mysqlbinlog_remote_args() + ["--raw", f"--result-file={out_dir}", binlog]

    def check(s):
        got = os.path.getsize(os.path.join(out_dir, binlog)) if os.path.exists(out_dir + binlog) else 0
        return None if got == size else f"dumped {got} of {size} bytes"

    run_samples(ctx, row, cmd, check=check)
    shutil.rmtree(out_dir, ignore_errors=True)


def _zongji_env(ctx, wl, binlog, out):
    env = dict(os.environ)
    e = ctx.env
    env.update(BENCH_MYSQL_HOST=e["CDC_TEST_MYSQL_HOST"], BENCH_MYSQL_PORT=e["CDC_TEST_MYSQL_PORT"],
               BENCH_MYSQL_USER=e["CDC_TEST_MYSQL_USER"], BENCH_MYSQL_PASSWORD=e["CDC_TEST_MYSQL_PASSWORD"],
               BENCH_MYSQL_DB=e["CDC_TEST_MYSQL_DB"], BENCH_TABLE=wl.table, BENCH_BINLOG_FILE=binlog,
               BENCH_BINLOG_POS="4", BENCH_EXPECT=str(wl.changes), BENCH_OUT=out)
    return env


def _zongji(ctx, wl, binlog):
    row = ctx.add_row(Row("peers", wl.name, "@vlasky/zongji (MySQL)", wl.changes, role="peer"))
    if ctx.peers_missing():
        row.skip(ctx.peers_missing())
        return
    ctx.log(f"mysql {wl.name}: {row.contender}")
    run_peer(ctx, row, "zongji_peer.mjs", lambda i: (_zongji_env(ctx, wl, binlog, "/dev/null"), None))


def _messages_file(ctx, wl, copy, binlog):
    """The messages the plain producer sends: the agent's own envelopes when `decode` works, else the
    zongji peer's Debezium-shaped events. Returns (path, format, note)."""
    path = os.path.join(ctx.work, "messages.txt")
    if ctx.agent_decode_available:
        with open(path, "wb") as out:
            r = subprocess.run([ctx.agent_bin, "decode", "--schemas", copy], stdout=out, stderr=subprocess.PIPE)
        if r.returncode == 0:
            with open(path) as f:
                tabs = f.readline().count("\t")
            return path, ["value", "key-value", "topic-key-value"][min(tabs, 2)], "the agent's envelopes (decode --schemas)"
    r = subprocess.run(["node", os.path.join(ctx.peers_dir, "zongji_peer.mjs")],
                       env=_zongji_env(ctx, wl, binlog, path), capture_output=True, text=True)
    if r.returncode != 0:
        return None, None, f"no message source: zongji failed: {first_line(r.stderr)}"
    return path, "key-value", "zongji's Debezium-shaped events without schemas (agent decode not available)"


def _producer(ctx, wl, copy, binlog):
    row = ctx.add_row(Row("mysql-e2e", wl.name, "plain librdkafka producer (bench-produce)", wl.changes))
    path, fmt, note = _messages_file(ctx, wl, copy, binlog)
    if path is None:
        row.fail(note)
        return
    row.note = f"{wl.messages:,} messages: {note}"
    ctx.log(f"mysql {wl.name}: {row.contender}")
    out = os.path.join(ctx.work, "produce.json")

    def cmd(i):
        return [ctx.tool("bench-produce"), "-b", ctx.env.kafka, "-t", f"benchproduce.{wl.name}.{time.time_ns()}",
                "--file", path, "--format", fmt]

    for i in range(ctx.runs):
        s = run(cmd(i), stdout=out, timeout=3600)
        if s.rc != 0:
            row.fail(f"exit {s.rc}: {first_line(s.stderr_tail)}")
            break
        with open(out) as f:
            r = json.load(f)
        # The tool's own window: producing + waiting for every delivery report, not loading the file.
        s.extra.update(time_s=r["produce_wall_s"], cpu_s=r["produce_cpu_s"], messages=r["messages"])
        row.add(s)
    os.unlink(path)


def _agent_drain(ctx, wl, state_template, sink):
    """sink "kafka": the end-to-end drain into the dev Kafka; "stdout": the peers' job (envelopes without
    schemas as JSON lines to /dev/null), for the events-per-CPU-second comparison."""
    row = agent_drain_row(ctx, wl, sink, "mysql-e2e", "cdc-agent run (MariaDB → Kafka)",
                          "cdc-agent run, stdout sink (MySQL)")
    if not ctx.agent_run_available["mysql"]:
        row.pend()
        return
    if state_template is None:
        row.fail(ctx.prepare_failure or "no start position")
        return
    ctx.log(f"mysql {wl.name}: {row.contender}")

    def make_run(i):
        state = os.path.join(ctx.work, f"agent-state-{i}")
        shutil.rmtree(state, ignore_errors=True)
        shutil.copytree(state_template, state)
        prefix = f"benchmy{wl.name.replace('_', '')}{time.time_ns()}"
        cfg = os.path.join(ctx.work, f"agent-mysql-{i}.yaml")
        metrics = agent.write_config(cfg, ctx.env, "mysql", wl.table, prefix, state, server_id=5401 + i, sink=sink,
                                     schemas=(sink == "kafka"))
        return ([ctx.agent_bin, "run", "-c", cfg], agent.run_env(ctx.env, "mysql"),
                metrics or agent.topic(prefix, "mysql", ctx.env, wl.table),
                lambda: shutil.rmtree(state, ignore_errors=True))

    agent_drain_rows(ctx, "mysql", row, wl.messages, make_run, sink=sink)
