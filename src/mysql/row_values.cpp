// Per-type value decoding for the variable-length and temporal MySQL types (RowDecoder's helpers).
#include <bit>

#include "event/json_append.h"
#include "mysql/charset.h"
#include "mysql/json_binary.h"
#include "mysql/row_decoder.h"
#include "mysql/row_values.h"
#include "mysql/types.h"

namespace cdc::mysql {
namespace {

std::string_view as_chars(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

}  // namespace

int64_t datetime_value(int64_t epoch_micros, bool micros) {
  if (micros) return epoch_micros;
  return epoch_micros >= 0 ? epoch_micros / 1000 : (epoch_micros - 999) / 1000;
}

void set_timestamp(event::Row& row, size_t i, int64_t epoch_seconds, uint32_t micros, int fsp) {
  if (epoch_seconds == 0 && micros == 0) return row.set_null(i);  // '0000-00-00 00:00:00'
  set_built(row, i, event::Value::Kind::text,
            [&](std::string& a) { types::append_iso_utc(a, epoch_seconds, micros, fsp); });
}

void set_geometry(event::Row& row, size_t i, uint32_t srid, std::string_view wkb) {
  set_built(row, i, event::Value::Kind::raw_json, [&](std::string& a) {
    a += "{\"wkb\":\"";
    event::json::append_base64(a, wkb);
    a += "\",\"srid\":" + std::to_string(srid) + "}";
  });
}

void set_vector(event::Row& row, size_t i, std::string_view le_floats) {
  set_built(row, i, event::Value::Kind::raw_json, [&](std::string& a) {
    a.push_back('[');
    for (size_t k = 0; k < le_floats.size() / 4; ++k) {
      uint32_t bits = 0;  // assembled byte by byte: the element need not be aligned
      for (int b = 3; b >= 0; --b) bits = bits << 8 | static_cast<uint8_t>(le_floats[k * 4 + static_cast<size_t>(b)]);
      if (k) a.push_back(',');
      event::json::append_float(a, std::bit_cast<float>(bits));
    }
    a.push_back(']');
  });
}

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
      return set_geometry(row, i, srid, as_chars(g.rest()));
    }
    case Codec::vector: {
      if (raw.size() % 4) r.fail("vector", "length " + std::to_string(raw.size()) + " is not a multiple of 4");
      return set_vector(row, i, as_chars(raw));
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
      return row.set_int(i, datetime_value(*us, v2 && d.fsp > 3));
    }
    case Codec::timestamp2: case Codec::timestamp_v1: {
      bool v2 = plans_[i].codec == Codec::timestamp2;
      auto [secs, micros] = v2 ? types::read_timestamp2(r, d.fsp) : std::pair<uint32_t, uint32_t>{r.u32le("timestamp"), 0};
      return set_timestamp(row, i, secs, micros, v2 ? d.fsp : 0);
    }
    default: r.fail("row value", "internal: unhandled codec");
  }
}

}  // namespace cdc::mysql
