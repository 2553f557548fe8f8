"""The torture run's private servers: tests/env/up in our own directory, steered through tests/env/ctl,
queried through the database command-line clients, and the dev Kafka cluster's control port."""

import os
import socket
import subprocess


class CommandFailed(RuntimeError):
    pass


def run(cmd, env=None, timeout=120, check=True, stdin=subprocess.DEVNULL):
    """Runs a command; returns its stdout. Raises CommandFailed with stderr when check and it fails."""
    p = subprocess.run(cmd, env=env, stdin=stdin, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise CommandFailed("%s: exit %d: %s" % (" ".join(cmd[:3]), p.returncode, p.stderr.strip()[-800:]))
    return p.stdout


class Servers:
    def __init__(self, source_dir, env_dir, dev_kafka):
        self.source_dir = source_dir
        self.env_dir = env_dir
        self.dev_kafka = dev_kafka
        self.env = {}

    def _tool(self, name):
        return os.path.join(self.source_dir, "tests", "env", name)

    def up(self):
        # Private servers even when the caller's environment names shared or external ones.
        env = {k: v for k, v in os.environ.items() if not k.startswith("CDC_TEST_")}
        env["CDC_DEV_KAFKA"] = self.dev_kafka
        run([self._tool("up"), self.env_dir], env=env, timeout=240)
        with open(os.path.join(self.env_dir, "env")) as f:
            self.env = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)

    def down(self, keep_logs=False):
        env = dict(os.environ, CDC_TEST_KEEP_LOGS="1" if keep_logs else "0")
        run([self._tool("down"), self.env_dir], env=env, timeout=240, check=False)

    def ctl(self, *args, timeout=120):
        return run([self._tool("ctl"), self.env_dir] + list(args), timeout=timeout)

    # ---- SQL through the command-line clients: rows as lists of strings --------------------------
    def mysql(self, sql, timeout=30):
        e = self.env
        out = run(["mariadb", "--no-defaults", "-h", e["CDC_TEST_MYSQL_HOST"], "-P", e["CDC_TEST_MYSQL_PORT"],
                   "-u", e["CDC_TEST_MYSQL_USER"], "-p" + e["CDC_TEST_MYSQL_PASSWORD"], "--connect-timeout=5",
                   "-N", "-B", e["CDC_TEST_MYSQL_DB"], "-e", sql], timeout=timeout)
        return [line.split("\t") for line in out.splitlines()]

    def mysql_admin(self, sql, timeout=30):
        """As root over the socket: for settings the cdc user may not change."""
        run(["mariadb", "--no-defaults", "-u", "root", "--socket=" + self.env["CDC_TEST_MYSQL_SOCKET"], "-e", sql],
            timeout=timeout)

    def psql(self, sql, timeout=30):
        e = self.env
        env = dict(os.environ, PGPASSWORD=e["CDC_TEST_PG_PASSWORD"], PGCONNECT_TIMEOUT="5")
        out = run([os.path.join(e["CDC_TEST_PG_BIN"], "psql"), "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                   "-h", e["CDC_TEST_PG_HOST"], "-p", e["CDC_TEST_PG_PORT"], "-U", e["CDC_TEST_PG_USER"],
                   "-d", e["CDC_TEST_PG_DB"], "-c", sql], env=env, timeout=timeout)
        return [line.split("\t") for line in out.splitlines()]

    def sql(self, kind, sql, timeout=30):
        return self.mysql(sql, timeout) if kind == "mysql" else self.psql(sql, timeout)

    # ---- dev Kafka ---------------------------------------------------------------------------
    @property
    def bootstrap(self):
        return self.env["CDC_TEST_KAFKA_BOOTSTRAP"]

    def kafka(self, command):
        """One control line to cdc-dev-kafka; raises unless the answer starts with "ok"."""
        host, port = self.env["CDC_TEST_KAFKA_CONTROL"].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall((command + "\n").encode())
            reply = s.makefile().readline().strip()
        if not reply.startswith("ok"):
            raise CommandFailed("kafka control %r: %s" % (command, reply))
        return reply
