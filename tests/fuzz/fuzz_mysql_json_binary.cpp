// Fuzzes the MySQL binary JSON decoder (JSON columns in row images, and partial JSON updates): any input
// either throws cdc::DecodeError or renders JSON text that parses (valid JSON, valid UTF-8).
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "mysql/json_binary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string out;
  try {
    cdc::mysql::append_json_text(out, cdc::mysql::Bytes(data, size));
  } catch (const cdc::Error&) {
    return 0;
  }
  cdc::fuzz::require_json(out, "json_binary text");
  return 0;
}
