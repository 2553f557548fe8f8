"""Runs a process and measures it: wall time, CPU seconds (user + system, from wait4's rusage, which
includes waited-for children) and peak RSS; optionally samples RSS over time to show whether memory
stays flat.

Peak RSS comes from GNU time (%M) when /usr/bin/time exists: the kernel's ru_maxrss of a child also
counts the memory it had before exec, i.e. a copy of this Python process (~17 MiB), which would hide
the small tools' real figure; GNU time is a tiny parent, so its child's maximum is the tool's own."""
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

GNU_TIME = "/usr/bin/time"


@dataclass
class Sample:
    """One measured run of one process."""
    rc: int
    wall_s: float
    cpu_s: float
    maxrss_mib: float
    stderr_tail: str = ""
    rss_series_mib: list = field(default_factory=list)  # (seconds since start, RSS MiB), sampled
    extra: dict = field(default_factory=dict)          # contender-specific figures (e.g. a tool's own timing)


class RssSampler(threading.Thread):
    """Reads VmRSS of one pid every `interval` seconds until stopped or the process is gone."""

    def __init__(self, pid, interval=0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.series, self._stop_evt, self._t0 = [], threading.Event(), time.monotonic()

    def run(self):
        path = f"/proc/{self.pid}/status"
        while not self._stop_evt.is_set():
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            mib = int(line.split()[1]) / 1024.0
                            self.series.append((round(time.monotonic() - self._t0, 3), round(mib, 1)))
                            break
            except OSError:
                return
            self._stop_evt.wait(self.interval)

    def stop(self):
        self._stop_evt.set()
        self.join(timeout=2)


class Measured:
    """A started process whose resources are collected when it is reaped (wait/terminate)."""

    def __init__(self, cmd, stdout=subprocess.DEVNULL, env=None, cwd=None, sample_rss=False,
                 stderr_path=None):
        self.cmd = cmd
        self._time_path = None
        if os.access(GNU_TIME, os.X_OK):
            self._time_path = f"/tmp/bench-time-{os.getpid()}-{id(self)}.txt"
            cmd = [GNU_TIME, "-o", self._time_path, "-f", "%M"] + list(cmd)
        self._stderr_path = stderr_path or f"/tmp/bench-stderr-{os.getpid()}-{id(self)}.log"
        self._stderr = open(self._stderr_path, "w+b")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=stdout, stderr=self._stderr, stdin=subprocess.DEVNULL,
                                     env=env, cwd=cwd, start_new_session=True)
        self.target = self._child_of_time() if self._time_path else self.proc.pid
        self.sampler = RssSampler(self.target) if sample_rss else None
        if self.sampler:
            self.sampler.start()
        self.sample = None

    def _child_of_time(self):
        """The measured program's pid: GNU time's only child (signals go to it, not to time)."""
        path = f"/proc/{self.proc.pid}/task/{self.proc.pid}/children"
        for _ in range(500):
            try:
                with open(path) as f:
                    kids = f.read().split()
                if kids:
                    return int(kids[0])
            except OSError:
                return self.proc.pid  # already gone
            time.sleep(0.002)
        return self.proc.pid

    def poll(self):
        """True while the process runs. Never reaps it (wait4 must get its rusage)."""
        if self.sample is not None:
            return False
        try:
            state = os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return False
        return state is None

    def wait(self, timeout=None):
        """Reaps the process (killing it after `timeout` seconds) and returns its Sample."""
        if self.sample is not None:
            return self.sample
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is not None and self.poll():
            if time.monotonic() > deadline:
                self.signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        _, status, ru = os.wait4(self.proc.pid, 0)
        wall = time.monotonic() - self.t0
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        if self.sampler:
            self.sampler.stop()
        self._stderr.seek(0, os.SEEK_END)
        size = self._stderr.tell()
        self._stderr.seek(max(0, size - 4000))
        tail = self._stderr.read().decode("utf-8", "replace")
        self._stderr.close()
        os.unlink(self._stderr_path)
        maxrss_kib = ru.ru_maxrss
        if self._time_path:
            maxrss_kib = self._read_time_rss(maxrss_kib)
        self.sample = Sample(rc=self.proc.returncode, wall_s=wall, cpu_s=ru.ru_utime + ru.ru_stime,
                             maxrss_mib=maxrss_kib / 1024.0, stderr_tail=tail,
                             rss_series_mib=self.sampler.series if self.sampler else [])
        return self.sample

    def _read_time_rss(self, fallback):
        """GNU time's %M line (its last line; before it: "Command exited with non-zero status N")."""
        try:
            with open(self._time_path) as f:
                lines = f.read().split()
            os.unlink(self._time_path)
            return int(lines[-1])
        except (OSError, ValueError, IndexError):
            return fallback

    def signal(self, sig):
        try:
            os.kill(self.target, sig)
        except ProcessLookupError:
            pass

    def terminate(self, timeout=60):
        """SIGTERM, then the Sample; SIGKILL if it outlives `timeout`."""
        self.signal(signal.SIGTERM)
        return self.wait(timeout)


def run(cmd, stdout=subprocess.DEVNULL, env=None, timeout=None, cwd=None, sample_rss=False):
    """Runs `cmd` to completion and returns its Sample. `stdout` may be a path (opened for writing)."""
    if isinstance(stdout, str):
        with open(stdout, "wb") as out:
            return Measured(cmd, stdout=out, env=env, cwd=cwd, sample_rss=sample_rss).wait(timeout)
    return Measured(cmd, stdout=stdout, env=env, cwd=cwd, sample_rss=sample_rss).wait(timeout)


def check_output(cmd, env=None, input_text=None, timeout=600):
    """Runs a helper command (not measured); raises with its stderr on failure."""
    r = subprocess.run(cmd, input=input_text, capture_output=True, text=True, env=env, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd[:3]))}… exited {r.returncode}: {r.stderr.strip()[-2000:]}")
    return r.stdout
