// Per-type value decoding for the variable-length and temporal MySQL types (RowDecoder's helpers).
#include <bit>

#include "event/json_append.h"
#include "mysql/charset.h"
#include "mysql/json_binary.h"
#include "mysql/row_decoder.h"
#include "mysql/types.h"

namespace cdc::mysql {
namespace {

std::string_view as_chars(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Appends the value straight into the row arena (no temporary string) and points column i at it.
template <class Fill>
void set_built(event::Row& row, size_t i, event::Value::Kind kind, Fill fill) {
  size_t off = row.arena.size();
  fill(row.arena);
  event::Value v;
  v.kind = kind;
  v.off = static_cast<uint32_t>(off);
  v.len = static_cast<uint32_t>(row.arena.size() - off);
  row.values[i] = v;
}

}  // namespace

void RowDecoder::decode_string(ByteReader& r, size_t i, event::Row& row, size_t len_bytes) const {
  size_t len = static_cast<size_t>(r.uintle(len_bytes, "string length"));
  Bytes raw = r.bytes(len, "string value");
  const Plan& p = plans_[i];
  if (p.utf8) return row.set_text(i, as_chars(raw));  // the common case: no conversion, no error context
  if (p.codec == Codec::text) {
    std::string what = where(i);
    return set_built(row, i, event::Value::Kind::text,
                     [&](std::string& a) { append_utf8(a, as_chars(raw), p.charset, what.c_str()); });
  }
  if (p.codec == Codec::binary_padded) {
    // BINARY(n) loses its trailing zero bytes in the binlog; Debezium restores them.
    size_t width = std::max<size_t>(map_.columns[i].max_length, raw.size());
    return set_built(row, i, event::Value::Kind::bytes, [&](std::string& a) {
      a.append(as_chars(raw));
      a.append(width - raw.size(), '\0');
    });
  }
  row.set_bytes(i, as_chars(raw));
}

void RowDecoder::decode_blob_like(ByteReader& r, size_t i, event::Row& row) const {
  const ColumnDef& d = map_.columns[i];
  size_t prefix = d.max_length;
  if (prefix < 1 || prefix > 4) r.fail("blob length", "length prefix of " + std::to_string(prefix) + " bytes");
  size_t len = static_cast<size_t>(r.uintle(prefix, "blob length"));
  Bytes raw = r.bytes(len, "blob value");
  const Plan& p = plans_[i];
  if (p.utf8) return row.set_text(i, as_chars(raw));
  switch (p.codec) {
    case Codec::text: {
      std::string what = where(i);
      return set_built(row, i, event::Value::Kind::text,
                       [&](std::string& a) { append_utf8(a, as_chars(raw), p.charset, what.c_str()); });
    }
    case Codec::json_binary: {
      std::string json;  // built aside so a malformed document leaves no partial text in the arena
      append_json_text(json, raw);
      return row.set_text(i, json);
    }
    case Codec::json_text: return row.set_text(i, as_chars(raw));
    case Codec::geometry: {
      // MySQL geometry: 4-byte little-endian SRID, then standard WKB.
      ByteReader g(raw);
      uint32_t srid = g.u32le("geometry SRID");
      Bytes wkb = g.rest();
      return set_built(row, i, event::Value::Kind::raw_json, [&](std::string& a) {
        a += "{\"wkb\":\"";
        event::json::append_base64(a, as_chars(wkb));
        a += "\",\"srid\":" + std::to_string(srid) + "}";
      });
    }
    case Codec::vector: {
      if (raw.size() % 4) r.fail("vector", "length " + std::to_string(raw.size()) + " is not a multiple of 4");
      ByteReader v(raw);
      return set_built(row, i, event::Value::Kind::raw_json, [&](std::string& a) {
        a.push_back('[');
        for (size_t k = 0; k < raw.size() / 4; ++k) {
          if (k) a.push_back(',');
          event::json::append_float(a, std::bit_cast<float>(v.u32le("vector element")));
        }
        a.push_back(']');
      });
    }
    default: row.set_bytes(i, as_chars(raw));
  }
}

void RowDecoder::decode_members(ByteReader& r, size_t i, event::Row& row) const {
  const ColumnDef& d = map_.columns[i];
  const Plan& p = plans_[i];
  size_t width = d.max_length;
  if (width < 1 || width > (d.type == T_ENUM ? 2u : 8u))
    r.fail("enum/set", where(i) + ": storage width of " + std::to_string(width) + " bytes is invalid");
  uint64_t v = r.uintle(width, d.type == T_ENUM ? "enum index" : "set bitmap");
  if (p.members.empty()) return row.set_text(i, std::to_string(v));  // names unknown: offline decode only
  if (d.type == T_ENUM) {
    if (v == 0) return row.set_text(i, "");  // the "invalid value" index MySQL stores in non-strict mode
    if (v > p.members.size()) r.fail("enum index", where(i) + ": index " + std::to_string(v) + " has no member");
    return row.set_text(i, p.members[v - 1]);
  }
  set_built(row, i, event::Value::Kind::text, [&](std::string& a) {
    bool first = true;
    for (size_t b = 0; b < 64 && b < p.members.size(); ++b) {
      if (!(v >> b & 1)) continue;
      if (!first) a.push_back(',');
      a += p.members[b];
      first = false;
    }
  });
}

void RowDecoder::decode_temporal(ByteReader& r, size_t i, event::Row& row) const {
  const ColumnDef& d = map_.columns[i];
  switch (plans_[i].codec) {
    case Codec::date: {
      auto days = types::epoch_days(types::read_date(r));
      return days ? row.set_int(i, *days) : row.set_null(i);
    }
    case Codec::time2: return row.set_int(i, types::read_time2_micros(r, d.fsp));
    case Codec::time_v1: return row.set_int(i, types::read_time_v1_micros(r));
    case Codec::datetime2: case Codec::datetime_v1: {
      bool v2 = plans_[i].codec == Codec::datetime2;
      auto us = types::epoch_micros(v2 ? types::read_datetime2(r, d.fsp) : types::read_datetime_v1(r));
      if (!us) return row.set_null(i);  // zero date
      bool micros = v2 && d.fsp > 3;
      int64_t v = micros ? *us : (*us >= 0 ? *us / 1000 : (*us - 999) / 1000);
      return row.set_int(i, v);
    }
    case Codec::timestamp2: case Codec::timestamp_v1: {
      bool v2 = plans_[i].codec == Codec::timestamp2;
      auto [secs, micros] = v2 ? types::read_timestamp2(r, d.fsp) : std::pair<uint32_t, uint32_t>{r.u32le("timestamp"), 0};
      if (secs == 0 && micros == 0) return row.set_null(i);  // '0000-00-00 00:00:00'
      int fsp = v2 ? d.fsp : 0;
      // Init-captures, not [&]: clang before 16 cannot capture structured bindings.
      return set_built(row, i, event::Value::Kind::text, [&, secs = secs, micros = micros](std::string& a) {
        types::append_iso_utc(a, secs, micros, fsp);
      });
    }
    default: r.fail("row value", "internal: unhandled codec");
  }
}

}  // namespace cdc::mysql
