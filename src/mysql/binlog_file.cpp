#include "mysql/binlog_file.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace cdc::mysql {

void for_each_event(Bytes data, const std::function<void(Bytes, uint64_t)>& fn) {
  ByteReader r(data);
  auto magic = r.bytes(4, "binlog magic");
  if (std::memcmp(magic.data(), kBinlogMagic, 4) != 0) throw DecodeError("not a binlog file (bad magic)");
  bool stream = false;
  for (bool first = true; !r.empty(); first = false) {
    size_t offset = r.offset();
    ByteReader peek(r.rest());
    EventHeader h = parse_header(peek);
    // A file starts with FORMAT_DESCRIPTION; a saved replication stream with an artificial ROTATE.
    if (first) stream = h.type == ROTATE_EVENT;
    if (h.event_size < kHeaderLen)
      throw DecodeError("offset " + std::to_string(offset) + ": event_size " + std::to_string(h.event_size) + " is too small");
    if (h.event_size > r.remaining())
      throw DecodeError("offset " + std::to_string(offset) + ": event of " + std::to_string(h.event_size) +
                        " bytes is truncated (" + std::to_string(r.remaining()) + " left)");
    Bytes ev = r.bytes(h.event_size, "event");
    uint64_t pos = offset;
    if (stream) pos = h.log_pos >= h.event_size ? h.log_pos - h.event_size : 0;
    fn(ev, pos);
  }
}

std::string read_binlog_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::usage, "cannot open binlog file " + path + ": " + std::strerror(errno));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ExitCode::usage, "cannot read binlog file " + path);
  return data;
}

void decode_file(const std::string& path, DecoderOptions opts, BinlogHandler& handler) {
  std::string data = read_binlog_file(path);
  BinlogDecoder dec(std::move(opts), handler);
  dec.set_file(path.substr(path.find_last_of('/') + 1));
  try {
    for_each_event(Bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
                   [&](Bytes ev, uint64_t pos) { dec.feed(ev, pos); });
  } catch (const DecodeError& e) {
    throw DecodeError(path + ": " + e.what());
  }
}

void decode_file(const std::string& path, const event::EnvelopeOptions& opts,
                 const std::function<void(event::ChangeEvent&)>& on_change) {
  struct Adapter : BinlogHandler {
    const std::function<void(event::ChangeEvent&)>& fn;
    explicit Adapter(const std::function<void(event::ChangeEvent&)>& f) : fn(f) {}
    void on_change(event::ChangeEvent& c) override { fn(c); }
  } adapter(on_change);
  DecoderOptions o;
  o.envelope = opts;
  o.naming = ColumnNaming::positional;
  decode_file(path, std::move(o), adapter);
}

}  // namespace cdc::mysql
