// snapshot: initial on PostgreSQL: the rows that existed when the slot was created arrive as op "r" from
// the slot's exported snapshot, then streaming continues from the slot's consistent point with no gap
// and no overlap. A slot whose snapshot never completed is dropped and the snapshot taken again; a slot
// dropped while the agent was stopped is refused (exit 69), never silently recreated.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <vector>

#include "pg_source_support.h"

namespace cdc::pg::test {
namespace {

struct Rec {
  std::string op, snapshot;
  int64_t id = 0;
};

std::vector<Rec> read_records(const std::string& bootstrap, const std::string& topic, size_t min) {
  std::vector<Rec> out;
  simdjson::dom::parser p;
  for (const auto& r : cdc::test::consume_topic(bootstrap, topic, 30s, min)) {
    if (!r.value) continue;  // tombstone
    auto doc = p.parse(*r.value);
    Rec rec;
    rec.op = std::string(std::string_view(doc["op"].get_string()));
    rec.snapshot = std::string(std::string_view(doc["source"]["snapshot"].get_string()));
    auto img = doc["after"].is_null() ? doc["before"] : doc["after"];
    rec.id = int64_t(img["id"]);
    out.push_back(rec);
  }
  return out;
}

class PgInitialSnapshot : public PgSourceTest {};

TEST_F(PgInitialSnapshot, ExistingRowsThenStreamWithoutGapOrOverlap) {
  std::string t = create_table("items", "(id int PRIMARY KEY, name text)");
  pg().exec("INSERT INTO " + t + " SELECT g, 'row ' || g FROM generate_series(1, 40) g");
  snapshot_mode = "initial";
  start_agent({t});
  pg().exec("INSERT INTO " + t + " VALUES (41, 'late')");
  pg().exec("DELETE FROM " + t + " WHERE id = 2");
  auto recs = read_records(bootstrap(), topic(t), 42);
  ASSERT_EQ(recs.size(), 42u) << agent().log();
  // The topic has several partitions: order holds per key, so check per key.
  std::map<int64_t, std::vector<Rec>> by_id;
  size_t first = 0, last = 0;
  for (const auto& r : recs) {
    by_id[r.id].push_back(r);
    first += r.snapshot == "first";
    last += r.snapshot == "last" || r.snapshot == "last_in_data_collection";
  }
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(last, 1u);
  ASSERT_EQ(by_id.size(), 41u);
  for (int64_t id = 1; id <= 40; ++id) {
    const auto& v = by_id[id];
    ASSERT_FALSE(v.empty()) << id;
    EXPECT_EQ(v[0].op, "r") << id;
    EXPECT_NE(v[0].snapshot, "false") << id;
    EXPECT_EQ(v.size(), id == 2 ? 2u : 1u) << id;
  }
  ASSERT_EQ(by_id[2].size(), 2u);
  EXPECT_EQ(by_id[2][1].op, "d");
  EXPECT_EQ(by_id[2][1].snapshot, "false");
  ASSERT_EQ(by_id[41].size(), 1u);
  EXPECT_EQ(by_id[41][0].op, "c");
  EXPECT_EQ(by_id[41][0].snapshot, "false");
  EXPECT_EQ(agent().terminate(), 0);
  EXPECT_NE(read_file(state_dir() + "/postgres_slot").find("snapshot=done"), std::string::npos);
}

TEST_F(PgInitialSnapshot, SlotDroppedWhileStoppedIsRefused) {
  std::string t = create_table("gone", "(id int PRIMARY KEY)");
  start_agent({t});  // snapshot: never; the marker records the slot
  EXPECT_EQ(agent().terminate(), 0);
  eventually([&] { return pg().scalar("SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" +
                                      name() + "'") == "0"; }, 10s);
  pg().exec("SELECT pg_drop_replication_slot('" + name() + "')");
  Agent again(write_config({t}), state_dir() + "/..");
  EXPECT_EQ(again.wait(30s), 69) << again.log();
  EXPECT_NE(again.log().find("was dropped while the agent was stopped"), std::string::npos) << again.log();
}

}  // namespace
}  // namespace cdc::pg::test
