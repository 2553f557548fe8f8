// MySQL binary JSON -> JSON text, checked against the shared vectors (vitess and msmp test tables):
// every document renders to its expected value, malformed ones are DecodeErrors, and the msmp row-image
// framing (4-byte length prefix) decodes through a JSON column.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "binlog_test_support.h"
#include "mysql/json_binary.h"
#include "mysql/row_decoder.h"

namespace cdc::mysql::test {
namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

Bytes as_bytes(const std::string& s) { return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

// Expected text: the record's JSON minified; opaque values as MySQL renders them.
std::string expected_text(simdjson::dom::element e) {
  simdjson::dom::object o;
  if (e.get_object().get(o) == simdjson::SUCCESS && o["opaque_mysql_type"].error() == simdjson::SUCCESS) {
    std::string v(o["vitess_expected"].get_string().value());
    if (v.rfind("time ", 0) == 0) return "\"" + v.substr(5) + "\"";
    if (v.rfind("decimal ", 0) == 0) return v.substr(8);
    if (v.rfind("bit bytes cafe", 0) == 0) return "\"base64:type16:yv4=\"";
    if (v.rfind("blob bytes cafe", 0) == 0) return "\"base64:type15:yv4=\"";
    return "unhandled opaque " + v;
  }
  return simdjson::minify(e);
}

// Same JSON value? Both sides are parsed so that number spelling (1.5 vs 1.50) does not matter.
bool same_json(const std::string& a, const std::string& b) {
  simdjson::dom::parser pa, pb;
  simdjson::dom::element ea, eb;
  if (pa.parse(a).get(ea) || pb.parse(b).get(eb)) return a == b;
  return simdjson::minify(ea) == simdjson::minify(eb);
}

struct Vector {
  std::string id, hex, expected, row_image_hex;
  bool error = false;
};

std::vector<Vector> load_vectors() {
  std::vector<Vector> out;
  simdjson::dom::parser parser;
  simdjson::dom::document_stream stream;
  auto data = simdjson::padded_string::load(binlog("mysql-json-binary-vectors.jsonl"));
  if (parser.parse_many(data.value()).get(stream)) return out;
  for (auto doc : stream) {
    simdjson::dom::element e = doc.value();
    Vector v;
    v.id = std::string(e["id"].get_string().value());
    v.hex = std::string(e["jsonb_hex"].get_string().value());
    v.error = e["expected_error"].is_string();
    if (!v.error) v.expected = expected_text(e["expected"].value());
    if (e["row_image_hex"].is_string()) v.row_image_hex = std::string(e["row_image_hex"].get_string().value());
    out.push_back(std::move(v));
  }
  return out;
}

TEST(JsonBinaryVectors, EveryDocumentRendersItsExpectedValue) {
  CDC_REQUIRE_BINLOGS();
  auto vectors = load_vectors();
  ASSERT_EQ(vectors.size(), 48u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.id);
    std::string bytes = unhex(v.hex);
    std::string out;
    if (v.error) {
      EXPECT_THROW(append_json_text(out, as_bytes(bytes)), DecodeError);
      continue;
    }
    ASSERT_NO_THROW(append_json_text(out, as_bytes(bytes)));
    EXPECT_TRUE(same_json(out, v.expected)) << out << " vs " << v.expected;
  }
}

TEST(JsonBinaryVectors, RowImageFramingThroughAJsonColumn) {
  CDC_REQUIRE_BINLOGS();
  TableMap map;
  map.db = "d";
  map.table = "t";
  ColumnDef c;
  c.type = c.binlog_type = T_JSON;
  c.max_length = 4;  // JSON columns store a 4-byte length prefix
  c.name = "j";
  map.columns.push_back(c);
  map.has_column_names = true;
  RowDecoder dec(map, {}, Flavor::mysql, nullptr, ColumnNaming::require);
  const uint8_t present[1] = {1};
  size_t checked = 0;
  for (const auto& v : load_vectors()) {
    if (v.row_image_hex.empty()) continue;
    SCOPED_TRACE(v.id);
    std::string image = std::string(1, '\0') + unhex(v.row_image_hex);  // NULL bitmap: not null
    ByteReader r(as_bytes(image));
    event::Row row;
    dec.decode(r, Bytes(present, 1), row);
    EXPECT_TRUE(r.empty());
    EXPECT_TRUE(same_json(show(row, 0), v.expected)) << show(row, 0) << " vs " << v.expected;
    ++checked;
  }
  EXPECT_EQ(checked, 18u);
}

// Renders `doc` into `out`; the DecodeError's message, or "" when the document renders.
std::string decode_error(const std::string& doc, std::string& out) {
  out.clear();
  try {
    append_json_text(out, as_bytes(doc));
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

// `levels` small arrays around [], each holding two entries that point at the same inner array: a damaged
// document (MySQL writes each value once) that renders 2^levels empty arrays.
std::string shared_arrays(int levels) {
  std::string body = std::string("\x00\x00\x04\x00", 4);  // innermost: []
  for (int i = 0; i < levels; ++i) {
    uint16_t size = static_cast<uint16_t>(10 + body.size());
    body = std::string("\x02\x00", 2) + static_cast<char>(size & 0xff) + static_cast<char>(size >> 8) +
           std::string("\x02\x0a\x00\x02\x0a\x00", 6) + body;
  }
  return "\x02" + body;
}

TEST(JsonBinary, DeepNestingIsAnErrorNotACrash) {
  // 400 nested one-element small arrays: [[[...null...]]]. Each array is: type 0x02 (only for the outermost),
  // count=1, size, then one value entry (type 0x02, offset 7) followed by the inner array's body.
  std::string body = std::string("\x01\x00\x08\x00\x04\x00\x00\x00", 8);  // innermost: [null]
  for (int i = 0; i < 400; ++i) {
    uint16_t size = static_cast<uint16_t>(7 + body.size());
    std::string outer = std::string("\x01\x00", 2) + static_cast<char>(size & 0xff) + static_cast<char>(size >> 8) +
                        std::string("\x02\x07\x00", 3) + body;
    body = outer;
  }
  std::string out, err = decode_error("\x02" + body, out);
  EXPECT_NE(err.find("nesting"), std::string::npos) << "expected a DecodeError, got '" << err << "'";
}

// A damaged document whose arrays each hold two entries pointing at the same inner array: 60 levels in
// 605 bytes would render 2^60 values. It is an error at once, not a hang.
TEST(JsonBinary, SharedValuesAreAnErrorNotAnExplosion) {
  std::string out, err = decode_error(shared_arrays(60), out);
  EXPECT_NE(err.find("entries share their values"), std::string::npos) << "expected a DecodeError, got '" << err << "'";
  // Two levels of the same shape are small enough to render: [[[],[]],[[],[]]].
  EXPECT_EQ(decode_error(shared_arrays(2), out), "");
  EXPECT_EQ(out, "[[[],[]],[[],[]]]");

  // Few values, much text: 10000 entries of one array all pointing at the same 30000-byte string, 60 KB
  // that would render 300 MB.
  const size_t n = 10000, len = 30000;
  std::string arr;
  auto le = [&arr](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) arr.push_back(static_cast<char>(v >> (8 * i)));
  };
  const size_t string_at = 8 + n * 5;  // large array: count, size (u32 each), then 5-byte value entries
  le(n, 4);
  le(string_at + 3 + len, 4);
  for (size_t i = 0; i < n; ++i) {
    arr.push_back('\x0c');  // STRING
    le(string_at, 4);
  }
  arr += std::string("\xb0\xea\x01", 3) + std::string(len, 'x');  // varlen 30000, then the text
  err = decode_error("\x03" + arr, out);
  EXPECT_NE(err.find("bytes of text per byte of the document"), std::string::npos)
      << "expected a DecodeError, got '" << err << "' after " << out.size() << " bytes";
  EXPECT_LT(out.size(), 17 * (arr.size() + 1) + 64 + len * 6 + 8);
}

// The worst text-per-byte a real document has: a string of control characters, 6 bytes of text each.
TEST(JsonBinary, ControlCharactersStayWithinTheTextBudget) {
  std::string doc = std::string("\x0c\xe8\x07", 3) + std::string(1000, '\x01');  // STRING of 1000 x 0x01
  std::string out;
  append_json_text(out, as_bytes(doc));
  EXPECT_EQ(out.size(), 2 + 6 * 1000u);
}

}  // namespace
}  // namespace cdc::mysql::test
