// Every message kind the writer produces, byte for byte, against reviewed golden files in
// tests/data/golden/envelope/. Regenerate with CDC_UPDATE_GOLDEN=1 (then review the diff by eye against
// ENVELOPE.md before committing). The agent version is stored as @VERSION@ so a release bump does not
// invalidate the files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cdc_version.h"
#include "event/envelope.h"
#include "event_fixtures.h"

namespace cdc::event {
namespace {

using testing::is_valid_json;

std::filesystem::path golden_dir() {
  const char* src = std::getenv("CDC_SOURCE_DIR");
  return std::filesystem::path(src != nullptr ? src : CDC_SOURCE_DIR_DEFAULT) / "tests/data/golden/envelope";
}

std::string versionless(std::string s) {
  const std::string from = "\"version\":\"" CDC_AGENT_VERSION "\"";
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) {
    s.replace(at, from.size(), "\"version\":\"@VERSION@\"");
  }
  return s;
}

// One Kafka record as the golden file shows it: three tab-separated lines.
struct Record {
  std::string topic;
  std::optional<std::string> key;    // nullopt = null key
  std::optional<std::string> value;  // nullopt = tombstone (null value)

  std::string render() const {
    return "topic\t" + topic + "\nkey\t" + (key ? *key : "(null)") + "\nvalue\t" + (value ? *value : "(null)") + "\n";
  }
};

void check_golden(const std::string& name, const Record& r) {
  if (r.key) {
    EXPECT_TRUE(is_valid_json(*r.key)) << name;
  }
  if (r.value) {
    EXPECT_TRUE(is_valid_json(*r.value)) << name;
  }
  const std::string actual = versionless(r.render());
  const auto path = golden_dir() / (name + ".txt");
  if (const char* upd = std::getenv("CDC_UPDATE_GOLDEN"); upd != nullptr && std::string(upd) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with CDC_UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "golden mismatch: " << path;
}

struct Case {
  Connector connector;
  char op;  // c u d r t, or 'x' for the tombstone that follows a delete
  bool schemas;
};

std::string case_name(const Case& c) {
  std::string op = c.op == 'x' ? "tombstone" : std::string(1, c.op);
  std::string conn = c.connector == Connector::mysql ? "mysql" : c.connector == Connector::mariadb ? "mariadb" : "postgresql";
  return conn + "_" + op + (c.schemas ? "_schemas" : "_plain");
}

Record record_for(const Case& c) {
  const EnvelopeOptions o = testing::options(c.schemas);
  const bool pg = c.connector == Connector::postgresql;
  const TableSchema t = pg ? testing::pg_orders(o) : testing::mysql_customers(o);
  auto fill = [&](Row& r, int64_t id, bool updated) {
    if (pg) {
      testing::fill_order(r, id, updated ? "gift \"wrap\" ✓" : "first order", updated ? "1234.5" : "-0.001");
    } else {
      testing::fill_customer(r, id, updated ? "Zoë \"Z\" O'Brien" : "Anne", updated ? "25.5" : "-1234.11");
    }
  };
  ChangeEvent e;
  e.table = &t;
  e.source = pg ? testing::pg_source() : testing::mysql_source(c.connector);
  e.processed_ts_ns = 1709205256789012345;
  switch (c.op == 'x' ? 'd' : c.op) {
    case 'c': e.op = Op::create; e.has_after = true; fill(e.after, 1001, false); break;
    case 'u':
      e.op = Op::update;
      e.has_before = e.has_after = true;
      fill(e.before, 1001, false);
      fill(e.after, 1001, true);
      if (!pg) e.source.query = "UPDATE customers SET name='Zoë' WHERE id=1001";
      break;
    case 'd': e.op = Op::del; e.has_before = true; fill(e.before, 1001, true); break;
    case 'r':
      e.op = Op::read;
      e.has_after = true;
      fill(e.after, 1001, false);
      e.source.snapshot = SnapshotMarker::first;
      e.source.gtid.clear();
      e.source.thread.reset();
      e.source.tx_id.reset();
      e.source.sequence.clear();
      break;
    case 't': e.op = Op::truncate; break;
  }
  EnvelopeWriter w(o);
  Record r;
  r.topic = w.topic(t);
  std::string key;
  if (w.key(e, key)) r.key = key;
  if (c.op == 'x') {
    EXPECT_TRUE(w.wants_tombstone(e));
    return r;  // same topic and key, null value
  }
  r.value.emplace();
  w.value(e, *r.value);
  return r;
}

class EnvelopeGolden : public ::testing::TestWithParam<Case> {};

TEST_P(EnvelopeGolden, MatchesReviewedBytes) {
  const Case c = GetParam();
  check_golden(case_name(c), record_for(c));
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const Connector conn : {Connector::mysql, Connector::mariadb, Connector::postgresql}) {
    std::string ops = conn == Connector::postgresql ? "cudrxt" : "cudrx";
    for (const char op : ops) {
      for (const bool schemas : {true, false}) cases.push_back({conn, op, schemas});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllOps, EnvelopeGolden, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return case_name(info.param); });

TEST(EnvelopeGoldenMeta, HeartbeatAndTransactionMessages) {
  for (const bool schemas : {true, false}) {
    const std::string suffix = schemas ? "_schemas" : "_plain";
    EnvelopeWriter w(testing::options(schemas));
    Record hb{w.heartbeat_topic(), std::string(), std::string()};
    w.heartbeat_key(*hb.key);
    w.heartbeat_value(1709205256789, *hb.value);
    check_golden("heartbeat" + suffix, hb);

    Record begin{w.transaction_topic(), std::string(), std::string()};
    w.transaction_key("3e11fa47-71ca-11e1-9e33-c80aa9429562:42", *begin.key);
    w.transaction_begin("3e11fa47-71ca-11e1-9e33-c80aa9429562:42", 1709205255000, *begin.value);
    check_golden("transaction_begin" + suffix, begin);

    Record end{w.transaction_topic(), std::string(), std::string()};
    const std::vector<CollectionCount> counts{{"inventory.customers", 2}, {"inventory.orders", 1}};
    w.transaction_key("3e11fa47-71ca-11e1-9e33-c80aa9429562:42", *end.key);
    w.transaction_end("3e11fa47-71ca-11e1-9e33-c80aa9429562:42", 1709205255000, counts, *end.value);
    check_golden("transaction_end" + suffix, end);
  }
}

TEST(EnvelopeGoldenMeta, TransactionBlockInsideTheEnvelope) {
  const EnvelopeOptions o = testing::options(false);
  const TableSchema t = testing::mysql_customers(o);
  ChangeEvent e;
  e.table = &t;
  e.op = Op::create;
  e.has_after = true;
  testing::fill_customer(e.after, 7, "Bob", "0.00");
  e.source = testing::mysql_source(Connector::mysql);
  e.tx = TxBlock{"3e11fa47-71ca-11e1-9e33-c80aa9429562:42", 3, 2};
  e.processed_ts_ns = 1709205256789012345;
  EnvelopeWriter w(o);
  Record r{w.topic(t), std::string(), std::string()};
  ASSERT_TRUE(w.key(e, *r.key));
  w.value(e, *r.value);
  check_golden("mysql_c_with_transaction_plain", r);
}

}  // namespace
}  // namespace cdc::event
