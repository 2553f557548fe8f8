"""What every benchmark step needs: the environment, binaries, run count, scratch space, and the
measurement of an agent backlog drain (shared by the MySQL and PostgreSQL steps)."""
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

from . import agent as agent_mod
from .proc import Measured, run
from .results import Row


@dataclass
class Context:
    repo: str
    env: object                 # TestEnv
    agent_bin: str
    tools_dir: str              # bench-produce, bench-kafka-count
    work: str                   # scratch directory (binlog copies, configs, state dirs)
    runs: int
    quick: bool
    rows: list = field(default_factory=list)
    # per source ("mysql", "pg"): cleared once `cdc-agent run` says this build lacks it
    agent_run_available: dict = field(default_factory=lambda: {"mysql": True, "pg": True})
    agent_decode_available: bool = True
    prepare_failure: str = ""          # why the MySQL agent could not store a start position

    def log(self, msg):
        print(f"bench: {msg}", file=sys.stderr, flush=True)

    def add_row(self, row):
        self.rows.append(row)
        return row

    @property
    def peers_dir(self):
        return os.path.join(self.repo, "bench", "peers")

    def tool(self, name):
        return os.path.join(self.tools_dir, name)

    def peers_missing(self):
        """Why the npm peers cannot run here, or None."""
        if not shutil.which("node"):
            return "no `node` on this machine (Node.js 20 runs the peers)"
        if not os.path.isdir(os.path.join(self.peers_dir, "node_modules")):
            return "bench/peers/node_modules missing (`npm ci` in bench/peers failed or was not run)"
        return None


def first_line(text):
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "no output"


def run_samples(ctx, row, make_cmd, stdout=subprocess.DEVNULL, env=None, timeout=3600, check=None):
    """Runs a finite contender ctx.runs times into `row`. make_cmd(i) -> argv. `check(sample)` may return
    an error string. Stops at the first failing run."""
    for i in range(ctx.runs):
        m = Measured(make_cmd(i), stdout=stdout, env=env, sample_rss=True)
        s = m.wait(timeout)
        err = f"exit {s.rc}: {first_line(s.stderr_tail)}" if s.rc != 0 else (check(s) if check else None)
        if err:
            if row.role == "agent" and agent_mod.not_wired(s):
                return row.pend()
            return row.fail(err)
        row.add(s)
    return row


