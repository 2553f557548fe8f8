// Malformed pgoutput messages in the middle of a real stream (tests/data/postgres/pgoutput_v1.tsv): the
// decoder stops with a DecodeError that names the message's LSN and what is wrong with it, and hands
// nothing on for the damaged message. Damage covers what a broken walsender or a buggy proxy could send:
// an unknown message type, a bad tuple column kind, a cut message, trailing bytes, a change for a
// relation never described, and a column count that disagrees with the Relation.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "postgres/pg_decoder.h"
#include "unit/config/agent_process.h"

namespace cdc::pg {
namespace {

struct Recorded {
  Lsn lsn;
  std::vector<uint8_t> bytes;
};

std::vector<Recorded> load_v1() {
  std::ifstream in(test::source_dir() + "/tests/data/postgres/pgoutput_v1.tsv");
  std::vector<Recorded> out;
  std::string line;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    Recorded r{parse_lsn(line.substr(0, tab)).value(), {}};
    for (size_t i = tab + 1; i + 1 < line.size(); i += 2)
      r.bytes.push_back(static_cast<uint8_t>(std::stoi(line.substr(i, 2), nullptr, 16)));
    out.push_back(std::move(r));
  }
  return out;
}

class AnyCatalog : public Catalog {
 public:
  TableCatalogInfo table(Oid, const std::string&, const std::string&) override { return {{"id"}, {"id"}}; }
  std::optional<PgTypeInfo> type(Oid) override { return std::nullopt; }
};

struct CountingSink : event::EventSink {
  std::vector<Lsn> changes;  // source.lsn of each change
  size_t commits = 0;
  void change(event::ChangeEvent& ev) override { changes.push_back(static_cast<Lsn>(ev.source.lsn)); }
  void commit(const event::SourcePosition&) override { ++commits; }
};

class MalformedPgoutput : public ::testing::Test {
 protected:
  void SetUp() override {
    stream = load_v1();
    ASSERT_GT(stream.size(), 10u);
  }

  // Feeds the stream with message `index` replaced by `damaged`; returns the DecodeError's text and
  // checks that nothing was emitted for or after the damaged message.
  std::string feed_damaged(size_t index, const std::vector<uint8_t>& damaged) {
    DecoderOptions opts;
    opts.database = "postgres";
    opts.envelope.prefix = "fault";
    PgDecoder decoder(opts, catalog);
    for (size_t i = 0; i < stream.size(); ++i) {
      size_t before = sink.changes.size();
      try {
        decoder.feed(stream[i].lsn, i == index ? damaged : stream[i].bytes, sink);
      } catch (const DecodeError& e) {
        EXPECT_EQ(i, index) << "the undamaged message " << i << " was refused: " << e.what();
        EXPECT_EQ(sink.changes.size(), before) << "a change was emitted for the damaged message";
        std::string what = e.what();
        EXPECT_NE(what.find(format_lsn(stream[i].lsn)), std::string::npos) << "LSN not named: " << what;
        return what;
      }
    }
    ADD_FAILURE() << "damaged message " << index << " was accepted";
    return "";
  }

  // Index of the n-th message whose type byte is `type`.
  size_t nth(char type, int n = 1) const {
    for (size_t i = 0; i < stream.size(); ++i)
      if (stream[i].bytes.at(0) == static_cast<uint8_t>(type) && --n == 0) return i;
    throw std::runtime_error(std::string("no message of type ") + type);
  }

  std::vector<Recorded> stream;
  AnyCatalog catalog;
  CountingSink sink;
};

TEST_F(MalformedPgoutput, UnknownMessageTypeIsNamed) {
  size_t i = nth('I');
  auto bad = stream[i].bytes;
  bad[0] = 'Z';
  std::string what = feed_damaged(i, bad);
  EXPECT_NE(what.find("unknown pgoutput message type byte 90"), std::string::npos) << what;  // 'Z'
}

TEST_F(MalformedPgoutput, BadTupleColumnKindIsNamed) {
  size_t i = nth('I');
  auto bad = stream[i].bytes;
  bad[1 + 4 + 1 + 2] = 'x';  // 'I', relation oid, 'N', column count, then the first column's kind
  std::string what = feed_damaged(i, bad);
  EXPECT_NE(what.find("kind"), std::string::npos) << what;
}

TEST_F(MalformedPgoutput, CutMessageNamesWhatWasBeingRead) {
  size_t i = nth('R');
  auto bad = stream[i].bytes;
  bad.resize(bad.size() - 3);
  std::string what = feed_damaged(i, bad);
  EXPECT_NE(what.find("reading"), std::string::npos) << what;
  EXPECT_NE(what.find("offset"), std::string::npos) << what;
}

TEST_F(MalformedPgoutput, TrailingBytesAreRefused) {
  size_t i = nth('C');
  auto bad = stream[i].bytes;
  bad.push_back(0);
  std::string what = feed_damaged(i, bad);
  EXPECT_NE(what.find("trailing"), std::string::npos) << what;
}

TEST_F(MalformedPgoutput, ChangeForAnUndescribedRelationIsRefused) {
  size_t i = nth('I');
  auto bad = stream[i].bytes;
  bad[1] ^= 0x7f;  // relation OID
  std::string what = feed_damaged(i, bad);
  EXPECT_NE(what.find("before its Relation message"), std::string::npos) << what;
}

TEST_F(MalformedPgoutput, ColumnCountDisagreeingWithTheRelationIsRefused) {
  size_t i = nth('I');
  auto bad = stream[i].bytes;
  // Drop the last column: column count - 1, and cut the last column's bytes ('t', length, text).
  ASSERT_EQ(bad[1 + 4], 'N');
  uint16_t n = static_cast<uint16_t>(bad[6] << 8 | bad[7]);
  bad[7] = static_cast<uint8_t>(n - 1);
  size_t at = 8;
  for (uint16_t c = 0; c + 1 < n; ++c) at += bad[at] == 't' ? 5 + (bad[at + 3] << 8 | bad[at + 4]) : 1;
  bad.resize(at);
  std::string what = feed_damaged(i, bad);
  EXPECT_NE(what.find("has " + std::to_string(n - 1)), std::string::npos) << what;
}

}  // namespace
}  // namespace cdc::pg
