"""Runs one cdc-agent per source like systemd would (Restart=always, a short RestartSec), and keeps the
timeline of acknowledged positions the agent resumed from, which is what explains duplicates."""

import collections
import os
import signal
import subprocess
import time

# Exit codes the chaos can legitimately cause (docs/exit-codes.md): 75 = a database or Kafka outage
# outlived the retries; 70 = Kafka refused a record permanently (only after an injected fatal error).
TEMPORARY, FATAL = 75, 70


class Agent:
    def __init__(self, binary, source, log_dir, rng, restart_delay=(0.2, 1.5)):
        self.binary = binary
        self.source = source
        self.rng = rng
        self.restart_delay = restart_delay
        self.config = os.path.join(log_dir, "agent-%s.yaml" % source.kind)
        self.log_path = os.path.join(log_dir, "agent-%s.log" % source.kind)
        with open(self.config, "w") as f:
            f.write(source.config())
        self.proc = None
        self.started_at = 0.0
        self.restart_at = None  # when set, start again at this time
        self.expect = None  # what we did to it: "kill9" | "term" | None
        self.supervise = True
        self.exits = collections.Counter()  # "code 75", "signal 9 (ours)", ...
        self.unexpected = []  # descriptions of exits the chaos does not explain
        self.resumes = []  # (time, position, why): positions a (re)started stream resumed from
        self.last_fatal_injection = -1.0

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        """Starts the agent unless the acknowledged position cannot be read yet (database down)."""
        try:
            pos = self.source.acked()
        except Exception:
            return False
        if pos is not None:
            self.resumes.append((time.time(), pos, "agent start"))
        log = open(self.log_path, "a")
        log.write("==== harness: starting agent at %s\n" % time.strftime("%H:%M:%S"))
        log.flush()
        self.proc = subprocess.Popen([self.binary, "run", "-c", self.config], stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.started_at = time.time()
        self.expect = None
        self.restart_at = None
        return True

    def signal(self, sig, expect):
        if self.running:
            self.expect = expect
            os.kill(self.proc.pid, sig)
            return True
        return False

    def kill9(self):
        return self.signal(signal.SIGKILL, "kill9")

    def term(self):
        return self.signal(signal.SIGTERM, "term")

    def freeze(self):
        if not self.running:
            return False
        os.kill(self.proc.pid, signal.SIGSTOP)
        return True

    def thaw(self):
        if self.running:
            os.kill(self.proc.pid, signal.SIGCONT)

    def note_resume(self, why):
        """Records the acknowledged position now as one the stream may resume from (a database crash
        makes the agent reconnect, or makes PostgreSQL forget a slot advance it never checkpointed)."""
        try:
            pos = self.source.acked()
        except Exception:
            return False
        if pos is not None:
            self.resumes.append((time.time(), pos, why))
        return True

    def poll(self, now):
        if self.proc is not None and self.proc.poll() is not None:
            self._exited(now)
        if self.proc is None and self.supervise and self.restart_at is not None and now >= self.restart_at:
            if not self.start():
                self.restart_at = now + 0.5

    def _exited(self, now):
        rc = self.proc.returncode
        self.proc = None
        what = "signal %d" % -rc if rc < 0 else "code %d" % rc
        ok = (rc == -signal.SIGKILL and self.expect == "kill9") or (rc == 0 and self.expect == "term") or \
            rc == TEMPORARY or (rc == FATAL and self.last_fatal_injection >= self.started_at - 1)
        if rc == TEMPORARY and self.expect == "term":
            ok = True  # a drain that outlived shutdown_timeout_ms while a broker was down
        self.exits[what + ("" if ok else " (unexpected)")] += 1
        if not ok:
            self.unexpected.append("%s agent exited with %s at %s (see %s)" % (
                self.source.kind, what, time.strftime("%H:%M:%S"), self.log_path))
        if self.supervise:
            self.restart_at = now + self.rng.uniform(*self.restart_delay)

    def stop(self, timeout=60):
        """Final clean stop: SIGTERM, wait for the drain. Returns the exit code (None if it hung)."""
        self.supervise = False
        if not self.running:
            return 0
        self.term()
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.unexpected.append("%s agent did not stop within %ds of SIGTERM" % (self.source.kind, timeout))
            return None
        if rc != 0:
            self.unexpected.append("%s agent's final clean stop exited with %d" % (self.source.kind, rc))
        self.proc = None
        return rc

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(collections.deque(f, lines))
        except FileNotFoundError:
            return ""
