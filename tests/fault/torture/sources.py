"""What differs between the MariaDB and the PostgreSQL side of a torture run: schema, agent
configuration, topic names, and how positions are read and compared.

Positions are tuples that compare in source order: MySQL (binlog file index, byte position),
PostgreSQL (LSN,). The acknowledged position (MySQL offset file, PostgreSQL slot confirmed_flush_lsn)
and a change id (docs/change-id.md) map to the same scale, so "this duplicate lies after the
position the agent resumed from" is one comparison."""

import os

SLOW_COMMIT_S = 0.2
SHAPE = "(id BIGINT PRIMARY KEY, v INT NOT NULL, tx BIGINT NOT NULL, pad VARCHAR(24))"


def table_names(tables):
    return ["t%d" % i for i in range(1, tables + 1)] + ["tx_log"]


class Source:
    kind = ""
    prefix = ""
    namespace = ""

    def __init__(self, servers, tables, work):
        self.servers = servers
        self.tables = table_names(tables)
        self.work = work
        self.state_dir = os.path.join(work, "state-" + self.kind)

    def topic(self, table):
        return "%s.%s.%s" % (self.prefix, self.namespace, table)

    def topics(self):
        return {self.topic(t): t for t in self.tables}

    def sql(self, statement):
        return self.servers.sql(self.kind, statement)

    def table_rows(self, table):
        """{id: (v, tx)} as the database has it now."""
        return {int(r[0]): (int(r[1]), int(r[2])) for r in self.sql("SELECT id, v, tx FROM %s" % table)}

    def config(self):
        e = self.servers.env
        key = "MYSQL" if self.kind == "mysql" else "PG"
        return "\n".join([
            "name: %s" % self.prefix,
            "source:",
            "  type: %s" % self.kind,
            "  host: %s" % e["CDC_TEST_%s_HOST" % key],
            "  port: %s" % e["CDC_TEST_%s_PORT" % key],
            "  user: %s" % e["CDC_TEST_%s_USER" % key],
            "  password: %s" % e["CDC_TEST_%s_PASSWORD" % key],
            "  database: %s" % e["CDC_TEST_%s_DB" % key],
            "  include_tables: [\"%s\\\\..*\"]" % self.namespace,
            # The harness starts the agent before the first write and waits until its start position
            # is stored: every change is streamed, none snapshotted.
            "  snapshot: never",
        ] + self.source_extra() + [
            "sink:",
            "  type: kafka",
            "  kafka: { bootstrap.servers: \"%s\" }" % self.servers.bootstrap,
            "envelope: { schemas: false }",  # small messages: the dev Kafka keeps ~5 MB per partition
            "heartbeat: { interval_ms: 2000 }",
            "state: { dir: %s }" % self.state_dir,
            "log: { level: info }",
            "",
        ])

    def source_extra(self):
        return []


class MysqlSource(Source):
    kind = "mysql"
    prefix = "tm"

    def __init__(self, servers, tables, work):
        super().__init__(servers, tables, work)
        self.namespace = servers.env["CDC_TEST_MYSQL_DB"]

    def setup(self):
        for t in self.tables:
            self.sql("DROP TABLE IF EXISTS %s; CREATE TABLE %s %s" % (t, t, SHAPE))
        self.slow_commits()

    def slow_commits(self):
        """Every COMMIT waits SLOW_COMMIT_S for a binlog group commit that never fills (one writer), so
        a crash lands inside a COMMIT often enough to test the ambiguous outcome. Not persistent:
        applied again after each restart."""
        self.servers.mysql_admin("SET GLOBAL binlog_commit_wait_count = 2, binlog_commit_wait_usec = %d"
                                 % int(SLOW_COMMIT_S * 1e6))

    def committing(self):
        return self.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'COMMIT'")[0][0] != "0"

    def source_extra(self):
        return ["  mysql: { server_id: 5913 }"]

    def ready(self):
        return self.acked() is not None

    def acked(self):
        """The offset file's position, or None before the agent stored one."""
        path = os.path.join(self.state_dir, "offsets")
        try:
            with open(path) as f:
                kv = dict(line.strip().split("=", 1) for line in f if "=" in line and not line.startswith("#"))
        except FileNotFoundError:
            return None
        return (int(kv["file"].rsplit(".", 1)[1]), int(kv["pos"]))

    @staticmethod
    def change_position(change_id):
        # m:<file index>:<transaction start>:<event index>[:t]
        parts = change_id.split(":")
        return (int(parts[1]), int(parts[2]))


class PostgresSource(Source):
    kind = "postgres"
    prefix = "tp"
    namespace = "public"
    slot = "cdc_tp"

    def setup(self):
        for i, t in enumerate(self.tables):
            self.sql("DROP TABLE IF EXISTS %s; CREATE TABLE %s %s" % (t, t, SHAPE))
            # Both replica identities: the default (key-only old image) and FULL.
            if i % 2 == 1:
                self.sql("ALTER TABLE %s REPLICA IDENTITY FULL" % t)
        # A deferred trigger makes every COMMIT take SLOW_COMMIT_S (see MysqlSource.slow_commits).
        self.sql("CREATE OR REPLACE FUNCTION torture_slow_commit() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$ BEGIN PERFORM pg_sleep(%g); RETURN NULL; END $$" % SLOW_COMMIT_S)
        self.sql("CREATE CONSTRAINT TRIGGER torture_slow_commit AFTER INSERT ON tx_log DEFERRABLE INITIALLY "
                 "DEFERRED FOR EACH ROW EXECUTE FUNCTION torture_slow_commit()")

    def committing(self):
        return self.sql("SELECT count(*) FROM pg_stat_activity WHERE query = 'COMMIT' AND state = 'active'")[0][0] \
            != "0"

    def ready(self):
        rows = self.sql("SELECT active FROM pg_replication_slots WHERE slot_name = '%s'" % self.slot)
        return bool(rows) and rows[0][0] == "t"

    def acked(self):
        """The slot's confirmed_flush_lsn (where a new stream resumes), or None without a slot."""
        rows = self.sql("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '%s'" % self.slot)
        if not rows or not rows[0][0]:
            return None
        hi, lo = rows[0][0].split("/")
        return ((int(hi, 16) << 32) | int(lo, 16),)

    @staticmethod
    def change_position(change_id):
        # p:<commit LSN>:<event LSN>:<event index>[:t]. PostgreSQL replays a transaction after a
        # restart when its commit record starts at or after confirmed_flush_lsn.
        return (int(change_id.split(":")[1], 16),)


def make_source(kind, servers, tables, work):
    return (MysqlSource if kind == "mysql" else PostgresSource)(servers, tables, work)
