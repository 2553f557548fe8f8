#include "mysql/conn/binlog_connection.h"

#include <errmsg.h>
#include <mysql.h>
// ma_pvio.h declares the TLS handle's real type only under HAVE_TLS (libmariadb's own build flag),
// and then includes ma_tls.h, which uses libmariadb's internal `uchar` before ma_pvio.h defines it.
typedef unsigned char uchar;
#define HAVE_TLS
#include <ma_pvio.h>
#undef HAVE_TLS
#include <openssl/ssl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "util/log.h"
#include "util/parse_number.h"

namespace cdc::mysql {
namespace {

// Replication command codes (enum_server_command); COM_BINLOG_DUMP_GTID is MySQL-only and absent
// from libmariadb's enum.
constexpr int kComRegisterSlave = COM_REGISTER_SLAVE;
constexpr int kComBinlogDump = COM_BINLOG_DUMP;
constexpr int kComBinlogDumpGtid = 0x1e;
constexpr int kMariaSlaveCapabilityGtid = 4;  // the server sends GTID events and accepts GTID positions
// Heartbeats may be late on a busy server; never give up on a stream sooner than this.
constexpr std::chrono::milliseconds kMinSilenceLimit{5000};

std::string strip_spaces(std::string s) {
  std::erase_if(s, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  return s;
}

// A stable replica UUID per server_id: MySQL drops a dump whose UUID is already streaming, which then
// retires our own zombie connection after a restart instead of a stranger's.
std::string replica_uuid(uint32_t server_id) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "cdcc0000-0000-4000-8000-%012x", server_id);
  return buf;
}

// A number in the server's answer to SHOW MASTER STATUS / SHOW BINARY LOGS; anything else is named.
uint64_t server_number(const std::optional<std::string>& text, const char* column, const std::string& server) {
  uint64_t v = 0;
  const std::string s = text.value_or("0");
  if (!parse_number(s, v))
    throw Error(ExitCode::source_unusable, "the server at " + server + " answered " + column + " = '" + s +
                                               "', which is not a byte position");
  return v;
}

std::string local_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "cdc-agent";
  return buf;
}

}  // namespace

std::string_view flavor_name(Flavor f) { return f == Flavor::mariadb ? "mariadb" : "mysql"; }

std::string ConnectOptions::describe() const {
  if (!socket.empty()) return user + "@" + socket;
  return user + "@" + host + ":" + std::to_string(port);
}

std::optional<std::string> QueryResult::get(size_t row, std::string_view column) const {
  if (row >= rows.size()) return std::nullopt;
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == column) return rows[row][i];
  return std::nullopt;
}

QueryResult take_query_result(MYSQL_RES* res) {
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> guard(res, &mysql_free_result);
  QueryResult out;
  unsigned n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned i = 0; i < n; ++i) out.columns.emplace_back(fields[i].name);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    auto& values = out.rows.emplace_back();
    for (unsigned i = 0; i < n; ++i)
      values.emplace_back(row[i] ? std::optional<std::string>(std::string(row[i], lengths[i])) : std::nullopt);
  }
  return out;
}

BinlogConnection::BinlogConnection(ConnectOptions opts) : opts_(std::move(opts)) {}

BinlogConnection::~BinlogConnection() { close(); }

void BinlogConnection::close() {
  if (mysql_) mysql_close(mysql_);
  mysql_ = nullptr;
  connected_once_ = false;
  dumping_from_.clear();
}

void BinlogConnection::fail(const std::string& during) {
  unsigned code = mysql_ ? mysql_errno(mysql_) : CR_UNKNOWN_ERROR;
  std::string message = mysql_ ? mysql_error(mysql_) : "no connection";
  // A refused statement leaves the session usable; a client-side error (2000-2999: lost, unreachable,
  // TLS) or any error while streaming does not.
  bool client_error = code >= CR_MIN_ERROR && code <= CR_MAX_ERROR;
  if (client_error || !dumping_from_.empty() || !connected_once_) close();
  throw_mysql_error(code, message, during);
}

