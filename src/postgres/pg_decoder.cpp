#include "postgres/pg_decoder.h"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "event/change_id.h"
#include "util/error.h"

namespace cdc::pg {
namespace {

// First OID assigned to user objects (FirstNormalObjectId): everything below is built in.
constexpr Oid kFirstNormalObjectId = 16384;

// A DecodeError that already names its LSN, so outer layers do not add another.
class PositionedDecodeError : public DecodeError {
 public:
  using DecodeError::DecodeError;
};

[[noreturn]] void rethrow_at(Lsn lsn, const DecodeError& e) {
  if (dynamic_cast<const PositionedDecodeError*>(&e)) throw e;
  throw PositionedDecodeError(std::string(e.what()) + " (pgoutput message at LSN " + format_lsn(lsn) + ")");
}

std::optional<Xid> subxact_of(const Message& m) {
  return std::visit(
      [](const auto& msg) -> std::optional<Xid> {
        if constexpr (requires { msg.xid; }) {
          if constexpr (std::is_same_v<std::remove_cvref_t<decltype(msg.xid)>, std::optional<Xid>>) return msg.xid;
        }
        return std::nullopt;
      },
      m);
}

bool same_columns(const event::TableSchema& a, const event::TableSchema& b) {
  if (a.key != b.key || a.columns.size() != b.columns.size()) return false;
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const auto &x = a.columns[i], &y = b.columns[i];
    if (x.name != y.name || x.type != y.type || x.semantic != y.semantic || x.parameters != y.parameters ||
        x.optional != y.optional || x.item_type != y.item_type || x.item_semantic != y.item_semantic)
      return false;
  }
  return true;
}

}  // namespace

PgDecoder::PgDecoder(DecoderOptions opts, Catalog& catalog) : opts_(std::move(opts)), catalog_(catalog) {
  if (!opts_.spool) own_spool_ = std::make_unique<MemoryStreamSpool>();
  spool_ = opts_.spool ? opts_.spool : own_spool_.get();
}

const event::TableSchema* PgDecoder::table(Oid relid) const {
  const RelationState* rs = captured(relid);
  return rs ? rs->schema : nullptr;
}

void PgDecoder::feed(Lsn lsn, std::span<const uint8_t> payload, event::EventSink& out) {
  try {
    Message m = decode_message(payload, DecodeOptions{in_stream_, opts_.proto_version});
    if (in_stream_ && !std::holds_alternative<StreamStop>(m))
      stream_store(lsn, payload, m);
    else
      dispatch(lsn, m, out);
  } catch (const DecodeError& e) {
    rethrow_at(lsn, e);
  }
}

void PgDecoder::dispatch(Lsn lsn, const Message& m, event::EventSink& out) {
  auto need_tx = [this, &m] {
    if (!in_tx_) throw DecodeError(std::string(message_name(m)) + " outside a transaction");
  };
  if (auto* b = std::get_if<Begin>(&m)) {
    if (in_tx_) throw DecodeError("Begin inside a transaction");
    on_begin(b->xid, b->final_lsn, b->commit_time);
  } else if (auto* c = std::get_if<Commit>(&m)) {
    need_tx();
    last_commit_lsn_ = lsn;  // Debezium's lastCommitLsn is the commit message's position
    on_commit(c->end_lsn, out);
  } else if (auto* r = std::get_if<Relation>(&m)) {
    on_relation(*r);
  } else if (auto* i = std::get_if<Insert>(&m)) {
    need_tx();
    on_insert(lsn, *i, out);
  } else if (auto* u = std::get_if<Update>(&m)) {
    need_tx();
    on_update(lsn, *u, out);
  } else if (auto* d = std::get_if<Delete>(&m)) {
    need_tx();
    on_delete(lsn, *d, out);
  } else if (auto* t = std::get_if<Truncate>(&m)) {
    need_tx();
    on_truncate(lsn, *t, out);
  } else if (auto* lm = std::get_if<LogicalMessage>(&m)) {
    on_message(lsn, *lm, out);
  } else if (auto* ss = std::get_if<StreamStart>(&m)) {
    if (in_tx_) throw DecodeError("Stream Start inside a transaction");
    in_stream_ = true;
    stream_xid_ = ss->xid;
    if (ss->first_segment) {  // the transaction starts (over): nothing stored for it may stay
      spool_->discard(ss->xid);
      aborted_subxacts_.erase(ss->xid);
    }
  } else if (std::holds_alternative<StreamStop>(m)) {
    if (!in_stream_) throw DecodeError("Stream Stop without Stream Start");
    in_stream_ = false;
  } else if (auto* sc = std::get_if<StreamCommit>(&m)) {
    stream_commit(*sc, out);
    last_commit_lsn_ = lsn;
  } else if (auto* sa = std::get_if<StreamAbort>(&m)) {
    stream_abort(*sa);
  }
  // Origin and Type need nothing: types are resolved through the Catalog when a Relation uses them.
}

