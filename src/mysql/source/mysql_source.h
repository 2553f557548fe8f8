// The live MySQL/MariaDB source: BinlogConnection (I/O) -> BinlogDecoder (pure) -> the agent loop, with
// the resume position kept in the OffsetStore and written only for positions the watermark released.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "event/source.h"
#include "mysql/binlog_decoder.h"
#include "mysql/conn/binlog_connection.h"
#include "mysql/conn/offset_store.h"
#include "mysql/snapshot/mysql_snapshot.h"
#include "mysql/source/column_catalog.h"

namespace cdc::mysql {

ConnectOptions connect_options(const Config& cfg);

class MysqlSource final : public event::Source, private BinlogHandler {
 public:
  explicit MysqlSource(const Config& cfg);
  ~MysqlSource() override;

  void start() override;
  void poll(event::EventSink& out, int timeout_ms) override;
  void ack(const event::SourcePosition& pos) override;
  void stop() override;
  bool finished() const override { return finished_; }

  // Where the stream resumes after a reconnect: the end of the last transaction handed to the loop.
  const event::SourcePosition& resume_position() const { return resume_; }

 private:
  void on_change(event::ChangeEvent& change) override;
  void on_begin(const TxBegin& b) override;
  void on_commit(const TxCommit& c) override;
  void on_rotate(const std::string& next_file, uint64_t pos) override;
  void on_ddl(const DdlEvent& ddl) override;

  void connect_and_dump();
  void connect();
  bool binlog_exists(const std::string& file);
  // How start_dump() resumes from resume_: by file/pos when it is a position in this server's binlog,
  // else by GTID set when the server still has every transaction after it, else neither.
  struct ResumePlan {
    bool by_gtid = false;
    bool possible = true;
    std::string why;  // why not file/pos ("" when file/pos)
    std::string gap;  // why not by GTID either ("" when possible)
  };
  ResumePlan plan_resume();
  std::string gtid_gap(const std::string& gtid_set);  // "" when the server can stream from the set
  bool same_server() const;
  std::string describe_server(uint32_t server_id, const std::string& uuid) const;
  void start_dump();
  void run_snapshot(event::EventSink& out);
  void validate_server();
  event::SourcePosition initial_position();
  void reconnect_with_backoff(const std::string& why);
  // The server lets one replica stream per server_id and drops the older dump when another registers with
  // it, so two agents sharing source.mysql.server_id would take turns dropping each other. Each agent holds
  // a server-wide user lock (GET_LOCK) named after its server_id on a connection of its own for as long as
  // it runs; a second agent finds it taken and stops (ExitCode::source_unusable) before registering.
  void claim_server_id();
  void check_server_id_claim();  // from poll(), every few seconds: keeps the claim connection alive

  const Config& cfg_;
  OffsetStore offsets_;
  std::unique_ptr<BinlogConnection> conn_;
  std::unique_ptr<BinlogConnection> claim_conn_;  // holds the server_id lock (claim_server_id)
  std::chrono::steady_clock::time_point claim_checked_{};
  std::unique_ptr<BinlogDecoder> decoder_;
  bool external_columns_ = false;           // binlog_row_metadata is not FULL: names from information_schema
  std::unique_ptr<ColumnCatalog> catalog_;  // created when external_columns_
  event::SourcePosition resume_;    // end of the last committed transaction seen
  event::EventSink* out_ = nullptr;  // valid during poll()
  Flavor flavor_ = Flavor::mysql;
  std::string server_uuid_;
  uint32_t master_server_id_ = 0;
  // The server whose binlog resume_.file/pos point into (0 / "" = unknown: an offset file from an older
  // version), and whether they are exact: after a GTID resume they are not until the first commit.
  uint32_t resume_server_id_ = 0;
  std::string resume_server_uuid_;
  bool resume_exact_ = true;
  // After resuming on another server, acks of positions read from the previous one can still arrive:
  // positions within `before` are stored with that server's identity, so their file/pos is not taken for a
  // position in the new server's binlog. Cleared by the first ack of a newer position.
  struct AckSwitch {
    GtidSet before;
    uint32_t server_id = 0;
    std::string server_uuid;
  };
  std::optional<AckSwitch> ack_switch_;
  bool snapshot_pending_ = false;  // no stored position and snapshot mode initial/initial_only/when_needed
  bool finished_ = false;          // initial_only: the snapshot is done
  std::unique_ptr<MysqlSnapshot> snapshot_;  // owns the schemas its events point at
  uint64_t tx_begin_pos_ = 0;    // start of the current transaction (change ids)
  uint64_t tx_event_index_ = 0;  // index of the next change in it
  std::string index_of_file_;     // the binlog file whose index file_index_ holds
  uint64_t file_index_ = 0;
  // include/exclude_tables verdict of the last table seen: consecutive changes nearly always hit the same
  // table, and matching the patterns for every row was a visible share of the agent's CPU.
  std::string filter_db_, filter_table_;
  bool filter_included_ = false;
};

}  // namespace cdc::mysql