def measure_drain(ctx, cmd, env, topic, expect, stall_s=60):
    """Starts the agent and times it until Kafka holds `expect` messages on `topic` (delivery confirmed
    by the broker), then stops it with SIGTERM. Returns (sample, error or None)."""
    m = Measured(cmd, env=env, sample_rss=True)
    watcher_at = time.monotonic() - m.t0
    watcher = subprocess.Popen([ctx.tool("bench-kafka-count"), "-b", ctx.env.kafka, "-t", topic,
                                "--expect", str(expect), "--stall", str(stall_s)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while watcher.poll() is None and m.poll():
        time.sleep(0.02)
    drained_at = time.monotonic() - m.t0
    if watcher.poll() is None:  # the agent exited before the backlog was delivered
        watcher.terminate()
        watcher.wait()
        s = m.wait()
        return s, f"agent exited {s.rc} before delivering: {first_line(s.stderr_tail)}"
    out, err = watcher.communicate()
    s = m.terminate(timeout=120)
    try:
        counted = json.loads(out)
    except ValueError:
        return s, f"bench-kafka-count failed: {first_line(err)}"
    s.extra.update(time_s=round(drained_at, 4), shutdown_s=round(s.wall_s - drained_at, 4),
                   delivered=counted["count"])
    if counted.get("first_s", -1) >= 0:
        s.extra["first_delivery_s"] = round(watcher_at + counted["first_s"], 4)
    if watcher.returncode != 0:
        return s, f"stalled: {counted['count']} of {expect} messages delivered, none for {stall_s}s"
    if s.rc != 0:
        return s, f"exit {s.rc} on SIGTERM: {first_line(s.stderr_tail)}"
    return s, None


def delivered_count(metrics_addr, timeout=1.0):
    """cdc_messages_delivered_total from the agent's /metrics (for the stdout sink: lines written out),
    or None while the endpoint does not answer yet."""
    try:
        with urllib.request.urlopen(f"http://{metrics_addr}/metrics", timeout=timeout) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("cdc_messages_delivered_total"):
                    return int(float(line.split()[-1]))
    except (OSError, ValueError):
        return None
    return None


def measure_stdout_drain(ctx, cmd, env, metrics_addr, expect, stall_s=60, every_s=0.02):
    """Starts the agent with its stdout sink writing to /dev/null, as the npm peers do, times it until its
    /metrics counts `expect` lines (messages) written out, then stops it with SIGTERM. The count is read
    every 20 ms: one small HTTP request for the agent's metrics thread, next to millions of events.
    Returns (sample, error)."""
    m = Measured(cmd, stdout=subprocess.DEVNULL, env=env, sample_rss=True)
    count, reached_s, first_s, last_progress = 0, None, None, time.monotonic()
    while m.poll():
        n = delivered_count(metrics_addr)
        now = time.monotonic()
        if n is not None and n > count:
            if count == 0:
                first_s = now - m.t0
            count, last_progress = n, now
        if count >= expect:
            reached_s = now - m.t0
            break
        if now - last_progress > stall_s:
            break
        time.sleep(every_s)
    if reached_s is None:
        running = m.poll()
        s = m.terminate(timeout=30) if running else m.wait()
        why = f"stalled for {stall_s}s" if running else "exited"
        return s, f"agent {why} (exit {s.rc}) after {count} of {expect} lines: {first_line(s.stderr_tail)}"
    s = m.terminate(timeout=120)
    s.extra.update(time_s=round(reached_s, 4), shutdown_s=round(s.wall_s - reached_s, 4), delivered=count,
                   first_delivery_s=round(first_s, 4))
    if s.rc != 0:
        return s, f"exit {s.rc} on SIGTERM: {first_line(s.stderr_tail)}"
    return s, None


def agent_drain_row(ctx, wl, sink, group, kafka_contender, stdout_contender):
    """Adds the results row of one agent drain: into Kafka under `group`, or with the stdout sink under
    "peers" (the same job the npm peers do, for the events-per-CPU-second comparison)."""
    if sink == "kafka":
        return ctx.add_row(Row(group, wl.name, kafka_contender, wl.changes, role="agent"))
    return ctx.add_row(Row("peers", wl.name, stdout_contender, wl.changes, role="agent",
                           note="schemas off; JSON lines to /dev/null like the peers, counted on its /metrics"))


def agent_drain_rows(ctx, source, row, expect, make_run, sink="kafka"):
    """Fills `row` with ctx.runs agent drains, each done when Kafka holds `expect` messages (sink "kafka")
    or the stdout sink wrote `expect` lines (sink "stdout"). make_run(i) -> (argv, env, target, cleanup), the
    target being the Kafka topic, or for the stdout sink the agent's metrics host:port."""
    for i in range(ctx.runs):
        cmd, env, target, cleanup = make_run(i)
        try:
            if sink == "kafka":
                s, err = measure_drain(ctx, cmd, env, target, expect)
            else:
                s, err = measure_stdout_drain(ctx, cmd, env, target, expect)
        finally:
            cleanup()
        if err:
            if agent_mod.not_wired(s):
                ctx.agent_run_available[source] = False
                return row.pend()
            return row.fail(err)
        row.add(s)
    return row


def run_peer(ctx, row, script, make_env):
    """Runs a node peer (bench/peers/SCRIPT) ctx.runs times. make_env(i) -> (environment, cleanup or None).
    The peer prints {"events": N, "seconds": S}; a run that handled another number of events fails."""
    out = os.path.join(ctx.work, "peer.out")
    for i in range(ctx.runs):
        env, cleanup = make_env(i)
        try:
            s = run(["node", os.path.join(ctx.peers_dir, script)], stdout=out, env=env, timeout=3600,
                    sample_rss=True)
        finally:
            if cleanup:
                cleanup()
        err = f"exit {s.rc}: {first_line(s.stderr_tail)}" if s.rc != 0 else _peer_result(out, s, row.events)
        if err:
            return row.fail(err)
        row.add(s)
    return row


def _peer_result(path, sample, expected):
    with open(path) as f:
        lines = f.read().strip().splitlines()
    try:
        sample.extra["events"] = json.loads(lines[-1])["events"]
    except (ValueError, IndexError, KeyError):
        return "peer printed no result"
    return None if sample.extra["events"] == expected else f"peer reported {sample.extra['events']} events"
