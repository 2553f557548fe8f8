// The set of executed GTIDs, advanced one transaction at a time: MySQL "uuid[:tag]:intervals" sets and
// MariaDB "domain-server-seq" lists (one entry per replication domain).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cdc::mysql {

class GtidSet {
 public:
  // Parses "uuid:1-5:7,uuid2:tag:1-3" (MySQL) or "0-1-100,1-2-5" (MariaDB). Throws DecodeError.
  static GtidSet parse(std::string_view text);
  void add_mysql(const std::string& uuid_and_tag, int64_t gno);  // "uuid" or "uuid:tag"
  void add_range(const std::string& uuid_and_tag, int64_t lo, int64_t hi);  // inclusive
  void add_mariadb(uint32_t domain, uint32_t server, uint64_t seq);
  bool contains_mysql(const std::string& uuid_and_tag, int64_t gno) const;
  // Whether every transaction of `other` is in this set. MySQL: each interval of `other` lies inside one of
  // ours. MariaDB (a position per domain, the domain's earlier transactions implied): each domain of `other`
  // is here with a sequence number at least as high; the server id of an entry does not matter.
  bool contains(const GtidSet& other) const;
  std::string text() const;
  bool empty() const { return mysql_.empty() && mariadb_.empty(); }

 private:
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> mysql_;  // inclusive, sorted, disjoint
  std::map<uint32_t, std::pair<uint32_t, uint64_t>> mariadb_;
};

}  // namespace cdc::mysql
