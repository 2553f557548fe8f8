// `cdc-agent decode` on damaged binlog files: a flipped bit in an event body, a wrong CRC32 trailer, a
// truncated file, and damage behind a valid CRC. Each one ends the process with exit 69 (source
// unusable), a stderr line naming the file, the damaged event's position and the reason, and no envelope
// for the damaged event or anything after it. Runs the real binary on recorded MySQL 8.0 binlogs that are
// kept in the repo as fuzz seeds (binlog_checksum=CRC32, binlog_row_metadata=FULL).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mysql/binlog_event.h"
#include "unit/config/agent_process.h"

namespace cdc::test {
namespace {

constexpr int kSourceUnusable = 69;
constexpr char kFile[] = "rmc__mysql-enum-string-set.000001";

std::string seed_binlog(const char* name) {
  return source_dir() + "/tests/fuzz/corpus/fuzz_binlog_event/" + name;
}

struct EventAt {
  size_t offset;
  uint32_t size;
  uint8_t type;
};

std::vector<EventAt> events_of(const std::string& data) {
  std::vector<EventAt> out;
  for (size_t p = 4; p + mysql::kHeaderLen <= data.size();) {
    uint32_t size;
    std::memcpy(&size, data.data() + p + 9, 4);
    out.push_back({p, size, static_cast<uint8_t>(data[p + 4])});
    p += size;
  }
  return out;
}

const EventAt& first_of(const std::vector<EventAt>& events, uint8_t type) {
  for (const auto& e : events)
    if (e.type == type) return e;
  throw std::runtime_error("no event of type " + std::to_string(type) + " in " + kFile);
}

void put_crc(std::string& data, const EventAt& e) {
  auto* p = reinterpret_cast<const uint8_t*>(data.data()) + e.offset;
  uint32_t crc = mysql::crc32_of(mysql::Bytes(p, e.size - 4));
  std::memcpy(data.data() + e.offset + e.size - 4, &crc, 4);
}

// source.pos of every envelope `decode` printed (one JSON value per line, schemas off).
std::vector<int64_t> positions(const std::string& out) {
  std::vector<int64_t> pos;
  simdjson::dom::parser parser;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    simdjson::dom::element doc;
    EXPECT_FALSE(parser.parse(simdjson::padded_string(out.substr(start, nl - start))).get(doc));
    int64_t p = -1;
    EXPECT_FALSE(doc["source"]["pos"].get(p)) << out.substr(start, nl - start);
    pos.push_back(p);
  }
  return pos;
}

class DamagedBinlog : public ::testing::Test {
 protected:
  void SetUp() override {
    data = read_text(seed_binlog(kFile));
    ASSERT_GT(data.size(), 1000u);
    events = events_of(data);
    RunResult clean = run_agent({"decode", seed_binlog(kFile)});
    ASSERT_EQ(clean.exit_code, 0) << clean.err;
    clean_out = clean.out;
    ASSERT_FALSE(positions(clean_out).empty());
  }

  // Decodes `damaged` (written under the original name) and checks the common promises: exit 69, stderr
  // names the file and `pos` and contains `reason`, and stdout is a prefix of the clean output with
  // nothing from `pos` onwards.
  void expect_refused(const std::string& damaged, size_t pos, const std::string& reason) {
    TempDir dir;
    std::string path = dir.write(kFile, damaged);
    RunResult r = run_agent({"decode", path});
    EXPECT_EQ(r.exit_code, kSourceUnusable) << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(std::to_string(pos)), std::string::npos) << "position " << pos << " not named: " << r.err;
    EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
    EXPECT_EQ(clean_out.compare(0, r.out.size(), r.out), 0) << "output differs from the clean decode";
    for (int64_t p : positions(r.out)) EXPECT_LT(p, static_cast<int64_t>(pos)) << "envelope from the damaged part";
  }

  std::string data;
  std::vector<EventAt> events;
  std::string clean_out;
};

TEST_F(DamagedBinlog, FlippedBitInARowEventBodyFailsItsChecksum) {
  const EventAt& rows = first_of(events, mysql::UPDATE_ROWS_EVENT);
  std::string bad = data;
  bad[rows.offset + mysql::kHeaderLen + 9] ^= 0x04;
  expect_refused(bad, rows.offset, std::string(kFile) + ":" + std::to_string(rows.offset) + ": UPDATE_ROWS_EVENT");
  expect_refused(bad, rows.offset, "CRC32 mismatch");
}

TEST_F(DamagedBinlog, WrongChecksumTrailerIsRefused) {
  const EventAt& xid = first_of(events, mysql::XID_EVENT);
  std::string bad = data;
  bad[xid.offset + xid.size - 1] ^= 0xff;
  expect_refused(bad, xid.offset, "CRC32 mismatch");
}

TEST_F(DamagedBinlog, TruncatedFileNamesTheCutEvent) {
  const EventAt& rows = first_of(events, mysql::DELETE_ROWS_EVENT);
  std::string bad = data.substr(0, rows.offset + rows.size / 2);
  expect_refused(bad, rows.offset, "truncated");
}

TEST_F(DamagedBinlog, CutInsideAnEventHeaderIsRefused) {
  const EventAt& rows = first_of(events, mysql::WRITE_ROWS_EVENT);
  expect_refused(data.substr(0, rows.offset + 7), rows.offset, "event header is truncated");
}

TEST_F(DamagedBinlog, DamageBehindAValidChecksumIsADecodeError) {
  // The table id of a rows event no longer matches its TABLE_MAP; the CRC is recomputed, so only the
  // decoder itself can notice.
  const EventAt& rows = first_of(events, mysql::WRITE_ROWS_EVENT);
  std::string bad = data;
  bad[rows.offset + mysql::kHeaderLen] ^= 0x40;
  put_crc(bad, rows);
  expect_refused(bad, rows.offset, "without a preceding TABLE_MAP");
}

TEST_F(DamagedBinlog, OversizedEventSizeIsRefused) {
  const EventAt& xid = first_of(events, mysql::XID_EVENT);
  std::string bad = data;
  uint32_t huge = 0x7fffffff;
  std::memcpy(bad.data() + xid.offset + 9, &huge, 4);
  expect_refused(bad, xid.offset, "truncated");
}

}  // namespace
}  // namespace cdc::test
