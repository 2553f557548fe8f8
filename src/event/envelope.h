// The Debezium envelope writer: ChangeEvent -> Kafka key and value bytes, exactly as Debezium + Kafka
// Connect's JsonConverter write them (ENVELOPE.md), plus the heartbeat and transaction-metadata messages.
// Policy for nulls in required columns: row_json.cpp. One writer per source; not thread-safe (it caches
// the rendered schema of each table version).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"
#include "event/source_json.h"

namespace cdc::event {

// One entry of a transaction END message's data_collections: "<db|schema>.<table>" and its event count.
struct CollectionCount {
  std::string data_collection;
  int64_t event_count = 0;
};

class EnvelopeWriter {
 public:
  explicit EnvelopeWriter(EnvelopeOptions opts);

  const EnvelopeOptions& options() const { return opts_; }

  // "<prefix>.<db|schema>.<table>", characters Kafka does not allow in topic names replaced by '_'
  // (Debezium's topic naming strategy does the same).
  std::string topic(const TableSchema& t) const;
  // The same, from the per-table cache: valid until the next call on this writer.
  const std::string& table_topic(const TableSchema& t, Connector c) { return cache_for(t, c).topic; }

  // Appends the record key to `out`. Returns false and appends nothing when the key is null: the table
  // has no primary key, or the event is a truncate.
  bool key(const ChangeEvent& e, std::string& out);

  // Appends the record value (the envelope) to `out`.
  void value(const ChangeEvent& e, std::string& out);
  // value() in two parts, for writers that can send the constant part without copying it: the schema
  // prefix of e's table (empty without schemas; valid while generation() stays the same) and the rest.
  std::string_view value_prefix(const ChangeEvent& e);
  void value_payload(const ChangeEvent& e, std::string& out);
  // Changes whenever a cached schema is rendered or dropped (which frees earlier prefixes).
  uint64_t generation() const { return generation_; }

  // A delete is followed by a tombstone (same topic and key, null value) when tombstones are on and the
  // key is not null; a null-key tombstone would mean nothing to log compaction.
  bool wants_tombstone(const ChangeEvent& e) const;

  // Heartbeat: topic "__debezium-heartbeat.<prefix>", key {"serverName":"<prefix>"}, value {"ts_ms":…}.
  std::string heartbeat_topic() const;
  void heartbeat_key(std::string& out) const;
  void heartbeat_value(int64_t ts_ms, std::string& out) const;

  // Transaction metadata: topic "<prefix>.transaction", key {"id":…}; BEGIN has null counts, END the
  // total and one entry per table.
  std::string transaction_topic() const;
  void transaction_key(std::string_view tx_id, std::string& out) const;
  void transaction_begin(std::string_view tx_id, int64_t ts_ms, std::string& out) const;
  void transaction_end(std::string_view tx_id, int64_t ts_ms, std::span<const CollectionCount> counts,
                       std::string& out) const;

 private:
  // What is constant for one table version: rendered once, reused for every event.
  struct TableCache {
    uint64_t version = 0;
    Connector connector = Connector::mysql;
    uint64_t uid = 0;  // TableSchema::uid: an address reused by another schema does not match
    std::string topic;
    std::vector<std::string> labels;
    std::string key_prefix;    // schemas: {"schema":<Key>,"payload":   otherwise empty
    std::string value_prefix;  // schemas: {"schema":<Envelope>,"payload":   otherwise empty
  };

  const TableCache& cache_for(const TableSchema& t, Connector c);
  TableCache render(const TableSchema& t, Connector c) const;
  void wrap_begin(std::string& out, const std::string& schema_prefix) const;
  void wrap_end(std::string& out) const;

  EnvelopeOptions opts_;
  std::string name_json_;  // the prefix as a JSON string (source.name, serverName)
  std::string heartbeat_key_prefix_, heartbeat_value_prefix_, tx_key_prefix_, tx_value_prefix_;
  std::unordered_map<const TableSchema*, TableCache> cache_;
  QueryJsonCache query_cache_;
  // Binlog source blocks: every row of one rows event has the same block but for "row", so the text
  // around the row number is kept from the previous event and reused while the other fields match.
  struct SourceCache {
    bool valid = false;
    SourceInfo info;  // row ignored
    const TableSchema* table = nullptr;
    std::string table_name;  // guards against a freed TableSchema's address being reused
    std::string head;        // {"version":… up to and including "row":
    std::string tail;        // ,"thread":… }
  } source_cache_;
  // The processed-time fields (",\"ts_ms\":…,\"ts_us\":…,\"ts_ns\":…") of the last event.
  int64_t processed_ns_ = 0;
  std::string processed_json_;
  void append_source_cached(std::string& out, const ChangeEvent& e);
  const TableSchema* last_table_ = nullptr;
  const TableCache* last_cache_ = nullptr;
  uint64_t generation_ = 0;
};

}  // namespace cdc::event
