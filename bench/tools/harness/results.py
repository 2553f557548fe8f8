"""Measured rows (one contender on one workload, several runs) and the figures derived from them."""
import statistics
from dataclasses import dataclass, field

OK, PENDING, FAILED, SKIPPED = "ok", "pending", "failed", "skipped"
AGENT_PENDING = "pending (agent command not available in this build)"


@dataclass
class Row:
    group: str          # "mysql-decode" | "mysql-e2e" | "pg-e2e" | "peers"
    workload: str
    contender: str      # short name shown in tables
    events: int         # row changes the contender handled per run
    role: str = "reference"   # reference | agent | peer
    status: str = OK
    note: str = ""
    samples: list = field(default_factory=list)

    def add(self, sample):
        self.samples.append(sample)

    def fail(self, why):
        self.status, self.note = FAILED, why
        return self

    def pend(self, why=AGENT_PENDING):
        self.status, self.note = PENDING, why
        return self

    def skip(self, why):
        """A reference that this machine cannot run (e.g. no Node.js for the peers): no figure, no failure."""
        self.status, self.note = SKIPPED, why
        return self

    # Each sample may override the process figures with the contender's own measured window.
    def _times(self):
        return [s.extra.get("time_s", s.wall_s) for s in self.samples]

    def _cpus(self):
        return [s.extra.get("cpu_s", s.cpu_s) for s in self.samples]

    @property
    def ok(self):
        return self.status == OK and bool(self.samples)

    def rate(self):
        """Events per second: median, min, max over the runs."""
        rates = [self.events / t for t in self._times() if t > 0]
        return (statistics.median(rates), min(rates), max(rates)) if rates else None

    def cpu_per_million(self):
        return statistics.median(self._cpus()) / self.events * 1e6 if self.samples else None

    def events_per_cpu_s(self):
        cpu = statistics.median(self._cpus()) if self.samples else 0
        return self.events / cpu if cpu > 0 else None

    def peak_rss_mib(self):
        return max(s.maxrss_mib for s in self.samples) if self.samples else None

    def rss_flatness(self):
        """(RSS half-way through the delivery, RSS at the end) from the sampled series of the longest run, MiB.
        The delivery window runs from the first message delivered to the last (extra first_delivery_s and
        time_s, when the run recorded them; else the whole run): a PostgreSQL drain of one big transaction
        delivers nothing while the server decodes it and the agent spools it, and only the part that delivers
        can grow with the work done."""
        sample = max(self.samples, key=lambda s: len(s.rss_series_mib), default=None)
        series = sample.rss_series_mib if sample else []
        if len(series) < 5:
            return None
        first, last = sample.extra.get("first_delivery_s"), sample.extra.get("time_s")
        if first is None or last is None or last <= first:
            return series[len(series) // 2][1], series[-1][1]
        mid = (first + last) / 2
        at_mid = min(series, key=lambda p: abs(p[0] - mid))
        return at_mid[1], series[-1][1]

    def to_json(self):
        return {
            "group": self.group, "workload": self.workload, "contender": self.contender, "role": self.role,
            "events": self.events, "status": self.status, "note": self.note,
            "runs": [{"rc": s.rc, "wall_s": round(s.wall_s, 4), "cpu_s": round(s.cpu_s, 4),
                      "maxrss_mib": round(s.maxrss_mib, 1), "extra": s.extra,
                      "rss_series_mib": s.rss_series_mib[::max(1, len(s.rss_series_mib) // 50)]}
                     for s in self.samples],
        }
