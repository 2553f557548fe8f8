// Protocol v2 streaming of large in-progress transactions, end to end through the real agent, PostgreSQL 15
// and Kafka. The agent's walsender gets logical_decoding_work_mem = 64kB (PGOPTIONS, which the agent adds
// to its replication session's options), so a few thousand rows already stream before their commit; every
// test proves it by seeing a spill file in state.dir while its transaction is still open. Row counts stay
// near 20000: the dev Kafka keeps only ~5 MB per partition, and every record is read back.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/pg_source_support.h"
#include "tests/support/dev_kafka.h"

namespace cdc::pg::test {
namespace {

class PgSourceStreaming : public PgSourceTest {
 protected:
  void SetUp() override {
    ::setenv("PGOPTIONS", "-c logical_decoding_work_mem=64kB", 1);
    PgSourceTest::SetUp();
    if (IsSkipped()) return;
    // A private Kafka: ~100000 records through the shared one would slow the tests running beside these.
    kafka_ = std::make_unique<cdc::test::DevKafka>();
    use_bootstrap(kafka_->bootstrap());
  }
  void TearDown() override {
    PgSourceTest::TearDown();
    kafka_.reset();
  }
  std::unique_ptr<cdc::test::DevKafka> kafka_;

  std::filesystem::path spill_dir() const { return std::filesystem::path(state_dir()) / "pg-stream"; }
  bool spill_file_present() const {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(spill_dir(), ec))
      if (e.path().extension() == ".spill") return true;
    return false;
  }
  // Waits until the agent spills the open transaction: the server is streaming it.
  void wait_for_spill() {
    ASSERT_TRUE(eventually([&] { return spill_file_present(); }, 90s))
        << "no spill file in " << spill_dir() << ": the transaction did not stream\n" << agent().log();
  }

  // id -> that key's records in topic order (one key stays in one partition); tombstones excluded.
  static std::map<long, std::vector<Change>> by_id(const std::vector<Change>& all) {
    std::map<long, std::vector<Change>> out;
    for (const auto& c : all) {
      if (c.tombstone) continue;
      auto id = c.after("id");
      out[std::stol(*id)].push_back(c);
    }
    return out;
  }
};

TEST_F(PgSourceStreaming, LargeCommittedTransactionArrivesOnceInOrder) {
  std::string t = create_table("big", "(id int PRIMARY KEY, v text)");
  start_agent({t});

  pg().exec("BEGIN");
  pg().exec("INSERT INTO " + t + " SELECT g, 'v' || g FROM generate_series(1, 20000) g");
  wait_for_spill();
  // Streamed to the agent, but nothing is published before the commit.
  EXPECT_TRUE(cdc::test::consume_topic(bootstrap(), topic(t), 2s).empty());
  pg().exec("UPDATE " + t + " SET v = 'updated' WHERE id % 10 = 0");
  pg().exec("COMMIT");

  auto all = changes(t, 22000, 180s);
  ASSERT_EQ(all.size(), 22000u);  // no restart: exactly once
  auto ids = by_id(all);
  ASSERT_EQ(ids.size(), 20000u);
  for (const auto& [id, recs] : ids) {
    ASSERT_GE(id, 1);
    ASSERT_LE(id, 20000);
    ASSERT_EQ(recs.size(), id % 10 == 0 ? 2u : 1u) << id;
    EXPECT_EQ(recs[0].op, 'c') << id;
    if (id % 10 == 0) {
      EXPECT_EQ(recs[1].op, 'u') << id;
      EXPECT_EQ(recs[1].after("v"), "\"updated\"");
    }
  }
  // One transaction: one txId; the log names the replay with its size.
  for (const auto& c : all) ASSERT_EQ(c.tx_id, all[0].tx_id);
  std::string log = agent().log();
  EXPECT_NE(log.find("streamed transaction " + std::to_string(all[0].tx_id) + " committed: replaying"),
            std::string::npos)
      << log;
  EXPECT_TRUE(eventually([&] { return !spill_file_present(); }, 10s));
  Lsn last = 0;
  for (const auto& c : all) last = std::max(last, c.lsn);
  EXPECT_TRUE(eventually([&] { return confirmed_flush() > last; }, 30s));
  EXPECT_EQ(agent().terminate(), 0);
}

TEST_F(PgSourceStreaming, LargeRolledBackTransactionPublishesNothing) {
  std::string t = create_table("rb", "(id int PRIMARY KEY, v text)");
  start_agent({t});

  pg().exec("BEGIN");
  pg().exec("INSERT INTO " + t + " SELECT g, 'v' || g FROM generate_series(1, 20000) g");
  wait_for_spill();
  pg().exec("ROLLBACK");
  pg().exec("INSERT INTO " + t + " VALUES (-1, 'after')");

  // Rows of the rolled-back transaction would come before the marker; wait past it for any of them.
  auto all = changes(t, 2, 8s);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].after("id"), "-1");
  EXPECT_TRUE(eventually([&] { return !spill_file_present(); }, 10s)) << "the aborted transaction's file remains";
  EXPECT_EQ(agent().log().find("committed: replaying"), std::string::npos);
}