void apply_connect_options(st_mysql* mysql, const ConnectOptions& opts) {
  unsigned connect_timeout = static_cast<unsigned>(opts.connect_timeout_s);
  unsigned read_timeout = static_cast<unsigned>(opts.read_timeout_s);
  mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(mysql, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_optionsv(mysql, MYSQL_OPT_WRITE_TIMEOUT, &read_timeout);
  mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // "localhost" would silently mean the default unix socket to libmariadb; a host is a TCP host.
  unsigned protocol = opts.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  mysql_optionsv(mysql, MYSQL_OPT_PROTOCOL, &protocol);

  const TlsOptions& tls = opts.tls;
  if (tls.mode == "disable") return;
  if (tls.mode != "require" && tls.mode != "verify-ca" && tls.mode != "verify-full") {
    throw Error(ExitCode::config, "source.tls.mode: unknown mode \"" + tls.mode +
                                      "\"; use disable, require, verify-ca or verify-full");
  }
  if (tls.mode != "require" && tls.ca.empty()) {
    throw Error(ExitCode::config, "source.tls.ca: tls mode " + tls.mode + " needs the CA certificate file");
  }
  my_bool on = 1, verify_host = tls.mode == "verify-full";
  mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);  // fail instead of falling back to plain text
  // libmariadb checks the chain whenever a CA is given; this adds the host name check.
  mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_host);
  if (!tls.ca.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, tls.ca.c_str());
  if (!tls.cert.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, tls.cert.c_str());
  if (!tls.key.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, tls.key.c_str());
}

st_mysql* open_connection(const ConnectOptions& opts, std::string_view purpose) {
  MYSQL* mysql = mysql_init(nullptr);
  if (!mysql) throw Error(ExitCode::internal, "mysql_init: out of memory");
  std::unique_ptr<MYSQL, decltype(&mysql_close)> guard(mysql, &mysql_close);
  apply_connect_options(mysql, opts);
  const char* host = opts.socket.empty() ? opts.host.c_str() : "localhost";
  const char* db = opts.database.empty() ? nullptr : opts.database.c_str();
  const char* socket = opts.socket.empty() ? nullptr : opts.socket.c_str();
  if (!mysql_real_connect(mysql, host, opts.user.c_str(), opts.password.c_str(), db, opts.port, socket, 0))
    throw_mysql_error(mysql_errno(mysql), mysql_error(mysql), "connecting to " + opts.describe() + std::string(purpose));
  const char* cipher = mysql_get_ssl_cipher(mysql);
  if (opts.tls.mode != "disable" && (!cipher || !*cipher)) {
    // libmariadb 3.3 falls back to plain text when the server offers no TLS unless the host name is
    // verified, so "require" and "verify-ca" are enforced here.
    throw Error(ExitCode::config, "connecting to " + opts.describe() + ": source.tls.mode is " + opts.tls.mode +
                                      " but the server does not offer TLS; configure ssl_cert/ssl_key on the "
                                      "server or set source.tls.mode: disable");
  }
  return guard.release();
}

void BinlogConnection::connect() {
  close();
  mysql_ = open_connection(opts_, "");
  connected_once_ = true;
  const char* tls_library = nullptr;
  mariadb_get_infov(mysql_, MARIADB_TLS_LIBRARY, &tls_library);
  openssl_ = tls_library && std::strncmp(tls_library, "OpenSSL", 7) == 0;
  read_server_info();
  spdlog::debug("connected to {} ({} {}, server_id {}, TLS {})", opts_.describe(), flavor_name(server_.flavor),
                server_.version, server_.server_id, tls_cipher().empty() ? "off" : tls_cipher());
}

void BinlogConnection::read_server_info() {
  server_.version = mysql_get_server_info(mysql_);
  server_.version_id = static_cast<unsigned>(mysql_get_server_version(mysql_));
  server_.flavor = server_.version.find("MariaDB") != std::string::npos ? Flavor::mariadb : Flavor::mysql;
  QueryResult r = query(server_.flavor == Flavor::mysql ? "SELECT @@server_id AS id, @@server_uuid AS uuid"
                                                        : "SELECT @@server_id AS id, NULL AS uuid");
  server_.server_id = static_cast<uint32_t>(std::stoul(r.get(0, "id").value_or("0")));
  server_.server_uuid = r.get(0, "uuid").value_or("");
}

std::string BinlogConnection::tls_cipher() const {
  const char* cipher = mysql_ ? mysql_get_ssl_cipher(mysql_) : nullptr;
  return cipher ? cipher : "";
}

QueryResult BinlogConnection::query(const std::string& sql) {
  if (!mysql_) throw Error(ExitCode::internal, "query on a closed MySQL connection: " + sql);
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail("running \"" + sql + "\" on " + opts_.describe());
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (!res) {
    if (mysql_field_count(mysql_) != 0) fail("reading the result of \"" + sql + "\"");
    return {};
  }
  return take_query_result(res);
}

void BinlogConnection::execute(const std::string& sql) { query(sql); }

