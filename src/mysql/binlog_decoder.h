// BinlogDecoder: the stateful step from binlog events to change events. Fed one whole event at a time
// (from a file, or from the replication stream), it keeps the FORMAT_DESCRIPTION and the table maps,
// tracks transaction boundaries, and reports through a BinlogHandler. `cdc-agent decode` and the live
// MySQL source drive this same class; neither I/O nor clocks happen here.
//
// Positions. source.pos is the start of the row event's own binlog event (Debezium's
// SourceInfo.setEventPosition: "the position within the binary log file of the current event"); rows
// inside a TRANSACTION_PAYLOAD_EVENT carry the payload event's position. The position to store after a
// transaction (TxCommit::next_pos) is the end of its XID/COMMIT event (or of the payload event), i.e.
// where a restarted replica asks the server to resume.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "event/change_event.h"
#include "event/options.h"
#include "mysql/binlog_event.h"
#include "mysql/gtid_set.h"
#include "mysql/row_decoder.h"

namespace cdc::mysql {

struct TxBegin {
  std::string file;
  uint64_t pos = 0;  // start of the GTID (or BEGIN) event: where a replay of this transaction starts
  std::string gtid;  // "" when anonymous
  int64_t ts_ns = 0;
};

struct TxCommit {
  std::string file;
  uint64_t next_pos = 0;   // store this once everything before it is delivered
  std::string gtid;        // this transaction's GTID ("" when anonymous)
  std::string gtid_set;    // executed set including this transaction ("" when GTIDs are off)
  size_t row_events = 0;   // change events emitted for this transaction
  int64_t ts_ns = 0;
};

struct DdlEvent {
  std::string file;
  uint64_t pos = 0;
  std::string db;     // default database of the statement
  std::string query;
  int64_t ts_ns = 0;
};

class BinlogHandler {
 public:
  virtual ~BinlogHandler() = default;
  // The event and its rows are reused for the next change: copy what must outlive the call.
  virtual void on_change(event::ChangeEvent& change) = 0;
  virtual void on_begin(const TxBegin&) {}
  virtual void on_commit(const TxCommit&) {}
  virtual void on_ddl(const DdlEvent&) {}
  virtual void on_rotate(const std::string& /*next_file*/, uint64_t /*pos*/) {}
  virtual void on_heartbeat(const std::string& /*file*/, uint64_t /*pos*/) {}
};

struct DecoderOptions {
  event::EnvelopeOptions envelope;
  ColumnNaming naming = ColumnNaming::require;
  // Column facts for tables whose TABLE_MAP lacks names (binlog_row_metadata=MINIMAL). May be empty.
  // The answer is checked against the TABLE_MAP's column types; on a mismatch `external_refresh` drops
  // what was cached for the table and `external` is asked once more. Still different: DecodeError.
  std::function<const ExternalTableInfo*(const std::string& db, const std::string& table)> external;
  std::function<void(const std::string& db, const std::string& table)> external_refresh;
  // Captured tables; empty = all. Rows of other tables are skipped undecoded (their transactions still
  // commit, so positions advance).
  std::function<bool(const std::string& db, const std::string& table)> include;
  // source.query from ROWS_QUERY / ANNOTATE_ROWS events. Off by default, like Debezium's include.query:
  // the statement text can hold row values, and it adds hundreds of bytes to every message.
  bool include_query = false;
};

class BinlogDecoder {
 public:
  BinlogDecoder(DecoderOptions opts, BinlogHandler& handler);

  // File that the next events belong to (decode: the file name; live: the start file). ROTATE events
  // change it afterwards.
  void set_file(std::string file) { file_ = std::move(file); }
  // Executed GTID set at the start position (live: from the offset store); PREVIOUS_GTIDS seeds it too.
  void set_gtid_set(GtidSet set) { gtids_ = std::move(set); }

  // Decodes one complete event (header, body, checksum) that starts at `pos` of the current file.
  // Throws DecodeError prefixed with "file:pos: EVENT_TYPE: " for anything malformed or refused.
  void feed(Bytes event, uint64_t pos);

  const std::string& file() const { return file_; }
  const FormatDescription* format() const { return fde_ ? &*fde_ : nullptr; }
  bool in_transaction() const { return tx_.open; }
  const GtidSet& gtid_set() const { return gtids_; }

 private:
  struct Tx {
    bool open = false;
    bool standalone = false;  // MariaDB FL_STANDALONE / MySQL DDL: the next QUERY ends it
    std::string gtid;
    std::string gtid_key;  // MySQL "uuid[:tag]" for the set; empty for MariaDB / anonymous
    int64_t gno = 0;
    uint32_t maria_domain = 0, maria_server = 0;
    uint64_t maria_seq = 0;
    bool maria = false;
    uint64_t begin_pos = 0;
    int64_t commit_ts_ns = 0;  // immediate_commit_timestamp, when the server sent it
    std::optional<int64_t> thread;
    std::string rows_query;
    size_t row_events = 0;
  };
  struct Where {
    uint64_t pos;       // start of the outermost event
    uint64_t next_pos;  // end of the outermost event
  };

  void dispatch(const RawEvent& ev, const Where& at);
  void on_format_description(Bytes event);
  void on_early_rotate(Bytes event);
  void on_gtid(const RawEvent& ev, const Where& at);
  void on_query(const RawEvent& ev, const QueryEvent& q, const Where& at);
  void on_table_map(const RawEvent& ev);
  void on_rows(const RawEvent& ev, const Where& at);
  void on_payload(const RawEvent& ev, const Where& at);
  void begin(const Where& at, const EventHeader& h);
  void commit(const Where& at, const EventHeader& h);
  int64_t ts_ns(const EventHeader& h) const;
  void reset_tables();

  DecoderOptions opts_;
  BinlogHandler& handler_;
  std::string file_;
  std::optional<FormatDescription> fde_;
  GtidSet gtids_;
  Tx tx_;
  std::map<uint64_t, std::shared_ptr<const RowDecoder>> tables_;  // by table_id, reset at ROTATE/FDE
  // Every schema ever built stays alive: change events point at them until they are written.
  // Keyed by "db.table"; `live` pairs each TABLE_MAP signature with the decoder built from it. With external
  // column facts a DDL touching the table retires its decoders (a RENAME COLUMN keeps the signature), so the
  // next TABLE_MAP asks again while the events before the DDL were decoded with the old columns.
  struct Versions {
    uint64_t built = 0;
    std::vector<std::pair<std::string, std::shared_ptr<const RowDecoder>>> live;
  };
  std::map<std::string, Versions> versions_;
  // The last TABLE_MAP of each table_id, byte for byte, and the decoder it resolved to (null: not captured).
  // The server writes a TABLE_MAP before the rows of every statement; in small transactions parsing it,
  // matching the include regexes and finding its signature again cost as much as decoding the rows.
  // Cleared with tables_ and whenever a DDL retires decoders.
  struct SeenMap {
    std::vector<uint8_t> body;
    std::shared_ptr<const RowDecoder> dec;
  };
  std::unordered_map<uint64_t, SeenMap> seen_maps_;
  void remember_map(uint64_t table_id, Bytes body, std::shared_ptr<const RowDecoder> dec);
  std::vector<std::shared_ptr<const RowDecoder>> retired_;
  void retire_tables_in(const std::string& ddl);
  const ExternalTableInfo* checked_external(const TableMap& map);
  event::ChangeEvent change_;
};

}  // namespace cdc::mysql
