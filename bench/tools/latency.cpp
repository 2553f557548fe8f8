// bench-latency: latency under paced load for bench/run (docs/benchmarks.md, "Latency under paced load").
//
// Three threads in one process, so every timestamp comes from the same clock (CLOCK_MONOTONIC, µs):
//  - the writer inserts rows into bench_latency at --rate rows/s on a fixed schedule: row i (id i+1) is
//    *intended* at t0 + i/rate and carries that time in its intended_us column. It sleeps until the next
//    row is due, then commits every row that is due by now in one transaction (one row per transaction
//    while it keeps up; when the server or the machine stalls it, the rows it owes go together). Latency
//    is measured from the intended time, so a stall counts as latency instead of lowering the offered
//    load (coordinated omission). After each commit it reads the commit's position in the same round
//    trip: MariaDB @@last_gtid, PostgreSQL pg_current_wal_insert_lsn() (>= the commit record's end, so
//    an acknowledgement is never credited early).
//  - the consumer reads the agent's topic (every partition from the beginning, assigned, not joined to
//    the group, which only names it for librdkafka; fetch.wait.max.ms=1) and
//    notes when each id first arrives: "to Kafka" = arrival - intended_us of the row (read from the
//    message). The broker is on loopback, so arrival is the broker's append plus one fetch round trip.
//  - the position poller reads the acknowledged position every millisecond (MySQL: the agent's offset
//    file, its gtid_set; PostgreSQL: pg_replication_slots.confirmed_flush_lsn of --slot) and notes when
//    it changed: "to acknowledged position" = first poll at which the position covers the row's commit
//    position - intended time.
// Prints one JSON object with p50/p99/max per measure over the rows after --warmup seconds, plus the same
// figures measured from the writer's commit return instead of the intended time.
#include <libpq-fe.h>
#include <mysql.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kafka_util.h"

