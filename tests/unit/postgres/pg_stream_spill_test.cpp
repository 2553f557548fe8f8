// FileStreamSpool, the live source's store for streamed in-progress transactions: records come back
// byte for byte and in order, files are deleted at replay, discard and start, and the replay calls its
// progress hook (the source's status updates) during long transactions.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "postgres/source/pg_spill_file.h"

namespace cdc::pg {
namespace {

namespace fs = std::filesystem;

class StreamSpill : public ::testing::Test {
 protected:
  StreamSpill() {
    std::string pattern = (fs::temp_directory_path() / "cdc-spill-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    root = pattern;
    dir = root / "pg-stream";
  }
  ~StreamSpill() override {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  size_t files() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
  }

  fs::path root, dir;
};

struct Seen {
  Xid sub;
  Lsn lsn;
  std::vector<uint8_t> bytes;
  bool operator==(const Seen&) const = default;
};

std::vector<uint8_t> payload(size_t size, uint8_t seed) {
  std::vector<uint8_t> v(size);
  for (size_t i = 0; i < size; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

TEST_F(StreamSpill, ReplaysRecordsInOrderThenDeletesTheFile) {
  FileStreamSpool spool(dir, {});
  std::vector<Seen> want = {{100, 0x10, payload(1, 1)}, {101, 0x11, payload(0, 0)},
                            {100, 0x12, payload(300'000, 3)},  // larger than the write and read buffers
                            {102, 0x13, payload(17, 4)}};
  for (const auto& s : want) spool.append(100, s.sub, s.lsn, s.bytes);
  spool.append(200, 200, 0x14, payload(5, 9));  // another transaction in progress, its own file
  EXPECT_TRUE(fs::exists(spool.path(100)));
  EXPECT_TRUE(fs::exists(spool.path(200)));

  std::vector<Seen> got;
  spool.replay(100, [&](Xid sub, Lsn lsn, std::span<const uint8_t> b) { got.push_back({sub, lsn, {b.begin(), b.end()}}); });
  EXPECT_EQ(got, want);
  EXPECT_FALSE(fs::exists(spool.path(100)));
  EXPECT_TRUE(fs::exists(spool.path(200)));

  got.clear();
  spool.replay(100, [&](Xid sub, Lsn lsn, std::span<const uint8_t> b) { got.push_back({sub, lsn, {b.begin(), b.end()}}); });
  EXPECT_TRUE(got.empty());  // forgotten after its replay

  spool.discard(200);
  EXPECT_FALSE(fs::exists(spool.path(200)));
  EXPECT_EQ(files(), 0u);
}

TEST_F(StreamSpill, FileIsDeletedWhenTheReplayThrows) {
  FileStreamSpool spool(dir, {});
  for (int i = 0; i < 3; ++i) spool.append(7, 7, i, payload(10, 1));
  int calls = 0;
  EXPECT_THROW(spool.replay(7, [&](Xid, Lsn, std::span<const uint8_t>) {
    if (++calls == 2) throw std::runtime_error("delivery failed");
  }),
               std::runtime_error);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(files(), 0u);
}

TEST_F(StreamSpill, StartDeletesLeftoversOfAnEarlierSession) {
  fs::create_directories(dir);
  std::ofstream(dir / "123.spill") << "partial";
  std::ofstream(dir / "notes.txt") << "not ours";
  {
    FileStreamSpool spool(dir, {});
    EXPECT_FALSE(fs::exists(dir / "123.spill"));
    EXPECT_TRUE(fs::exists(dir / "notes.txt"));
    spool.append(9, 9, 1, payload(3, 0));
  }
  EXPECT_FALSE(fs::exists(dir / "9.spill"));  // the destructor cleans up too
}

TEST_F(StreamSpill, LongReplayCallsTheProgressHook) {
  int ticks = 0;
  FileStreamSpool spool(dir, [&] { ++ticks; });
  for (int i = 0; i < 10'000; ++i) spool.append(5, 5, i, payload(20, static_cast<uint8_t>(i)));
  size_t n = 0;
  spool.replay(5, [&](Xid, Lsn lsn, std::span<const uint8_t> b) {
    EXPECT_EQ(lsn, n);
    EXPECT_EQ(b[0], static_cast<uint8_t>(n));
    ++n;
  });
  EXPECT_EQ(n, 10'000u);
  EXPECT_EQ(ticks, 2);  // every 4096 messages
}

}  // namespace
}  // namespace cdc::pg
