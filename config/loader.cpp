// YAML -> Config, driven by the key table in keys.cpp: unknown keys, types, ranges, secret references and
// literal defaults. Rules that involve several keys live in derived.cpp.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <set>

#include "config/config.h"
#include "config/derived.h"
#include "config/diagnostics.h"
#include "config/keys.h"
#include "config/secrets.h"
#include "config/suggest.h"
#include "util/name_regex.h"

namespace cdc {
namespace config {
namespace {

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

std::string join(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
}

std::string_view parent_of(std::string_view path) {
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

std::string_view leaf_of(std::string_view path) { return path.substr(path.rfind('.') + 1); }

const char* kind_of(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return "a scalar";
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string join_list(const std::vector<std::string_view>& items) {
  std::string out;
  for (auto s : items) out.append(out.empty() ? "" : ", ").append(s);
  return out;
}

std::string unknown_key_message(std::string_view prefix, std::string_view key) {
  std::vector<std::string_view> siblings;
  for (const auto& k : config_keys())
    if (parent_of(k.path) == prefix) siblings.push_back(leaf_of(k.path));
  std::string near = nearest(key, siblings);
  if (!near.empty()) return "unknown key; did you mean " + quoted(near) + "?";
  // The right key in the wrong section (say `topic_prefix` under `source:`).
  for (const auto& k : config_keys())
    if (leaf_of(k.path) == key) return "unknown key; did you mean " + quoted(k.path) + "?";
  if (siblings.empty()) return "unknown key";
  return "unknown key; valid here: " + join_list(siblings);
}

bool parse_bool(std::string text, bool& out) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  // YAML 1.1 spellings too, since that is what yaml-cpp and most existing files use.
  if (text == "true" || text == "yes" || text == "on") {
    out = true;
    return true;
  }
  if (text == "false" || text == "no" || text == "off") {
    out = false;
    return true;
  }
  return false;
}

// Converts one YAML value according to its table entry, reporting problems against `path`.
class Converter {
 public:
  explicit Converter(Diagnostics& d) : d_(d) {}

  std::optional<KeyValue> convert(const KeySpec& spec, const YAML::Node& v, const std::string& path) {
    KeyValue out;
    switch (spec.type) {
      case KeyType::string:
        if (!scalar(v, path, out.text)) return std::nullopt;
        return out;
      case KeyType::integer:
        return integer(spec, v, path, out) ? std::optional(std::move(out)) : std::nullopt;
      case KeyType::boolean: {
        std::string text;
        if (!scalar(v, path, text)) return std::nullopt;
        if (!parse_bool(text, out.boolean)) {
          d_.error(line_of(v), path, "expected true or false, got " + quoted(text));
          return std::nullopt;
        }
        return out;
      }
      case KeyType::choice:
        return choice(spec, v, path, out) ? std::optional(std::move(out)) : std::nullopt;
      case KeyType::regex_list:
        return regex_list(v, path, out) ? std::optional(std::move(out)) : std::nullopt;
      case KeyType::string_map:
        return string_map(v, path, out) ? std::optional(std::move(out)) : std::nullopt;
      case KeyType::section:
        break;
    }
    return std::nullopt;
  }

 private:
  // A scalar with its secret references resolved.
  bool scalar(const YAML::Node& v, const std::string& path, std::string& out) {
    if (!v.IsScalar()) {
      d_.error(line_of(v), path, std::string("expected a single value, got ") + kind_of(v));
      return false;
    }
    Resolved r = resolve_secrets(v.Scalar());
    if (!r.error.empty()) {
      d_.error(line_of(v), path, r.error);
      return false;
    }
    out = std::move(r.value);
    return true;
  }

  bool integer(const KeySpec& spec, const YAML::Node& v, const std::string& path, KeyValue& out) {
    std::string text;
    if (!scalar(v, path, text)) return false;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out.integer);
    if (ec == std::errc::result_out_of_range || (ec == std::errc{} && ptr == end &&
                                                 (out.integer < spec.min || out.integer > spec.max))) {
      d_.error(line_of(v), path,
               text + " is out of range " + std::to_string(spec.min) + ".." + std::to_string(spec.max));
      return false;
    }
    if (ec != std::errc{} || ptr != end) {
      d_.error(line_of(v), path, "expected an integer, got " + quoted(text));
      return false;
    }
    return true;
  }

  bool choice(const KeySpec& spec, const YAML::Node& v, const std::string& path, KeyValue& out) {
    if (!scalar(v, path, out.text)) return false;
    auto choices = split_choices(spec.choices);
    auto it = std::find(choices.begin(), choices.end(), out.text);
    if (it != choices.end()) {
      out.choice_index = static_cast<size_t>(it - choices.begin());
      return true;
    }
    std::string msg = quoted(out.text) + " is not one of " + join_list(choices);
    if (std::string near = nearest(out.text, choices); !near.empty()) msg += "; did you mean " + quoted(near) + "?";
    d_.error(line_of(v), path, msg);
    return false;
  }

  bool regex_list(const YAML::Node& v, const std::string& path, KeyValue& out) {
    if (!v.IsSequence()) {
      d_.error(line_of(v), path,
               std::string("expected a list of regexes like [\"shop\\\\.orders\"], got ") + kind_of(v));
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < v.size(); ++i) {
      std::string item_path = path + "[" + std::to_string(i) + "]";
      std::string pattern;
      if (!scalar(v[i], item_path, pattern)) {
        ok = false;
        continue;
      }
      try {
        out.regexes.push_back(compile_name_regex(pattern));
        out.list.push_back(std::move(pattern));
      } catch (const std::invalid_argument& e) {
        d_.error(line_of(v[i]), item_path, "invalid regex " + quoted(pattern) + ": " + e.what());
        ok = false;
      }
    }
    return ok;
  }

  bool string_map(const YAML::Node& v, const std::string& path, KeyValue& out) {
    if (!v.IsMap()) {
      d_.error(line_of(v), path, std::string("expected a map of properties, got ") + kind_of(v));
      return false;
    }
    bool ok = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!it->first.IsScalar()) {
        d_.error(line_of(it->first), path, "property names must be plain strings");
        ok = false;
        continue;
      }
      std::string item_path = join(path, it->first.Scalar());
      if (out.map.count(it->first.Scalar())) {
        d_.error(line_of(it->first), item_path, "duplicate key");
        ok = false;
        continue;
      }
      std::string value;
      if (it->second.IsNull()) {
        d_.error(line_of(it->first), item_path, "has no value");
        ok = false;
      } else if (scalar(it->second, item_path, value)) {
        out.map.emplace(it->first.Scalar(), std::move(value));
      } else {
        ok = false;
      }
    }
    return ok;
  }

