// Shared by the fuzz targets: the checks a target applies to what the code under test produced. A failed
// check aborts, which libFuzzer (and the replay driver) report as a crash with the input that caused it.
#pragma once
#include <simdjson.h>

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
inline void require_json(std::string_view text, const char* what) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(simdjson::padded_string(text)).get(doc))
    fail(what, std::string(simdjson::error_message(err)) + " in: " + std::string(text.substr(0, 2000)));
}

// Writes the envelope value and key of `ev` and checks both. The writer may refuse a value only as a
// configuration problem (NaN under decimal_handling: precise); ExitCode::internal means a decoder handed
// it a value it cannot represent, which is a decoder bug.
inline void check_envelope(event::EnvelopeWriter& writer, const event::ChangeEvent& ev) {
  std::string out;
  try {
    writer.value(ev, out);
    require_json(out, "envelope value");
    out.clear();
    if (writer.key(ev, out)) require_json(out, "envelope key");
  } catch (const Error& e) {
    if (e.code() == ExitCode::internal) fail("envelope writer refused a decoded value", e.what());
  }
}

inline std::string_view as_text(std::span<const uint8_t> data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

}  // namespace cdc::fuzz
