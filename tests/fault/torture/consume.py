"""Reads every topic from the beginning while the run goes on (the dev Kafka keeps only ~5 MB per
partition, so a long run must read as it goes): one kcat per topic, its output in a file that is
parsed incrementally into records grouped by key.

A record is (partition, offset, change_id, entry) with entry ("c"|"u", v, tx), ("d",) or ("t",) for the
tombstone, so it compares directly with the ledger's entries."""

import json
import os
import re
import subprocess

FORMAT = r"%p\t%o\t%k\t%h\t%S\t%s\n"
PARTITIONS = 4  # the dev cluster's auto-created layout; the harness creates its topics the same way


class TopicReader:
    def __init__(self, bootstrap, topic, path):
        self.topic = topic
        self.path = path
        self.by_key = {}  # id -> [record, ...] in consumption order
        self.next_offset = {}  # partition -> next offset expected
        self.count = 0
        self.problems = []  # gaps, unparseable lines, keys on two partitions
        self.bootstrap = bootstrap
        self.restarts = 0
        self.proc = None
        self._start_kcat()
        self.inp = open(path, "r")
        self.partial = ""

    def _start_kcat(self):
        # kcat terminates when librdkafka reports all brokers down, which it does as soon as the brokers
        # it happens to be connected to are down. It is restarted from the beginning of the topic; the
        # offsets read before are skipped, and a gap still shows (retention or loss).
        with open(self.path, "a") as out, open(self.path + ".err", "a") as err:
            self.proc = subprocess.Popen(["kcat", "-C", "-b", self.bootstrap, "-t", self.topic, "-o", "beginning",
                                          "-u", "-q", "-f", FORMAT], stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err)

    def poll(self):
        """Parses what kcat wrote since the last call; restarts kcat when it has exited."""
        exited = self.proc.poll() is not None
        self._read()
        if exited:
            self.partial = ""  # a line cut short by the exit; it is read again
            self.restarts += 1
            self._start_kcat()

    def _read(self):
        while True:
            chunk = self.inp.read(1 << 20)
            if not chunk:
                return
            lines = (self.partial + chunk).split("\n")
            self.partial = lines.pop()
            for line in lines:
                self._parse(line)

    def _parse(self, line):
        try:
            p, o, key, headers, size, value = line.split("\t", 5)
            p, o = int(p), int(o)
            if o < self.next_offset.get(p, 0):
                return  # read again after a kcat restart
            cid = re.search(r"(?:^|,)cdc\.change_id=([^,]*)", headers).group(1)
            if size == "-1":
                entry = ("t",)
            else:
                v = json.loads(value)
                entry = ("d",) if v["op"] == "d" else (v["op"], v["after"]["v"], v["after"]["tx"])
            kid = json.loads(key)["id"]
        except (ValueError, KeyError, AttributeError, TypeError) as e:
            self.problems.append("%s: unparseable record (%s): %.200s" % (self.topic, e, line))
            return
        expected = self.next_offset.get(p, 0)
        if o > expected:
            # Either the consumer fell behind the dev cluster's retention, or records vanished.
            self.problems.append("%s[%d]: offset %d follows %d" % (self.topic, p, o, expected - 1))
        self.next_offset[p] = o + 1
        recs = self.by_key.setdefault(kid, [])
        if recs and recs[0][0] != p:
            self.problems.append("%s: key %d on partitions %d and %d" % (self.topic, kid, recs[0][0], p))
        recs.append((p, o, cid, entry))
        self.count += 1

    def caught_up(self, end_offsets):
        return all(self.next_offset.get(p, 0) >= end for p, end in end_offsets.items())

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.inp.close()

    def remove_dump(self):
        for p in (self.path, self.path + ".err"):
            if os.path.exists(p):
                os.remove(p)


def end_offsets(bootstrap, topics):
    """{topic: {partition: end offset}} from the brokers (kcat -Q with the logical offset -1 = end)."""
    cmd = ["kcat", "-Q", "-b", bootstrap]
    for t in topics:
        for p in range(PARTITIONS):
            cmd += ["-t", "%s:%d:-1" % (t, p)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout
    result = {t: {} for t in topics}
    for m in re.finditer(r"^(\S+) \[(\d+)\] offset (-?\d+)$", out, re.M):
        result[m.group(1)][int(m.group(2))] = int(m.group(3))
    return result
