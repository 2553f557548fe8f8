"""The machine description printed at the top of every results file."""
import os
import platform
import re
import subprocess


def _out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_gib():
    with open("/proc/meminfo") as f:
        kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    return kb / 2**20


def _os_name():
    try:
        with open("/etc/os-release") as f:
            return re.search(r'PRETTY_NAME="([^"]+)"', f.read()).group(1)
    except (OSError, AttributeError):
        return platform.platform()


def describe(repo, agent_bin, build_type):
    """[(label, value)] of everything that decides the figures."""
    peers_lock = os.path.join(repo, "bench", "peers", "package-lock.json")
    peer_versions = ""
    if os.path.exists(peers_lock):
        import json
        with open(peers_lock) as f:
            pkgs = json.load(f).get("packages", {})
        peer_versions = ", ".join(f"{n.split('node_modules/')[-1]} {pkgs[n]['version']}" for n in
                                  ("node_modules/@vlasky/zongji", "node_modules/pg-logical-replication",
                                   "node_modules/mysql2", "node_modules/pg") if n in pkgs)
    return [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} logical cores"),
        ("Memory", f"{_mem_gib():.1f} GiB"),
        ("OS / kernel", f"{_os_name()} / {platform.release()}"),
        ("cdc-agent", f"{_out([agent_bin, '--version']) or 'not built'} ({build_type} build), commit "
                      f"{_out(['git', '-C', repo, 'rev-parse', '--short', 'HEAD']) or '?'}"
                      f"{' + local changes' if _out(['git', '-C', repo, 'status', '--porcelain']) else ''}"),
        ("Compiler", _out(["c++", "--version"]).splitlines()[0] if _out(["c++", "--version"]) else "?"),
        ("librdkafka", _out(["pkg-config", "--modversion", "rdkafka"]) or "?"),
        ("MariaDB", _out(["mariadbd", "--version"]) or _out(["/usr/sbin/mariadbd", "--version"]) or "?"),
        ("PostgreSQL", _out(["/usr/lib/postgresql/15/bin/postgres", "--version"]) or "?"),
        ("Kafka", "cdc-dev-kafka: librdkafka mock cluster, 3 brokers, in-process, loopback"),
        ("Node.js / peers", f"{_out(['node', '--version'])}; {peer_versions}"),
    ]
