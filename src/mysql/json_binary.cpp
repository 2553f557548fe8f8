// Binary JSON layout (sql-common/json_binary.h):
//   doc       ::= type value
//   object    ::= count size key-entry* value-entry* key* value*     (small: u16 fields, large: u32)
//   array     ::= count size value-entry* value*
//   key-entry ::= offset length(u16);  value-entry ::= type offset-or-inlined-value
// Offsets are relative to the first byte after the container's type byte. Literals and 16-bit integers
// (plus 32-bit ones in large containers) are inlined into the value entry.
#include "mysql/json_binary.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "event/json_append.h"
#include "mysql/table_map.h"
#include "mysql/types.h"

namespace cdc::mysql {
namespace {

enum JsonType : uint8_t {
  SMALL_OBJECT = 0, LARGE_OBJECT = 1, SMALL_ARRAY = 2, LARGE_ARRAY = 3, LITERAL = 4, INT16 = 5, UINT16 = 6,
  INT32 = 7, UINT32 = 8, INT64 = 9, UINT64 = 10, DOUBLE = 11, STRING = 12, OPAQUE = 15,
};
constexpr int kMaxDepth = 150;  // deeper than MySQL's own limit of 100, low enough for the stack

uint64_t read_varlen(ByteReader& r, const char* what) {
  uint64_t len = 0;
  for (int i = 0; i < 5; ++i) {
    uint8_t b = r.u8(what);
    len |= uint64_t{b & 0x7fu} << (7 * i);
    if (!(b & 0x80)) return len;
  }
  r.fail(what, "variable-length size longer than 5 bytes");
}

class JsonWriter {
 public:
  // A document of n bytes holds at most n values (each value entry takes 3 bytes or more), and renders as
  // at most a few bytes of text per byte (6 for a control character in a string, the worst case). Entries
  // that point at a shared value (MySQL writes each value once; a damaged document need not) could
  // otherwise make 600 bytes render 2^60 values, or 60 KB render 300 MB of one string repeated: both
  // budgets turn that into an error.
  JsonWriter(std::string& out, size_t doc_size)
      : out_(out), values_left_(doc_size), text_limit_(out.size() + kMaxTextPerByte * doc_size + 64) {}

  void value(uint8_t type, ByteReader r, int depth) {
    if (depth > kMaxDepth) r.fail("json", "nesting deeper than " + std::to_string(kMaxDepth));
    if (values_left_ == 0) r.fail("json", "more values than the document has bytes: entries share their values");
    if (out_.size() > text_limit_)
      r.fail("json", "more than " + std::to_string(kMaxTextPerByte) +
                         " bytes of text per byte of the document: entries share their values");
    --values_left_;
    switch (type) {
      case SMALL_OBJECT: return container(r, false, true, depth);
      case LARGE_OBJECT: return container(r, true, true, depth);
      case SMALL_ARRAY: return container(r, false, false, depth);
      case LARGE_ARRAY: return container(r, true, false, depth);
      case LITERAL: return literal(r, r.u8("json literal"));
      case INT16: return integer(static_cast<int16_t>(r.u16le("json int16")));
      case UINT16: return integer(r.u16le("json uint16"));
      case INT32: return integer(static_cast<int32_t>(r.u32le("json int32")));
      case UINT32: return integer(r.u32le("json uint32"));
      case INT64: return integer(static_cast<int64_t>(r.u64le("json int64")));
      case UINT64: out_ += std::to_string(r.u64le("json uint64")); return;
      case DOUBLE: return event::json::append_double(out_, std::bit_cast<double>(r.u64le("json double")));
      case STRING: {
        uint64_t n = read_varlen(r, "json string length");
        if (n > r.remaining()) r.fail("json string", "length " + std::to_string(n) + " exceeds the value");
        return event::json::append_string(out_, r.str(static_cast<size_t>(n), "json string"));
      }
      case OPAQUE: return opaque(r);
      default: r.fail("json", "unknown value type " + std::to_string(type));
    }
  }

 private:
  void integer(int64_t v) { out_ += std::to_string(v); }

  void literal(ByteReader& r, uint8_t v) {
    switch (v) {
      case 0: out_ += "null"; return;
      case 1: out_ += "true"; return;
      case 2: out_ += "false"; return;
      default: r.fail("json literal", "unknown literal " + std::to_string(v));
    }
  }

