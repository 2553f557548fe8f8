#include "event/change_id.h"

#include <charconv>

#include "util/error.h"

namespace cdc::event::change_id {
namespace {

void append_fixed(std::string& out, uint64_t v, int base, size_t width, std::string_view what) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, base);
  const auto len = static_cast<size_t>(r.ptr - buf);
  if (len > width) {
    throw Error(ExitCode::internal, "change id: " + std::string(what) + " " + std::to_string(v) +
                                        " does not fit " + std::to_string(width) + " digits");
  }
  // One resize, then the digits in place (two of these per event: no push_back per character).
  const size_t at = out.size();
  out.resize(at + width, '0');
  char* dst = out.data() + at + (width - len);
  for (size_t i = 0; i < len; ++i) {
    const char c = buf[i];
    dst[i] = c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c;  // LSNs print upper-case
  }
}

bool parse_fixed(std::string_view s, int base, uint64_t& v) {
  for (const char c : s) {
    const bool dec = c >= '0' && c <= '9';
    const bool hex = base == 16 && c >= 'A' && c <= 'F';
    if (!dec && !hex) return false;
  }
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

void append_mysql(std::string& out, uint64_t file_index, uint64_t tx_start_pos, uint64_t event_index) {
  out.append("m:");
  append_fixed(out, file_index, 10, 10, "binlog file index");
  out.push_back(':');
  append_fixed(out, tx_start_pos, 10, 20, "binlog position");
  out.push_back(':');
  append_fixed(out, event_index, 10, 10, "event index");
}

void append_postgres(std::string& out, uint64_t commit_lsn, uint64_t event_lsn, uint64_t event_index) {
  out.append("p:");
  append_fixed(out, commit_lsn, 16, 16, "commit LSN");
  out.push_back(':');
  append_fixed(out, event_lsn, 16, 16, "event LSN");
  out.push_back(':');
  append_fixed(out, event_index, 10, 10, "event index");
}

void append_mysql_snapshot(std::string& out, uint64_t file_index, uint64_t snapshot_pos, uint64_t row_index) {
  if (snapshot_pos == 0) throw Error(ExitCode::internal, "change id: snapshot binlog position 0");
  append_mysql(out, file_index, snapshot_pos - 1, row_index);
}

void append_postgres_snapshot(std::string& out, uint64_t consistent_point_lsn, uint64_t row_index) {
  append_postgres(out, consistent_point_lsn, 0, row_index);
}

std::optional<uint64_t> binlog_file_index(std::string_view file_name) {
  const size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == file_name.size()) return std::nullopt;
  uint64_t v = 0;
  if (!parse_fixed(file_name.substr(dot + 1), 10, v)) return std::nullopt;
  return v;
}

std::optional<Parsed> parse(std::string_view id) {
  Parsed p;
  if (id.size() == kMysqlLength && id.starts_with("m:") && id[12] == ':' && id[33] == ':') {
    p.source = 'm';
    if (parse_fixed(id.substr(2, 10), 10, p.major) && parse_fixed(id.substr(13, 20), 10, p.minor) &&
        parse_fixed(id.substr(34, 10), 10, p.index)) {
      return p;
    }
    return std::nullopt;
  }
  if (id.size() == kPostgresLength && id.starts_with("p:") && id[18] == ':' && id[35] == ':') {
    p.source = 'p';
    if (parse_fixed(id.substr(2, 16), 16, p.major) && parse_fixed(id.substr(19, 16), 16, p.minor) &&
        parse_fixed(id.substr(36, 10), 10, p.index)) {
      return p;
    }
  }
  return std::nullopt;
}

}  // namespace cdc::event::change_id
