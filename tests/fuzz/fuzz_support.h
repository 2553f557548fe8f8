// Shared by the fuzz targets: the checks a target applies to what the code under test produced. A failed
// check aborts, which libFuzzer (and the replay driver) report as a crash with the input that caused it.
#pragma once
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "event/envelope.h"
#include "util/error.h"

namespace cdc::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz check failed: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// Everything the agent writes is JSON that Kafka consumers parse: it must be valid JSON and valid UTF-8
// (simdjson validates both).
// simdjson 3.0 refuses integers beyond 64 bits (NUMBER_ERROR), which JSON allows and MySQL DECIMAL(65) inside a JSON column
// produces; digit runs longer than 18 outside strings are collapsed to "0" before a second try, which keeps
// the grammar (a malformed number such as "1." or "01" stays malformed). Inside strings they stay as they
// are: "\u0000956297025341212" holds a run of 19 digits, and collapsing it broke the escape.
inline std::string collapse_long_digit_runs(std::string_view text) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (in_string || c == '"') {
      const size_t n = c == '\\' && i + 1 < text.size() ? 2 : 1;  // an escaped character stays with its backslash
      out.append(text.substr(i, n));
      in_string = c == '"' ? !in_string : in_string;
      i += n;
      continue;
    }
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j - i > 18) out += '0';
    else out.append(text.substr(i, std::max(j, i + 1) - i));
    i = std::max(j, i + 1);
  }
  return out;
}

inline void require_json(std::string_view text, const char* what) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto err = parser.parse(simdjson::padded_string(text)).get(doc);
  if (err == simdjson::NUMBER_ERROR)
    err = parser.parse(simdjson::padded_string(collapse_long_digit_runs(text))).get(doc);
  if (err) fail(what, std::string(simdjson::error_message(err)) + " in: " + std::string(text.substr(0, 2000)));
}

// Writes the envelope value and key of `ev` and checks both. The writer may refuse a value only as a
// configuration problem (NaN under decimal_handling: precise); ExitCode::internal means a decoder handed
// it a value it cannot represent, which is a decoder bug.
// `tolerated` names an internal error the target's inputs can cause without a decoder bug (e.g. text with
// more fraction digits than a fuzzed numeric typmod allows, which a real server never sends).
inline void check_envelope(event::EnvelopeWriter& writer, const event::ChangeEvent& ev,
                           std::string_view tolerated = {}) {
  std::string out;
  try {
    writer.value(ev, out);
    require_json(out, "envelope value");
    out.clear();
    if (writer.key(ev, out)) require_json(out, "envelope key");
  } catch (const Error& e) {
    std::string_view what = e.what();
    bool expected = !tolerated.empty() && what.find(tolerated) != std::string_view::npos;
    if (e.code() == ExitCode::internal && !expected) fail("envelope writer refused a decoded value", what);
  }
}

inline std::string_view as_text(std::span<const uint8_t> data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

}  // namespace cdc::fuzz
