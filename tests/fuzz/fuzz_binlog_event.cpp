// Fuzzes the MySQL/MariaDB binlog decoder: BinlogDecoder::feed and everything under it (control events,
// TABLE_MAP, row images, temporal/decimal/JSON values, transaction payloads), plus the envelope writer on
// every row it produces. Each input is read twice:
//  - whole-file mode: the bytes as a binlog file through for_each_event, exactly as `cdc-agent decode`;
//  - event mode: the same events with their event_size and CRC32 trailer repaired, after a
//    FORMAT_DESCRIPTION (the input's own, else a recorded MySQL 8.0.28 one), so mutations reach the event
//    bodies instead of dying at the checksum.
// Only cdc::Error may escape the decoder; every envelope it leads to must be valid JSON.
#include <cstdint>
#include <string>
#include <vector>

#include "event/envelope.h"
#include "fuzz_support.h"
#include "mysql/binlog_decoder.h"
#include "mysql/binlog_file.h"

namespace {

using cdc::mysql::Bytes;

// FORMAT_DESCRIPTION of rmc__mysql-enum-string-set.000001 (MySQL 8.0.28, CRC32 on), 122 bytes.
constexpr char kFdeHex[] =
    "672c2e620f010000007a0000007e00000001000400382e302e32380000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000672c2e6213000d0008000000000400040000006200041a080000000808"
    "08020000000a0a0a2a2a001234000a280001aee4c9cc";

std::vector<uint8_t> default_fde() {
  std::vector<uint8_t> out;
  for (size_t i = 0; kFdeHex[i] && kFdeHex[i + 1]; i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(kFdeHex + i, 2), nullptr, 16)));
  return out;
}

// Renders every change as the agent would publish it.
class EnvelopeCheck : public cdc::mysql::BinlogHandler {
 public:
  explicit EnvelopeCheck(bool schemas) : writer_(options(schemas)) {}
  void on_change(cdc::event::ChangeEvent& change) override {
    cdc::fuzz::check_envelope(writer_, change);
    (void)writer_.topic(*change.table);
  }

 private:
  static cdc::event::EnvelopeOptions options(bool schemas) {
    cdc::event::EnvelopeOptions o;
    o.prefix = "fuzz";
    o.schemas = schemas;
    return o;
  }
  cdc::event::EnvelopeWriter writer_;
};

cdc::mysql::DecoderOptions decoder_options(bool positional) {
  cdc::mysql::DecoderOptions o;
  o.envelope.prefix = "fuzz";
  o.naming = positional ? cdc::mysql::ColumnNaming::positional : cdc::mysql::ColumnNaming::require;
  return o;
}

void whole_file(Bytes data, bool schemas) {
  EnvelopeCheck check(schemas);
  cdc::mysql::BinlogDecoder dec(decoder_options(true), check);
  dec.set_file("fuzz-bin.000001");
  try {
    cdc::mysql::for_each_event(data, [&](Bytes ev, uint64_t pos) { dec.feed(ev, pos); });
  } catch (const cdc::Error&) {
  }
}

uint32_t get_u32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 | uint32_t{b[at + 3]} << 24;
}
void put_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Makes one event self-consistent: event_size = its length, a correct CRC32 when `crc`.
void repair(std::vector<uint8_t>& ev, bool crc) {
  put_u32(ev, 9, static_cast<uint32_t>(ev.size()));
  if (!crc || ev.size() < cdc::mysql::kHeaderLen + 4) return;
  if (ev[4] == cdc::mysql::FORMAT_DESCRIPTION_EVENT) ev[17] &= ~cdc::mysql::LOG_EVENT_BINLOG_IN_USE_F;
  put_u32(ev, ev.size() - 4, cdc::mysql::crc32_of(Bytes(ev).first(ev.size() - 4)));
}

void event_mode(Bytes data, bool positional) {
  EnvelopeCheck check(!positional);
  cdc::mysql::BinlogDecoder dec(decoder_options(positional), check);
  dec.set_file("fuzz-bin.000001");
  size_t at = data.size() >= 4 ? 4 : data.size();  // the magic, mutated or not
  bool first = true;
  try {
    while (at + cdc::mysql::kHeaderLen <= data.size()) {
      std::vector<uint8_t> ev(data.begin() + at, data.begin() + at + cdc::mysql::kHeaderLen);
      size_t size = get_u32(ev, 9);
      if (size < cdc::mysql::kHeaderLen || size > data.size() - at) size = data.size() - at;
      ev.assign(data.begin() + at, data.begin() + at + size);
      if (first && ev[4] != cdc::mysql::FORMAT_DESCRIPTION_EVENT) dec.feed(default_fde(), 4);
      first = false;
      // An FDE declares its own checksum in the byte before the trailer; others follow the current FDE.
      bool crc = ev[4] == cdc::mysql::FORMAT_DESCRIPTION_EVENT
                     ? ev.size() > cdc::mysql::kHeaderLen + 5 && ev[ev.size() - 5] == 1
                     : dec.format() && dec.format()->checksum == cdc::mysql::ChecksumAlg::crc32;
      repair(ev, crc);
      dec.feed(ev, at);
      at += size;
    }
  } catch (const cdc::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes input(data, size);
  whole_file(input, size & 1);
  event_mode(input, size & 2);
  return 0;
}
