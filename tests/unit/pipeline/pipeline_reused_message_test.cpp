// Sink::send may leave the caller's OutMessage holding a delivered message's buffers (KafkaSink recycles
// them). The pipeline refills one OutMessage for every message, so nothing of an earlier message may leak
// into the next one: every field must be set again, whatever the sink left behind.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "event/columns.h"
#include "main/pipeline.h"
#include "tests/unit/main/phase_source.h"

namespace cdc {
namespace {

using event::ChangeEvent;

// Records each message, then leaves `m` full of stale content, as a recycling sink may.
class RecordingSink final : public Sink {
 public:
  explicit RecordingSink(bool leave_junk) : leave_junk_(leave_junk) {}
  void send(OutMessage&& m) override {
    sent.push_back(m);
    on_delivery(m.seq, nullptr);
    if (!leave_junk_) return;
    m.topic = "stale.topic.from.an.earlier.message.of.another.table";
    m.key = std::string(300, 'k');
    m.key_null = !m.key_null;
    m.value = std::string(5000, 'v');
    m.value_null = !m.value_null;
    m.headers.assign(5, {"stale.header.name", std::string(40, 'h')});
    m.seq = 424242;
  }
  void poll(int) override {}
  bool flush(int) override { return true; }
  std::vector<OutMessage> sent;

 private:
  bool leave_junk_;
};

event::TableSchema orders_table() {
  event::TableSchema t;
  t.db = "shop";
  t.table = "orders";
  t.columns.push_back(event::col::int32("id", false));
  t.columns.push_back(event::col::string("note", true));
  t.key = {0};
  t.version = 1;
  return t;
}

ChangeEvent row_event(const event::TableSchema& t, event::Op op, int id, const std::string& tx) {
  ChangeEvent ev;
  ev.op = op;
  ev.table = &t;
  event::Row& row = op == event::Op::del ? ev.before : ev.after;
  (op == event::Op::del ? ev.has_before : ev.has_after) = true;
  row.reset(2);
  row.set_int(0, id);
  row.set_text(1, "note " + std::to_string(id));
  ev.source.db = "shop";
  ev.source.file = "mysql-bin.000001";
  ev.change_id = "m:1:4:" + std::to_string(id);
  ev.tx_id = tx;
  return ev;
}

// Feeds the same stream to a pipeline: two transactions with inserts, a delete (envelope + tombstone) and
// a keyless-table change, with transaction metadata (messages without headers) in between.
std::vector<OutMessage> run(RecordingSink& sink) {
  auto orders = orders_table();
  auto keyless = orders_table();
  keyless.table = "audit_log";
  keyless.key.clear();
  test::PhaseSource src;  // a source that reads nothing: the test drives the pipeline directly
  PipelineOptions o;
  o.envelope.prefix = "t";
  o.envelope.schemas = true;
  o.envelope.transaction_metadata = true;
  o.heartbeat_interval_ms = 0;
  Pipeline p(o, src, sink);
  for (int i = 1; i <= 3; ++i) {
    auto ev = row_event(orders, event::Op::create, i, "0-1-1");
    p.change(ev);
  }
  p.commit(event::SourcePosition{"mysql-bin.000001", 100, "", 0});
  auto del = row_event(orders, event::Op::del, 2, "0-1-2");
  p.change(del);
  auto log = row_event(keyless, event::Op::create, 9, "0-1-2");
  p.change(log);
  auto ins = row_event(orders, event::Op::create, 4, "0-1-2");
  p.change(ins);
  p.commit(event::SourcePosition{"mysql-bin.000001", 200, "", 0});
  return sink.sent;
}

// The envelope's processing time differs between two runs; everything else must not.
std::string without_processing_time(const std::string& v) {
  static const std::regex ts(R"re("ts_(ms|us|ns)":[0-9]+)re");
  return std::regex_replace(v, ts, "");
}

TEST(PipelineReusedMessage, StaleContentLeftBySinkNeverLeaksIntoTheNextMessage) {
  RecordingSink clean(false), recycling(true);
  auto expected = run(clean);
  auto got = run(recycling);
  ASSERT_EQ(expected.size(), 11u);  // BEGIN, 3 inserts, END; BEGIN, delete, tombstone, 2 inserts, END
  ASSERT_EQ(got.size(), expected.size());
  size_t tombstones = 0, without_headers = 0, keyless = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("message " + std::to_string(i) + " to " + expected[i].topic);
    EXPECT_EQ(got[i].topic, expected[i].topic);
    EXPECT_EQ(got[i].key_null, expected[i].key_null);
    if (!expected[i].key_null) {
      EXPECT_EQ(got[i].key, expected[i].key);
    }
    EXPECT_EQ(got[i].value_null, expected[i].value_null);
    if (!expected[i].value_null) {
      EXPECT_EQ(without_processing_time(got[i].value), without_processing_time(expected[i].value));
    }
    EXPECT_EQ(got[i].headers, expected[i].headers);
    EXPECT_EQ(got[i].seq, i);
    tombstones += expected[i].value_null;
    without_headers += expected[i].headers.empty();
    keyless += expected[i].key_null;
  }
  EXPECT_EQ(tombstones, 1u);
  EXPECT_EQ(without_headers, 4u);  // the transaction BEGIN/END messages
  EXPECT_EQ(keyless, 1u);
}

}  // namespace
}  // namespace cdc
