"""The chaos loop: at random moments one fault, some of which undo themselves later (a broker comes back
up, a database restarts), so faults overlap: an agent can be killed while a broker is down and the
database is recovering. Every fault is logged to chaos.log with its time."""

import collections
import time

from servers import CommandFailed

RETRIABLE = ["NOT_LEADER_FOR_PARTITION", "REQUEST_TIMED_OUT", "NOT_ENOUGH_REPLICAS",
             "NOT_ENOUGH_REPLICAS_AFTER_APPEND", "LEADER_NOT_AVAILABLE"]
# The agent must stop (exit 70) on these rather than skip a record; the supervisor restarts it.
FATAL = ["OUT_OF_ORDER_SEQUENCE_NUMBER", "INVALID_RECORD"]

WEIGHTS = {
    "agent_kill9": 4, "agent_term": 1, "broker_down": 3, "produce_retriable": 3, "produce_fatal": 1,
    "mysql_kill9": 1, "binlog_rotate": 2, "pg_crash": 1, "crash_in_commit": 1,
}


class Chaos:
    def __init__(self, servers, agents, rng, log_path, interval=(2.0, 8.0), kinds=tuple(WEIGHTS)):
        self.servers = servers
        self.agents = agents  # kind -> Agent
        self.rng = rng
        self.interval = interval
        self.kinds = kinds
        self.counts = collections.Counter()
        self.commit_crashes_caught = 0  # crash_in_commit faults that found a COMMIT under way
        self.errors = []
        self.pending = []  # (due, label, action): the second half of a fault
        self.down_brokers = set()
        self.db_down = set()  # "mysql" / "postgres" while crashed
        self.next_at = time.time() + rng.uniform(*interval)
        self.log = open(log_path, "a", buffering=1)

    def note(self, what):
        self.log.write("%s %s\n" % (time.strftime("%H:%M:%S"), what))

    def step(self, now):
        for item in sorted(p for p in self.pending if p[0] <= now):
            self.pending.remove(item)
            self._run(item[1], item[2])
        if now >= self.next_at:
            self.inject()
            self.next_at = time.time() + self.rng.uniform(*self.interval)

    def restore_all(self):
        """Undoes every fault still in force, so the agents can catch up for the final check."""
        for item in sorted(self.pending):
            self._run(item[1], item[2])
        self.pending.clear()
        self._run("clear produce errors", lambda: self.servers.kafka("clear-errors Produce"))
        for b in (1, 2, 3):
            self._run("broker-up %d" % b, lambda b=b: self.servers.kafka("broker-up %d" % b))

    def later(self, seconds, label, action):
        self.pending.append((time.time() + seconds, label, action))

    def _run(self, label, action):
        self.note(label)
        try:
            action()
        except (CommandFailed, OSError) as e:
            self.errors.append("%s: %s" % (label, e))
            self.note("  failed: %s" % e)

    def inject(self):
        kinds = [k for k in self.kinds if self._possible(k)]
        if not kinds:
            return
        kind = self.rng.choices(kinds, [WEIGHTS[k] for k in kinds])[0]
        self.counts[kind] += 1
        getattr(self, kind)()

    def _possible(self, kind):
        if kind.startswith("agent_"):
            return any(a.running for a in self.agents.values())
        if kind == "broker_down":
            return len(self.down_brokers) < 2
        if kind in ("mysql_kill9", "binlog_rotate"):
            return "mysql" in self.agents and "mysql" not in self.db_down
        if kind == "crash_in_commit":
            return any(k not in self.db_down for k in self.agents)
        if kind == "pg_crash":
            return "postgres" in self.agents and "postgres" not in self.db_down
        return True

    # ---- the faults -------------------------------------------------------------------------
    def _pick_running_agent(self):
        return self.rng.choice([a for a in self.agents.values() if a.running])

    def agent_kill9(self):
        a = self._pick_running_agent()
        self._run("kill -9 %s agent" % a.source.kind, a.kill9)

    def agent_term(self):
        a = self._pick_running_agent()
        self._run("SIGTERM %s agent" % a.source.kind, a.term)

    def broker_down(self):
        b = self.rng.choice(sorted({1, 2, 3} - self.down_brokers))
        self.down_brokers.add(b)
        self._run("broker-down %d" % b, lambda: self.servers.kafka("broker-down %d" % b))

        def up():
            self.down_brokers.discard(b)
            self.servers.kafka("broker-up %d" % b)
        self.later(self.rng.uniform(1, 8), "broker-up %d" % b, up)

    def produce_retriable(self):
        n = self.rng.randint(1, 6)
        errs = " ".join(self.rng.choice(RETRIABLE) for _ in range(n))
        self._run("push-errors Produce %d %s" % (n, errs),
                  lambda: self.servers.kafka("push-errors Produce %d %s" % (n, errs)))

    def produce_fatal(self):
        err = self.rng.choice(FATAL)
        for a in self.agents.values():
            a.last_fatal_injection = time.time()
        self._run("push-errors Produce 1 %s" % err, lambda: self.servers.kafka("push-errors Produce 1 %s" % err))

    def binlog_rotate(self):
        self._run("FLUSH BINARY LOGS", lambda: self.servers.mysql("FLUSH BINARY LOGS"))

    def crash_in_commit(self):
        """Crashes a database while the writer waits for its COMMIT (every commit takes SLOW_COMMIT_S),
        so the writer must settle an ambiguous outcome. Waits up to 5 s for a commit to be under way."""
        kind = self.rng.choice([k for k in self.agents if k not in self.db_down])
        source = self.agents[kind].source
        deadline = time.time() + 5
        caught = False
        while not caught and time.time() < deadline:
            try:
                caught = source.committing()
            except CommandFailed:
                break
        self.commit_crashes_caught += caught
        self.mysql_kill9() if kind == "mysql" else self.pg_crash()

    def mysql_kill9(self):
        agent = self.agents["mysql"]
        # The agent reconnects from a position at or after the one acknowledged now.
        agent.note_resume("mysql kill -9")
        self.db_down.add("mysql")
        self._run("mysql-kill9", lambda: self.servers.ctl("mysql-kill9"))
        self.later(self.rng.uniform(0.5, 6), "mysql-start", self._mysql_start)

    def _mysql_start(self):
        try:
            self.servers.ctl("mysql-start")
            self.agents["mysql"].source.slow_commits()
            self.db_down.discard("mysql")
        except CommandFailed:
            self.later(1, "mysql-start (again)", self._mysql_start)
            raise

    def pg_crash(self):
        self.db_down.add("postgres")
        self._run("pg-stop immediate", lambda: self.servers.ctl("pg-stop", "immediate"))
        self.later(self.rng.uniform(0.2, 5), "pg-start", self._pg_start)

    def _pg_start(self):
        # A crash can take the slot back to its last checkpointed confirmed_flush_lsn. Read where it
        # stands before the agent can reconnect and move it: the agent waits, frozen, meanwhile.
        agent = self.agents["postgres"]
        frozen = agent.freeze()
        try:
            self.servers.ctl("pg-start")
            self.db_down.discard("postgres")
            for _ in range(20):
                if agent.note_resume("pg crash recovery"):
                    break
                time.sleep(0.25)
            else:
                self.errors.append("could not read the slot position after a PostgreSQL restart")
        except CommandFailed:
            self.later(1, "pg-start (again)", self._pg_start)
            raise
        finally:
            if frozen:
                agent.thaw()
