// MySQL 8.4 capture_types fixture (binlog_row_metadata=MINIMAL, a saved COM_BINLOG_DUMP stream): every
// column of the first row decodes to the value zongji's test/parser.js asserts, with names, ENUM/SET
// members and charsets supplied the way the live source will supply them (information_schema).
#include <gtest/gtest.h>
#include <simdjson.h>

#include "binlog_test_support.h"

namespace cdc::mysql::test {
namespace {

ExternalTableInfo fixture_schema() {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.load(binlog("zongji__mysql84-minimal.json"));
  ExternalTableInfo t;
  for (simdjson::dom::element c : doc["tableSchemas"]["capture_types"].get_array()) {
    ExternalColumnInfo x;
    x.name = std::string(c["COLUMN_NAME"].get_string().value());
    x.column_type = std::string(c["COLUMN_TYPE"].get_string().value());
    auto cs = c["CHARACTER_SET_NAME"];
    if (cs.is_string()) x.charset = std::string(cs.get_string().value());
    x.primary_key = x.name == "id";
    t.columns.push_back(std::move(x));
  }
  return t;
}

Recorder decode_fixture(event::BigintUnsignedHandling bigint) {
  static ExternalTableInfo schema = fixture_schema();
  DecoderOptions o;
  o.include_query = true;
  o.envelope.bigint_unsigned = bigint;
  o.external = [](const std::string& db, const std::string& table) -> const ExternalTableInfo* {
    return db == "zongji_fixture_capture" && table == "capture_types" ? &schema : nullptr;
  };
  return decode("zongji__mysql84-minimal.dumpstream.binlog", o);
}

TEST(ZongjiCaptureTypes, FirstRowEveryColumn) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode_fixture(event::BigintUnsignedHandling::precise);
  ASSERT_EQ(r.changes.size(), 4u);
  const Change& c = r.changes[0];
  auto at = [&](const std::string& name) {
    for (size_t i = 0; i < c.column_names.size(); ++i)
      if (c.column_names[i] == name) return c.after[i];
    ADD_FAILURE() << "no column " << name;
    return std::string();
  };
  EXPECT_EQ(at("id"), "1");
  EXPECT_EQ(at("i_big"), "9223372036854775807");
  EXPECT_EQ(at("u_big"), "18446744073709551615");
  EXPECT_EQ(at("dec_col"), "-12345678901234567.0123456789");
  EXPECT_EQ(at("vc"), "héllo wörld");
  EXPECT_EQ(at("ch"), "abc");
  EXPECT_EQ(at("bin_col"), "0xdeadbeef");
  EXPECT_EQ(at("vb"), "0x0102");
  EXPECT_EQ(at("txt"), "text value");
  EXPECT_EQ(at("blb"), "0xcafe");
  EXPECT_EQ(at("flt"), "1.25");
  EXPECT_EQ(at("dbl"), "-2.5");
  EXPECT_EQ(at("dt"), "1718454896789");          // 2024-06-15T12:34:56.789Z, DATETIME(3) -> ms
  EXPECT_EQ(at("ts"), "2024-06-15T12:34:56Z");   // TIMESTAMP(0): no fraction
  EXPECT_EQ(at("d"), "19889");                   // 2024-06-15 in days since the epoch
  EXPECT_EQ(at("t"), "-3723500000");             // -01:02:03.500 in microseconds
  EXPECT_EQ(at("y"), "2024");
  EXPECT_EQ(at("e"), "b");
  EXPECT_EQ(at("e2"), "c'd");
  EXPECT_EQ(at("s"), "x,z");
  EXPECT_EQ(at("bt"), "0x0102");  // b'1000000001' little-endian
  EXPECT_EQ(at("js"), R"({"a":1,"d":1.5,"arr":["x",true,null],"big":9223372036854775807})");
  EXPECT_EQ(at("geo"), R"({"wkb":"AQEAAAAAAAAAAADwPwAAAAAAAABA","srid":0})");  // POINT(1 2)
  EXPECT_EQ(at("txt_latin1"), "café ñ");
  EXPECT_EQ(at("vc_latin1"), "Ÿ€ señor");  // latin1 is cp1252
  EXPECT_EQ(at("vc_ucs2"), "héllo");
}

TEST(ZongjiCaptureTypes, UpdateDeleteAndNullRow) {
  CDC_REQUIRE_BINLOGS();
  Recorder r = decode_fixture(event::BigintUnsignedHandling::precise);
  ASSERT_EQ(r.changes.size(), 4u);
  EXPECT_EQ(r.changes[1].op, event::Op::update);
  EXPECT_EQ(r.changes[1].before[0], "1");
  EXPECT_EQ(r.changes[1].after[0], "2");
  EXPECT_EQ(r.changes[1].before[4], "héllo wörld");
  EXPECT_EQ(r.changes[1].after[4], "updated");
  EXPECT_EQ(r.changes[2].op, event::Op::del);
  EXPECT_EQ(r.changes[2].before[0], "2");
  const Change& last = r.changes[3];
  EXPECT_EQ(last.after[0], "3");
  for (size_t i = 1; i < last.after.size(); ++i) EXPECT_EQ(last.after[i], "null") << last.column_names[i];
  EXPECT_EQ(last.source.query, "INSERT INTO capture_types (id) VALUES (3)");
  EXPECT_EQ(last.source.gtid, "75029619-787e-11f1-88ef-6acb2cd49b0e:101");
  EXPECT_EQ(r.rotates.size(), 3u);
}

TEST(ZongjiCaptureTypes, BigintUnsignedAboveInt64FailsInLongMode) {
  CDC_REQUIRE_BINLOGS();
  try {
    decode_fixture(event::BigintUnsignedHandling::long_);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("capture_types.u_big"), std::string::npos) << m;
    EXPECT_NE(m.find("envelope.bigint_unsigned_handling"), std::string::npos) << m;
  }
}

