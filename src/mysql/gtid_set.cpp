#include "mysql/gtid_set.h"

#include <algorithm>
#include <cctype>

#include "util/error.h"
#include "util/parse_number.h"

namespace cdc::mysql {
namespace {

int64_t to_int(std::string_view s, std::string_view whole) {
  int64_t v = 0;
  if (!parse_number(s, v) || v < 0)
    throw DecodeError("malformed GTID set '" + std::string(whole) + "': bad number '" + std::string(s) + "'");
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

}  // namespace

GtidSet GtidSet::parse(std::string_view text) {
  GtidSet g;
  for (auto part : split(text, ',')) {
    part = trim(part);
    if (part.empty()) continue;
    auto fields = split(part, ':');
    if (fields.size() == 1) {  // MariaDB domain-server-seq
      auto dss = split(part, '-');
      if (dss.size() != 3) throw DecodeError("malformed GTID '" + std::string(part) + "'");
      g.add_mariadb(static_cast<uint32_t>(to_int(dss[0], text)), static_cast<uint32_t>(to_int(dss[1], text)),
                    static_cast<uint64_t>(to_int(dss[2], text)));
      continue;
    }
    std::string key(fields[0]);
    bool pending_tag = false;
    for (size_t i = 1; i < fields.size(); ++i) {
      auto f = fields[i];
      if (!f.empty() && !std::isdigit(static_cast<unsigned char>(f[0]))) {  // a tag starts a new key
        if (pending_tag) throw DecodeError("GTID tag '" + std::string(fields[i - 1]) + "' has no intervals");
        key = std::string(fields[0]) + ':' + std::string(f);
        pending_tag = true;
        continue;
      }
      pending_tag = false;
      auto range = split(f, '-');
      if (range.size() > 2) throw DecodeError("malformed GTID interval '" + std::string(f) + "'");
      int64_t lo = to_int(range[0], text), hi = range.size() == 2 ? to_int(range[1], text) : lo;
      if (hi < lo) throw DecodeError("inverted GTID interval '" + std::string(f) + "'");
      g.add_range(key, lo, hi);
    }
    if (pending_tag) throw DecodeError("GTID tag in '" + std::string(part) + "' has no intervals");
  }
  return g;
}

void GtidSet::add_mysql(const std::string& key, int64_t gno) { add_range(key, gno, gno); }

void GtidSet::add_range(const std::string& key, int64_t lo, int64_t hi) {
  auto& iv = mysql_[key];
  iv.emplace_back(lo, hi);
  std::sort(iv.begin(), iv.end());
  std::vector<std::pair<int64_t, int64_t>> merged;
  for (auto [a, b] : iv) {
    // Adjacent or overlapping intervals merge (no + 1 past INT64_MAX, which a damaged set can end at).
    if (!merged.empty() && (merged.back().second == INT64_MAX || a <= merged.back().second + 1))
      merged.back().second = std::max(merged.back().second, b);
    else merged.emplace_back(a, b);
  }
  iv = std::move(merged);
}

bool GtidSet::contains_mysql(const std::string& key, int64_t gno) const {
  auto f = mysql_.find(key);
  if (f == mysql_.end()) return false;
  for (auto [a, b] : f->second)
    if (gno >= a && gno <= b) return true;
  return false;
}

bool GtidSet::contains(const GtidSet& other) const {
  for (const auto& [key, iv] : other.mysql_) {
    auto f = mysql_.find(key);
    if (f == mysql_.end()) return false;
    for (auto [a, b] : iv) {
      // Ours are merged (disjoint, not adjacent), so a covered interval lies inside a single one of them.
      // (a, b are copied into the lambda: clang 14 cannot capture structured bindings.)
      bool inside = std::any_of(f->second.begin(), f->second.end(),
                                [a = a, b = b](auto r) { return r.first <= a && b <= r.second; });
      if (!inside) return false;
    }
  }
  for (const auto& [domain, ss] : other.mariadb_) {
    auto f = mariadb_.find(domain);
    if (f == mariadb_.end() || f->second.second < ss.second) return false;
  }
  return true;
}

void GtidSet::add_mariadb(uint32_t domain, uint32_t server, uint64_t seq) { mariadb_[domain] = {server, seq}; }

std::string GtidSet::text() const {
  std::string out;
  std::string last_uuid;
  for (const auto& [key, iv] : mysql_) {
    std::string uuid = key.substr(0, key.find(':'));
    if (uuid != last_uuid) {
      if (!out.empty()) out += ',';
      out += uuid;
      last_uuid = uuid;
    }
    if (key.size() > uuid.size()) out += key.substr(uuid.size());
    for (auto [a, b] : iv) out += ':' + std::to_string(a) + (a == b ? "" : '-' + std::to_string(b));
  }
  for (const auto& [domain, ss] : mariadb_) {
    if (!out.empty()) out += ',';
    out += std::to_string(domain) + '-' + std::to_string(ss.first) + '-' + std::to_string(ss.second);
  }
  return out;
}

}  // namespace cdc::mysql
