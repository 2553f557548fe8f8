// Shared by the peer programs: Debezium-shaped change events (key + envelope value, the same fields the
// agent emits without schemas) written as "key<TAB>value" lines through a buffered file descriptor.
import fs from 'node:fs';

// Buffers become base64 (binary.handling.mode=base64), Dates epoch milliseconds, bigints strings.
export function plain(row) {
  if (row === null || row === undefined) return null;
  const out = {};
  for (const name of Object.keys(row)) {
    const v = row[name];
    if (v === null || v === undefined) out[name] = null;
    else if (Buffer.isBuffer(v)) out[name] = v.toString('base64');
    else if (v instanceof Date) out[name] = v.getTime();
    else if (typeof v === 'bigint') out[name] = v.toString();
    else out[name] = v;
  }
  return out;
}

export function envelope(op, before, after, source) {
  return { before, after, source, op, ts_ms: Date.now(), transaction: null };
}

export class LineSink {
  constructor(path) {
    this.fd = fs.openSync(path, 'w');
    this.parts = [];
    this.size = 0;
    this.count = 0;
  }

  write(key, value) {
    const line = JSON.stringify(key) + '\t' + JSON.stringify(value) + '\n';
    this.parts.push(line);
    this.size += line.length;
    this.count++;
    if (this.size > 1 << 16) this.flush();
  }

  // A delete is followed by a tombstone (null value), as Debezium does by default.
  tombstone(key) {
    this.parts.push(JSON.stringify(key) + '\tnull\n');
    this.size += 16;
  }

  flush() {
    if (this.parts.length) fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  close() {
    this.flush();
    fs.closeSync(this.fd);
  }
}

// Reports {events, seconds} on stdout; bench/run reads it and measures CPU and memory itself.
export function finish(sink, startedAt) {
  sink.close();
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  process.stdout.write(JSON.stringify({ events: sink.count, seconds }) + '\n');
}