  // `r` spans the container, starting right after its type byte.
  void container(ByteReader r, bool large, bool object, int depth) {
    ByteReader whole = r;
    size_t w = large ? 4 : 2;
    uint64_t count = r.uintle(w, "json element count");
    uint64_t size = r.uintle(w, "json container size");
    // MySQL writers are exact, but some hand-made documents overstate the size: clamp it, every element
    // read below is bounds-checked against what is really there.
    size = std::min<uint64_t>(size, whole.size());
    size_t entry_bytes = (object ? (w + 2) : 0) + (1 + w);
    if (count > size / entry_bytes) r.fail("json container", "element count exceeds its size");
    Bytes body = whole.rest().first(static_cast<size_t>(size));
    size_t keys_at = 2 * w, values_at = keys_at + (object ? static_cast<size_t>(count) * (w + 2) : 0);
    out_.push_back(object ? '{' : '[');
    for (uint64_t i = 0; i < count; ++i) {
      if (i) out_.push_back(',');
      if (object) {
        ByteReader ke(body);
        ke.skip(keys_at + static_cast<size_t>(i) * (w + 2), "json key entry");
        uint64_t off = ke.uintle(w, "json key offset");
        uint16_t len = ke.u16le("json key length");
        if (off > body.size()) ke.fail("json key offset", "offset is outside the container");
        ByteReader k(body);
        k.skip(static_cast<size_t>(off), "json key");
        event::json::append_string(out_, k.str(len, "json key"));
        out_.push_back(':');
      }
      ByteReader ve(body);
      ve.skip(values_at + static_cast<size_t>(i) * (1 + w), "json value entry");
      element(ve, body, large, depth);
    }
    out_.push_back(object ? '}' : ']');
  }

  void element(ByteReader& entry, Bytes body, bool large, int depth) {
    uint8_t type = entry.u8("json value type");
    bool inlined = type == LITERAL || type == INT16 || type == UINT16 || (large && (type == INT32 || type == UINT32));
    if (inlined) return value(type, entry, depth + 1);
    uint64_t off = entry.uintle(large ? 4 : 2, "json value offset");
    if (off >= body.size()) entry.fail("json value offset", "offset " + std::to_string(off) + " is outside the container");
    value(type, ByteReader(body.subspan(static_cast<size_t>(off))), depth + 1);
  }

  void opaque(ByteReader& r) {
    uint8_t field_type = r.u8("json opaque type");
    uint64_t n = read_varlen(r, "json opaque length");
    if (n > r.remaining())
      r.fail("json opaque", "length " + std::to_string(n) + " exceeds available bytes " + std::to_string(r.remaining()));
    ByteReader v = r.sub(static_cast<size_t>(n), "json opaque value");
    switch (field_type) {
      case T_NEWDECIMAL: {
        int precision = v.u8("json decimal precision");
        int scale = v.u8("json decimal scale");
        return types::append_decimal(out_, v, precision, scale);  // a JSON number, unquoted
      }
      case T_DATE: case T_DATETIME: case T_TIMESTAMP: case T_TIME: {
        if (v.remaining() < 8) v.fail("json opaque temporal", "length " + std::to_string(n) + " is too short");
        auto packed = static_cast<int64_t>(v.u64le("json packed temporal"));
        return temporal(field_type, packed);
      }
      default: {
        // MySQL's own rendering of other opaque values: "base64:type<N>:<data>".
        out_ += "\"base64:type" + std::to_string(field_type) + ':';
        auto b = v.rest();
        event::json::append_base64(out_, std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
        out_.push_back('"');
      }
    }
  }

  void temporal(uint8_t field_type, int64_t packed) {
    std::string s;
    if (field_type == T_TIME) {
      types::append_time_packed(s, packed);
    } else {
      types::DateTime t = types::unpack_datetime_packed(packed);
      char buf[48];
      int len = field_type == T_DATE
                    ? std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day)
                    : std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06u", t.year, t.month, t.day,
                                    t.hour, t.minute, t.second, t.micros);
      s.assign(buf, static_cast<size_t>(len));
    }
    event::json::append_string(out_, s);
  }

  static constexpr size_t kMaxTextPerByte = 16;
  std::string& out_;
  size_t values_left_;
  size_t text_limit_;
};

}  // namespace

void append_json_text(std::string& out, Bytes doc) {
  if (doc.empty()) {
    out += "null";
    return;
  }
  ByteReader r(doc);
  uint8_t type = r.u8("json type");
  JsonWriter(out, doc.size()).value(type, ByteReader(r.rest()), 0);
}

}  // namespace cdc::mysql