namespace {

int64_t now_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void sleep_until_us(int64_t t) {
  timespec ts{static_cast<time_t>(t / 1000000), static_cast<long>(t % 1000000) * 1000};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

struct Options {
  std::string source, bootstrap, topic, table = "bench_latency";
  std::string mysql_host = "127.0.0.1", mysql_user, mysql_db, offsets;  // password: BENCH_DB_PASSWORD
  unsigned mysql_port = 3306;
  std::string slot;  // PostgreSQL: connection from the PG* environment variables
  double rate = 5000, seconds = 10, warmup = 2, settle = 30;
  int max_batch = 1000;
};

struct Txn {
  int64_t first = 0, last = 0;  // row indices [first, last]
  int64_t committed_us = 0;     // writer saw the commit return
  uint64_t position = 0;        // gtid sequence number or LSN after the commit
};

// ---- the source connection: one row batch per transaction, returns its position ----------------------
class Writer {
 public:
  virtual ~Writer() = default;
  virtual uint64_t commit_rows(const std::string& values) = 0;  // "(id,us,pad),(…)"
};

class MysqlWriter : public Writer {
 public:
  MysqlWriter(const Options& o, MYSQL* m) : table_(o.table), m_(m) {}
  uint64_t commit_rows(const std::string& values) override {
    // autocommit: the INSERT is its own transaction; @@last_gtid is the GTID it committed with.
    std::string sql = "INSERT INTO `" + table_ + "` (id, intended_us, pad) VALUES " + values + "; SELECT @@last_gtid";
    if (mysql_real_query(m_, sql.data(), sql.size())) throw std::runtime_error(mysql_error(m_));
    uint64_t seq = 0;
    do {
      if (MYSQL_RES* res = mysql_store_result(m_)) {
        if (MYSQL_ROW row = mysql_fetch_row(res); row && row[0]) {
          std::string g = row[0];  // domain-server-seq
          seq = std::strtoull(g.substr(g.rfind('-') + 1).c_str(), nullptr, 10);
        }
        mysql_free_result(res);
      } else if (mysql_field_count(m_)) {
        throw std::runtime_error(mysql_error(m_));
      }
    } while (mysql_next_result(m_) == 0);
    if (mysql_errno(m_)) throw std::runtime_error(mysql_error(m_));
    return seq;
  }

 private:
  std::string table_;
  MYSQL* m_;
};

uint64_t parse_lsn(const char* s) {
  unsigned hi = 0, lo = 0;
  if (!s || std::sscanf(s, "%X/%X", &hi, &lo) != 2) return 0;
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

PGconn* pg_connect() {
  PGconn* c = PQconnectdb("");  // PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE
  if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(std::string("PostgreSQL: ") + PQerrorMessage(c));
  return c;
}

class PgWriter : public Writer {
 public:
  PgWriter(const Options& o, PGconn* c) : table_(o.table), c_(c) {}
  uint64_t commit_rows(const std::string& values) override {
    // One simple query, one round trip; the SELECT runs after the COMMIT, in its own transaction.
    std::string sql = "BEGIN; INSERT INTO \"" + table_ + "\" (id, intended_us, pad) VALUES " + values +
                      "; COMMIT; SELECT pg_current_wal_insert_lsn()";
    PGresult* r = PQexec(c_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::string err = PQerrorMessage(c_);
      PQclear(r);
      throw std::runtime_error("PostgreSQL: " + err);
    }
    uint64_t lsn = parse_lsn(PQgetvalue(r, 0, 0));
    PQclear(r);
    return lsn;
  }

 private:
  std::string table_;
  PGconn* c_;
};

// ---- acknowledged position ---------------------------------------------------------------------------
uint64_t read_offsets_gtid_seq(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("gtid_set=", 0) == 0) {
      // Single-domain test server: "0-1-428" (take the last sequence number of the first domain).
      std::string g = line.substr(9, line.find(',') == std::string::npos ? std::string::npos : line.find(',') - 9);
      auto dash = g.rfind('-');
      return dash == std::string::npos ? 0 : std::strtoull(g.c_str() + dash + 1, nullptr, 10);
    }
  return 0;
}

struct PositionPoller {
  std::vector<std::pair<int64_t, uint64_t>> changes;  // (time, position) whenever it moved
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> latest{0};

  void run(const Options& o) {
    PGconn* pg = o.source == "pg" ? pg_connect() : nullptr;
    const std::string q = "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + o.slot + "'";
    uint64_t last = 0;
    while (!stop.load()) {
      int64_t start = now_us();
      uint64_t pos = 0;
      if (pg) {
        PGresult* r = PQexec(pg, q.c_str());
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) pos = parse_lsn(PQgetvalue(r, 0, 0));
        PQclear(r);
      } else {
        pos = read_offsets_gtid_seq(o.offsets);
      }
      if (pos > last) {
        last = pos;
        changes.emplace_back(now_us(), pos);
        latest.store(pos);
      }
      sleep_until_us(start + 1000);
    }
    if (pg) PQfinish(pg);
  }
};

// ---- consumer -----------------------------------------------------------------------------------------
int64_t json_int_after(std::string_view s, std::string_view key) {
  auto at = s.find(key);
  if (at == std::string_view::npos) return -1;
  return std::strtoll(s.data() + at + key.size(), nullptr, 10);
}

struct Consumer {
  std::vector<int64_t> arrived_us, intended_us;  // per row index; 0 = not seen
  std::atomic<int64_t> seen{0};
  std::atomic<bool> stop{false};
  std::string error;

