// Compressed containers: MySQL TRANSACTION_PAYLOAD_EVENT (8.0.20+, zstd) and MariaDB's zlib-compressed
// query/rows events. Reference: libs/mysql/binlog/event/control_events.h (Transaction_payload_event),
// MariaDB sql/log_event.cc (binlog_buf_uncompress).
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <new>

#include "mysql/binlog_event.h"

namespace cdc::mysql {
namespace {
// Refuse absurd sizes before allocating: a corrupted length must not exhaust memory.
constexpr uint64_t kMaxUncompressed = uint64_t{1} << 31;

enum PayloadField : uint64_t { END_MARK = 0, PAYLOAD_SIZE = 1, COMPRESSION_TYPE = 2, UNCOMPRESSED_SIZE = 3 };
}  // namespace

TransactionPayload parse_transaction_payload(Bytes body) {
  ByteReader r(body);
  TransactionPayload p;
  uint64_t size = 0;
  bool have_size = false, have_type = false;
  // Header: (field type, field length, value) triples of length-encoded integers until END_MARK.
  for (;;) {
    uint64_t field = r.lenenc("payload header field");
    if (field == END_MARK) break;
    uint64_t len = r.lenenc("payload header field length");
    if (len > r.remaining()) r.fail("payload header field", "length exceeds the event");
    ByteReader v = r.sub(static_cast<size_t>(len), "payload header value");
    switch (field) {
      case PAYLOAD_SIZE: size = v.lenenc("payload size"); have_size = true; break;
      case COMPRESSION_TYPE: p.compression = v.lenenc("compression type"); have_type = true; break;
      case UNCOMPRESSED_SIZE: p.uncompressed_size = v.lenenc("uncompressed size"); break;
      default: break;  // fields added later are skippable by design
    }
  }
  if (!have_size || !have_type) throw DecodeError("TRANSACTION_PAYLOAD header lacks payload size or compression type");
  if (size > r.remaining())
    r.fail("transaction payload", "size " + std::to_string(size) + " exceeds the event");
  p.payload = r.bytes(static_cast<size_t>(size), "transaction payload");
  return p;
}

std::string decompress_payload(const TransactionPayload& p) {
  if (p.compression == 255) return std::string(reinterpret_cast<const char*>(p.payload.data()), p.payload.size());
  if (p.compression != 0)
    throw DecodeError("TRANSACTION_PAYLOAD compression type " + std::to_string(p.compression) + " is not supported");
  // Streamed, growing the output as data arrives: sizes in the headers are not trusted for allocation.
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> z(ZSTD_createDStream(), ZSTD_freeDStream);
  if (!z) throw std::bad_alloc();
  std::string out;
  ZSTD_inBuffer in{p.payload.data(), p.payload.size(), 0};
  size_t rc = 1;
  while (rc != 0) {
    if (out.size() >= kMaxUncompressed) throw DecodeError("TRANSACTION_PAYLOAD inflates beyond 2 GiB");
    size_t have = out.size();
    out.resize(have + std::max<size_t>(ZSTD_DStreamOutSize(), have / 2));
    ZSTD_outBuffer o{out.data() + have, out.size() - have, 0};
    rc = ZSTD_decompressStream(z.get(), &o, &in);
    out.resize(have + o.pos);
    if (ZSTD_isError(rc)) throw DecodeError(std::string("TRANSACTION_PAYLOAD zstd: ") + ZSTD_getErrorName(rc));
    if (rc != 0 && in.pos == in.size && o.pos == 0) throw DecodeError("TRANSACTION_PAYLOAD zstd stream is truncated");
  }
  if (in.pos != in.size) throw DecodeError("TRANSACTION_PAYLOAD has trailing bytes after the zstd frame");
  return out;
}

std::string maria_uncompress(ByteReader& r, const char* what) {
  uint8_t head = r.u8(what);
  size_t lenlen = head & 0x07;
  if (!(head & 0x80) || lenlen == 0 || lenlen > 4) r.fail(what, "bad compression header byte");
  uint64_t len = r.uintbe(lenlen, what);
  auto src = r.rest();
  // zlib cannot expand more than ~1032:1, so a larger claim is corruption, not data.
  if (len > kMaxUncompressed || len > src.size() * 1100 + 64) r.fail(what, "implausible uncompressed length");
  r.skip(src.size(), what);
  std::string out(static_cast<size_t>(len), '\0');
  uLongf out_len = static_cast<uLongf>(len);
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &out_len, src.data(), static_cast<uLong>(src.size())) != Z_OK ||
      out_len != len)
    throw DecodeError(std::string(what) + ": zlib data is corrupt");
  return out;
}

}  // namespace cdc::mysql