// information_schema that disagrees with the TABLE_MAP (a cached answer from before the table changed) is
// asked once more; when the fresh answer still disagrees, decoding stops with an error naming the table,
// the column, both types and the fix.
TEST(ZongjiCaptureTypes, MismatchingColumnTypeIsAskedAgainThenRefused) {
  CDC_REQUIRE_BINLOGS();
  static const ExternalTableInfo good = fixture_schema();
  static ExternalTableInfo stale = good;
  size_t vc = 0;
  while (stale.columns[vc].name != "vc") ++vc;
  stale.columns[vc].column_type = "int(11)";

  DecoderOptions o;
  o.envelope.bigint_unsigned = event::BigintUnsignedHandling::precise;
  int refreshed = 0;
  o.external = [&](const std::string&, const std::string& table) -> const ExternalTableInfo* {
    if (table != "capture_types") return nullptr;
    return refreshed ? &good : &stale;
  };
  o.external_refresh = [&](const std::string&, const std::string&) { ++refreshed; };
  Recorder r = decode("zongji__mysql84-minimal.dumpstream.binlog", o);
  EXPECT_EQ(refreshed, 1);
  ASSERT_EQ(r.changes.size(), 4u);

  o.external = [&](const std::string&, const std::string& table) -> const ExternalTableInfo* {
    return table == "capture_types" ? &stale : nullptr;
  };
  refreshed = 0;
  try {
    decode("zongji__mysql84-minimal.dumpstream.binlog", o);
    ADD_FAILURE() << "decoded with a column type information_schema contradicts";
  } catch (const DecodeError& e) {
    std::string what = e.what();
    for (const char* part : {"capture_types column vc", "int(11)", "VARCHAR", "binlog_row_metadata=FULL"})
      EXPECT_NE(what.find(part), std::string::npos) << part << " missing from: " << what;
  }
  EXPECT_EQ(refreshed, 1) << "asked again exactly once";
}

}  // namespace
}  // namespace cdc::mysql::test
