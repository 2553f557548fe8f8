// Corrupted input never crashes the decoder: a flipped byte is caught by CRC32 (reported as a
// DecodeError naming file:pos); a flipped byte whose CRC was recomputed reaches the parsers, which must
// answer with a DecodeError (or a clean decode) too; a truncated file is a DecodeError at the cut.
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>

#include "binlog_test_support.h"
#include "mysql/binlog_file.h"

namespace cdc::mysql::test {
namespace {

struct Null : BinlogHandler {
  void on_change(event::ChangeEvent&) override {}
};

// Decodes bytes in memory; returns "" on success, else the DecodeError message. Other exceptions escape.
std::string decode_bytes(const std::string& data) {
  Null h;
  BinlogDecoder dec(offline_options(), h);
  dec.set_file("mem");
  try {
    for_each_event(Bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
                   [&](Bytes ev, uint64_t pos) { dec.feed(ev, pos); });
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::pair<size_t, size_t>> events_of(const std::string& data) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t p = 4; p + kHeaderLen <= data.size();) {
    uint32_t size;
    std::memcpy(&size, data.data() + p + 9, 4);
    out.emplace_back(p, size);
    p += size;
  }
  return out;
}

void put_crc(std::string& data, size_t start, size_t size) {
  uint32_t crc = crc32_of(Bytes(reinterpret_cast<const uint8_t*>(data.data()) + start, size - 4));
  std::memcpy(data.data() + start + size - 4, &crc, 4);
}

TEST(CorruptedBinlog, FlippedByteFailsChecksumWithPosition) {
  CDC_REQUIRE_BINLOGS();
  for (const char* f : {"rmc__mysql-enum-string-set.000001", "rmc__mariadb-bin.000001", "apecloud__mysql-bin.000057"}) {
    SCOPED_TRACE(f);
    std::string data = read_binlog_file(binlog(f));
    for (auto [start, size] : events_of(data)) {
      for (size_t off = kHeaderLen; off + 4 < size; off += std::max<size_t>(1, size / 7)) {
        std::string bad = data;
        bad[start + off] = static_cast<char>(bad[start + off] ^ 0x5a);
        std::string err = decode_bytes(bad);
        ASSERT_FALSE(err.empty()) << "flip at " << start + off << " went unnoticed";
        EXPECT_NE(err.find("mem:" + std::to_string(start)), std::string::npos) << err;
      }
    }
  }
}

TEST(CorruptedBinlog, GarbageBehindAValidChecksumIsADecodeError) {
  CDC_REQUIRE_BINLOGS();
  for (const char* f : {"zongji__mysql84-minimal.dumpstream.binlog", "rmc__mariadb-bin.000001",
                        "osheroff__mysql-bin.compressed", "rmc__mysql-enum-string-set.000001", "rmc__vector.binlog",
                        "rmc__json.binlog.000001", "rmc__binlog_transaction_with_GTID_TAG.000001"}) {
    SCOPED_TRACE(f);
    std::string data = read_binlog_file(binlog(f));
    size_t errors = 0;
    for (auto [start, size] : events_of(data)) {
      for (size_t off = kHeaderLen; off + 4 < size; ++off) {
        for (uint8_t mask : {0x01, 0x80, 0xff}) {
          std::string bad = data;
          bad[start + off] = static_cast<char>(bad[start + off] ^ mask);
          put_crc(bad, start, size);
          try {
            errors += !decode_bytes(bad).empty();
          } catch (const Error&) {
            ++errors;  // e.g. a BIGINT UNSIGNED now above 2^63 in long mode: still a clean stop
          }
        }
      }
    }
    EXPECT_GT(errors, 0u);
  }
}

// A GTID event whose transaction number MySQL never issues (0, or GNO_END = 2^63 - 1) is damage, and
// is named; a set ending at 2^63 - 1 would otherwise overflow when the next number is merged into it.
TEST(CorruptedBinlog, GtidNumberOutsideMysqlsRangeIsNamed) {
  CDC_REQUIRE_BINLOGS();
  constexpr uint8_t kGtidLogEvent = 33;
  size_t patched = 0;
  for (const char* f : {"zongji__mysql84-minimal.dumpstream.binlog", "rmc__json.binlog.000001",
                        "rmc__mysql-enum-string-set.000001", "apecloud__mysql-bin.000057"}) {
    SCOPED_TRACE(f);
    std::string data = read_binlog_file(binlog(f));
    for (auto [start, size] : events_of(data)) {
      if (static_cast<uint8_t>(data[start + 4]) != kGtidLogEvent || size < kHeaderLen + 1 + 16 + 8 + 4) continue;
      for (int64_t gno : {int64_t{0}, INT64_MAX, INT64_MIN}) {
        std::string bad = data;
        std::memcpy(bad.data() + start + kHeaderLen + 1 + 16, &gno, 8);  // after the flags and the server UUID
        put_crc(bad, start, size);
        std::string err = decode_bytes(bad);
        EXPECT_NE(err.find("GTID transaction number " + std::to_string(gno) + " is outside 1..9223372036854775806"),
                  std::string::npos)
            << err;
        // Named as file:pos: (a dump stream's positions are the server's, not offsets in this file).
        const size_t at = err.find(": GTID_LOG_EVENT(33): ");
        ASSERT_NE(at, std::string::npos) << err;
        EXPECT_TRUE(at > 0 && std::isdigit(static_cast<unsigned char>(err[at - 1])) &&
                    err.rfind(':', at - 1) != std::string::npos)
            << err;
        ++patched;
      }
      break;  // one event per file
    }
  }
  EXPECT_GT(patched, 0u) << "no GTID event in the recorded binlogs";
}

TEST(CorruptedBinlog, TruncationAtEveryOffset) {
  CDC_REQUIRE_BINLOGS();
  for (const char* f : {"cdcrs__02_query.binlog.000001", "rmc__minimal_row_metadata.000001"}) {
    SCOPED_TRACE(f);
    std::string data = read_binlog_file(binlog(f));
    auto events = events_of(data);
    for (size_t cut = 0; cut < data.size(); ++cut) {
      bool boundary = cut == 4;
      for (auto [start, size] : events) boundary |= cut == start + size;
      std::string err = decode_bytes(data.substr(0, cut));
      if (boundary) EXPECT_EQ(err, "") << "cut at " << cut;
      else EXPECT_NE(err, "") << "cut at " << cut;
    }
  }
}

TEST(CorruptedBinlog, UnknownEventTypeNamesItsCode) {
  CDC_REQUIRE_BINLOGS();
  std::string data = read_binlog_file(binlog("cdcrs__02_query.binlog.000001"));
  auto events = events_of(data);
  auto [start, size] = events.back();  // the QUERY event
  data[start + 4] = static_cast<char>(77);
  put_crc(data, start, size);
  std::string err = decode_bytes(data);
  EXPECT_NE(err.find("type code 77"), std::string::npos) << err;
}

}  // namespace
}  // namespace cdc::mysql::test
