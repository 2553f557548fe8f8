-- Benchmark workloads for MariaDB/MySQL (bench/run loads this file once, then CALLs the procedures).
-- Every value is derived from the row id, so each run generates the same bytes. Row counts are
-- procedure arguments (bench/run scales them; see docs/benchmarks.md). Needs the SEQUENCE engine
-- (built into MariaDB) for set-based generation.
--   bench_reset_orders()                 bench_orders: ~200-byte rows (6 columns)
--   bench_insert_orders(first, n, per)   n rows with ids first.., committed every `per` rows
--   bench_mixed(n)                       n changes, 10 per transaction: 6 insert, 3 update, 1 delete
--                                        (call bench_insert_orders(1, n DIV 10 + 6, 1000) first: seed)
--   bench_reset_wide()                   bench_wide: 30 columns, ~4.6 KiB of TEXT/BLOB per row
--   bench_wide(n)                        n changes, 10 per transaction: 7 insert, 3 update of one small
--                                        column (after bench_wide_rows(1, 7, 7): seed)
--   bench_reset_latency()                bench_latency: the paced writer's table (bench/tools/latency.cpp)
DROP PROCEDURE IF EXISTS bench_reset_orders;
DROP PROCEDURE IF EXISTS bench_insert_orders;
DROP PROCEDURE IF EXISTS bench_mixed;
DROP PROCEDURE IF EXISTS bench_reset_wide;
DROP PROCEDURE IF EXISTS bench_wide_rows;
DROP PROCEDURE IF EXISTS bench_wide;
DROP PROCEDURE IF EXISTS bench_reset_latency;

DELIMITER //

CREATE PROCEDURE bench_reset_latency()
BEGIN
  DROP TABLE IF EXISTS bench_latency;
  CREATE TABLE bench_latency (id BIGINT PRIMARY KEY, intended_us BIGINT NOT NULL, pad VARCHAR(100) NOT NULL);
END //

CREATE PROCEDURE bench_reset_orders()
BEGIN
  DROP TABLE IF EXISTS bench_orders;
  CREATE TABLE bench_orders (
    id          BIGINT PRIMARY KEY,
    customer_id INT NOT NULL,
    status      VARCHAR(16) NOT NULL,
    amount      DECIMAL(12,2) NOT NULL,
    created_at  DATETIME(3) NOT NULL,
    note        VARCHAR(200) NOT NULL
  ) ENGINE=InnoDB;
END//

-- The seq table's range scan makes each INSERT exactly the rows [first + i, first + i + per).
CREATE PROCEDURE bench_insert_orders(first BIGINT, n BIGINT, per BIGINT)
BEGIN
  DECLARE i BIGINT DEFAULT 0;
  WHILE i < n DO
    START TRANSACTION;
    INSERT INTO bench_orders (id, customer_id, status, amount, created_at, note)
      SELECT seq, seq % 10007, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'),
             (seq % 100000) / 100, TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND,
             CONCAT(MD5(seq), MD5(seq + 1), MD5(seq + 2), MD5(seq + 3), LEFT(MD5(seq + 4), 22))
        FROM seq_1_to_1000000000 WHERE seq BETWEEN first + i AND first + LEAST(i + per, n) - 1;
    COMMIT;
    SET i = i + per;
  END WHILE;
END//

-- Seed s = n DIV 10 + 6 rows. Batch b inserts s+6b+1..s+6b+6, updates three rows of the previous
-- batch (batch 0: seed rows s-5..s-3) and deletes seed row s-b; no change ever misses its row.
CREATE PROCEDURE bench_mixed(n BIGINT)
BEGIN
  DECLARE b BIGINT DEFAULT 0;
  DECLARE batches BIGINT DEFAULT n DIV 10;
  DECLARE s BIGINT DEFAULT n DIV 10 + 6;
  WHILE b < batches DO
    START TRANSACTION;
    INSERT INTO bench_orders (id, customer_id, status, amount, created_at, note)
      SELECT seq, seq % 10007, 'new', (seq % 100000) / 100,
             TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND,
             CONCAT(MD5(seq), MD5(seq + 1), MD5(seq + 2), MD5(seq + 3), LEFT(MD5(seq + 4), 22))
        FROM seq_1_to_1000000000 WHERE seq BETWEEN s + 6 * b + 1 AND s + 6 * b + 6;
    UPDATE bench_orders SET status = 'paid', amount = amount + 1
      WHERE id BETWEEN s + 6 * b - 5 AND s + 6 * b - 3;
    DELETE FROM bench_orders WHERE id = s - b;
    COMMIT;
    SET b = b + 1;
  END WHILE;
END//

CREATE PROCEDURE bench_reset_wide()
BEGIN
  DROP TABLE IF EXISTS bench_wide;
  CREATE TABLE bench_wide (
    id BIGINT PRIMARY KEY,
    c01 INT, c02 BIGINT, c03 SMALLINT, c04 TINYINT, c05 DECIMAL(18,4), c06 DOUBLE, c07 FLOAT,
    c08 DATE, c09 DATETIME(6), c10 TIMESTAMP(3) NULL, c11 VARCHAR(32), c12 VARCHAR(64), c13 CHAR(8),
    c14 BOOLEAN, c15 ENUM('a','b','c'), c16 INT UNSIGNED, c17 BIGINT, c18 DECIMAL(10,2),
    c19 VARCHAR(32), c20 DATE, c21 TIME, c22 INT, c23 VARCHAR(16), c24 DOUBLE, c25 VARBINARY(16),
    t1 TEXT, t2 TEXT, b1 BLOB, b2 BLOB
  ) ENGINE=InnoDB;
END//

CREATE PROCEDURE bench_wide_rows(first BIGINT, last BIGINT)
BEGIN
  INSERT INTO bench_wide
    SELECT seq, seq % 100000, seq * 1000003, seq % 30000, seq % 100, (seq % 1000000) / 10000,
           seq / 7, seq / 3, DATE'2020-01-01' + INTERVAL seq % 3650 DAY,
           TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND,
           TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND, MD5(seq), CONCAT(MD5(seq), MD5(seq + 1)),
           LEFT(MD5(seq + 2), 8), seq % 2, ELT(1 + seq % 3, 'a', 'b', 'c'), seq, -seq, (seq % 100000) / 100,
           LEFT(SHA1(seq), 32), DATE'2000-01-01' + INTERVAL seq % 9000 DAY, SEC_TO_TIME(seq % 86400), seq % 1000,
           LEFT(SHA1(seq + 1), 16), seq / 11, UNHEX(MD5(seq + 3)),
           REPEAT(MD5(seq), 64), REPEAT(SHA1(seq), 26), REPEAT(UNHEX(MD5(seq + 5)), 64),
           REPEAT(UNHEX(SHA1(seq + 6)), 26)
      FROM seq_1_to_1000000000 WHERE seq BETWEEN first AND last;
END//

CREATE PROCEDURE bench_wide(n BIGINT)
BEGIN
  DECLARE b BIGINT DEFAULT 0;
  DECLARE batches BIGINT DEFAULT n DIV 10;
  WHILE b < batches DO
    START TRANSACTION;
    CALL bench_wide_rows(7 + 7 * b + 1, 7 + 7 * b + 7);
    UPDATE bench_wide SET c01 = c01 + 1 WHERE id BETWEEN 7 * b + 1 AND 7 * b + 3;
    COMMIT;
    SET b = b + 1;
  END WHILE;
END//

DELIMITER ;
