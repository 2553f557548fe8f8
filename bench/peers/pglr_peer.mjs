// Peer: pg-logical-replication (pgoutput plugin) streams a replication slot, turns each row change of the
// publication into a Debezium-shaped event and writes it to OUT (bench/run uses /dev/null). Exits after
// EXPECT row changes. Connection from PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE; BENCH_SLOT,
// BENCH_PUBLICATION, BENCH_EXPECT, BENCH_OUT.
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import { plain, envelope, LineSink, finish } from './debezium.mjs';

const e = (k) => process.env['BENCH_' + k];
const expect = Number(e('EXPECT'));
const sink = new LineSink(e('OUT') || '/dev/null');
const startedAt = process.hrtime.bigint();
const ops = { insert: 'c', update: 'u', delete: 'd' };

const service = new LogicalReplicationService({}, { acknowledge: { auto: true, timeoutSeconds: 10 } });
const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [e('PUBLICATION')] });

let commitTime = null;
service.on('data', (lsn, msg) => {
  if (msg.tag === 'begin') {
    commitTime = Number(msg.commitTime / 1000n);
    return;
  }
  const op = ops[msg.tag];
  if (!op) return;
  const before = op === 'u' ? plain(msg.old) : op === 'd' ? plain(msg.old || msg.key) : null;
  const after = op === 'd' ? null : plain(msg.new);
  const rel = msg.relation;
  const source = {
    version: 'pg-logical-replication', connector: 'postgresql', name: 'bench', ts_ms: commitTime,
    snapshot: 'false', db: process.env.PGDATABASE, schema: rel.schema, table: rel.name, lsn,
  };
  const key = {};
  const keyRow = after || before || {};
  for (const col of rel.keyColumns) key[col] = keyRow[col];
  sink.write(key, envelope(op, before, after, source));
  if (op === 'd') sink.tombstone(key);
  if (sink.count >= expect) {
    finish(sink, startedAt);
    process.exit(0);
  }
});

service.on('error', (err) => {
  console.error('pg-logical-replication error:', err);
  process.exit(1);
});

service.subscribe(plugin, e('SLOT')).catch((err) => {
  console.error('subscribe failed:', err);
  process.exit(1);
});