void PgDecoder::on_begin(Xid xid, Lsn final_lsn, PgTimestamp time) {
  // source.ts_ns is int64 nanoseconds since 1970 (years 1678..2262); no server clock is outside that.
  if (time > INT64_MAX / 1000 - kPgEpochUnixMicros || time < INT64_MIN / 1000 - kPgEpochUnixMicros)
    throw DecodeError("commit time " + std::to_string(time) + " is out of range");
  in_tx_ = true;
  xid_ = xid;
  final_lsn_ = final_lsn;
  commit_time_ = time;
  tx_event_index_ = 0;
}

void PgDecoder::on_commit(Lsn end_lsn, event::EventSink& out) {
  in_tx_ = false;
  event::SourcePosition pos;
  pos.lsn = end_lsn;
  out.commit(pos);
}

void PgDecoder::ensure_type(Oid oid, int depth) {
  if (oid < kFirstNormalObjectId || types_.find(oid) || depth > 16) return;
  std::optional<PgTypeInfo> info = catalog_.type(oid);
  if (!info) return;
  Oid base = info->base_oid, elem = info->element_oid;
  types_.add(std::move(*info));
  if (base) ensure_type(base, depth + 1);
  if (elem) ensure_type(elem, depth + 1);
}

void PgDecoder::on_relation(const Relation& r) {
  RelationState& rs = relations_[r.oid];
  rs.rel = r;
  rs.captured = !opts_.capture || opts_.capture(r.ns, r.name);
  if (!rs.captured) return;
  TableCatalogInfo info = catalog_.table(r.oid, r.ns, r.name);
  auto schema = std::make_unique<event::TableSchema>();
  schema->db = opts_.database;
  schema->schema = r.ns;
  schema->table = r.name;
  rs.types.clear();
  for (const RelationColumn& c : r.columns) {
    ensure_type(c.type_oid, 0);
    bool optional = std::find(info.not_null.begin(), info.not_null.end(), c.name) == info.not_null.end();
    MappedColumn mc = map_column(c.name, c.type_oid, c.typmod, optional, types_, opts_.envelope);
    if (mc.unknown_type && opts_.on_unknown_type) opts_.on_unknown_type(r.ns + "." + r.name, c.name, c.type_oid);
    schema->columns.push_back(std::move(mc.column));
    rs.types.push_back(std::move(mc.type));
  }
  // The Kafka key is the catalog's primary key; a key column missing from the relation (a publication
  // column list can drop it) leaves the key null rather than partial.
  for (const std::string& k : info.primary_key) {
    auto it = std::find_if(r.columns.begin(), r.columns.end(), [&k](const RelationColumn& c) { return c.name == k; });
    if (it == r.columns.end()) {
      schema->key.clear();
      break;
    }
    schema->key.push_back(static_cast<uint32_t>(it - r.columns.begin()));
  }
  // Resent unchanged (new session, invalidation, replica identity change): the schema stays.
  if (!rs.schema || !same_columns(*rs.schema, *schema)) {
    schema->version = rs.schema ? rs.schema->version + 1 : 1;
    schemas_.push_back(std::move(schema));
    rs.schema = schemas_.back().get();
    rs.keyless = nullptr;
  }
  std::vector<std::string> missing;  // primary-key columns outside the replica identity index
  if (r.replica_identity == ReplicaIdentity::index)
    for (uint32_t k : rs.schema->key)
      if (!r.columns[k].key) missing.push_back(r.columns[k].name);
  if (missing.empty()) {
    rs.keyless = nullptr;
    return;
  }
  if (!rs.keyless) {
    auto keyless = std::make_unique<event::TableSchema>(*rs.schema);
    keyless->key.clear();
    schemas_.push_back(std::move(keyless));
    rs.keyless = schemas_.back().get();
  }
  if (opts_.on_warning) {
    std::string cols;
    for (const auto& c : missing) cols += (cols.empty() ? "" : ", ") + c;
    std::string table = r.ns + "." + r.name;
    opts_.on_warning("table " + table + ": its replica identity leaves primary-key column(s) " + cols +
                     " out of the old row, so its deletes are published with a null Kafka key and no tombstone; "
                     "fix: ALTER TABLE " + table + " REPLICA IDENTITY DEFAULT (or FULL)");
  }
}