TEST_F(PgSourceStreaming, RolledBackSavepointsNeverAppear) {
  std::string t = create_table("sp", "(id int PRIMARY KEY, v text)");
  start_agent({t});
  auto insert = [&](int from, int to) {
    pg().exec("INSERT INTO " + t + " SELECT g, 'v' || g FROM generate_series(" + std::to_string(from) + ", " +
              std::to_string(to) + ") g");
  };

  pg().exec("BEGIN");
  insert(1, 6000);  // kept
  pg().exec("SAVEPOINT a");
  insert(6001, 12000);  // rolled back with a
  pg().exec("SAVEPOINT b");
  insert(12001, 15000);  // b is released into a, then rolled back with it
  pg().exec("RELEASE SAVEPOINT b");
  insert(15001, 16000);  // rolled back with a
  wait_for_spill();
  pg().exec("ROLLBACK TO SAVEPOINT a");
  insert(16001, 20000);  // kept (still inside a, which was rolled back and restarted)
  pg().exec("SAVEPOINT c");
  insert(20001, 22000);  // kept
  pg().exec("RELEASE SAVEPOINT c");
  pg().exec("SAVEPOINT d");
  insert(22001, 23000);  // rolled back
  pg().exec("ROLLBACK TO SAVEPOINT d");
  pg().exec("COMMIT");
  pg().exec("INSERT INTO " + t + " VALUES (-1, 'marker')");

  auto all = changes(t, 12001, 180s);
  auto ids = by_id(all);
  ASSERT_EQ(all.size(), 12001u);
  ASSERT_EQ(ids.size(), 12001u);
  for (const auto& [id, recs] : ids) {
    bool kept = id == -1 || (id >= 1 && id <= 6000) || (id >= 16001 && id <= 22000);
    ASSERT_TRUE(kept) << "row " << id << " of a rolled-back savepoint was published";
    ASSERT_EQ(recs.size(), 1u) << id;
  }
  EXPECT_NE(agent().log().find("committed: replaying"), std::string::npos);
}

// DDL inside a savepoint that is rolled back, while the transaction streams: the rows written with the
// added column vanish with the savepoint, and the rows after it are published with the table as it was (no
// trace of the column), because the Relation message the server sent inside the savepoint is not the
// table's shape once it is rolled back.
TEST_F(PgSourceStreaming, DdlInARolledBackSavepointLeavesNoTrace) {
  std::string t = create_table("ddl", "(id int PRIMARY KEY, v text)");
  start_agent({t});

  pg().exec("BEGIN");
  pg().exec("INSERT INTO " + t + " SELECT g, 'before' FROM generate_series(1, 6000) g");
  wait_for_spill();
  pg().exec("SAVEPOINT a");
  pg().exec("ALTER TABLE " + t + " ADD COLUMN extra text DEFAULT 'gone'");
  pg().exec("INSERT INTO " + t + " SELECT g, 'inside', 'x' FROM generate_series(6001, 9000) g");
  pg().exec("UPDATE " + t + " SET extra = 'y' WHERE id <= 10");
  pg().exec("ROLLBACK TO SAVEPOINT a");
  pg().exec("INSERT INTO " + t + " SELECT g, 'after' FROM generate_series(9001, 12000) g");
  pg().exec("UPDATE " + t + " SET v = 'updated' WHERE id <= 5");
  pg().exec("COMMIT");
  pg().exec("INSERT INTO " + t + " VALUES (-1, 'marker')");

  auto all = changes(t, 9006, 180s);
  ASSERT_EQ(all.size(), 9006u) << agent().log();
  auto ids = by_id(all);
  ASSERT_EQ(ids.size(), 9001u);
  for (const auto& [id, recs] : ids) {
    ASSERT_TRUE(id == -1 || (id >= 1 && id <= 6000) || (id >= 9001 && id <= 12000))
        << "row " << id << " of the rolled-back savepoint was published";
    ASSERT_EQ(recs.size(), id >= 1 && id <= 5 ? 2u : 1u) << id;
    for (const auto& c : recs) {
      ASSERT_EQ(c.value.find("\"extra\""), std::string::npos) << "row " << id << " carries the rolled-back column";
      ASSERT_EQ(c.after("v"), id == -1          ? "\"marker\""
                              : c.op == 'u'     ? "\"updated\""
                              : id <= 6000      ? "\"before\""
                                                : "\"after\"")
          << id;
    }
  }
  EXPECT_NE(agent().log().find("committed: replaying"), std::string::npos);
  // The column really is gone, and later rows still decode.
  pg().exec("INSERT INTO " + t + " VALUES (-2, 'later')");
  auto later = changes(t, 9007, 60s);
  ASSERT_EQ(later.size(), 9007u);
  auto last = std::find_if(later.begin(), later.end(), [](const Change& c) { return c.after("id") == "-2"; });
  ASSERT_NE(last, later.end());
  EXPECT_EQ(last->after("v"), "\"later\"");
  EXPECT_EQ(last->value.find("\"extra\""), std::string::npos) << last->value;
}

