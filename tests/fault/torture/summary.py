"""Prints the verdict: one line per source, the first examples of every problem, and the summary line
("torture: PASS ..." / "torture: FAIL ...") that CI logs and docs/torture.md quote."""

import collections


def _counter(c):
    return " ".join("%s=%d" % kv for kv in sorted(c.items())) or "none"


def report(args, chaos, agents, ledgers, verdicts, problems):
    for v in verdicts:
        led = ledgers[v.kind]
        print("torture: %s: %d transactions committed, %d rolled back, %d COMMITs interrupted by a crash "
              "(%d of them committed); "
              "%d row changes checked, lost %d, phantom %d, order %d, state %d, duplicates %d "
              "(after ack %d, unexplained %d); agent exits: %s" % (
                  v.kind, led.committed, led.rolled_back, led.ambiguous, led.ambiguous_committed, v.rows_checked, v.lost,
                  v.phantom, v.order, v.state, v.duplicates, v.dup_after_ack, v.dup_unexplained,
                  _counter(agents[v.kind].exits)))
        for what, examples in v.examples.items():
            for e in examples:
                print("torture: %s %s: %s" % (v.kind, what, e))
    for p in problems[:20]:
        print("torture: problem: %s" % p)
    if len(problems) > 20:
        print("torture: ... and %d more problems" % (len(problems) - 20))
    ok = all(v.ok for v in verdicts) and not problems
    faults = collections.Counter(chaos.counts)
    print("torture: %s minutes=%g seed=%d sources=%s faults=%d [%s] rows_checked=%d rows_lost=%d "
          "duplicates=%d (after_ack=%d unexplained=%d) phantoms=%d order_violations=%d state_mismatches=%d "
          "interrupted_commits=%d problems=%d" % (
              "PASS" if ok else "FAIL", args.minutes, args.seed, ",".join(args.sources), sum(faults.values()),
              _counter(faults), sum(v.rows_checked for v in verdicts), sum(v.lost for v in verdicts),
              sum(v.duplicates for v in verdicts), sum(v.dup_after_ack for v in verdicts),
              sum(v.dup_unexplained for v in verdicts), sum(v.phantom for v in verdicts),
              sum(v.order for v in verdicts), sum(v.state for v in verdicts),
              sum(led.ambiguous for led in ledgers.values()), len(problems)), flush=True)
    return ok
