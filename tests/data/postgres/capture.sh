#!/bin/sh
# Regenerates the recorded pgoutput streams in this folder from a throwaway PostgreSQL 15 started with
#   wal_level=logical logical_decoding_work_mem=64kB lc_monetary=C TimeZone=UTC
# Usage: PGHOST=/tmp/pgdir PGPORT=54396 PGUSER=postgres sh capture.sh
# Each output line is "<LSN>\t<hex of one pgoutput message>", read with
# pg_logical_slot_peek_binary_changes(), which returns exactly the payloads the walsender would put
# in XLogData messages, each with its LSN.
set -eu
cd "$(dirname "$0")"
psql() { command psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

psql <<'SQL'
DROP PUBLICATION IF EXISTS cap_pub;
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('cap_v1', 'cap_v2');
DROP SCHEMA IF EXISTS shop CASCADE;
CREATE SCHEMA shop;
CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN shop.price AS numeric(10,2);
CREATE TABLE shop.orders (id int PRIMARY KEY, note text, qty int2 NOT NULL DEFAULT 1);
CREATE TABLE shop.full_ident (id bigint PRIMARY KEY, name varchar(20), big text);
ALTER TABLE shop.full_ident REPLICA IDENTITY FULL;
CREATE TABLE shop.toasty (id int PRIMARY KEY, big text, tags text[], n int);
ALTER TABLE shop.toasty ALTER COLUMN big SET STORAGE EXTERNAL;
CREATE TABLE shop.types (
  id int PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, o oid, f4 float4, f8 float8,
  n numeric(10,3), nv numeric, m money, t text, vc varchar(10), bc char(3), by bytea,
  d date, ti time, ti3 time(3), ttz timetz, ts timestamp, ts3 timestamp(3), tstz timestamptz,
  iv interval, u uuid, j json, jb jsonb, x xml, ip inet, cidr_ cidr, mac macaddr,
  e shop.mood, p shop.price, ia int4[], ta text[], ea shop.mood[], na numeric(5,2)[]);
CREATE PUBLICATION cap_pub FOR TABLES IN SCHEMA shop;
SELECT 'init' FROM pg_create_logical_replication_slot('cap_v1', 'pgoutput');
SQL

psql <<'SQL'
INSERT INTO shop.orders VALUES (1, 'first', 2), (2, NULL, 3);
UPDATE shop.orders SET note = 'changed' WHERE id = 1;
UPDATE shop.orders SET id = 10 WHERE id = 2;
DELETE FROM shop.orders WHERE id = 1;
INSERT INTO shop.full_ident VALUES (7, 'seven', 'x');
UPDATE shop.full_ident SET name = 'SEVEN' WHERE id = 7;
DELETE FROM shop.full_ident WHERE id = 7;
INSERT INTO shop.toasty SELECT 1, string_agg(md5(g::text), ''), ARRAY['a', 'b c', NULL], 1 FROM generate_series(1, 400) g;
UPDATE shop.toasty SET n = 2 WHERE id = 1;
INSERT INTO shop.types VALUES (1, true, -32768, 2147483647, -9223372036854775808, 4294967295, 'NaN', '-Infinity',
  '-1234.500', '1.2300', '-$1,234.56', E'tab\there "q"', 'vc', 'ab', '\x00ff10',
  '0044-03-15 BC', '24:00:00', '13:51:30.123', '13:51:30.123789+02', '2024-02-29 11:14:15.5', '2016-11-04 13:51:30.123',
  '2024-02-29 12:14:15.5+01', '1 year 2 mons 3 days 04:05:06.7', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{"a": 1}', '{"b": [1, 2]}', '<x>1</x>', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03',
  'happy', 12.5, '{1,NULL,3}', '{"x,y","q\"t",NULL}', '{sad,ok}', '{1.5,-2.25}');
INSERT INTO shop.types (id, d, ts, tstz, iv) VALUES (2, 'infinity', '-infinity', 'infinity', '-1 days +02:03:00');
TRUNCATE shop.orders, shop.full_ident RESTART IDENTITY CASCADE;
SELECT pg_logical_emit_message(false, 'cdc-agent-heartbeat', 'hb');
BEGIN; INSERT INTO shop.orders VALUES (99, 'tx msg', 1); SELECT pg_logical_emit_message(true, 'app', 'payload'); COMMIT;
SQL

psql -c "SELECT 'init' FROM pg_create_logical_replication_slot('cap_v2', 'pgoutput')"
V1_END=$(psql -At -c "SELECT pg_current_wal_insert_lsn()")

# Protocol v2 with streaming: a transaction bigger than logical_decoding_work_mem, with an aborted
# subtransaction inside, then a streamed transaction that aborts entirely.
psql <<'SQL'
BEGIN;
INSERT INTO shop.orders SELECT g, repeat('s', 150), 1 FROM generate_series(1000, 1400) g;
SAVEPOINT s1;
INSERT INTO shop.orders SELECT g, 'rolled back', 1 FROM generate_series(5000, 5300) g;
ROLLBACK TO SAVEPOINT s1;
INSERT INTO shop.orders VALUES (2000, 'after rollback', 1);
COMMIT;
BEGIN;
INSERT INTO shop.orders SELECT g, repeat('a', 150), 1 FROM generate_series(7000, 7400) g;
ROLLBACK;
SQL

dump() {
  psql -At -F '	' -c "SELECT lsn, encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('$1', $4, NULL, $2)" > "$3"
  echo "$3: $(wc -l < "$3") messages"
}
dump cap_v1 "'proto_version', '1', 'publication_names', 'cap_pub', 'messages', 'true'" pgoutput_v1.tsv "'$V1_END'"
dump cap_v2 "'proto_version', '2', 'publication_names', 'cap_pub', 'messages', 'true', 'streaming', 'on'" pgoutput_v2_streaming.tsv NULL

psql <<'SQL'
SELECT pg_drop_replication_slot('cap_v1');
SELECT pg_drop_replication_slot('cap_v2');
DROP PUBLICATION cap_pub;
DROP SCHEMA shop CASCADE;
SQL
