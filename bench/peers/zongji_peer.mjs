// Peer: @vlasky/zongji reads the MariaDB/MySQL binlog as a replica from FILE:POS, turns each row change of
// one table into a Debezium-shaped event and writes it to OUT (bench/run uses /dev/null). Exits after
// EXPECT row changes. Usage (all from the environment, so no password appears in `ps`):
//   BENCH_MYSQL_HOST PORT USER PASSWORD DB TABLE BINLOG_FILE BINLOG_POS EXPECT OUT SERVER_ID
import ZongJi from '@vlasky/zongji';
import { plain, envelope, LineSink, finish } from './debezium.mjs';

const e = (k) => process.env['BENCH_' + k];
const expect = Number(e('EXPECT'));
const db = e('MYSQL_DB');
const table = e('TABLE');
const sink = new LineSink(e('OUT') || '/dev/null');
const startedAt = process.hrtime.bigint();
const ops = { writerows: 'c', updaterows: 'u', deleterows: 'd' };

const zongji = new ZongJi({
  host: e('MYSQL_HOST'), port: Number(e('MYSQL_PORT')), user: e('MYSQL_USER'), password: e('MYSQL_PASSWORD'),
});

let rowInEvent = 0;
zongji.on('binlog', (evt) => {
  const op = ops[evt.getEventName()];
  if (!op || !evt.rows) return;
  const map = evt.tableMap[evt.tableId];
  rowInEvent = 0;
  for (const row of evt.rows) {
    const before = op === 'u' ? plain(row.before) : op === 'd' ? plain(row) : null;
    const after = op === 'u' ? plain(row.after) : op === 'c' ? plain(row) : null;
    const source = {
      version: 'zongji', connector: 'mysql', name: 'bench', ts_ms: evt.timestamp, snapshot: 'false',
      db: map.parentSchema, table: map.tableName, server_id: 1, file: zongji.options.filename,
      pos: evt.nextPosition, row: rowInEvent++,
    };
    const key = { id: (after || before).id };
    sink.write(key, envelope(op, before, after, source));
    if (op === 'd') sink.tombstone(key);
  }
  if (sink.count >= expect) {
    finish(sink, startedAt);
    zongji.stop();
    process.exit(0);
  }
});

zongji.on('error', (err) => {
  console.error('zongji error:', err);
  process.exit(1);
});

zongji.start({
  serverId: Number(e('SERVER_ID') || 5499),
  filename: e('BINLOG_FILE'),
  position: Number(e('BINLOG_POS')),
  includeEvents: ['rotate', 'tablemap', 'writerows', 'updaterows', 'deleterows'],
  includeSchema: { [db]: [table] },
});