const PgDecoder::RelationState* PgDecoder::captured(Oid relid) const {
  auto it = relations_.find(relid);
  if (it == relations_.end()) return nullptr;
  return it->second.captured ? &it->second : nullptr;
}

const PgDecoder::RelationState* PgDecoder::change_relation(Oid relid) const {
  if (relations_.find(relid) == relations_.end())
    throw DecodeError("change for relation " + std::to_string(relid) + " before its Relation message");
  return captured(relid);
}

void PgDecoder::fill_row(const RelationState& rs, const TupleData& t, const TupleData* fallback,
                         event::Row& row) const {
  const size_t n = rs.rel.columns.size();
  if (t.columns.size() != n)
    throw DecodeError("tuple of " + rs.rel.ns + "." + rs.rel.name + " has " + std::to_string(t.columns.size()) +
                      " columns, relation has " + std::to_string(n));
  row.reset(n);
  for (size_t i = 0; i < n; ++i) {
    const TupleColumn* c = &t.columns[i];
    // An unchanged TOAST value is recovered from the old image when that has it (Debezium DBZ-1368).
    if (c->kind == ColumnKind::unchanged_toast && fallback && i < fallback->columns.size() &&
        fallback->columns[i].kind == ColumnKind::text)
      c = &fallback->columns[i];
    try {
      switch (c->kind) {
        case ColumnKind::null: row.set_null(i); break;
        case ColumnKind::unchanged_toast: set_unchanged_toast(rs.types[i], row, i); break;
        case ColumnKind::text: convert_text(rs.types[i], c->data, row, i); break;
        case ColumnKind::binary: throw DecodeError("binary tuple data, which the agent never requests");
      }
    } catch (const DecodeError& e) {
      throw DecodeError("column " + rs.rel.ns + "." + rs.rel.name + "." + rs.rel.columns[i].name + ": " + e.what());
    }
  }
}

bool PgDecoder::key_changed(const RelationState& rs, const TupleData& old_t, const TupleData& new_t) const {
  for (uint32_t k : rs.schema->key) {
    if (k >= old_t.columns.size() || k >= new_t.columns.size()) return false;
    const TupleColumn &o = old_t.columns[k], &n = new_t.columns[k];
    // A key column absent from the old image (an identity index other than the primary key) cannot be compared.
    if (o.kind != ColumnKind::text) return false;
    if (n.kind == ColumnKind::unchanged_toast) continue;
    if (n.kind != ColumnKind::text || n.data != o.data) return true;
  }
  return false;
}

event::ChangeEvent& PgDecoder::start_event(event::Op op, const RelationState& rs, Lsn lsn) {
  event::ChangeEvent& ev = ev_;
  ev.op = op;
  ev.table = rs.schema;
  ev.has_before = ev.has_after = false;
  ev.tx.reset();
  ev.change_id.clear();
  event::change_id::append_postgres(ev.change_id, final_lsn_, lsn, tx_event_index_++);
  ev.tx_id = std::to_string(xid_);
  event::SourceInfo& s = ev.source;
  s.connector = event::Connector::postgresql;
  s.snapshot = event::SnapshotMarker::false_;
  s.ts_ns = pg_to_unix_micros(commit_time_) * 1000;
  s.db = opts_.database;
  s.tx_id = xid_;
  s.lsn = static_cast<int64_t>(lsn);
  s.xmin.reset();
  // Debezium writes [lastCommitLsn, lsn] as a JSON array of decimal strings, null before any commit.
  s.sequence = "[";
  s.sequence += last_commit_lsn_ ? "\"" + std::to_string(*last_commit_lsn_) + "\"" : "null";
  s.sequence += ",\"" + std::to_string(lsn) + "\"]";
  return ev;
}

void PgDecoder::on_insert(Lsn lsn, const Insert& m, event::EventSink& out) {
  const RelationState* rs = change_relation(m.relation);
  if (!rs) return;  // not captured
  event::ChangeEvent& ev = start_event(event::Op::create, *rs, lsn);
  fill_row(*rs, m.new_tuple, nullptr, ev.after);
  ev.has_after = true;
  out.change(ev);
}