TEST_F(PgSourceStreaming, SmallTransactionsInterleavedWithAStreamingOne) {
  std::string t = create_table("mix", "(id int PRIMARY KEY, v text)");
  std::string s = create_table("side", "(id int PRIMARY KEY)");
  start_agent({t, s});
  cdc::test::PgConn other(env.pg_conninfo());

  pg().exec("BEGIN");
  pg().exec("INSERT INTO " + t + " SELECT g, 'big' FROM generate_series(1, 10000) g");
  wait_for_spill();
  for (int i = 1; i <= 50; ++i)
    other.exec("BEGIN; INSERT INTO " + s + " VALUES (" + std::to_string(i) + "); INSERT INTO " + t + " VALUES (" +
               std::to_string(-i) + ", 'small'); COMMIT;");
  // The small transactions are published while the large one is still open.
  auto side = changes(s, 50, 90s);
  EXPECT_EQ(side.size(), 50u);
  pg().exec("INSERT INTO " + t + " SELECT g, 'big' FROM generate_series(10001, 20000) g");
  pg().exec("COMMIT");

  auto all = changes(t, 20050, 180s);
  ASSERT_EQ(all.size(), 20050u);
  auto ids = by_id(all);
  ASSERT_EQ(ids.size(), 20050u);
  for (const auto& [id, recs] : ids) {
    ASSERT_TRUE((id >= -50 && id <= -1) || (id >= 1 && id <= 20000)) << id;
    ASSERT_EQ(recs.size(), 1u) << id;
    EXPECT_EQ(recs[0].after("v"), id < 0 ? "\"small\"" : "\"big\"") << id;
  }
  // The small transactions kept their own txIds, the large one has one.
  EXPECT_NE(ids.at(-1)[0].tx_id, ids.at(1)[0].tx_id);
  EXPECT_EQ(ids.at(1)[0].tx_id, ids.at(20000)[0].tx_id);
}

// kill -9 while a transaction streams: its spill file is left behind; the restarted agent deletes what
// it finds (the server streams the transaction again from the slot's restart point) and publishes every
// row once the transaction commits.
TEST_F(PgSourceStreaming, RestartDuringAStreamedTransactionStartsItOver) {
  std::string t = create_table("restart", "(id int PRIMARY KEY, v text)");
  start_agent({t});
  pg().exec("BEGIN");
  pg().exec("INSERT INTO " + t + " SELECT g, 'v' FROM generate_series(1, 10000) g");
  wait_for_spill();
  agent().kill9();
  ASSERT_TRUE(spill_file_present());
  const auto planted = spill_dir() / "4000000000.spill";  // no such transaction: must go too
  std::ofstream(planted) << "left over";

  start_agent({t});
  EXPECT_TRUE(eventually([&] { return !std::filesystem::exists(planted); }, 30s)) << agent().log();
  pg().exec("INSERT INTO " + t + " SELECT g, 'v' FROM generate_series(10001, 20000) g");
  pg().exec("COMMIT");

  auto all = changes(t, 20000, 180s);
  auto ids = by_id(all);
  ASSERT_EQ(ids.size(), 20000u);  // distinct ids: a replay may add duplicates, never gaps
  EXPECT_EQ(ids.begin()->first, 1);
  EXPECT_EQ(ids.rbegin()->first, 20000);
  EXPECT_TRUE(eventually([&] { return !spill_file_present(); }, 10s));
}

}  // namespace
}  // namespace cdc::pg::test
