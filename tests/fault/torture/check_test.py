#!/usr/bin/env python3
"""The torture checker catches what it claims to: lost, phantom and reordered changes, state that differs
from the table, and duplicates that no restart from an acknowledged position explains. Synthetic
ledgers and topics, no servers."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from check import Ledger, check_source  # noqa: E402
from sources import MysqlSource  # noqa: E402

TOPIC = "tm.db.t1"


class FakeSource:
    kind = "mysql"
    tables = ["t1"]
    change_position = staticmethod(MysqlSource.change_position)

    def topics(self):
        return {TOPIC: "t1"}


class FakeReader:
    def __init__(self, by_key):
        self.by_key = by_key


def cid(tx_pos, index=0, tomb=False):
    return "m:0000000001:%020d:%010d%s" % (tx_pos, index, ":t" if tomb else "")


def ledger(text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        return Ledger(f.name)
    finally:
        os.unlink(f.name)


# Key 1: inserted by tx 1 (binlog position 100), updated by tx 2 (200), deleted by tx 3 (300).
LEDGER = "T 1 C 2 0\nt1 c 1 0\nT 2 C 2 0\nt1 u 1 1\nT 3 C 2 0\nt1 d 1 1\nT 4 R 2 0\n"
STREAM = [(0, 0, cid(100), ("c", 0, 1)), (0, 1, cid(200), ("u", 1, 2)), (0, 2, cid(300), ("d",)),
          (0, 3, cid(300, tomb=True), ("t",))]


def check(records, resumes=(), table_rows=None, text=LEDGER):
    return check_source(FakeSource(), ledger(text), {TOPIC: FakeReader({1: records})},
                        {"t1": table_rows or {}}, list(resumes))


class CheckerTest(unittest.TestCase):
    def test_complete_stream_passes(self):
        v = check(STREAM)
        self.assertTrue(v.ok)
        self.assertEqual(v.rows_checked, 3)
        self.assertEqual(v.duplicates, 0)

    def test_missing_change_is_lost(self):
        v = check([STREAM[0], STREAM[2], STREAM[3]])
        self.assertEqual(v.lost, 1)
        self.assertFalse(v.ok)

    def test_key_never_seen_counts_every_change_lost(self):
        v = check_source(FakeSource(), ledger(LEDGER), {TOPIC: FakeReader({})}, {"t1": {}}, [])
        self.assertEqual(v.lost, 3)

    def test_change_of_rolled_back_transaction_is_phantom(self):
        v = check(STREAM[:2] + [(0, 2, cid(250), ("u", 2, 4))] + STREAM[2:])
        self.assertEqual(v.phantom, 1)

    def test_change_behind_a_later_one_is_an_order_violation(self):
        v = check([STREAM[1], STREAM[0], STREAM[2], STREAM[3]])
        self.assertGreaterEqual(v.order, 1)
        self.assertFalse(v.ok)

    def test_replay_after_resume_position_is_an_explained_duplicate(self):
        replay = [(0, 4 + i, r[2], r[3]) for i, r in enumerate(STREAM[1:])]
        v = check(STREAM + replay, resumes=[(1, 200)])
        self.assertTrue(v.ok)
        self.assertEqual((v.duplicates, v.dup_after_ack, v.dup_unexplained), (3, 3, 0))

    def test_replay_from_before_the_acknowledged_position_is_unexplained(self):
        replay = [(0, 4 + i, r[2], r[3]) for i, r in enumerate(STREAM)]
        v = check(STREAM + replay, resumes=[(1, 200)])  # the insert at 100 was acknowledged
        self.assertEqual(v.dup_unexplained, 1)
        self.assertFalse(v.ok)

    def test_each_replay_needs_its_own_resume(self):
        twice = STREAM + [(0, 4, cid(300), ("d",)), (0, 5, cid(300), ("d",))]
        v = check(twice, resumes=[(1, 300)])
        self.assertEqual((v.dup_after_ack, v.dup_unexplained), (1, 1))

    def test_topic_final_state_must_match_table(self):
        text = "T 1 C 2 0\nt1 c 1 0\n"
        self.assertTrue(check([STREAM[0]], table_rows={1: (0, 1)}, text=text).ok)
        v = check([STREAM[0]], table_rows={1: (5, 9)}, text=text)
        self.assertEqual(v.state, 1)


if __name__ == "__main__":
    unittest.main()
