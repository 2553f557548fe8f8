// Shared helpers for the binlog decoder tests: locating the shared recorded binlogs, collecting decoded
// changes, and rendering values as short strings for assertions.
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "mysql/binlog_decoder.h"
#include "mysql/binlog_file.h"

namespace cdc::mysql::test {

// The shared test-data folder: $CDC_SHARED_DIR, else $CDC_SOURCE_DIR/../shared. Empty when absent.
inline std::filesystem::path binlog_dir() {
  std::filesystem::path base;
  if (const char* s = std::getenv("CDC_SHARED_DIR")) base = s;
  else if (const char* src = std::getenv("CDC_SOURCE_DIR")) base = std::filesystem::path(src) / ".." / "shared";
  auto dir = base / "testdata" / "mysql-binlog";
  return !base.empty() && std::filesystem::is_directory(dir) ? dir : std::filesystem::path();
}

#define CDC_REQUIRE_BINLOGS()                                                                          \
  do {                                                                                                 \
    if (::cdc::mysql::test::binlog_dir().empty())                                                      \
      GTEST_SKIP() << "shared binlog test data not found (set CDC_SHARED_DIR or keep ../shared)";     \
  } while (0)

inline std::string binlog(const std::string& name) { return (binlog_dir() / name).string(); }

// A value as a compact string: null, true/false, integers, floats, text as is, bytes as hex, decimals
// and raw JSON as their text.
inline std::string show(const event::Row& row, size_t i) {
  const event::Value& v = row.values.at(i);
  switch (v.kind) {
    case event::Value::Kind::null: return "null";
    case event::Value::Kind::boolean: return v.b ? "true" : "false";
    case event::Value::Kind::int64: return std::to_string(v.i);
    case event::Value::Kind::float32: case event::Value::Kind::float64: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", v.d);
      return buf;
    }
    case event::Value::Kind::bytes: {
      std::string hex = "0x";
      for (unsigned char c : row.view(v)) {
        char b[3];
        std::snprintf(b, sizeof b, "%02x", c);
        hex += b;
      }
      return hex;
    }
    default: return std::string(row.view(v));
  }
}

struct Change {
  event::Op op;
  std::string table;
  std::vector<std::string> column_names;
  std::vector<std::string> before, after;
  event::SourceInfo source;
  std::string tx_id;
};

// Records everything the decoder reports.
struct Recorder : BinlogHandler {
  std::vector<Change> changes;
  std::vector<TxBegin> begins;
  std::vector<TxCommit> commits;
  std::vector<DdlEvent> ddls;
  std::vector<std::string> rotates;

  void on_change(event::ChangeEvent& c) override {
    Change x{c.op, c.table->db + "." + c.table->table, {}, {}, {}, c.source, c.tx_id};
    for (const auto& col : c.table->columns) x.column_names.push_back(col.name);
    if (c.has_before)
      for (size_t i = 0; i < c.before.values.size(); ++i) x.before.push_back(show(c.before, i));
    if (c.has_after)
      for (size_t i = 0; i < c.after.values.size(); ++i) x.after.push_back(show(c.after, i));
    changes.push_back(std::move(x));
  }
  void on_begin(const TxBegin& b) override { begins.push_back(b); }
  void on_commit(const TxCommit& c) override { commits.push_back(c); }
  void on_ddl(const DdlEvent& d) override { ddls.push_back(d); }
  void on_rotate(const std::string& f, uint64_t) override { rotates.push_back(f); }
};

inline DecoderOptions offline_options() {
  DecoderOptions o;
  o.envelope.bigint_unsigned = event::BigintUnsignedHandling::precise;
  o.naming = ColumnNaming::positional;
  o.include_query = true;  // the recorded files' expected values include the statements
  return o;
}

inline Recorder decode(const std::string& name, DecoderOptions o = offline_options()) {
  Recorder rec;
  decode_file(binlog(name), std::move(o), rec);
  return rec;
}

}  // namespace cdc::mysql::test
