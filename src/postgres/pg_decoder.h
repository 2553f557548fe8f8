// The stateful half of PostgreSQL decoding: fed pgoutput payloads with their LSN, it keeps the relation
// cache, tracks transactions and hands ChangeEvents and commit positions to an event::EventSink, as
// Debezium's PostgreSQL connector would emit them. Pure: catalog facts come from an injected Catalog,
// warnings go to a callback, and nothing here touches a socket, clock or logger.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"
#include "event/source.h"
#include "postgres/pg_stream_spool.h"
#include "postgres/pg_types.h"
#include "postgres/pgoutput.h"

namespace cdc::pg {

// What the live source reads from pg_catalog for a relation (pgoutput carries neither).
struct TableCatalogInfo {
  std::vector<std::string> primary_key;  // column names in key order; empty = no primary key (null Kafka key)
  std::vector<std::string> not_null;     // columns declared NOT NULL (non-optional in the schema)
};

class Catalog {
 public:
  virtual ~Catalog() = default;
  virtual TableCatalogInfo table(Oid relid, const std::string& ns, const std::string& name) = 0;
  // A non-built-in type (enum, domain, array, extension type); nullopt when it does not exist.
  virtual std::optional<PgTypeInfo> type(Oid oid) = 0;
};

struct DecoderOptions {
  std::string database;  // source.db
  event::EnvelopeOptions envelope;
  // Which tables are captured; changes of others are dropped (their commits still advance). Empty = all.
  std::function<bool(const std::string& ns, const std::string& table)> capture;
  // Called once per column whose type is unknown (mapped to string) each time its relation is (re)defined.
  std::function<void(const std::string& table, const std::string& column, Oid type)> on_unknown_type;
  // Called with a warning about a relation's definition each time the relation is (re)defined.
  std::function<void(const std::string& message)> on_warning;
  int proto_version = 1;
  // Holds the messages of streamed transactions until their Stream Commit (protocol v2); must outlive the
  // decoder. Null = an in-memory spool of the decoder's own.
  StreamSpool* spool = nullptr;
};

class PgDecoder {
 public:
  PgDecoder(DecoderOptions opts, Catalog& catalog);

  // One XLogData payload; `lsn` is its wal_start. Events and commits go to `out` before it returns
  // (streamed transactions: at their Stream Commit). Throws DecodeError with the LSN in the message.
  void feed(Lsn lsn, std::span<const uint8_t> payload, event::EventSink& out);

  // The sequence's first element after a restart (Debezium's lastCommitLsn); unset = null.
  void set_last_commit_lsn(Lsn lsn) { last_commit_lsn_ = lsn; }
  bool in_transaction() const { return in_tx_; }
  // Schema of a captured relation, or nullptr.
  const event::TableSchema* table(Oid relid) const;

 private:
  struct RelationState {
    Relation rel;
    bool captured = false;
    const event::TableSchema* schema = nullptr;  // owned by schemas_
    // The schema without its key, for deletes when the replica identity (USING INDEX) leaves primary-key
    // columns out of the old image: the key is unknown then, so it is null. Null when the identity covers it.
    const event::TableSchema* keyless = nullptr;
    std::vector<PgColumnType> types;
  };

  void dispatch(Lsn lsn, const Message& m, event::EventSink& out);
  void on_relation(const Relation& r);
  void on_begin(Xid xid, Lsn final_lsn, PgTimestamp time);
  void on_commit(Lsn end_lsn, event::EventSink& out);
  void on_insert(Lsn lsn, const Insert& m, event::EventSink& out);
  void on_update(Lsn lsn, const Update& m, event::EventSink& out);
  void on_delete(Lsn lsn, const Delete& m, event::EventSink& out);
  void on_truncate(Lsn lsn, const Truncate& m, event::EventSink& out);
  void on_message(Lsn lsn, const LogicalMessage& m, event::EventSink& out);
  void stream_store(Lsn lsn, std::span<const uint8_t> payload, const Message& m);
  void stream_commit(const StreamCommit& c, event::EventSink& out);
  void stream_abort(const StreamAbort& a);

  const RelationState* captured(Oid relid) const;
  // The relation of a change: throws when no Relation message described it, nullptr when not captured.
  const RelationState* change_relation(Oid relid) const;
  void ensure_type(Oid oid, int depth);
  void fill_row(const RelationState& rs, const TupleData& t, const TupleData* fallback, event::Row& row) const;
  bool key_changed(const RelationState& rs, const TupleData& old_t, const TupleData& new_t) const;
  event::ChangeEvent& start_event(event::Op op, const RelationState& rs, Lsn lsn);

  DecoderOptions opts_;
  Catalog& catalog_;
  TypeRegistry types_;
  std::unordered_map<Oid, RelationState> relations_;
  // Every schema version ever built stays alive: events in flight point at the version they were made with.
  std::vector<std::unique_ptr<event::TableSchema>> schemas_;

  bool in_tx_ = false;
  Xid xid_ = 0;
  Lsn final_lsn_ = 0;
  PgTimestamp commit_time_ = 0;
  uint64_t tx_event_index_ = 0;  // for the change id
  std::optional<Lsn> last_commit_lsn_;

  std::unique_ptr<StreamSpool> own_spool_;  // when the options bring none
  StreamSpool* spool_ = nullptr;
  bool in_stream_ = false;
  Xid stream_xid_ = 0;
  // Aborted subtransactions of streamed transactions not yet committed or aborted (top xid -> subxids).
  std::unordered_map<Xid, std::vector<Xid>> aborted_subxacts_;

  event::ChangeEvent ev_;  // reused for every event: its rows keep their buffers
};

}  // namespace cdc::pg
