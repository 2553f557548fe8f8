-- Benchmark workloads for PostgreSQL; the same rows as mariadb.sql (see there for the shapes).
-- Procedures commit inside their loops (CALL them outside a transaction block).
--   bench_reset_orders()  bench_insert_orders(first, n, per)  bench_mixed(n)
--   bench_reset_wide()    bench_wide_rows(first, last)        bench_wide(n)
--   bench_reset_latency() (the paced writer's table, bench/tools/latency.cpp)
-- bench_wide's TEXT/BYTEA columns use STORAGE EXTERNAL: stored out of line in TOAST, uncompressed, so
-- updates that leave them alone reach pgoutput as "unchanged TOAST" markers.

CREATE OR REPLACE PROCEDURE bench_reset_orders() LANGUAGE plpgsql AS $$
BEGIN
  DROP TABLE IF EXISTS bench_orders;
  CREATE TABLE bench_orders (
    id          bigint PRIMARY KEY,
    customer_id integer NOT NULL,
    status      varchar(16) NOT NULL,
    amount      numeric(12,2) NOT NULL,
    created_at  timestamp(3) NOT NULL,
    note        varchar(200) NOT NULL
  );
END $$;

CREATE OR REPLACE PROCEDURE bench_insert_orders(first bigint, n bigint, per bigint) LANGUAGE plpgsql AS $$
DECLARE i bigint := 0;
BEGIN
  WHILE i < n LOOP
    INSERT INTO bench_orders (id, customer_id, status, amount, created_at, note)
      SELECT s, s % 10007, (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + s % 4],
             (s % 100000) / 100.0, timestamp '2024-01-01' + s * interval '1 second',
             md5(s::text) || md5((s + 1)::text) || md5((s + 2)::text) || md5((s + 3)::text)
               || left(md5((s + 4)::text), 22)
        FROM generate_series(first + i, first + least(i + per, n) - 1) AS s;
    COMMIT;
    i := i + per;
  END LOOP;
END $$;

CREATE OR REPLACE PROCEDURE bench_mixed(n bigint) LANGUAGE plpgsql AS $$
DECLARE
  b bigint := 0;
  batches bigint := n / 10;
  s0 bigint := n / 10 + 6;
BEGIN
  WHILE b < batches LOOP
    INSERT INTO bench_orders (id, customer_id, status, amount, created_at, note)
      SELECT s, s % 10007, 'new', (s % 100000) / 100.0, timestamp '2024-01-01' + s * interval '1 second',
             md5(s::text) || md5((s + 1)::text) || md5((s + 2)::text) || md5((s + 3)::text)
               || left(md5((s + 4)::text), 22)
        FROM generate_series(s0 + 6 * b + 1, s0 + 6 * b + 6) AS s;
    UPDATE bench_orders SET status = 'paid', amount = amount + 1
      WHERE id BETWEEN s0 + 6 * b - 5 AND s0 + 6 * b - 3;
    DELETE FROM bench_orders WHERE id = s0 - b;
    COMMIT;
    b := b + 1;
  END LOOP;
END $$;

CREATE OR REPLACE PROCEDURE bench_reset_wide() LANGUAGE plpgsql AS $$
BEGIN
  DROP TABLE IF EXISTS bench_wide;
  CREATE TABLE bench_wide (
    id bigint PRIMARY KEY,
    c01 integer, c02 bigint, c03 smallint, c04 smallint, c05 numeric(18,4), c06 double precision,
    c07 real, c08 date, c09 timestamp(6), c10 timestamptz(3), c11 varchar(32), c12 varchar(64),
    c13 char(8), c14 boolean, c15 text, c16 bigint, c17 bigint, c18 numeric(10,2), c19 varchar(32),
    c20 date, c21 time, c22 integer, c23 varchar(16), c24 double precision, c25 bytea,
    t1 text, t2 text, b1 bytea, b2 bytea
  );
  ALTER TABLE bench_wide ALTER COLUMN t1 SET STORAGE EXTERNAL, ALTER COLUMN t2 SET STORAGE EXTERNAL,
    ALTER COLUMN b1 SET STORAGE EXTERNAL, ALTER COLUMN b2 SET STORAGE EXTERNAL;
END $$;

CREATE OR REPLACE PROCEDURE bench_wide_rows(first bigint, last bigint) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bench_wide
    SELECT s, s % 100000, s * 1000003, s % 30000, s % 100, (s % 1000000) / 10000.0, s / 7.0, s / 3.0,
           date '2020-01-01' + (s % 3650)::int, timestamp '2024-01-01' + s * interval '1 second',
           timestamptz '2024-01-01 00:00:00+00' + s * interval '1 second', md5(s::text),
           md5(s::text) || md5((s + 1)::text), left(md5((s + 2)::text), 8), s % 2 = 1,
           (ARRAY['a', 'b', 'c'])[1 + s % 3], s, -s, (s % 100000) / 100.0, left(encode(sha256(s::text::bytea), 'hex'), 32),
           date '2000-01-01' + (s % 9000)::int, time '00:00' + (s % 86400) * interval '1 second', s % 1000,
           left(md5((s + 1)::text), 16), s / 11.0, decode(md5((s + 3)::text), 'hex'),
           repeat(md5(s::text), 64), repeat(encode(sha256(s::text::bytea), 'hex'), 16),
           decode(repeat(md5((s + 5)::text), 64), 'hex'), decode(repeat(md5((s + 6)::text), 32), 'hex')
      FROM generate_series(first, last) AS s;
END $$;

CREATE OR REPLACE PROCEDURE bench_wide(n bigint) LANGUAGE plpgsql AS $$
DECLARE
  b bigint := 0;
  batches bigint := n / 10;
BEGIN
  WHILE b < batches LOOP
    CALL bench_wide_rows(7 + 7 * b + 1, 7 + 7 * b + 7);
    UPDATE bench_wide SET c01 = c01 + 1 WHERE id BETWEEN 7 * b + 1 AND 7 * b + 3;
    COMMIT;
    b := b + 1;
  END LOOP;
END $$;

CREATE OR REPLACE PROCEDURE bench_reset_latency() LANGUAGE plpgsql AS $$
BEGIN
  DROP TABLE IF EXISTS bench_latency;
  CREATE TABLE bench_latency (id bigint PRIMARY KEY, intended_us bigint NOT NULL, pad varchar(100) NOT NULL);
END $$;
