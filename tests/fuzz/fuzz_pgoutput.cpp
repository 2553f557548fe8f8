// Fuzzes PostgreSQL decoding: decode_message and decode_server_message on every message, and PgDecoder
// (relation cache, transactions, streamed transactions, type mapping, text values) over the whole
// sequence, with a fake catalog whose answers follow from the OID so that enums, arrays and domains,
// including cycles between them, are reachable. Every change is rendered as an envelope that must parse.
//
// Input: one flags byte (bits 0-1: proto_version - 1; bit 2: decode_message's in_stream), then messages,
// each a 2-byte big-endian length and that many bytes. Seeds come from tests/data/postgres/*.tsv.
#include <cstdint>
#include <string>
#include <vector>

#include "event/envelope.h"
#include "fuzz_support.h"
#include "postgres/pg_decoder.h"

namespace {

using cdc::pg::Oid;

class FakeCatalog : public cdc::pg::Catalog {
 public:
  cdc::pg::TableCatalogInfo table(Oid, const std::string&, const std::string& name) override {
    // Odd-length names also get a key column the relation may not have.
    if (name.size() % 2) return {.primary_key = {"id", "missing"}, .not_null = {"id", "missing"}};
    return {.primary_key = {"id"}, .not_null = {"id"}};
  }
  std::optional<cdc::pg::PgTypeInfo> type(Oid oid) override {
    // The recorded streams' own types (tests/data/postgres/README.md).
    if (oid == 16437) return cdc::pg::PgTypeInfo{.oid = oid, .name = "mood", .category = 'E', .enum_labels = {"sad", "ok"}};
    if (oid == 16436) return cdc::pg::PgTypeInfo{.oid = oid, .name = "_mood", .category = 'A', .element_oid = 16437};
    if (oid == 16444)
      return cdc::pg::PgTypeInfo{.oid = oid, .name = "price", .category = 'N', .base_oid = 1700,
                                 .base_typmod = ((10 << 16) | 2) + 4};
    if (oid < 16384) return std::nullopt;
    switch (oid % 5) {
      case 0: return cdc::pg::PgTypeInfo{.oid = oid, .name = "e", .category = 'E', .enum_labels = {"a", "b"}};
      case 1: return cdc::pg::PgTypeInfo{.oid = oid, .name = "_a", .category = 'A', .element_oid = oid - 1};
      case 2: return cdc::pg::PgTypeInfo{.oid = oid, .name = "d", .category = 'N', .base_oid = oid + 1, .base_typmod = -1};
      case 3: return cdc::pg::PgTypeInfo{.oid = oid, .name = "self", .category = 'N', .base_oid = oid, .base_typmod = 7};
      default: return std::nullopt;
    }
  }
};

class EnvelopeCheck : public cdc::event::EventSink {
 public:
  EnvelopeCheck() : writer_(options()) {}
  void change(cdc::event::ChangeEvent& ev) override {
    // Relation typmods are fuzzed too, so a value may carry more fraction digits than its column's
    // scale; PostgreSQL rounds to the scale before output, so only this input can do that.
    cdc::fuzz::check_envelope(writer_, ev, "fraction digits than the column scale");
  }
  void commit(const cdc::event::SourcePosition&) override {}

 private:
  static cdc::event::EnvelopeOptions options() {
    cdc::event::EnvelopeOptions o;
    o.prefix = "fuzz";
    return o;
  }
  cdc::event::EnvelopeWriter writer_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int proto = (data[0] & 3) + 1;
  const bool in_stream = data[0] & 4;
  std::vector<std::span<const uint8_t>> messages;
  for (size_t at = 1; at + 2 <= size;) {
    size_t n = std::min<size_t>(size_t{data[at]} << 8 | data[at + 1], size - at - 2);
    messages.emplace_back(data + at + 2, n);
    at += 2 + n;
  }
  for (auto m : messages) {
    try {
      cdc::pg::decode_message(m, cdc::pg::DecodeOptions{in_stream, proto});
    } catch (const cdc::Error&) {
    }
    try {
      cdc::pg::decode_server_message(m);
    } catch (const cdc::Error&) {
    }
  }
  FakeCatalog catalog;
  EnvelopeCheck sink;
  cdc::pg::DecoderOptions opts;
  opts.database = "fuzz";
  opts.envelope.prefix = "fuzz";
  opts.proto_version = proto;
  cdc::pg::PgDecoder decoder(opts, catalog);
  cdc::pg::Lsn lsn = 0x15E6BB0;
  try {
    for (auto m : messages) decoder.feed(lsn += 0x40, m, sink);
  } catch (const cdc::Error&) {
  }
  return 0;
}
