#!/usr/bin/env python3
"""Torture harness for cdc-agent (docs/torture.md): random transactions on MariaDB and PostgreSQL while
a chaos loop kills the agent, takes Kafka brokers down, injects produce errors and crashes the databases;
then every topic is read back and checked against the ledger of committed writes and the tables.

  tests/fault/torture/torture.py --build-dir build --minutes 2       # what ctest runs (label fault)
  scripts/torture --minutes 30                                       # a long run

Prints one summary line starting with "torture:"; exits 0 only when nothing was lost and every
duplicate is explained by a restart from an acknowledged position."""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from agents import Agent  # noqa: E402
from chaos import WEIGHTS, Chaos  # noqa: E402
from check import Ledger, check_source  # noqa: E402
from consume import TopicReader, end_offsets, PARTITIONS  # noqa: E402
from servers import Servers  # noqa: E402
from sources import make_source  # noqa: E402
from summary import report  # noqa: E402


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=2.0, help="workload and chaos duration (default 2)")
    ap.add_argument("--sources", default="mysql,postgres", help="comma-separated: mysql, postgres")
    ap.add_argument("--seed", type=int, default=None, help="random seed (printed; default: from the clock)")
    ap.add_argument("--rate", type=float, default=150, help="row changes per second and source (default 150)")
    ap.add_argument("--max-tx", type=int, default=5000, help="largest transaction in rows (default 5000)")
    ap.add_argument("--tables", type=int, default=3, help="data tables per source (default 3)")
    ap.add_argument("--fault-interval", default="2,8", help="seconds between faults: MIN,MAX (default 2,8)")
    ap.add_argument("--faults", default="", help="comma-separated fault kinds to inject (default: all of "
                    + ", ".join(WEIGHTS) + ")")
    ap.add_argument("--source-dir", default=os.path.normpath(os.path.join(here, "..", "..", "..")))
    ap.add_argument("--build-dir", default=os.environ.get("CDC_BINARY_DIR"), help="where cdc-agent was built")
    ap.add_argument("--work", help="directory for logs, ledgers and topic dumps (default: a new /tmp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the topic dumps and the run directory")
    a = ap.parse_args()
    a.build_dir = os.path.abspath(a.build_dir or os.path.join(a.source_dir, "build"))
    a.sources = [s.strip() for s in a.sources.split(",") if s.strip()]
    a.faults = [f.strip() for f in a.faults.split(",") if f.strip()] or list(WEIGHTS)
    unknown = set(a.faults) - set(WEIGHTS)
    if unknown:
        ap.error("unknown fault kinds: %s" % ", ".join(sorted(unknown)))
    a.fault_interval = tuple(float(x) for x in a.fault_interval.split(","))
    if a.seed is None:
        a.seed = int(time.time() * 1000) % 1000000
    return a