  Diagnostics& d_;
};

class Walker {
 public:
  Walker(Config& cfg, Diagnostics& d) : cfg_(cfg), d_(d), convert_(d) {}

  void walk_map(const YAML::Node& map, const std::string& prefix) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: yaml-cpp's it-> is a temporary proxy
      if (!key.IsScalar()) {
        d_.error(line_of(key), prefix, "keys must be plain names");
        continue;
      }
      std::string path = join(prefix, key.Scalar());
      if (!seen.insert(key.Scalar()).second) {
        d_.error(line_of(key), path, "duplicate key (first at line " + std::to_string(d_.line_of(path)) + ")");
        continue;
      }
      const KeySpec* spec = find_key(path);
      if (!spec) {
        d_.error(line_of(key), path, unknown_key_message(prefix, key.Scalar()));
        continue;
      }
      d_.written(path, line_of(key), !it->second.IsNull());
      if (!it->second.IsNull()) walk_value(*spec, it->second, path, line_of(key));
    }
  }

  // Literal defaults, parsed exactly like user input so the documented text is the applied value.
  void apply_defaults() {
    for (const auto& spec : config_keys()) {
      if (spec.default_yaml.empty() || d_.given(spec.path)) continue;
      if (auto value = convert_.convert(spec, YAML::Load(std::string(spec.default_yaml)), std::string(spec.path)))
        spec.apply(cfg_, *value);
    }
  }

 private:
  void walk_value(const KeySpec& spec, const YAML::Node& v, const std::string& path, int key_line) {
    if (spec.type == KeyType::section) {
      if (v.IsMap()) {
        d_.accepted(path);
        walk_map(v, path);
      } else {
        d_.error(key_line, path, std::string("expected a map of keys, got ") + kind_of(v));
      }
      return;
    }
    if (auto value = convert_.convert(spec, v, path)) {
      spec.apply(cfg_, *value);
      d_.accepted(path);
    }
  }

  Config& cfg_;
  Diagnostics& d_;
  Converter convert_;
};

bool applies(const KeySpec& spec, const Diagnostics& d, const Config& cfg) {
  bool mysql = cfg.source.type == SourceType::mysql;
  switch (spec.required) {
    case Required::no: return false;
    case Required::always: return true;
    case Required::for_mysql: return d.valid("source.type") && mysql;
    case Required::for_postgres: return d.valid("source.type") && !mysql;
  }
  return false;
}

void check_required(const Config& cfg, Diagnostics& d) {
  for (const auto& spec : config_keys()) {
    if (!applies(spec, d, cfg) || d.given(spec.path)) continue;
    // A missing required section is reported once, not once more for each key inside it.
    bool ancestor_missing = false;
    for (auto p = parent_of(spec.path); !p.empty(); p = parent_of(p)) {
      const KeySpec* parent = find_key(p);
      if (parent && parent->required == Required::always && !d.given(p)) ancestor_missing = true;
    }
    if (ancestor_missing) continue;
    std::string what = spec.required == Required::always       ? "required key is missing"
                       : spec.required == Required::for_mysql ? "required when source.type is mysql"
                                                              : "required when source.type is postgres";
    d.error(d.line_of(spec.path), spec.path, what);
  }
}

}  // namespace
}  // namespace config

Config parse_config(std::string_view yaml, std::string_view origin) {
  config::Diagnostics d(origin);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    d.error(std::max(e.mark.line, 0) + 1, "", "invalid YAML: " + e.msg);
    d.throw_if_any();
  }
  if (!root.IsMap()) {
    d.error(root.IsNull() ? 1 : root.Mark().line + 1, "",
            std::string("expected a map of keys (name, source, sink, …), got ") + config::kind_of(root));
    d.throw_if_any();
  }
  Config cfg;
  config::Walker walker(cfg, d);
  walker.walk_map(root, "");
  walker.apply_defaults();
  config::check_required(cfg, d);
  config::derive_and_check(cfg, d);
  d.throw_if_any();
  return cfg;
}

}  // namespace cdc