std::string BinlogConnection::quote(std::string_view s) {
  std::string out(s.size() * 2 + 1, '\0');
  unsigned long n = mysql_real_escape_string(mysql_, out.data(), s.data(), s.size());
  out.resize(n);
  return "'" + out + "'";
}

std::map<std::string, std::string> BinlogConnection::query_vars(const std::vector<std::string>& names) {
  std::map<std::string, std::string> out;
  if (names.empty()) return out;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ",") + quote(n);
  QueryResult r = query("SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + list + ")");
  for (size_t i = 0; i < r.rows.size(); ++i) {
    out[r.get(i, "Variable_name").value_or("")] = r.get(i, "Value").value_or("");
  }
  return out;
}

MasterStatus BinlogConnection::show_master_status() {
  // MySQL 8.2 renamed the statement (and 8.4 removed the old name).
  bool new_syntax = server_.flavor == Flavor::mysql && server_.version_id >= 80200;
  QueryResult r = query(new_syntax ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
  if (r.rows.empty()) {
    throw Error(ExitCode::source_unusable, "the server at " + opts_.describe() +
                                               " has binary logging off (log_bin=OFF): enable log_bin, "
                                               "binlog_format=ROW and restart the server");
  }
  MasterStatus st;
  st.file = r.get(0, "File").value_or("");
  st.pos = server_number(r.get(0, "Position"), "Position", opts_.describe());
  if (server_.flavor == Flavor::mariadb) {
    // The GTID position at exactly that file/pos (@@gtid_binlog_pos, read separately, could already
    // include a transaction committed after it).
    st.gtid_set = query("SELECT BINLOG_GTID_POS(" + quote(st.file) + ", " + std::to_string(st.pos) + ") AS g")
                      .get(0, "g")
                      .value_or("");
  } else {
    st.gtid_set = r.get(0, "Executed_Gtid_Set").value_or("");
  }
  st.gtid_set = strip_spaces(st.gtid_set);
  return st;
}

std::vector<BinaryLog> BinlogConnection::binary_logs() {
  QueryResult r = query("SHOW BINARY LOGS");
  std::vector<BinaryLog> out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    out.push_back({r.get(i, "Log_name").value_or(""), server_number(r.get(i, "File_size"), "File_size", opts_.describe())});
  }
  return out;
}

void BinlogConnection::send_command(int command, const std::string& payload, bool expect_ok,
                                    const std::string& during) {
  // libmariadb has no public call for raw replication commands, but its method table (public in
  // <mysql.h>) sends any command; mariadb_rpl_open() is avoided because its companion event parser
  // cannot handle every MySQL 8 event and we read raw packets ourselves.
  int rc = mysql_->methods->db_command(mysql_, static_cast<enum_server_command>(command), payload.data(),
                                       payload.size(), expect_ok ? 0 : 1, nullptr);
  if (rc != 0) fail(during);
}

void BinlogConnection::start_dump(const DumpRequest& req) {
  if (!mysql_) throw Error(ExitCode::internal, "start_dump on a closed MySQL connection");
  bool gtid = !req.gtid_set.empty();
  dumping_from_ = gtid ? "GTID set " + req.gtid_set : req.file + ":" + std::to_string(req.pos);
  at_end_ = false;
  silence_limit_ = req.heartbeat_ms > 0 ? std::max(std::chrono::milliseconds(3 * req.heartbeat_ms), kMinSilenceLimit)
                                        : std::chrono::milliseconds(0);

  // Both the old and the 8.0.26+ variable names: the server reads whichever it knows.
  execute("SET @master_binlog_checksum = @@global.binlog_checksum, "
          "@source_binlog_checksum = @@global.binlog_checksum");
  checksum_ = query("SELECT @@global.binlog_checksum AS c").get(0, "c").value_or("NONE") != "NONE";
  if (req.heartbeat_ms > 0) {
    std::string ns = std::to_string(static_cast<uint64_t>(req.heartbeat_ms) * 1000000ULL);
    execute("SET @master_heartbeat_period = " + ns + ", @source_heartbeat_period = " + ns);
  }
  if (server_.flavor == Flavor::mariadb) {
    execute("SET @mariadb_slave_capability = " + std::to_string(kMariaSlaveCapabilityGtid));
    if (gtid) {
      execute("SET @slave_connect_state = " + quote(strip_spaces(req.gtid_set)) + ", @slave_gtid_strict_mode = 1");
    }
  } else {
    std::string uuid = quote(replica_uuid(req.server_id));
    execute("SET @slave_uuid = " + uuid + ", @replica_uuid = " + uuid);
  }

  std::string during = "registering as replica server_id " + std::to_string(req.server_id) + " on " + opts_.describe();
  send_command(kComRegisterSlave, encode_register_replica(req.server_id, local_hostname(), 0), true, during);

  uint16_t flags = req.non_block ? kDumpNonBlock : 0;
  during = "starting the binlog dump from " + dumping_from_ + " on " + opts_.describe();
  if (gtid && server_.flavor == Flavor::mysql) {
    send_command(kComBinlogDumpGtid, encode_binlog_dump_gtid(req.server_id, req.gtid_set, flags), false, during);
  } else {
    // MariaDB in GTID mode takes the position from @slave_connect_state and wants an empty file name.
    std::string file = gtid ? "" : req.file;
    send_command(kComBinlogDump, encode_binlog_dump(req.server_id, file, gtid ? 4 : req.pos, flags), false, during);
  }
  last_packet_ = std::chrono::steady_clock::now();
  spdlog::info("binlog dump started from {} as replica server_id {}", dumping_from_, req.server_id);
}

