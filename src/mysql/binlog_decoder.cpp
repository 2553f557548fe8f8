#include "mysql/binlog_decoder.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "mysql/charset.h"
#include "mysql/rows_event.h"
#include "mysql/table_map.h"
#include "util/byte_reader.h"

namespace cdc::mysql {

BinlogDecoder::BinlogDecoder(DecoderOptions opts, BinlogHandler& handler) : opts_(std::move(opts)), handler_(handler) {}

void BinlogDecoder::feed(Bytes event, uint64_t pos) {
  uint8_t type = event.size() > 4 ? event[4] : 0;
  try {
    if (type == FORMAT_DESCRIPTION_EVENT) return on_format_description(event);
    if (!fde_ && type == ROTATE_EVENT) return on_early_rotate(event);
    if (!fde_) throw DecodeError("event before any FORMAT_DESCRIPTION_EVENT");
    RawEvent ev = split_event(event, fde_->checksum);
    dispatch(ev, Where{pos, pos + event.size()});
  } catch (const DecodeError& e) {
    throw DecodeError(file_ + ":" + std::to_string(pos) + ": " + event_type_name(type) + ": " + e.what());
  }
}

void BinlogDecoder::on_format_description(Bytes event) {
  FormatDescription f = parse_format_description(event);
  // A new FDE starts a new file (or re-announces the current one): table ids are no longer valid.
  fde_ = std::move(f);
  reset_tables();
}

// A replication stream opens with an artificial ROTATE sent before the FORMAT_DESCRIPTION, so whether it
// has a CRC32 trailer is not yet known: it has one exactly when its last four bytes are its checksum.
void BinlogDecoder::on_early_rotate(Bytes event) {
  bool crc = false;
  if (event.size() >= kHeaderLen + 8 + 4) {
    ByteReader tail(event.subspan(event.size() - 4));
    crc = tail.u32le("CRC32 trailer") == crc32_of(event.first(event.size() - 4));
  }
  RawEvent ev = split_event(event, crc ? ChecksumAlg::crc32 : ChecksumAlg::off);
  FormatDescription none;  // ROTATE's post-header is 8 bytes in every format
  RotateEvent r = parse_rotate(ev.body, none);
  file_ = r.next_file;
  handler_.on_rotate(r.next_file, r.position);
}

void BinlogDecoder::reset_tables() {
  tables_.clear();
  seen_maps_.clear();
}

int64_t BinlogDecoder::ts_ns(const EventHeader& h) const {
  if (tx_.commit_ts_ns) return tx_.commit_ts_ns;
  return int64_t{h.timestamp} * 1000000000;
}

void BinlogDecoder::dispatch(const RawEvent& ev, const Where& at) {
  const EventHeader& h = ev.header;
  switch (h.type) {
    case ROTATE_EVENT: {
      RotateEvent r = parse_rotate(ev.body, *fde_);
      file_ = r.next_file;
      // Artificial rotates (replication stream start) only name the current file; real ones end it.
      if (!(h.flags & LOG_EVENT_ARTIFICIAL_F)) reset_tables();
      return handler_.on_rotate(r.next_file, r.position);
    }
    case GTID_LOG_EVENT: case ANONYMOUS_GTID_LOG_EVENT: case GTID_TAGGED_LOG_EVENT: case MARIA_GTID_EVENT:
      return on_gtid(ev, at);
    case QUERY_EVENT: return on_query(ev, parse_query(ev.body, *fde_), at);
    case MARIA_QUERY_COMPRESSED_EVENT: return on_query(ev, parse_query_compressed(ev.body, *fde_), at);
    case XID_EVENT:
      parse_xid(ev.body);
      return commit(at, h);
    case XA_PREPARE_LOG_EVENT: return commit(at, h);  // the prepared part is durable in the binlog
    case TABLE_MAP_EVENT: return on_table_map(ev);
    case ROWS_QUERY_LOG_EVENT: tx_.rows_query = parse_rows_query(ev.body); return;
    case MARIA_ANNOTATE_ROWS_EVENT: tx_.rows_query = parse_annotate_rows(ev.body); return;
    case TRANSACTION_PAYLOAD_EVENT: return on_payload(ev, at);
    case PREVIOUS_GTIDS_LOG_EVENT: {
      std::string set = parse_previous_gtids(ev.body);
      if (gtids_.empty() && !set.empty()) gtids_ = GtidSet::parse(set);
      return;
    }
    case MARIA_GTID_LIST_EVENT: {
      // The state at the start of the file seeds an empty set (all domains of it); a known set is newer.
      auto list = parse_maria_gtid_list(ev.body);
      if (gtids_.empty())
        for (const auto& g : list) gtids_.add_mariadb(g.domain_id, g.server_id, g.seq_no);
      return;
    }
    case MARIA_BINLOG_CHECKPOINT_EVENT: parse_binlog_checkpoint(ev.body); return;
    case HEARTBEAT_LOG_EVENT: case HEARTBEAT_LOG_EVENT_V2:
      return handler_.on_heartbeat(parse_heartbeat(ev.body, h.type), h.log_pos);
    case INCIDENT_EVENT: {
      IncidentEvent inc = parse_incident(ev.body);
      throw DecodeError("the server recorded an incident (" + std::to_string(inc.incident) + "): " + inc.message +
                        "; changes around this point may be missing from the binlog, re-snapshot the tables");
    }
    case STOP_EVENT: case INTVAR_EVENT: case RAND_EVENT: case USER_VAR_EVENT: case IGNORABLE_LOG_EVENT:
    case BEGIN_LOAD_QUERY_EVENT: case EXECUTE_LOAD_QUERY_EVENT: case APPEND_BLOCK_EVENT: case DELETE_FILE_EVENT:
    case TRANSACTION_CONTEXT_EVENT: case VIEW_CHANGE_EVENT: case MARIA_START_ENCRYPTION_EVENT:
      return;  // statement context or group-replication bookkeeping: no row data
    default:
      if (rows_kind(h.type)) return on_rows(ev, at);
      throw DecodeError("unsupported event type code " + std::to_string(h.type));
  }
}

void BinlogDecoder::on_gtid(const RawEvent& ev, const Where& at) {
  tx_ = Tx{};
  tx_.begin_pos = at.pos;
  if (ev.header.type == MARIA_GTID_EVENT) {
    MariaGtidEvent g = parse_maria_gtid(ev.body);
    tx_.maria = true;
    tx_.maria_domain = g.domain_id;
    tx_.maria_server = ev.header.server_id;
    tx_.maria_seq = g.seq_no;
    tx_.gtid = g.text(ev.header.server_id);
    tx_.standalone = g.standalone();
    if (!tx_.standalone) begin(at, ev.header);  // MariaDB writes no BEGIN query after a transactional GTID
    return;
  }
  GtidEvent g = parse_gtid(ev.body, ev.header.type);
  if (!g.anonymous) {
    // MySQL's transaction numbers are 1 .. 2^63 - 2 (GNO_END is INT64_MAX, never issued).
    if (g.gno < 1 || g.gno == INT64_MAX) throw DecodeError("GTID transaction number " + std::to_string(g.gno) +
                                                           " is outside 1.." + std::to_string(INT64_MAX - 1));
    tx_.gtid = g.text();
    tx_.gtid_key = uuid_text(g.sid) + (g.tag.empty() ? "" : ":" + g.tag);
    tx_.gno = g.gno;
  }
  if (g.immediate_commit_ts_us > static_cast<uint64_t>(INT64_MAX / 1000))
    throw DecodeError("implausible immediate_commit_timestamp " + std::to_string(g.immediate_commit_ts_us));
  tx_.commit_ts_ns = static_cast<int64_t>(g.immediate_commit_ts_us) * 1000;
  tx_.standalone = true;  // until a BEGIN query says otherwise (DDL is a transaction of its own)
}

void BinlogDecoder::begin(const Where& at, const EventHeader& h) {
  tx_.open = true;
  tx_.standalone = false;
  if (!tx_.begin_pos) tx_.begin_pos = at.pos;
  handler_.on_begin(TxBegin{file_, tx_.begin_pos, tx_.gtid, ts_ns(h)});
}

void BinlogDecoder::commit(const Where& at, const EventHeader& h) {
  if (!tx_.gtid_key.empty()) gtids_.add_mysql(tx_.gtid_key, tx_.gno);
  if (tx_.maria) gtids_.add_mariadb(tx_.maria_domain, tx_.maria_server, tx_.maria_seq);
  handler_.on_commit(TxCommit{file_, at.next_pos, tx_.gtid, gtids_.text(), tx_.row_events, ts_ns(h)});
  tx_ = Tx{};
}

void BinlogDecoder::on_query(const RawEvent& ev, const QueryEvent& q, const Where& at) {
  switch (classify_query(q.query)) {
    case QueryKind::begin:
      tx_.thread = q.thread_id;
      return begin(at, ev.header);
    case QueryKind::xa:
      if (q.query.find("START") != std::string::npos) {
        tx_.thread = q.thread_id;
        return begin(at, ev.header);
      }
      if (q.query.find("END") != std::string::npos) return;  // XA_PREPARE_LOG_EVENT follows
      return commit(at, ev.header);                          // XA COMMIT/ROLLBACK: a transaction of its own
    case QueryKind::commit: case QueryKind::rollback: return commit(at, ev.header);
    case QueryKind::savepoint: return;
    case QueryKind::other_dml:
      if (tx_.open) return;  // statement-based DML inside a transaction: nothing to capture as rows
      return commit(at, ev.header);
    case QueryKind::ddl:
      if (opts_.external) retire_tables_in(q.query);
      handler_.on_ddl(DdlEvent{file_, at.pos, q.db, q.query, ts_ns(ev.header)});
      if (!tx_.open) commit(at, ev.header);  // implicit commit: the DDL is its own transaction
      return;
  }
}

void BinlogDecoder::on_table_map(const RawEvent& ev) {
  const size_t id_len = fde_->post_header(TABLE_MAP_EVENT) == 6 ? 4 : 6;
  if (ev.body.size() > id_len) {
    const uint64_t id = ByteReader(ev.body).uintle(id_len, "table_id");
    auto seen = seen_maps_.find(id);
    if (seen != seen_maps_.end() && std::ranges::equal(seen->second.body, ev.body)) {
      tables_[id] = seen->second.dec;
      return;
    }
  }
  TableMap map = parse_table_map(ev.body, *fde_);
  // Tables the agent does not capture are never decoded: their rows cannot fail or slow the stream.
  if (opts_.include && !opts_.include(map.db, map.table)) {
    tables_[map.table_id] = nullptr;
    remember_map(map.table_id, ev.body, nullptr);
    return;
  }
  // Signature: everything after the table id, so a re-mapped table with the same shape reuses its schema.
  std::string sig(reinterpret_cast<const char*>(ev.body.data()) + id_len, ev.body.size() - id_len);
  std::string key = map.db + "." + map.table;
  auto& versions = versions_[key];
  for (const auto& [s, dec] : versions.live)
    if (s == sig) {
      tables_[map.table_id] = dec;
      remember_map(map.table_id, ev.body, dec);
      return;
    }
  const ExternalTableInfo* ext = opts_.external ? checked_external(map) : nullptr;
  auto dec = std::make_shared<RowDecoder>(map, opts_.envelope, fde_->flavor, ext, opts_.naming);
  dec->set_schema_version(++versions.built);
  versions.live.emplace_back(std::move(sig), dec);
  tables_[map.table_id] = dec;
  remember_map(map.table_id, ev.body, std::move(dec));
}

void BinlogDecoder::remember_map(uint64_t table_id, Bytes body, std::shared_ptr<const RowDecoder> dec) {
  SeenMap& m = seen_maps_[table_id];
  m.body.assign(body.begin(), body.end());
  m.dec = std::move(dec);
}

// information_schema describes the table as it is now; the TABLE_MAP as it was when the rows were written.
// A column count that differs is left to the RowDecoder (positional names, refused by the source); a type
// that differs would put wrong names, charsets or members on the values, so it stops the stream.
const ExternalTableInfo* BinlogDecoder::checked_external(const TableMap& map) {
  auto mismatch = [&](const ExternalTableInfo* ext) -> std::optional<size_t> {
    if (!ext || ext->columns.size() != map.columns.size()) return std::nullopt;
    for (size_t i = 0; i < map.columns.size(); ++i)
      if (!external_type_matches(map.columns[i], ext->columns[i].column_type)) return i;
    return std::nullopt;
  };
  const ExternalTableInfo* ext = opts_.external(map.db, map.table);
  bool stale = !ext || ext->columns.size() != map.columns.size() || mismatch(ext);
  if (stale && opts_.external_refresh) {  // cached before a change of the table: ask once more
    opts_.external_refresh(map.db, map.table);
    ext = opts_.external(map.db, map.table);
  }
  if (auto i = mismatch(ext)) {
    const ColumnDef& d = map.columns[*i];
    throw DecodeError("table " + map.db + "." + map.table + " column " + ext->columns[*i].name + " (#" +
                      std::to_string(*i + 1) + "): information_schema says " + ext->columns[*i].column_type +
                      " but the binlog's TABLE_MAP has " + column_type_name(d.type) +
                      (d.max_length ? "(" + std::to_string(d.max_length) + ")" : "") +
                      ": the table was changed after these rows were written, and with binlog_row_metadata "
                      "MINIMAL/NO_LOG the binlog does not say what the columns were. Set binlog_row_metadata=FULL "
                      "on the server (SET GLOBAL and my.cnf) and take a new snapshot, or resume from a position "
                      "after the change");
  }
  return ext;
}

void BinlogDecoder::retire_tables_in(const std::string& ddl) {
  seen_maps_.clear();  // the next TABLE_MAP of every table goes through the signatures again
  std::string text = ascii_lower(ddl);
  for (auto& [key, versions] : versions_) {
    std::string table = ascii_lower(key.substr(key.find('.') + 1));
    // A mention is enough: a false match only costs one more information_schema lookup.
    if (versions.live.empty() || text.find(table) == std::string::npos) continue;
    for (auto& [sig, dec] : versions.live) retired_.push_back(std::move(dec));
    versions.live.clear();
  }
}

void BinlogDecoder::on_rows(const RawEvent& ev, const Where& at) {
  RowsEvent rows = parse_rows_event(ev.body, ev.header.type, *fde_);
  auto it = tables_.find(rows.table_id);
  if (it == tables_.end())
    throw DecodeError("rows event for table id " + std::to_string(rows.table_id) + " without a preceding TABLE_MAP");
  if (!tx_.open && !tx_.standalone) begin(at, ev.header);  // rows without BEGIN (non-transactional engines)
  if (!it->second) return;  // a table filtered out by DecoderOptions::include
  const RowDecoder& dec = *it->second;
  if (rows.column_count != dec.table_map().columns.size())
    throw DecodeError("rows event has " + std::to_string(rows.column_count) + " columns, its TABLE_MAP " +
                      std::to_string(dec.table_map().columns.size()));

  auto& c = change_;
  c.table = &dec.schema();
  c.op = rows.kind == RowsKind::write ? event::Op::create : rows.kind == RowsKind::update ? event::Op::update : event::Op::del;
  c.has_before = rows.kind != RowsKind::write;
  c.has_after = rows.kind != RowsKind::del;
  c.tx.reset();
  c.tx_id = !tx_.gtid.empty() ? tx_.gtid : file_ + ":" + std::to_string(tx_.begin_pos);
  auto& s = c.source;
  s = event::SourceInfo{};
  s.connector = fde_->flavor == Flavor::mariadb ? event::Connector::mariadb : event::Connector::mysql;
  s.ts_ns = ts_ns(ev.header);
  s.db = dec.table_map().db;
  s.server_id = ev.header.server_id;
  s.gtid = tx_.gtid;
  s.file = file_;
  s.pos = static_cast<int64_t>(at.pos);
  s.thread = tx_.thread;
  if (opts_.include_query) s.query = tx_.rows_query;

  ByteReader r(rows.rows());
  for (int32_t row = 0; !r.empty(); ++row) {
    // source.row is an int, as in Debezium; no real event comes near 2^31 rows (each takes a byte or more).
    if (row == INT32_MAX) throw DecodeError("rows event holds more than " + std::to_string(INT32_MAX) + " rows");
    size_t start = r.offset();
    if (c.has_before) dec.decode(r, rows.present_before, c.before, false);
    if (c.has_after) dec.decode(r, rows.present_after, c.after, rows.partial);
    // An image with no columns present takes no bytes; the loop would never end on such input.
    if (r.offset() == start) throw DecodeError("row " + std::to_string(row) + " has no columns in its image");
    s.row = row;
    ++tx_.row_events;
    handler_.on_change(c);
  }
}

void BinlogDecoder::on_payload(const RawEvent& ev, const Where& at) {
  std::string inner = decompress_payload(parse_transaction_payload(ev.body));
  ByteReader r(inner);
  while (!r.empty()) {
    ByteReader peek(r.rest());
    EventHeader h = parse_header(peek);
    if (h.event_size < kHeaderLen) r.fail("payload event", "event_size below the header size");
    Bytes one = r.bytes(h.event_size, "payload event");
    // Inner events carry no checksum (the payload event's own CRC covered them).
    RawEvent inner_ev = split_event(one, ChecksumAlg::off);
    if (h.type == TRANSACTION_PAYLOAD_EVENT || h.type == FORMAT_DESCRIPTION_EVENT || h.type == ROTATE_EVENT)
      throw DecodeError(event_type_name(h.type) + " inside a TRANSACTION_PAYLOAD_EVENT");
    dispatch(inner_ev, at);
  }
}

}  // namespace cdc::mysql
