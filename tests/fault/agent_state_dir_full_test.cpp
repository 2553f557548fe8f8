// state.dir stops taking writes under the real `cdc-agent run` (MariaDB source, whose position lives in
// state.dir/offsets): a full disk (a tiny tmpfs filled up) and a read-only remount. The agent stops
// acknowledging and exits non-zero naming the file and the reason; the previous offset file is intact
// (byte for byte, parseable), no temp file is left, and once the disk has room again a restart resumes
// from the old position and delivers the rows written meanwhile.
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fault/agent_fault_support.h"
#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class StateDirFull : public SourceTest {
 protected:
  std::string offsets_text() const {
    std::ifstream in(state_dir() / "offsets", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Names in state.dir other than the offsets file and the test's filler: temp files left behind.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(state_dir())) {
      const std::string n = e.path().filename().string();
      if (n.starts_with("offsets.tmp")) out.push_back(n);
    }
    return out;
  }
  std::set<int64_t> ids_in_topic(size_t min) {
    std::set<int64_t> ids;
    for_each_value(records("t", min, 30s), [&](const KafkaRecord&, simdjson::dom::element v) {
      ids.insert(row_int(v, "id"));
    });
    return ids;
  }

  // Streams a first row, breaks state.dir with `spoil`, writes rows 2..4, and checks the agent's exit.
  void run_until_state_dir_fails(const std::function<void()>& spoil, int expected_exit,
                                 const std::string& expected_reason) {
    sql->exec("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v INT)");
    ASSERT_NO_FATAL_FAILURE(start_agent());
    sql->exec("INSERT INTO " + db + ".t VALUES (1, 1)");
    ASSERT_EQ(ids_in_topic(1).size(), 1u);
    // The position after row 1 is stored: later saves replace it.
    const int64_t seq1 = mariadb_gtid_seq(sql->scalar("SELECT @@last_gtid"));
    ASSERT_TRUE(wait_for([&] { auto o = offset(); return o && mariadb_gtid_seq(o->gtid_set) >= seq1; }, 60s))
        << "the position after the first row was never stored";
    const std::string before = offsets_text();

    spoil();
    for (int id = 2; id <= 4; ++id)
      sql->exec("INSERT INTO " + db + ".t VALUES (" + std::to_string(id) + ", 1)");
    auto rc = agent->wait_exit(90s);
    ASSERT_TRUE(rc.has_value()) << "the agent kept running although it cannot store its position";
    EXPECT_EQ(*rc, expected_exit);
    const std::string log = agent_log();
    EXPECT_NE(log.find((state_dir() / "offsets").string()), std::string::npos) << "the error names the file";
    EXPECT_NE(log.find(expected_reason), std::string::npos) << "the error says why: " << expected_reason;
    std::cout << "agent error: " << line_with(log, expected_reason) << "\n";

    EXPECT_EQ(offsets_text(), before) << "the previous offset file was changed";
    EXPECT_TRUE(offset().has_value()) << "the previous offset file no longer parses";
    EXPECT_TRUE(leftovers().empty()) << "a temp file was left in state.dir";
  }
};

TEST_F(StateDirFull, DiskFullStopsTheAgentWithExit75AndKeepsTheOffset) {
  TmpfsMount fs(state_dir(), 64);  // a 64 KiB file system on state.dir, before the agent creates it
  if (!fs.ok()) GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << fs.error();
  ASSERT_NO_FATAL_FAILURE(run_until_state_dir_fails(
      [&] { EXPECT_GT(fs.fill("filler"), 0u); }, 75, "No space left on device"));

  // Room again: the restart resumes from the old position, so rows 2..4 arrive.
  std::filesystem::remove(state_dir() / "filler");
  ASSERT_NO_FATAL_FAILURE(start_agent());
  std::set<int64_t> ids;
  ASSERT_TRUE(wait_for([&] { return (ids = ids_in_topic(4)).size() == 4; }, 60s)) << "distinct ids: " << ids.size();
  EXPECT_EQ(stop_agent(), 0);
}

TEST_F(StateDirFull, ReadOnlyStateDirStopsTheAgentWithExit78AndKeepsTheOffset) {
  TmpfsMount fs(state_dir(), 64);  // a 64 KiB file system on state.dir, before the agent creates it
  if (!fs.ok()) GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << fs.error();
  ASSERT_NO_FATAL_FAILURE(run_until_state_dir_fails(
      [&] { fs.remount_read_only(); }, 78, "Read-only file system"));
}

}  // namespace
}  // namespace cdc::test::msrc
