#include "mysql/rows_event.h"

namespace cdc::mysql {

std::optional<RowsKind> rows_kind(uint8_t type) {
  switch (type) {
    case WRITE_ROWS_EVENT_V1: case WRITE_ROWS_EVENT: case MARIA_WRITE_ROWS_COMPRESSED_EVENT:
    case MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1:
      return RowsKind::write;
    case UPDATE_ROWS_EVENT_V1: case UPDATE_ROWS_EVENT: case PARTIAL_UPDATE_ROWS_EVENT:
    case MARIA_UPDATE_ROWS_COMPRESSED_EVENT: case MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1:
      return RowsKind::update;
    case DELETE_ROWS_EVENT_V1: case DELETE_ROWS_EVENT: case MARIA_DELETE_ROWS_COMPRESSED_EVENT:
    case MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1:
      return RowsKind::del;
    default:
      return std::nullopt;
  }
}

RowsEvent parse_rows_event(Bytes body, uint8_t type, const FormatDescription& fde) {
  auto kind = rows_kind(type);
  if (!kind) throw DecodeError(event_type_name(type) + " is not a rows event");
  ByteReader r(body);
  RowsEvent e;
  e.kind = *kind;
  e.partial = type == PARTIAL_UPDATE_ROWS_EVENT;
  uint8_t ph = fde.post_header(type);
  e.table_id = ph == 6 ? r.u32le("table_id") : r.u48le("table_id");
  e.flags = r.u16le("rows flags");
  // v2 post-header (10 bytes) adds var-header: extra-data length including its own two bytes.
  bool v2 = type == WRITE_ROWS_EVENT || type == UPDATE_ROWS_EVENT || type == DELETE_ROWS_EVENT ||
            type == PARTIAL_UPDATE_ROWS_EVENT || type == MARIA_WRITE_ROWS_COMPRESSED_EVENT ||
            type == MARIA_UPDATE_ROWS_COMPRESSED_EVENT || type == MARIA_DELETE_ROWS_COMPRESSED_EVENT;
  if (v2) {
    uint16_t extra = r.u16le("rows extra data length");
    if (extra < 2) r.fail("rows extra data", "length below its own size");
    r.skip(extra - 2u, "rows extra data");  // NDB info / partition id: not needed for row values
  }
  uint64_t n = r.lenenc("rows column count");
  if (n == 0 || n > 4096) r.fail("rows column count", std::to_string(n) + " is not a valid column count");
  e.column_count = static_cast<uint32_t>(n);
  size_t bitmap = (e.column_count + 7) / 8;
  Bytes first = r.bytes(bitmap, "columns-present bitmap");
  if (e.kind == RowsKind::update) {
    e.present_before = first;
    e.present_after = r.bytes(bitmap, "after-image columns bitmap");
  } else if (e.kind == RowsKind::write) {
    e.present_after = first;
  } else {
    e.present_before = first;
  }
  e.compressed = type >= MARIA_WRITE_ROWS_COMPRESSED_EVENT && type <= MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1;
  if (e.compressed) e.inflated = maria_uncompress(r, "compressed rows");
  else e.raw_rows = r.bytes(r.remaining(), "rows");
  return e;
}

}  // namespace cdc::mysql
