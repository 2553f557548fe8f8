// The agent loop acknowledges a source position only when every message before it was delivered, and
// applies exclude_columns and transaction metadata on the way to the sink.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "event/columns.h"
#include "main/pipeline.h"

namespace cdc {
namespace {

using event::ChangeEvent;
using event::SourcePosition;

// A sink that holds messages until the test delivers (or fails) them.
class HeldSink final : public Sink {
 public:
  void send(OutMessage&& m) override { held.push_back(std::move(m)); }
  void poll(int) override {}
  bool flush(int) override {
    deliver_all();
    return true;
  }
  void deliver(size_t i) { on_delivery(held[i].seq, nullptr); }
  void deliver_all() {
    for (auto& m : held) on_delivery(m.seq, nullptr);
  }
  std::vector<OutMessage> held;
};

// A source that replays a script: each step hands events and commits to the loop.
class ScriptSource final : public event::Source {
 public:
  std::deque<std::function<void(event::EventSink&)>> steps;
  std::vector<SourcePosition> acks;
  std::function<void()> after_step;
  void start() override {}
  void poll(event::EventSink& out, int) override {
    if (steps.empty()) return;
    auto s = std::move(steps.front());
    steps.pop_front();
    s(out);
    if (after_step) after_step();
  }
  void ack(const SourcePosition& p) override { acks.push_back(p); }
  void stop() override {}
};

event::TableSchema orders_table() {
  event::TableSchema t;
  t.db = "shop";
  t.table = "orders";
  t.columns.push_back(event::col::int32("id", false));
  t.columns.push_back(event::col::string("note", true));
  t.columns.push_back(event::col::string("card_number", true));
  t.key = {0};
  t.version = 1;
  return t;
}

ChangeEvent insert(const event::TableSchema& t, int id, std::string tx) {
  ChangeEvent ev;
  ev.op = event::Op::create;
  ev.table = &t;
  ev.has_after = true;
  ev.after.reset(3);
  ev.after.set_int(0, id);
  ev.after.set_text(1, "note " + std::to_string(id));
  ev.after.set_text(2, "4111-1111");
  ev.source.db = "shop";
  ev.source.file = "mysql-bin.000001";
  ev.change_id = "m:" + std::to_string(id);
  ev.tx_id = std::move(tx);
  return ev;
}

SourcePosition pos(uint64_t p) { return SourcePosition{"mysql-bin.000001", p, "", 0}; }

PipelineOptions options() {
  PipelineOptions o;
  o.envelope.prefix = "t";
  o.envelope.schemas = false;
  o.heartbeat_interval_ms = 0;
  o.ack_interval_ms = 0;
  return o;
}

TEST(PipelineAcks, PositionWaitsForEveryEarlierDelivery) {
  auto t = orders_table();
  ScriptSource src;
  HeldSink sink;
  Pipeline p(options(), src, sink);
  std::atomic<bool> stop{false};
  std::vector<size_t> acks_seen;
  // Step 1: two transactions (2 events, then 1). Kafka confirms the later ones first.
  src.steps.push_back([&](event::EventSink& out) {
    auto a = insert(t, 1, "a");
    out.change(a);
    auto b = insert(t, 2, "a");
    out.change(b);
    out.commit(pos(100));
    auto c = insert(t, 3, "b");
    out.change(c);
    out.commit(pos(200));
    sink.deliver(2);
    sink.deliver(1);
  });
  // Step 2: the loop had its chance to acknowledge: nothing may be, message 0 is still in flight.
  src.steps.push_back([&](event::EventSink&) {
    acks_seen.push_back(src.acks.size());
    sink.deliver(0);
  });
  // Step 3: now the whole prefix is delivered: the newest commit is acknowledged.
  src.steps.push_back([&](event::EventSink&) {
    acks_seen.push_back(src.acks.size());
    stop = true;
  });
  EXPECT_EQ(p.run(stop), 0);
  ASSERT_EQ(acks_seen.size(), 2u);
  EXPECT_EQ(acks_seen[0], 0u);
  EXPECT_EQ(acks_seen[1], 1u);
  ASSERT_EQ(src.acks.size(), 1u);
  EXPECT_EQ(src.acks[0], pos(200));
}

TEST(PipelineAcks, PartialDeliveryReleasesOnlyTheFirstTransaction) {
  auto t = orders_table();
  ScriptSource src;
  HeldSink sink;
  Pipeline p(options(), src, sink);
  std::atomic<bool> stop{false};
  src.steps.push_back([&](event::EventSink& out) {
    auto a = insert(t, 1, "a");
    out.change(a);
    out.commit(pos(100));
    auto b = insert(t, 2, "b");
    out.change(b);
    out.commit(pos(200));
    sink.deliver(0);
  });
  src.steps.push_back([&](event::EventSink&) { stop = true; });
  sink.held.reserve(8);
  // flush() at the drain delivers the rest, so the final ack is 200; before it, only 100 was released.
  EXPECT_EQ(p.run(stop), 0);
  ASSERT_EQ(src.acks.size(), 2u);
  EXPECT_EQ(src.acks[0], pos(100));
  EXPECT_EQ(src.acks[1], pos(200));
}

TEST(PipelineAcks, FailedDeliveryStopsWithoutAcknowledging) {
  auto t = orders_table();
  ScriptSource src;
  HeldSink sink;
  Pipeline p(options(), src, sink);
  src.steps.push_back([&](event::EventSink& out) {
    auto ev = insert(t, 1, "a");
    out.change(ev);
    out.commit(pos(100));
  });
  const std::string error = "MSG_SIZE_TOO_LARGE on t.shop.orders [0]";
  src.after_step = [&] { sink.on_delivery(sink.held[0].seq, &error); };
  std::atomic<bool> stop{false};
  try {
    p.run(stop);
    FAIL() << "expected the loop to stop";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::internal);
    EXPECT_NE(std::string(e.what()).find("MSG_SIZE_TOO_LARGE"), std::string::npos);
  }
  EXPECT_TRUE(src.acks.empty());
}

TEST(PipelineColumns, ExcludedColumnsNeverReachTheSink) {
  auto t = orders_table();
  ScriptSource src;
  HeldSink sink;
  auto o = options();
  o.column_excluded = [](std::string_view c) { return c == "shop.orders.card_number"; };
  Pipeline p(o, src, sink);
  auto ev = insert(t, 7, "a");
  p.change(ev);
  ASSERT_EQ(sink.held.size(), 1u);
  const auto& v = sink.held[0].value;
  EXPECT_EQ(v.find("card_number"), std::string::npos) << v;
  EXPECT_EQ(v.find("4111"), std::string::npos) << v;
  EXPECT_NE(v.find("\"after\":{\"id\":7,\"note\":\"note 7\"}"), std::string::npos) << v;
  EXPECT_EQ(sink.held[0].key, "{\"id\":7}");
  // The source gets its event back intact.
  EXPECT_EQ(ev.table, &t);
  EXPECT_EQ(ev.after.values.size(), 3u);
  EXPECT_EQ(ev.after.view(ev.after.values[2]), "4111-1111");
}

TEST(PipelineTransactions, BeginAndEndFrameTheTransactionsEvents) {
  auto t = orders_table();
  ScriptSource src;
  HeldSink sink;
  auto o = options();
  o.envelope.transaction_metadata = true;
  Pipeline p(o, src, sink);
  auto a = insert(t, 1, "0-1-7");
  auto b = insert(t, 2, "0-1-7");
  p.change(a);
  p.change(b);
  p.commit(pos(100));
  p.commit(pos(150));  // a transaction with no captured change: no metadata
  ASSERT_EQ(sink.held.size(), 4u);
  EXPECT_EQ(sink.held[0].topic, "t.transaction");
  EXPECT_NE(sink.held[0].value.find("\"status\":\"BEGIN\""), std::string::npos) << sink.held[0].value;
  EXPECT_NE(sink.held[1].value.find("\"transaction\":{\"id\":\"0-1-7\",\"total_order\":1,\"data_collection_order\":1}"),
            std::string::npos)
      << sink.held[1].value;
  EXPECT_NE(sink.held[2].value.find("\"total_order\":2,\"data_collection_order\":2"), std::string::npos);
  EXPECT_EQ(sink.held[3].topic, "t.transaction");
  EXPECT_NE(sink.held[3].value.find("\"status\":\"END\""), std::string::npos);
  EXPECT_NE(sink.held[3].value.find("\"event_count\":2"), std::string::npos) << sink.held[3].value;
  simdjson::dom::parser parser;
  for (const auto& m : sink.held) EXPECT_FALSE(parser.parse(m.value).error()) << m.value;
}

TEST(PipelineHeaders, TombstoneCarriesItsOwnChangeId) {
  auto t = orders_table();
  ScriptSource src;
  HeldSink sink;
  Pipeline p(options(), src, sink);
  ChangeEvent ev = insert(t, 3, "x");
  ev.op = event::Op::del;
  ev.has_before = true;
  ev.before = ev.after;
  ev.has_after = false;
  p.change(ev);
  ASSERT_EQ(sink.held.size(), 2u);
  EXPECT_TRUE(sink.held[1].value_null);
  auto header = [](const OutMessage& m, const std::string& k) {
    for (const auto& [hk, hv] : m.headers)
      if (hk == k) return hv;
    return std::string("<missing>");
  };
  EXPECT_EQ(header(sink.held[0], "cdc.change_id"), "m:3");
  EXPECT_EQ(header(sink.held[1], "cdc.change_id"), "m:3:t");
  EXPECT_EQ(header(sink.held[1], "cdc.op"), "d");
  EXPECT_LT(header(sink.held[0], "cdc.change_id"), header(sink.held[1], "cdc.change_id"));
}

}  // namespace
}  // namespace cdc
