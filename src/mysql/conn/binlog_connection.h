// One connection to a MySQL or MariaDB server acting as a replica: connect (with TLS), ask questions
// (SHOW MASTER STATUS, variables), register, and stream the binlog as raw events. No event decoding
// here: next_event() hands out each event's bytes for the pure decoder in src/mysql/.
//
// Errors: a lost or refused connection throws TransientError (retry with backoff); everything else
// throws cdc::Error whose exit code says what the operator must do (see commands.h).
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mysql/binlog_event.h"  // Flavor
#include "mysql/conn/commands.h"

struct st_mysql;
struct st_mysql_res;

namespace cdc::mysql {

std::string_view flavor_name(Flavor f);  // "mysql" | "mariadb"

struct TlsOptions {
  std::string mode = "disable";  // disable | require | verify-ca | verify-full
  std::string ca, cert, key;     // file paths; ca is required for verify-ca and verify-full
};

struct ConnectOptions {
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string socket;  // unix socket path; when set, used instead of host/port
  std::string user;
  std::string password;
  std::string database;  // optional default database
  TlsOptions tls;
  int connect_timeout_s = 10;
  // Longest wait for the rest of a packet once it started, and for a query's answer. While streaming,
  // heartbeats (DumpRequest::heartbeat_ms) keep an idle dump below this.
  int read_timeout_s = 60;

  std::string describe() const;  // "user@host:port" or "user@socket", never the password
};

struct ServerInfo {
  Flavor flavor = Flavor::mysql;
  std::string version;      // "10.11.6-MariaDB-0+deb12u1-log", "8.0.36"
  unsigned version_id = 0;  // 100611, 80036
  uint32_t server_id = 0;
  std::string server_uuid;  // MySQL only
};

struct MasterStatus {
  std::string file;
  uint64_t pos = 0;
  std::string gtid_set;  // MySQL Executed_Gtid_Set, MariaDB BINLOG_GTID_POS(file, pos); whitespace removed
};

struct BinaryLog {
  std::string name;
  uint64_t size = 0;
};

// The rows of a query, as text (NULL = nullopt), addressed by column name.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  // Value of `column` in row `row`; nullopt for NULL or an unknown column.
  std::optional<std::string> get(size_t row, std::string_view column) const;
};

// Copies every row of a stored result (mysql_store_result) into a QueryResult and frees `res`, also when
// copying throws. Shared by every connection that runs queries.
QueryResult take_query_result(st_mysql_res* res);

struct DumpRequest {
  uint32_t server_id = 0;  // this replica's id; must be unique among the server's replicas
  // Start by file/pos when gtid_set is empty. MySQL: the set in text form (uuid:1-5,...) uses
  // COM_BINLOG_DUMP_GTID; MariaDB: a gtid_binlog_pos-style list ("0-1-100,1-2-5") uses
  // @slave_connect_state, and `file`/`pos` are then ignored.
  std::string file;
  uint32_t pos = 4;
  std::string gtid_set;
  // The server sends a HEARTBEAT event when idle this long; 0 = off. With heartbeats on, a stream
  // silent for 3 periods (at least 5 s) is taken as a dead connection: next_event() throws TransientError.
  int heartbeat_ms = 1000;
  bool non_block = false;   // end the dump (at_end()) when the binlog end is reached instead of waiting
};

// Timeouts, charset, protocol and TLS settings on a fresh MYSQL handle, before mysql_real_connect. Every
// connection to the source uses it, so they share one set of TLS rules. Throws ExitCode::config for a bad
// tls mode or a verify mode without a CA.
void apply_connect_options(st_mysql* mysql, const ConnectOptions& opts);

// A new handle connected per `opts` (apply_connect_options, then the TLS check libmariadb leaves out);
// the caller owns it (mysql_close). `purpose` ends the error context ("connecting to h:p<purpose>").
// Throws like throw_mysql_error, or cdc::Error (config) when TLS is wanted but the server offers none.
st_mysql* open_connection(const ConnectOptions& opts, std::string_view purpose);

class BinlogConnection {
 public:
  explicit BinlogConnection(ConnectOptions opts);
  ~BinlogConnection();
  BinlogConnection(const BinlogConnection&) = delete;
  BinlogConnection& operator=(const BinlogConnection&) = delete;

  // Connects and reads the server's identity. Throws TransientError (unreachable), cdc::Error with
  // ExitCode::auth (credentials) or ExitCode::config (TLS options).
  void connect();
  void close();
  bool connected() const { return mysql_ != nullptr; }
  const ServerInfo& server() const { return server_; }
  // The TLS cipher in use, or empty for a plain connection.
  std::string tls_cipher() const;

  QueryResult query(const std::string& sql);
  void execute(const std::string& sql);
  // Global variables by name; names the server does not have are absent from the result.
  std::map<std::string, std::string> query_vars(const std::vector<std::string>& names);
  MasterStatus show_master_status();
  std::vector<BinaryLog> binary_logs();
  // Quotes `s` as an SQL string literal for this connection's character set.
  std::string quote(std::string_view s);

  // Negotiates checksums and heartbeats, registers as a replica and starts the binlog stream. After
  // this the connection carries only events: no queries until close() and connect() again.
  void start_dump(const DumpRequest& req);
  // Waits at most timeout_ms (< 0: forever) for the next event. Returns the event's bytes (common
  // header, body and, when checksum() is true, the 4-byte CRC32 trailer), valid until the next call;
  // nullopt when nothing arrived in time or the dump ended (then at_end() is true). Throws on errors:
  // 1236 (purged / invalid position) -> ExitCode::source_unusable naming the position, a duplicate
  // server_id -> ExitCode::config, a lost connection -> TransientError.
  std::optional<std::span<const uint8_t>> next_event(int timeout_ms);
  bool at_end() const { return at_end_; }
  // The last next_event() found nothing buffered and waited for the socket.
  bool waited() const { return waited_; }
  // Whether events end with a CRC32 (the server's binlog_checksum, negotiated by start_dump()).
  bool checksum() const { return checksum_; }

 private:
  void read_server_info();
  void send_command(int command, const std::string& payload, bool expect_ok, const std::string& during);
  bool data_buffered() const;
  void check_silence();
  [[noreturn]] void fail(const std::string& during);

  ConnectOptions opts_;
  st_mysql* mysql_ = nullptr;
  ServerInfo server_;
  std::string dumping_from_;  // "mysql-bin.000003:4", for errors while streaming
  std::chrono::steady_clock::time_point last_packet_{};
  std::chrono::milliseconds silence_limit_{0};  // 0 = no heartbeats, no limit
  bool connected_once_ = false;  // mysql_real_connect succeeded on the current handle
  bool at_end_ = false;
  bool waited_ = false;
  bool packets_since_wait_ = false;  // next_event() read a packet since it last stamped last_packet_
  bool checksum_ = false;
  bool openssl_ = false;  // libmariadb's TLS backend is OpenSSL, so SSL_pending() can be asked
};

}  // namespace cdc::mysql
