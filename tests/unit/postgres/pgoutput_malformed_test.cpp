// Malformed pgoutput never crashes the decoder: every truncation, unknown type byte, bad tuple kind,
// bad marker and trailing garbage is a DecodeError, and random bytes produce nothing else.
#include <gtest/gtest.h>

#include <random>

#include "postgres/pgoutput.h"
#include "pgoutput_builder.h"
#include "util/error.h"

namespace cdc::pg {
namespace {

using test::Bytes;

struct Sample {
  const char* name;
  Bytes bytes;
  DecodeOptions opts;
};

std::vector<Sample> valid_messages() {
  std::vector<Sample> v;
  v.push_back({"Begin", Bytes().ch('B').u64(1).u64(2).u32(3), {}});
  v.push_back({"Commit", Bytes().ch('C').u8(0).u64(1).u64(2).u64(3), {}});
  v.push_back({"Origin", Bytes().ch('O').u64(1).str("o"), {}});
  v.push_back({"Relation",
               Bytes().ch('R').u32(1).str("s").str("t").ch('d').u16(2).u8(1).str("a").u32(23).u32(0xffffffff).u8(0).str(
                   "b").u32(25).u32(0xffffffff),
               {}});
  v.push_back({"Type", Bytes().ch('Y').u32(1).str("s").str("t"), {}});
  v.push_back({"Insert", Bytes().ch('I').u32(1).ch('N').u16(3).text("1").null().toast(), {}});
  v.push_back({"Update", Bytes().ch('U').u32(1).ch('K').u16(1).text("1").ch('N').u16(1).text("2"), {}});
  v.push_back({"Delete", Bytes().ch('D').u32(1).ch('O').u16(1).text("1"), {}});
  v.push_back({"Truncate", Bytes().ch('T').u32(2).u8(1).u32(1).u32(2), {}});
  v.push_back({"Message", Bytes().ch('M').u8(1).u64(1).str("p").u32(2).raw("xy"), {}});
  v.push_back({"Stream Start", Bytes().ch('S').u32(1).u8(1), {}});
  v.push_back({"Stream Commit", Bytes().ch('c').u32(1).u8(0).u64(1).u64(2).u64(3), {}});
  v.push_back({"Stream Abort", Bytes().ch('A').u32(1).u32(2), {}});
  v.push_back({"Stream Abort v4", Bytes().ch('A').u32(1).u32(2).u64(3).u64(4), {.proto_version = 4}});
  v.push_back({"streamed Insert", Bytes().ch('I').u32(9).u32(1).ch('N').u16(1).text("x"), {.in_stream = true}});
  return v;
}

TEST(PgoutputMalformed, EveryTruncationIsADecodeError) {
  for (const Sample& s : valid_messages()) {
    const auto& full = s.bytes.vec();
    ASSERT_NO_THROW(decode_message(full, s.opts)) << s.name;
    for (size_t n = 0; n < full.size(); ++n) {
      std::span<const uint8_t> prefix(full.data(), n);
      EXPECT_THROW(decode_message(prefix, s.opts), DecodeError) << s.name << " cut at " << n;
    }
  }
}

TEST(PgoutputMalformed, TrailingBytesAreADecodeError) {
  for (const Sample& s : valid_messages()) {
    Bytes longer = s.bytes;
    longer.u8(0);
    EXPECT_THROW(decode_message(longer, s.opts), DecodeError) << s.name;
  }
}

TEST(PgoutputMalformed, BadKinds) {
  EXPECT_THROW(decode_message(Bytes().ch('Z')), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('I').u32(1).ch('N').u16(1).ch('x')), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('I').u32(1).ch('K').u16(0)), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('U').u32(1).ch('X').u16(0)), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('U').u32(1).ch('K').u16(0).ch('K').u16(0)), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('D').u32(1).ch('N').u16(0)), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('R').u32(1).str("s").str("t").ch('z').u16(0)), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('R').u32(1).str("s").raw("unterminated")), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('T').u32(0x40000000).u8(0)), DecodeError);
  EXPECT_THROW(decode_message(Bytes().ch('I').u32(1).ch('N').u16(1).ch('t').u32(0xfffffff0).raw("ab")), DecodeError);
}

TEST(PgoutputMalformed, BadServerMessages) {
  EXPECT_THROW(decode_server_message(Bytes()), DecodeError);
  EXPECT_THROW(decode_server_message(Bytes().ch('q')), DecodeError);
  EXPECT_THROW(decode_server_message(Bytes().ch('w').u64(1).u64(2)), DecodeError);
  EXPECT_THROW(decode_server_message(Bytes().ch('k').u64(1).u64(2)), DecodeError);
  EXPECT_THROW(decode_server_message(Bytes().ch('k').u64(1).u64(2).u8(0).u8(0)), DecodeError);
}

TEST(PgoutputMalformed, ErrorNamesTheFieldAndOffset) {
  try {
    decode_message(Bytes().ch('B').u64(1));
    FAIL() << "no error";
  } catch (const DecodeError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("Begin commit time"), std::string::npos) << what;
    EXPECT_NE(what.find("offset 9"), std::string::npos) << what;
  }
}

TEST(PgoutputMalformed, RandomBytesOnlyEverRaiseDecodeError) {
  std::mt19937 rng(20240229);
  const char types[] = "BCORYIUDTMSEcA";
  for (int round = 0; round < 20000; ++round) {
    std::vector<uint8_t> buf(rng() % 48);
    for (auto& b : buf) b = static_cast<uint8_t>(rng() % 4 == 0 ? "tnub"[rng() % 4] : rng());
    if (!buf.empty()) buf[0] = static_cast<uint8_t>(types[rng() % (sizeof types - 1)]);
    DecodeOptions o{.in_stream = rng() % 2 == 0, .proto_version = rng() % 2 ? 1 : 4};
    try {
      decode_message(buf, o);
    } catch (const DecodeError&) {
    }
  }
}

}  // namespace
}  // namespace cdc::pg
