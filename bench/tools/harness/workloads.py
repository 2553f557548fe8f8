"""The four workloads of issue #8. Each generates the same rows on MariaDB and PostgreSQL through the
procedures in bench/workloads/*.sql; `changes` is the number of row changes (events) a contender must
deliver and `messages` the Kafka messages they become (a delete adds a tombstone)."""
from dataclasses import dataclass

# Full-run sizes, chosen for a 2-core / 24 GiB machine (docs/benchmarks.md explains them).
FULL = {"backlog": 1_000_000, "big_txn": 1_000_000, "mixed": 1_000_000, "wide": 100_000}
QUICK = {"backlog": 2_000, "big_txn": 2_000, "mixed": 2_000, "wide": 500}


@dataclass
class Workload:
    name: str
    changes: int

    @property
    def table(self):
        return "bench_wide" if self.name == "wide" else "bench_orders"

    @property
    def messages(self):
        # mixed: 10 changes per transaction, 1 of them a delete followed by a tombstone
        return self.changes + (self.changes // 10 if self.name == "mixed" else 0)

    @property
    def title(self):
        return {
            "backlog": f"backlog: {self.changes:,} inserts of ~200-byte rows, 10 per transaction",
            "big_txn": f"one transaction of {self.changes:,} inserts (~200-byte rows)",
            "mixed": f"mixed stream: {self.changes:,} changes, 60/30/10 insert/update/delete, 10 per transaction",
            "wide": f"wide rows: {self.changes:,} changes to a 30-column table with ~4.6 KiB TEXT/BLOB per row "
                    "(70% insert, 30% update of one small column), 10 per transaction",
        }[self.name]

    # Setup runs before the measured window (and before the binlog rotation / slot creation);
    # generate() writes exactly `changes` row changes.
    def setup_sql(self, dialect):
        if self.name == "mixed":
            seed = self.changes // 10 + 6
            return f"CALL bench_reset_orders(); CALL bench_insert_orders(1, {seed}, 1000);"
        if self.name == "wide":
            return "CALL bench_reset_wide(); CALL bench_wide_rows(1, 7);"
        return "CALL bench_reset_orders();"

    def generate_sql(self, dialect):
        if self.name == "backlog":
            return f"CALL bench_insert_orders(1, {self.changes}, 10);"
        if self.name == "big_txn":
            return f"CALL bench_insert_orders(1, {self.changes}, {self.changes});"
        if self.name == "mixed":
            return f"CALL bench_mixed({self.changes});"
        return f"CALL bench_wide({self.changes});"


def make_workloads(names, quick, scale):
    sizes = QUICK if quick else FULL
    out = []
    for name in names:
        n = max(10, int(sizes[name] * (1 if quick else scale)) // 10 * 10)
        out.append(Workload(name, n))
    return out