void PgDecoder::on_update(Lsn lsn, const Update& m, event::EventSink& out) {
  const RelationState* rs = change_relation(m.relation);
  if (!rs) return;  // not captured
  const TupleData* old_t = m.old_tuple ? &*m.old_tuple : nullptr;
  if (old_t && key_changed(*rs, *old_t, m.new_tuple)) {
    // A primary-key change becomes a delete of the old key and a create of the new one, as in Debezium;
    // the writer adds the tombstone after the delete.
    event::ChangeEvent& del = start_event(event::Op::del, *rs, lsn);
    fill_row(*rs, *old_t, nullptr, del.before);
    del.has_before = true;
    out.change(del);
    event::ChangeEvent& cre = start_event(event::Op::create, *rs, lsn);
    fill_row(*rs, m.new_tuple, old_t, cre.after);
    cre.has_after = true;
    out.change(cre);
    return;
  }
  // before: the whole old row under REPLICA IDENTITY FULL ('O'), the old key when it changed ('K'),
  // otherwise absent (null).
  event::ChangeEvent& ev = start_event(event::Op::update, *rs, lsn);
  if (old_t) {
    fill_row(*rs, *old_t, nullptr, ev.before);
    ev.has_before = true;
  }
  fill_row(*rs, m.new_tuple, old_t, ev.after);
  ev.has_after = true;
  out.change(ev);
}

void PgDecoder::on_delete(Lsn lsn, const Delete& m, event::EventSink& out) {
  const RelationState* rs = change_relation(m.relation);
  if (!rs) return;  // not captured
  event::ChangeEvent& ev = start_event(event::Op::del, *rs, lsn);
  if (rs->keyless) ev.table = rs->keyless;  // the old row lacks the key: a null key, never a made-up one
  fill_row(*rs, m.old_tuple, nullptr, ev.before);
  ev.has_before = true;
  out.change(ev);
}

void PgDecoder::on_truncate(Lsn lsn, const Truncate& m, event::EventSink& out) {
  for (Oid relid : m.relations) {
    const RelationState* rs = change_relation(relid);
    if (!rs) continue;
    out.change(start_event(event::Op::truncate, *rs, lsn));
  }
}

void PgDecoder::on_message(Lsn lsn, const LogicalMessage& m, event::EventSink& out) {
  // Logical messages are not published (op 'm' is optional), whatever their prefix, so our own
  // heartbeats need no special case. A non-transactional one still advances the position: no Commit
  // follows it (Debezium commits at its LSN too), which is what keeps an idle slot moving.
  if (!m.transactional && !in_tx_) {
    event::SourcePosition pos;
    pos.lsn = lsn;
    out.commit(pos);
  }
}

void PgDecoder::stream_store(Lsn lsn, std::span<const uint8_t> payload, const Message& m) {
  if (std::holds_alternative<Begin>(m) || std::holds_alternative<Commit>(m) || std::holds_alternative<StreamStart>(m) ||
      std::holds_alternative<StreamCommit>(m) || std::holds_alternative<StreamAbort>(m))
    throw DecodeError(std::string(message_name(m)) + " inside a stream block");
  spool_->append(stream_xid_, subxact_of(m).value_or(stream_xid_), lsn, payload);
}

void PgDecoder::stream_commit(const StreamCommit& c, event::EventSink& out) {
  if (in_tx_ || in_stream_) throw DecodeError("Stream Commit inside a transaction");
  std::vector<Xid> aborted;
  if (auto node = aborted_subxacts_.extract(c.xid)) aborted = std::move(node.mapped());
  on_begin(c.xid, c.commit_lsn, c.commit_time);
  // The stored messages go through the normal path, as if between Begin and Commit. Changes of aborted
  // subtransactions are skipped; their Relation and Type messages still apply, because pgoutput sends a
  // relation's description once per streamed transaction, whichever subtransaction first touched it.
  spool_->replay(c.xid, [&](Xid sub, Lsn lsn, std::span<const uint8_t> bytes) {
    const bool describes = !bytes.empty() && (bytes[0] == 'R' || bytes[0] == 'Y');
    if (!describes && std::find(aborted.begin(), aborted.end(), sub) != aborted.end()) return;
    try {
      dispatch(lsn, decode_message(bytes, DecodeOptions{true, opts_.proto_version}), out);
    } catch (const DecodeError& e) {
      rethrow_at(lsn, e);
    }
  });
  on_commit(c.end_lsn, out);
}

void PgDecoder::stream_abort(const StreamAbort& a) {
  if (a.subxact_xid == a.xid) {
    spool_->discard(a.xid);
    aborted_subxacts_.erase(a.xid);
    return;
  }
  // pgoutput sends one Stream Abort per aborted subtransaction that has changes, its committed children
  // included (ROLLBACK TO SAVEPOINT aborts them with it), so recording each one is enough.
  aborted_subxacts_[a.xid].push_back(a.subxact_xid);
}

}  // namespace cdc::pg
