// Fuzzes the envelope writer's handling of arbitrary bytes: names (database, table, column), text and
// bytes values and the source block's strings all come from the input, as they come from a binlog or a
// pgoutput stream without any validation. Whatever they hold, the key and value must be valid JSON and
// valid UTF-8, and a text value that is valid UTF-8 must read back unchanged.
//
// Input: one options byte, then fields, each a 1-byte length and that many bytes (the last one takes what
// is left): db, table, column name, text value, bytes value, query, gtid/file.
#include <simdjson.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "event/columns.h"
#include "event/json_append.h"
#include "fuzz_support.h"

namespace {

using namespace cdc::event;

std::vector<std::string_view> fields(std::string_view in, size_t n) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < n && !in.empty()) {
    size_t len = std::min<size_t>(static_cast<uint8_t>(in[0]), in.size() - 1);
    out.push_back(in.substr(1, len));
    in.remove_prefix(1 + len);
  }
  out.push_back(in);
  out.resize(n);
  return out;
}

// The text value must survive the round trip whenever it was valid UTF-8 to begin with.
void check_round_trip(std::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size())) return;
  std::string out;
  json::append_string(out, text);
  simdjson::dom::parser parser;
  std::string_view back;
  if (parser.parse(simdjson::padded_string(out)).get_string().get(back) || back != text)
    cdc::fuzz::fail("text value does not read back", out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  EnvelopeOptions opts;
  opts.prefix = "fuzz";
  opts.schemas = data[0] & 1;
  opts.binary = static_cast<BinaryHandling>((data[0] >> 1) & 3);
  opts.transaction_metadata = data[0] & 8;
  const bool postgres = data[0] & 16;
  auto f = fields(cdc::fuzz::as_text({data + 1, size - 1}), 7);

  TableSchema t;
  t.db = std::string(f[0]);
  if (postgres) t.schema = std::string(f[0]);
  t.table = std::string(f[1]);
  t.version = 1;
  t.columns.push_back(col::string("t", false));
  t.columns.push_back(col::bytes(std::string(f[2]), opts, true));
  t.columns.push_back(col::json("j", true));
  t.key = {0, 1};

  ChangeEvent ev;
  ev.op = static_cast<Op>("cudrtm"[data[0] % 6]);
  ev.table = &t;
  ev.has_before = data[0] & 32;
  ev.has_after = true;
  for (Row* r : {&ev.before, &ev.after}) {
    r->reset(3);
    r->set_text(0, f[3]);
    r->set_bytes(1, f[4]);
    r->set_null(2);
  }
  ev.source.connector = postgres ? Connector::postgresql : Connector::mysql;
  ev.source.db = std::string(f[0]);
  ev.source.query = std::string(f[5]);
  ev.source.gtid = std::string(f[6]);
  ev.source.file = std::string(f[6]);
  ev.source.sequence = postgres ? "[\"1\",\"2\"]" : "";
  if (opts.transaction_metadata) ev.tx = TxBlock{std::string(f[6]), 1, 1};

  EnvelopeWriter writer(opts);
  cdc::fuzz::check_envelope(writer, ev);
  std::string out;
  writer.transaction_key(f[6], out);
  cdc::fuzz::require_json(out, "transaction key");
  out.clear();
  CollectionCount counts[] = {{t.ns() + "." + t.table, 1}};
  writer.transaction_end(f[6], 0, counts, out);
  cdc::fuzz::require_json(out, "transaction end");
  for (char c : writer.topic(t))
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      cdc::fuzz::fail("topic name has a character Kafka refuses", writer.topic(t));
  check_round_trip(f[3]);
  return 0;
}
