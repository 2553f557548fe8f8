"""The test environment (tests/env/up): PostgreSQL, MariaDB and the dev Kafka on loopback, plus the SQL
helpers the harness needs. Clients are the servers' own command-line tools, so the harness needs no
Python drivers."""
import os
import shutil
import subprocess
import time

from .proc import check_output


class TestEnv:
    def __init__(self, repo, env_dir, dev_kafka=None, reuse=False):
        self.repo, self.dir, self.reuse = repo, env_dir, reuse
        self.dev_kafka = dev_kafka
        self.vars = {}

    # ---- lifecycle -------------------------------------------------------------------------------
    def up(self, attempts=3):
        """Starts the servers (or keeps a healthy environment in the same directory)."""
        env = dict(os.environ)
        if self.dev_kafka:
            env["CDC_DEV_KAFKA"] = self.dev_kafka
        last = ""
        for attempt in range(attempts):
            r = subprocess.run([f"{self.repo}/tests/env/up", self.dir], env=env, capture_output=True, text=True)
            if r.returncode == 0:
                self._load()
                return
            last = r.stderr.strip()[-1500:]
            time.sleep(2 + 3 * attempt)
        raise RuntimeError(f"tests/env/up failed {attempts} times: {last}")

    def down(self):
        if not self.reuse:
            subprocess.run([f"{self.repo}/tests/env/down", self.dir], capture_output=True)

    def _load(self):
        with open(os.path.join(self.dir, "env")) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                if key:
                    self.vars[key] = value

    def __getitem__(self, key):
        return self.vars.get(key, "")

    # ---- MariaDB ---------------------------------------------------------------------------------
    def mysql_args(self, database=True):
        args = ["mariadb", "--no-defaults", "-h", self["CDC_TEST_MYSQL_HOST"], "-P", self["CDC_TEST_MYSQL_PORT"],
                "-u", self["CDC_TEST_MYSQL_USER"], f"-p{self['CDC_TEST_MYSQL_PASSWORD']}", "--batch",
                "--skip-column-names"]
        return args + ([self["CDC_TEST_MYSQL_DB"]] if database else [])

    def mysql(self, sql, timeout=3600):
        return check_output(self.mysql_args(), input_text=sql, timeout=timeout)

    def mysql_file(self, path):
        with open(path) as f:
            return self.mysql(f.read())

    def binlog_position(self):
        """(file, position) of the server's current binlog end."""
        row = self.mysql("SHOW MASTER STATUS;").split("\t")
        return row[0], int(row[1])

    def rotate_binlog(self):
        """Starts a new binlog file and returns its name."""
        self.mysql("FLUSH BINARY LOGS;")
        return self.binlog_position()[0]

    def copy_binlog(self, name, dest):
        """Copies one binlog file from the datadir (local server) or over the replication protocol."""
        datadir = self["CDC_TEST_MYSQL_DATA"]
        if datadir and os.path.exists(os.path.join(datadir, name)):
            shutil.copyfile(os.path.join(datadir, name), dest)
            return
        out_dir = os.path.dirname(dest) + "/"
        subprocess.run(self.mysqlbinlog_remote_args() + ["--raw", f"--result-file={out_dir}", name], check=True)
        os.replace(os.path.join(out_dir, name), dest)

    def mysqlbinlog_remote_args(self):
        return ["mariadb-binlog", "--no-defaults", "--read-from-remote-server", "-h", self["CDC_TEST_MYSQL_HOST"],
                "-P", self["CDC_TEST_MYSQL_PORT"], "-u", self["CDC_TEST_MYSQL_USER"],
                f"-p{self['CDC_TEST_MYSQL_PASSWORD']}"]

    # ---- PostgreSQL ------------------------------------------------------------------------------
    def pg_env(self):
        env = dict(os.environ)
        env.update(PGHOST=self["CDC_TEST_PG_HOST"], PGPORT=self["CDC_TEST_PG_PORT"], PGUSER=self["CDC_TEST_PG_USER"],
                   PGPASSWORD=self["CDC_TEST_PG_PASSWORD"], PGDATABASE=self["CDC_TEST_PG_DB"])
        return env

    def pg_bin(self, tool):
        base = self["CDC_TEST_PG_BIN"] or "/usr/lib/postgresql/15/bin"
        return os.path.join(base, tool)

    def psql(self, sql, timeout=3600):
        return check_output([self.pg_bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
                            env=self.pg_env(), input_text=sql, timeout=timeout).strip()

    def psql_file(self, path):
        return check_output([self.pg_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path],
                            env=self.pg_env())

    def drop_slots(self, where, timeout=60):
        """Drops the slots matching the SQL condition `where` (on pg_replication_slots). A slot stays
        active for a moment after its client exited (the walsender notices the closed connection
        later), and pg_drop_replication_slot refuses an active slot: terminate its walsender and retry
        until it is free."""
        deadline = time.monotonic() + timeout
        while True:
            left = self.psql(
                f"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE ({where}) AND active_pid IS NOT NULL;"
                f"SELECT count(*) FROM (SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                f"WHERE ({where}) AND NOT active) d;"
                f"SELECT count(*) FROM pg_replication_slots WHERE {where};").splitlines()[-1]
            if left.strip() == "0":
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"replication slots still present after {timeout}s: {where}")
            time.sleep(0.05)

    def drop_bench_slots(self):
        self.drop_slots("slot_name LIKE 'bench\\_%'")

    # ---- Kafka -----------------------------------------------------------------------------------
    @property
    def kafka(self):
        return self["CDC_TEST_KAFKA_BOOTSTRAP"]
