// The one table of configuration keys. It drives the loader (which keys exist, their types, ranges,
// defaults, where each value goes in Config) and docs/configuration.md, so the two cannot drift.
#pragma once
#include <cstdint>
#include <map>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace cdc::config {

enum class KeyType {
  section,     // a map of further keys from this table
  string,
  integer,     // within [min, max]
  boolean,
  choice,      // one of `choices`
  regex_list,  // list of full-match ECMAScript regexes
  string_map,  // free-form map of scalar strings (librdkafka properties)
};

enum class Required { no, always, for_mysql, for_postgres };

// A type-checked value, after secret references were resolved.
struct KeyValue {
  std::string text;                         // string, choice
  size_t choice_index = 0;                  // choice: position in KeySpec::choices
  int64_t integer = 0;                      // integer
  bool boolean = false;                     // boolean
  std::vector<std::string> list;            // regex_list: patterns as written
  std::vector<std::regex> regexes;          // regex_list: compiled
  std::map<std::string, std::string> map;   // string_map
};

struct KeySpec {
  std::string_view path;  // dotted: "source.tls.mode"
  KeyType type;
  Required required = Required::no;
  std::string_view default_yaml;  // applied when the key is absent; empty = no literal default
  std::string_view default_note;  // docs text for a default computed from other keys
  std::string_view doc;
  std::string_view choices;  // choice: "a|b|c", in the order of the C++ enum it maps to
  int64_t min = 0;           // integer range, inclusive
  int64_t max = 0;
  bool secret = false;  // the value never appears in messages
  void (*apply)(Config&, const KeyValue&) = nullptr;  // null for sections
};

std::span<const KeySpec> config_keys();
const KeySpec* find_key(std::string_view path);

// The values of KeySpec::choices, split on '|'.
std::vector<std::string_view> split_choices(std::string_view choices);

}  // namespace cdc::config