  void run(const Options& o, int64_t rows) {
    arrived_us.assign(rows, 0);
    intended_us.assign(rows, 0);
    try {
      auto rk = cdc::bench::make_handle(
          RD_KAFKA_CONSUMER, o.bootstrap,
          {"group.id=bench-latency", "enable.auto.commit=false", "allow.auto.create.topics=false",
           "fetch.wait.max.ms=1", "fetch.error.backoff.ms=1", "enable.partition.eof=false"});
      // The agent creates the topic with its first message: wait for it, then read every partition.
      rd_kafka_topic_partition_list_t* parts = nullptr;
      while (!parts && !stop.load()) {
        const rd_kafka_metadata_t* md = nullptr;
        if (rd_kafka_metadata(rk.get(), 1, nullptr, &md, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          for (int t = 0; t < md->topic_cnt; ++t)
            if (o.topic == md->topics[t].topic && !md->topics[t].err && md->topics[t].partition_cnt > 0) {
              parts = rd_kafka_topic_partition_list_new(md->topics[t].partition_cnt);
              for (int p = 0; p < md->topics[t].partition_cnt; ++p)
                rd_kafka_topic_partition_list_add(parts, o.topic.c_str(), md->topics[t].partitions[p].id)->offset =
                    RD_KAFKA_OFFSET_BEGINNING;
            }
          rd_kafka_metadata_destroy(md);
        }
        if (!parts) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (!parts) return;
      rd_kafka_assign(rk.get(), parts);
      rd_kafka_topic_partition_list_destroy(parts);
      while (!stop.load()) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 50);
        if (!m) continue;
        int64_t t = now_us();
        if (m->err) {
          error = rd_kafka_message_errstr(m);
        } else if (m->payload) {
          std::string_view v(static_cast<const char*>(m->payload), m->len);
          auto after = v.find("\"after\":{");
          int64_t id = after == std::string_view::npos ? -1 : json_int_after(v.substr(after), "\"id\":");
          int64_t intended = json_int_after(v, "\"intended_us\":");
          if (id >= 1 && id <= rows && intended > 0 && arrived_us[id - 1] == 0) {
            arrived_us[id - 1] = t;
            intended_us[id - 1] = intended;
            seen.fetch_add(1);
          }
        }
        rd_kafka_message_destroy(m);
      }
      rd_kafka_consumer_close(rk.get());
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
};

// ---- statistics ---------------------------------------------------------------------------------------
std::string percentiles(std::vector<int64_t> v, int64_t missing) {
  char buf[256];
  if (v.empty()) {
    std::snprintf(buf, sizeof buf, "{\"n\":0,\"missing\":%" PRId64 "}", missing);
    return buf;
  }
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))] / 1000.0; };
  std::snprintf(buf, sizeof buf,
                "{\"n\":%zu,\"missing\":%" PRId64
                ",\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
                "\"p999_ms\":%.3f,\"max_ms\":%.3f}",
                v.size(), missing, at(0.5), at(0.9), at(0.99), at(0.999), v.back() / 1000.0);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Paced writer + consumer + position poller: latency from intended commit time"};
  Options o;
  app.add_option("--source", o.source)->required()->check(CLI::IsMember({"mysql", "pg"}));
  app.add_option("-b,--bootstrap", o.bootstrap)->required();
  app.add_option("-t,--topic", o.topic, "the agent's topic for the table")->required();
  app.add_option("--table", o.table);
  app.add_option("--rate", o.rate, "rows per second");
  app.add_option("--seconds", o.seconds, "measured seconds (after the warm-up)");
  app.add_option("--warmup", o.warmup, "seconds written before the measured window");
  app.add_option("--settle", o.settle, "seconds to wait for the last rows after writing");
  app.add_option("--max-batch", o.max_batch, "most rows one catch-up transaction takes");
  app.add_option("--mysql-host", o.mysql_host);
  app.add_option("--mysql-port", o.mysql_port);
  app.add_option("--mysql-user", o.mysql_user);
  app.add_option("--mysql-db", o.mysql_db);
  app.add_option("--offsets", o.offsets, "MySQL: the agent's state.dir/offsets");
  app.add_option("--slot", o.slot, "PostgreSQL: the agent's slot");
  CLI11_PARSE(app, argc, argv);

  MYSQL* my = nullptr;
  PGconn* pg = nullptr;
  try {
    std::unique_ptr<Writer> writer;
    if (o.source == "mysql") {
      my = mysql_init(nullptr);
      const char* pw = std::getenv("BENCH_DB_PASSWORD");
      if (!mysql_real_connect(my, o.mysql_host.c_str(), o.mysql_user.c_str(), pw, o.mysql_db.c_str(), o.mysql_port,
                              nullptr, CLIENT_MULTI_STATEMENTS))
        throw std::runtime_error(std::string("MariaDB: ") + mysql_error(my));
      writer = std::make_unique<MysqlWriter>(o, my);
    } else {
      pg = pg_connect();
      writer = std::make_unique<PgWriter>(o, pg);
    }

    const auto rows = static_cast<int64_t>(o.rate * (o.warmup + o.seconds));
    const int64_t warm_rows = static_cast<int64_t>(o.rate * o.warmup);
    Consumer consumer;
    PositionPoller poller;
    std::thread ct([&] { consumer.run(o, rows); });
    std::thread pt([&] { poller.run(o); });

    const std::string pad(100, 'x');
    const int64_t t0 = now_us() + 100000;
    auto intended = [&](int64_t i) { return t0 + static_cast<int64_t>(static_cast<double>(i) * 1e6 / o.rate); };
    std::vector<Txn> txns;
    int64_t max_lag_us = 0;
    std::string values;
    auto stop_threads = [&] {
      consumer.stop = true;
      poller.stop = true;
      ct.join();
      pt.join();
    };
    try {
      for (int64_t i = 0; i < rows;) {
        sleep_until_us(intended(i));
        int64_t start = now_us();
        max_lag_us = std::max(max_lag_us, start - intended(i));
        int64_t j = i;
        values.clear();
        while (j < rows && j - i < o.max_batch && intended(j) <= start) {
          values +=
              (j > i ? ",(" : "(") + std::to_string(j + 1) + "," + std::to_string(intended(j)) + ",'" + pad + "')";
          ++j;
        }
        uint64_t pos = writer->commit_rows(values);
        txns.push_back({i, j - 1, now_us(), pos});
        i = j;
      }
    } catch (...) {
      stop_threads();
      throw;
    }
    const int64_t write_end = now_us();

    // Wait for every row in Kafka and the last commit acknowledged (or --settle seconds without both).
    const int64_t deadline = write_end + static_cast<int64_t>(o.settle * 1e6);
    while (now_us() < deadline && (consumer.seen.load() < rows || poller.latest.load() < txns.back().position))
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop_threads();
    for (char& c : consumer.error)
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '\'';

    // Per row: latency from the intended time (headline) and from the writer's commit return.
    std::vector<int64_t> kafka, ack, kafka_c, ack_c;
    int64_t kafka_missing = 0, ack_missing = 0;
    size_t ci = 0;  // index into poller.changes, advanced as the transactions' positions grow
    for (const Txn& t : txns) {
      while (ci < poller.changes.size() && poller.changes[ci].second < t.position) ++ci;
      int64_t acked = ci < poller.changes.size() ? poller.changes[ci].first : 0;
      for (int64_t r = t.first; r <= t.last; ++r) {
        if (r < warm_rows) continue;
        if (consumer.arrived_us[r]) {
          kafka.push_back(consumer.arrived_us[r] - consumer.intended_us[r]);
          kafka_c.push_back(consumer.arrived_us[r] - t.committed_us);
        } else {
          ++kafka_missing;
        }
        if (acked) {
          ack.push_back(acked - intended(r));
          ack_c.push_back(acked - t.committed_us);
        } else {
          ++ack_missing;
        }
      }
    }
    std::printf("{\"source\":\"%s\",\"rate\":%.0f,\"rows\":%" PRId64 ",\"measured_rows\":%" PRId64
                ",\"transactions\":%zu,"
                "\"achieved_rows_s\":%.1f,\"writer_max_lag_ms\":%.3f,\"consumer_error\":\"%s\",\n"
                " \"kafka\":%s,\n \"ack\":%s,\n \"kafka_from_commit\":%s,\n \"ack_from_commit\":%s}\n",
                o.source.c_str(), o.rate, rows, rows - warm_rows, txns.size(),
                static_cast<double>(rows) * 1e6 / static_cast<double>(write_end - t0), max_lag_us / 1000.0,
                consumer.error.substr(0, 200).c_str(), percentiles(kafka, kafka_missing).c_str(),
                percentiles(ack, ack_missing).c_str(), percentiles(kafka_c, kafka_missing).c_str(),
                percentiles(ack_c, ack_missing).c_str());
  } catch (const std::exception& e) {
    std::cerr << "bench-latency: " << e.what() << "\n";
    if (my) mysql_close(my);
    if (pg) PQfinish(pg);
    return 1;
  }
  if (my) mysql_close(my);
  if (pg) PQfinish(pg);
  return 0;
}