class Run:
    def __init__(self, args, servers):
        self.args = args
        self.servers = servers
        self.rng = random.Random(args.seed)
        self.work = args.work
        self.problems = []  # harness-level failures: hangs, dead writers, unexpected exits
        self.sources = {k: make_source(k, servers, args.tables, self.work) for k in args.sources}
        self.agents = {}
        self.readers = {}  # topic -> TopicReader
        self.writers = {}

    def binary(self, *parts):
        path = os.path.join(self.args.build_dir, *parts)
        if not os.access(path, os.X_OK):
            raise SystemExit("torture: %s not built (cmake --build %s --target cdc-agent cdc-torture-writer)"
                             % (path, self.args.build_dir))
        return path

    def log(self, text):
        print("torture: %s %s" % (time.strftime("%H:%M:%S"), text), flush=True)

    # ---- phases ----------------------------------------------------------------------------
    def execute(self):
        agent_bin = self.binary("src", "main", "cdc-agent")
        writer_bin = self.binary("tests", "fault", "cdc-torture-writer")
        for src in self.sources.values():
            src.setup()
            for topic in src.topics():
                self.servers.kafka("create-topic %s %d 3" % (topic, PARTITIONS))
                self.readers[topic] = TopicReader(self.servers.bootstrap, topic,
                                                  os.path.join(self.work, "topic-%s.tsv" % topic))
            self.agents[src.kind] = Agent(agent_bin, src, self.work, self.rng)
        self.start_agents()
        for kind in self.sources:
            self.start_writer(writer_bin, kind)
        self.log("workload and chaos for %.1f minutes (seed %d)" % (self.args.minutes, self.args.seed))
        chaos = Chaos(self.servers, self.agents, self.rng, os.path.join(self.work, "chaos.log"),
                      self.args.fault_interval, self.args.faults)
        self.chaos_loop(chaos, time.time() + self.args.minutes * 60)
        chaos.restore_all()
        self.problems += ["chaos action failed: " + e for e in chaos.errors]
        ledgers = self.stop_writers()
        self.log("faults over; waiting for the agents to catch up")
        self.catch_up(ledgers)
        for a in self.agents.values():
            a.stop()
        self.drain_topics()
        verdicts = []
        for kind, src in self.sources.items():
            tables_now = {t: src.table_rows(t) for t in src.tables}
            readers = {t: self.readers[t] for t in src.topics()}
            resumes = [pos for _t, pos, _why in self.agents[kind].resumes]
            verdicts.append(check_source(src, ledgers[kind], readers, tables_now, resumes))
        for a in self.agents.values():
            self.problems += a.unexpected
        for r in self.readers.values():
            self.problems += r.problems
        self.log("kcat consumers restarted %d times (all brokers they were connected to went down)"
                 % sum(r.restarts for r in self.readers.values()))
        self.write_resumes()
        return report(self.args, chaos, self.agents, ledgers, verdicts, self.problems)

    def start_agents(self):
        for a in self.agents.values():
            a.start()
        deadline = time.time() + 90
        waiting = set(self.agents)
        while waiting and time.time() < deadline:
            for kind in list(waiting):
                self.agents[kind].poll(time.time())
                try:
                    if self.sources[kind].ready():
                        waiting.discard(kind)
                except Exception:
                    pass
            time.sleep(0.2)
        if waiting:
            raise SystemExit("torture: agents not streaming after 90 s: %s\n%s" % (
                sorted(waiting), "".join(self.agents[k].log_tail() for k in waiting)))

    def start_writer(self, writer_bin, kind):
        env = dict(os.environ, CDC_TEST_ENV_FILE=os.path.join(self.servers.env_dir, "env"))
        env = {k: v for k, v in env.items() if not k.startswith("CDC_TEST_") or k == "CDC_TEST_ENV_FILE"}
        log = open(os.path.join(self.work, "writer-%s.log" % kind), "w")
        self.writers[kind] = subprocess.Popen(
            [writer_bin, "--source", kind, "--ledger", os.path.join(self.work, "ledger-%s.txt" % kind),
             "--tables", str(self.args.tables), "--max-tx", str(self.args.max_tx), "--rate", str(self.args.rate),
             "--seed", str(self.rng.randrange(1 << 30))],
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def chaos_loop(self, chaos, deadline):
        next_read = 0.0
        while time.time() < deadline:
            now = time.time()
            for a in self.agents.values():
                a.poll(now)
            chaos.step(now)
            if now >= next_read:
                for r in self.readers.values():
                    r.poll()
                next_read = now + 2
            for kind, w in self.writers.items():
                if w.poll() is not None:
                    raise SystemExit("torture: the %s writer died (exit %d); see %s/writer-%s.log"
                                     % (kind, w.returncode, self.work, kind))
            time.sleep(0.1)

    def stop_writers(self):
        for w in self.writers.values():
            w.send_signal(signal.SIGTERM)
        ledgers = {}
        for kind, w in self.writers.items():
            rc = w.wait(120)
            if rc != 0:
                self.problems.append("%s writer exited with %d" % (kind, rc))
            ledgers[kind] = Ledger(os.path.join(self.work, "ledger-%s.txt" % kind))
        return ledgers

    def catch_up(self, ledgers, timeout=240):
        """Waits until each source's last committed transaction reached Kafka, restarting crashed
        agents meanwhile. An agent that does not get there is reported as a hang."""
        deadline = time.time() + timeout
        pending = set(self.sources)
        while pending and time.time() < deadline:
            for a in self.agents.values():
                a.poll(time.time())
            for kind in list(pending):
                reader = self.readers[self.sources[kind].topic("tx_log")]
                reader.poll()
                if ledgers[kind].last_txid == 0 or ledgers[kind].last_txid in reader.by_key:
                    pending.discard(kind)
            time.sleep(0.5)
        for kind in pending:
            self.problems.append("HANG: the %s agent did not deliver the last committed transaction %d within "
                                 "%ds after the faults stopped; log tail:\n%s" % (
                                     kind, ledgers[kind].last_txid, timeout, self.agents[kind].log_tail()))

    def drain_topics(self, timeout=120):
        ends = end_offsets(self.servers.bootstrap, list(self.readers))
        deadline = time.time() + timeout
        while time.time() < deadline:
            for r in self.readers.values():
                r.poll()
            if all(r.caught_up(ends[t]) for t, r in self.readers.items()):
                break
            time.sleep(0.5)
        else:
            self.problems.append("could not read every topic to its end offset within %ds" % timeout)
        for r in self.readers.values():
            r.close()

    def write_resumes(self):
        with open(os.path.join(self.work, "resumes.log"), "w") as f:
            for kind, a in self.agents.items():
                for t, pos, why in a.resumes:
                    f.write("%s %s %s %s\n" % (time.strftime("%H:%M:%S", time.localtime(t)), kind, pos, why))

    def cleanup(self, keep):
        for w in self.writers.values():
            if w.poll() is None:
                w.kill()
        for a in self.agents.values():
            a.supervise = False
            if a.running:
                a.proc.kill()
        for r in self.readers.values():
            r.close()
            if not keep:
                r.remove_dump()


MARKER = ".cdc-torture-run"


def prepare_work_dir(work, source_dir):
    """Starts from an empty directory: the agents' state (offset files) of an earlier run would point
    into binlogs of servers that no longer exist. Only a directory an earlier run made is emptied."""
    if os.path.isdir(work) and os.listdir(work):
        if not os.path.exists(os.path.join(work, MARKER)):
            raise SystemExit("torture: %s is not empty and not an earlier torture run's directory" % work)
        env_dir = os.path.join(work, "env")
        if os.path.exists(os.path.join(env_dir, "env")):
            Servers(source_dir, env_dir, "").down()  # a run that was killed left servers up
        shutil.rmtree(work)
    os.makedirs(work, exist_ok=True)
    open(os.path.join(work, MARKER), "w").close()


def main():
    args = parse_args()
    args.work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="cdc-torture."))
    prepare_work_dir(args.work, args.source_dir)
    env_dir = os.path.join(args.work, "env")
    servers = Servers(args.source_dir, env_dir, os.path.join(args.build_dir, "tests", "env", "cdc-dev-kafka"))
    print("torture: run directory %s" % args.work, flush=True)
    servers.up()
    run = Run(args, servers)
    ok = False
    try:
        ok = run.execute()
    finally:
        run.cleanup(args.keep or not ok)
        servers.down(keep_logs=not ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