// Bytes already read from the socket but not yet handed out: libmariadb's read-ahead cache and, on
// TLS, OpenSSL's decrypted record. poll() on the socket cannot see them.
bool BinlogConnection::data_buffered() const {
  const MARIADB_PVIO* pvio = mysql_->net.pvio;
  if (!pvio) return false;
  if (pvio->cache && pvio->cache + pvio->cache_size > pvio->cache_pos) return true;
  if (pvio->ctls) {
    // Without OpenSSL we cannot ask; report "buffered" so the read blocks (bounded by heartbeats).
    if (!openssl_) return true;
    return SSL_pending(static_cast<SSL*>(pvio->ctls->ssl)) > 0;
  }
  return false;
}

// A half-open TCP connection (peer gone without FIN/RST) never becomes readable; with heartbeats on,
// silence is the only sign of it.
void BinlogConnection::check_silence() {
  if (silence_limit_.count() == 0) return;
  auto silent = std::chrono::steady_clock::now() - last_packet_;
  if (silent < silence_limit_) return;
  std::string what = "no binlog event or heartbeat from " + opts_.describe() + " for " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent).count()) +
                     " s while reading from " + dumping_from_ + "; taking the connection as lost";
  close();
  throw TransientError(what);
}

std::optional<std::span<const uint8_t>> BinlogConnection::next_event(int timeout_ms) {
  if (!mysql_ || dumping_from_.empty()) throw Error(ExitCode::internal, "next_event without a running binlog dump");
  if (at_end_) return std::nullopt;
  waited_ = false;
  if (!data_buffered()) {
    waited_ = true;
    // Packets arrived since the last wait (read from the socket or from libmariadb's read-ahead cache): the
    // connection was alive up to now. One clock read per wait instead of one per packet.
    if (packets_since_wait_) {
      last_packet_ = std::chrono::steady_clock::now();
      packets_since_wait_ = false;
    }
    pollfd pfd{mysql_get_socket(mysql_), POLLIN, 0};
    int rc = ::poll(&pfd, 1, timeout_ms);
    if (rc < 0 && errno != EINTR) {
      throw TransientError("waiting for binlog events from " + opts_.describe() + ": " + std::strerror(errno));
    }
    if (rc <= 0) {
      check_silence();
      return std::nullopt;
    }
  }
  // Reads one whole packet (joining 16 MiB continuation packets); a server error packet (0xFF) is
  // turned into mysql_errno() by libmariadb and lands in fail().
  unsigned long len = mysql_net_read_packet(mysql_);
  if (len == packet_error) fail("reading the binlog from " + dumping_from_ + " on " + opts_.describe());
  packets_since_wait_ = true;
  const uint8_t* p = mysql_->net.read_pos;
  if (len >= 1 && p[0] == 0x00) return std::span<const uint8_t>(p + 1, len - 1);
  if (len >= 1 && p[0] == 0xfe && len < 9) {  // EOF packet: the non-blocking dump reached the end of the binlog
    at_end_ = true;
    return std::nullopt;
  }
  std::string what = "unexpected packet (first byte " + (len ? std::to_string(p[0]) : std::string("none")) + ", " +
                     std::to_string(len) +
                     " bytes) in the binlog stream from " + opts_.describe();
  close();  // the stream is out of step; only a fresh connection can resume it
  throw TransientError(what);
}

}  // namespace cdc::mysql
