"""The end-of-run verdict for one source: the writer's ledger against what every topic holds and what
the tables hold.

Per key, records are read in partition order and deduplicated the way docs/change-id.md tells a
consumer to ("skip if change id <= last applied"). Then:
- lost: a committed change (ledger) that never reached its topic (must be 0);
- phantom: a change in Kafka that no committed transaction made (must be 0);
- order: a new change id behind one already seen, or the changes in another order than committed;
- state: the last change per key differs from the row in the table (or the ledger from the table);
- duplicates: a change id seen again. It is explained when the stream was restarted at least that many
  times from an acknowledged position at or before the change; otherwise it is unexplained (must be 0)."""

import bisect
import collections


class Ledger:
    """Committed changes per (table, id) in commit order, as written by cdc-torture-writer."""

    def __init__(self, path):
        self.changes = collections.defaultdict(list)
        self.final = {}  # (table, id) -> (v, tx) or None when deleted
        self.committed = self.rolled_back = self.ambiguous = self.ambiguous_committed = 0
        self.rows = 0
        self.last_txid = 0
        txid = 0
        with open(path) as f:
            for line in f:
                parts = line.split()
                if parts[0] == "T":
                    txid, ok, amb = int(parts[1]), parts[2] == "C", parts[4] == "1"
                    self.committed += ok
                    self.rolled_back += not ok
                    self.ambiguous += amb
                    self.ambiguous_committed += amb and ok
                    if ok:
                        self.last_txid = txid
                    continue
                table, op, kid, v = parts[0], parts[1], int(parts[2]), int(parts[3])
                key = (table, kid)
                self.rows += 1
                if op == "d":
                    self.changes[key] += [("d",), ("t",)]
                    self.final[key] = None
                else:
                    self.changes[key].append((op, v, txid))
                    self.final[key] = (v, txid)


class Verdict:
    def __init__(self, kind):
        self.kind = kind
        self.rows_checked = self.lost = self.phantom = self.order = self.state = 0
        self.duplicates = self.dup_after_ack = self.dup_unexplained = 0
        self.examples = collections.defaultdict(list)

    def problem(self, what, text, n=1):
        setattr(self, what, getattr(self, what) + n)
        if len(self.examples[what]) < 5:
            self.examples[what].append(text)

    @property
    def ok(self):
        return not (self.lost or self.phantom or self.order or self.state or self.dup_unexplained)


def dedupe(records):
    """Applies records in partition order the consumer's way; returns (new entries, duplicate ids,
    ids that arrived behind a later one)."""
    seen = {}
    last = ""
    fresh, dups, behind = [], [], []
    for _p, _o, cid, entry in records:
        if cid > last:
            fresh.append(entry)
            seen[cid] = entry
            last = cid
        elif seen.get(cid) == entry:
            dups.append(cid)
        else:
            behind.append(cid)
    return fresh, dups, behind


def check_source(source, ledger, readers, tables_now, resumes):
    """readers: topic -> TopicReader; tables_now: table -> {id: (v, tx)}; resumes: positions the stream
    was (re)started from."""
    verdict = Verdict(source.kind)
    verdict.rows_checked = ledger.rows
    dup_ids = collections.Counter()
    kafka_final = {}
    topic_of = source.topics()
    for topic, reader in readers.items():
        table = topic_of[topic]
        for kid, records in reader.by_key.items():
            key = (table, kid)
            fresh, dups, behind = dedupe(records)
            dup_ids.update(dups)
            for cid in behind:
                verdict.problem("order", "%s id %d: change %s arrived after a later one" % (topic, kid, cid))
            expected = ledger.changes.get(key, [])
            _compare(verdict, topic, kid, expected, fresh)
            kafka_final[key] = None if not fresh or fresh[-1][0] in "dt" else fresh[-1][1:]
    for key, expected in ledger.changes.items():
        if key not in kafka_final:
            verdict.problem("lost", "%s id %d: none of %d changes arrived" % (key[0], key[1], len(expected)),
                            sum(1 for e in expected if e[0] != "t"))
    _check_state(verdict, ledger, kafka_final, tables_now)
    _classify_duplicates(verdict, source, dup_ids, sorted(resumes))
    return verdict


def _compare(verdict, topic, kid, expected, fresh):
    if fresh == expected:
        return
    want, got = set(expected), set(fresh)
    missing = [e for e in expected if e not in got]
    extra = [e for e in fresh if e not in want]
    lost = sum(1 for e in missing if e[0] != "t")  # a missing tombstone alone counts as an order/state issue
    if missing:
        verdict.problem("lost", "%s id %d: missing %s (expected %s, got %s)" % (topic, kid, missing, expected, fresh),
                        max(lost, 1))
    if extra:
        verdict.problem("phantom", "%s id %d: unexpected %s (expected %s)" % (topic, kid, extra, expected),
                        len(extra))
    if not missing and not extra:
        verdict.problem("order", "%s id %d: expected %s, got %s" % (topic, kid, expected, fresh))


def _check_state(verdict, ledger, kafka_final, tables_now):
    in_db = {(t, kid): row for t, rows in tables_now.items() for kid, row in rows.items()}
    for key in set(in_db) | set(ledger.final) | set(kafka_final):
        db, led, kaf = in_db.get(key), ledger.final.get(key), kafka_final.get(key)
        if db != led:
            verdict.problem("state", "%s id %d: table has %s, ledger says %s" % (key[0], key[1], db, led))
        elif db != kaf:
            verdict.problem("state", "%s id %d: table has %s, topic ends with %s" % (key[0], key[1], db, kaf))


def _classify_duplicates(verdict, source, dup_ids, resumes):
    for cid, n in dup_ids.items():
        pos = source.change_position(cid)
        restarts_before = bisect.bisect_right(resumes, pos)
        explained = min(n, restarts_before)
        verdict.duplicates += n
        verdict.dup_after_ack += explained
        if n > explained:
            verdict.problem("dup_unexplained", "%s seen %d extra times; only %d resumes from at or before it"
                            % (cid, n, restarts_before), n - explained)

