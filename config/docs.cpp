#include "config/docs.h"

#include <string_view>

#include "config/keys.h"
#include "util/exit_codes.h"

namespace cdc::config {
namespace {

constexpr std::string_view kConfigIntro = R"(# Configuration

<!-- Generated from config/keys.cpp by `cdc-agent gen-docs configuration`; do not edit by hand. -->

`cdc-agent run -c FILE` and `cdc-agent check -c FILE` read one YAML file. It is validated completely
before anything connects: unknown keys (with the nearest valid key suggested), wrong types, values out
of range, missing required keys and invalid regexes are all reported at once, one line each, naming the
file, the line and the key:

```
shop.yaml:7: source.port: 70000 is out of range 1..65535
shop.yaml:12: sink.topic_prefx: unknown key; did you mean 'topic_prefix'?
```

and the agent exits 78 (see [exit codes](exit-codes.md)). `cdc-agent check -c FILE` validates the file
and then checks the servers; it changes nothing.

## Secrets

Any string value may contain `${env:VAR}` (the environment variable VAR) or `${file:PATH}` (the content
of the file, without its trailing newline), for example
`password: ${file:/run/credentials/cdc-agent@shop.service/db}` with systemd's `LoadCredential=`.
A variable that is not set or a file that cannot be read is a configuration error naming the key and
line. `source.password` and the values of `sink.kafka` are never logged or printed.
Relative `${file:…}` paths are relative to the working directory (`/` under systemd).

## Table filters

`include_tables`, `exclude_tables` and `exclude_columns` are ECMAScript regular expressions that must
match the whole name (`shop\.orders` matches `shop.orders` but not `shop.orders_archive`). Inside YAML
double quotes a backslash is doubled: `"shop\\.orders"`; single quotes keep it as written:
`'shop\.orders'`.

## Keys

A null value (`key:` with nothing after it) means the same as leaving the key out.

| key | type | default | description |
|---|---|---|---|
)";

std::string escape_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string type_cell(const KeySpec& k) {
  switch (k.type) {
    case KeyType::section: return "section";
    case KeyType::string: return "string";
    case KeyType::integer: return "integer " + std::to_string(k.min) + ".." + std::to_string(k.max);
    case KeyType::boolean: return "boolean";
    case KeyType::regex_list: return "list of regexes";
    case KeyType::string_map: return "map of strings";
    case KeyType::choice: {
      std::string out;
      for (auto c : split_choices(k.choices)) out.append(out.empty() ? "" : " \\| ").append("`").append(c).append("`");
      return out;
    }
  }
  return "";
}

std::string default_cell(const KeySpec& k) {
  switch (k.required) {
    case Required::always: return "**required**";
    case Required::for_mysql: return "**required** for mysql";
    case Required::for_postgres: return "**required** for postgres";
    case Required::no: break;
  }
  if (!k.default_note.empty()) return escape_cell(k.default_note);
  if (k.default_yaml == "\"\"" || k.default_yaml == "[]" || k.default_yaml == "{}") return "empty";
  if (!k.default_yaml.empty()) return "`" + escape_cell(k.default_yaml) + "`";
  return "";
}

}  // namespace

std::string configuration_markdown() {
  std::string out(kConfigIntro);
  for (const auto& k : config_keys()) {
    out.append("| `").append(k.path).append("` | ").append(type_cell(k)).append(" | ");
    out.append(default_cell(k)).append(" | ").append(escape_cell(k.doc)).append(" |\n");
  }
  out.append(
      "\nComplete, commented examples: [config/example-mysql.yaml](../config/example-mysql.yaml) and "
      "[config/example-postgres.yaml](../config/example-postgres.yaml).\n");
  return out;
}

std::string exit_codes_markdown() {
  std::string out = R"(# Exit codes

<!-- Generated from src/util/exit_codes.h by `cdc-agent gen-docs exit-codes`; do not edit by hand. -->

| code | name | meaning |
|---|---|---|
)";
  for (const auto& e : kExitCodes) {
    out.append("| ").append(std::to_string(static_cast<int>(e.code))).append(" | `").append(e.name);
    out.append("` | ").append(escape_cell(e.meaning)).append(" |\n");
  }
  out.append(R"(
Codes 64, 69, 77 and 78 mean that restarting will not help until someone changes the configuration,
the credentials or the server; the systemd unit (`packaging/systemd/cdc-agent@.service`) therefore
sets `RestartPreventExitStatus=64 78 77 69` and restarts only on the others. A configuration error
(78) prints every problem in the file to stderr before exiting.
)");
  return out;
}

}  // namespace cdc::config
