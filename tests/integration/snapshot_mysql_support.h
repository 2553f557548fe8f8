// MySQL/MariaDB side of the snapshot tests: streams the binlog from a position with the real connection
// and decoder, rendering the changes of one table the way the agent publishes them.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "mysql/binlog_decoder.h"
#include "mysql/conn/binlog_connection.h"
#include "tests/integration/mysql_conn_test_util.h"
#include "tests/integration/snapshot_support.h"

namespace cdc::test::snapshot {

class TableChanges : public mysql::BinlogHandler {
 public:
  TableChanges(std::string db, std::string table) : db_(std::move(db)), table_(std::move(table)), writer_(envelope_options()) {}
  void on_change(event::ChangeEvent& ev) override {
    if (ev.table->db != db_ || ev.table->table != table_) return;
    Rendered r;
    r.table = db_ + "." + table_;
    r.op = static_cast<char>(ev.op);
    r.change_id = ev.change_id;
    writer_.value(ev, r.value);
    events.push_back(std::move(r));
  }
  std::vector<Rendered> events;

 private:
  std::string db_, table_;
  event::EnvelopeWriter writer_;
};

// Decodes the binlog from `from` until `done` accepts the changes of db.table seen so far (or 20 s pass).
inline std::vector<Rendered> stream_table(const TestEnv& env, const event::SourcePosition& from, const std::string& db,
                                          const std::string& table,
                                          const std::function<bool(const std::vector<Rendered>&)>& done) {
  mysql::BinlogConnection c(mysql::test::connect_options(env));
  c.connect();
  mysql::DumpRequest req;
  req.server_id = mysql::test::test_server_id(3);
  req.file = from.file;
  req.pos = static_cast<uint32_t>(from.pos);
  c.start_dump(req);
  TableChanges h(db, table);
  mysql::DecoderOptions d;
  d.envelope = envelope_options();
  mysql::BinlogDecoder dec(std::move(d), h);
  dec.set_file(from.file);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline && !done(h.events)) {
    auto ev = c.next_event(200);
    if (!ev) continue;
    const auto& b = *ev;
    // log_pos (header bytes 13..16) is the end of the event; its start is what the decoder wants.
    uint64_t end = uint64_t{b[13]} | uint64_t{b[14]} << 8 | uint64_t{b[15]} << 16 | uint64_t{b[16]} << 24;
    dec.feed(b, end >= b.size() ? end - b.size() : 0);
  }
  return h.events;
}

}  // namespace cdc::test::snapshot
