#include "mysql/conn/mysql_check.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>

#include "util/parse_number.h"

namespace cdc::mysql {
namespace {

using Vars = std::map<std::string, std::string>;

constexpr uint64_t kShortRetentionSeconds = 3 * 86400;

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string unquote_ident(std::string s) {
  std::erase(s, '`');
  return s;
}

bool iequal(char a, char b) {
  return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b));
}

// Where `word` occurs in `s` at or after `from`, ignoring case; npos when it does not.
size_t ifind(std::string_view s, std::string_view word, size_t from) {
  if (from > s.size()) return std::string_view::npos;
  auto it = std::search(s.begin() + static_cast<std::ptrdiff_t>(from), s.end(), word.begin(), word.end(), iequal);
  return it == s.end() ? std::string_view::npos : static_cast<size_t>(it - s.begin());
}

bool istarts_with(std::string_view s, std::string_view prefix) { return ifind(s.substr(0, prefix.size()), prefix, 0) == 0; }

// A line of SHOW GRANTS: "GRANT <privileges> ON <scope> TO <account> ...". Plain searches, not std::regex:
// libstdc++'s backtracking matcher recurses once per character, and column-level grants on a wide table
// make lines of tens of kilobytes. The privileges end at the first " ON " that a scope without spaces and
// " TO " follow, as the lazy pattern "^GRANT (.+?) ON (\S+) TO .*" did.
constexpr std::string_view kGrant = "GRANT ";
struct GrantLine {
  std::string privileges, scope;
};
std::optional<GrantLine> parse_grant(std::string_view line) {
  if (!istarts_with(line, kGrant)) return std::nullopt;
  for (size_t on = ifind(line, " ON ", kGrant.size() + 1); on != std::string_view::npos;
       on = ifind(line, " ON ", on + 1)) {
    const size_t scope = on + 4;
    const size_t scope_end = std::min(line.find_first_of(" \t", scope), line.size());
    if (scope_end > scope && istarts_with(line.substr(scope_end), " TO "))
      return GrantLine{std::string(line.substr(kGrant.size(), on - kGrant.size())),
                       std::string(line.substr(scope, scope_end - scope))};
  }
  return std::nullopt;
}

// "GRANT <role> TO <account>": a role granted, whose privileges SHOW GRANTS does not list here.
bool is_role_grant(std::string_view line) {
  if (!istarts_with(line, kGrant)) return false;
  const size_t role_end = std::min(line.find(' ', kGrant.size()), line.size());
  return role_end > kGrant.size() && istarts_with(line.substr(role_end), " TO ");
}

std::string var(const Vars& v, const std::string& name) {
  auto it = v.find(name);
  return it == v.end() ? "" : it->second;
}

CheckResult pass(std::string name, std::string detail) { return {std::move(name), CheckStatus::pass, std::move(detail), ""}; }
CheckResult warn(std::string name, std::string detail, std::string fix) {
  return {std::move(name), CheckStatus::warn, std::move(detail), std::move(fix)};
}
CheckResult fail(std::string name, std::string detail, std::string fix) {
  return {std::move(name), CheckStatus::fail, std::move(detail), std::move(fix)};
}

std::string in_my_cnf(const std::string& setting) {
  return "; and " + setting + " under [mysqld] in my.cnf so it survives a restart";
}

// "SELECT, REPLICATION SLAVE, UPDATE (a, b)" -> {"SELECT", "REPLICATION SLAVE"}; column grants dropped.
std::vector<std::string> split_privileges(const std::string& list) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : list + ",") {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      std::string p = upper(trim(cur));
      if (!p.empty() && p.find('(') == std::string::npos) out.push_back(p);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  return out;
}

CheckResult check_version(const ServerInfo& s) {
  std::string detail = std::string(flavor_name(s.flavor)) + " " + s.version;
  unsigned minimum = s.flavor == Flavor::mariadb ? 100300 : 50700;
  if (s.version_id < minimum) {
    return fail("version", detail + " is too old",
                s.flavor == Flavor::mariadb ? "upgrade to MariaDB 10.5 or later" : "upgrade to MySQL 8.0 or later");
  }
  return pass("version", detail);
}

CheckResult check_log_bin(const Vars& v) {
  std::string value = upper(var(v, "log_bin"));
  if (value == "ON" || value == "1") return pass("log_bin", "log_bin=ON");
  return fail("log_bin", "log_bin=" + (value.empty() ? "unset" : value) + ": the server writes no binlog",
              "add log_bin=mysql-bin and a server_id under [mysqld] in my.cnf and restart the server "
              "(log_bin cannot be changed at runtime)");
}

CheckResult check_binlog_format(const Vars& v) {
  std::string value = upper(var(v, "binlog_format"));
  if (value == "ROW") return pass("binlog_format", "binlog_format=ROW");
  return fail("binlog_format", "binlog_format=" + value + ": row changes are not in the binlog",
              "SET GLOBAL binlog_format='ROW'" + in_my_cnf("binlog_format=ROW") +
                  "; sessions already open keep the old format until they reconnect");
}

CheckResult check_row_image(const Vars& v) {
  std::string value = upper(var(v, "binlog_row_image"));
  if (value == "FULL") return pass("binlog_row_image", "binlog_row_image=FULL");
  return warn("binlog_row_image",
              "binlog_row_image=" + value + ": before/after images lack the columns that did not change",
              "SET GLOBAL binlog_row_image='FULL'" + in_my_cnf("binlog_row_image=FULL"));
}

CheckResult check_row_metadata(const Vars& v, Flavor flavor) {
  auto it = v.find("binlog_row_metadata");
  const char* why = ": column names are read from information_schema instead, which mislabels events "
                    "written before an ALTER TABLE that the agent reads after it";
  if (it == v.end()) {
    return warn("binlog_row_metadata", std::string("the server has no binlog_row_metadata") + why,
                flavor == Flavor::mariadb ? "upgrade to MariaDB 10.5 or later" : "upgrade to MySQL 8.0.1 or later");
  }
  std::string value = upper(it->second);
  if (value == "FULL") return pass("binlog_row_metadata", "binlog_row_metadata=FULL");
  return warn("binlog_row_metadata", "binlog_row_metadata=" + value + why,
              "SET GLOBAL binlog_row_metadata='FULL'" + in_my_cnf("binlog_row_metadata=FULL"));
}

CheckResult check_retention(const Vars& v) {
  uint64_t seconds = 0;
  std::string secs = var(v, "binlog_expire_logs_seconds"), days = var(v, "expire_logs_days");
  // MySQL's binlog_expire_logs_seconds is 0..2^32-1 and expire_logs_days 0..99; MariaDB writes the days
  // as a double ("10.000000"). Anything else is reported, not converted (a cast of a huge double is UB).
  auto unreadable = [](const std::string& name, const std::string& value) {
    return warn("binlog_retention", "cannot read " + name + "='" + value + "'",
                "check the server's binlog retention by hand");
  };
  if (!secs.empty() && secs != "0") {
    if (!parse_number(secs, seconds)) return unreadable("binlog_expire_logs_seconds", secs);
  } else if (!days.empty()) {
    double d = 0;
    if (!parse_number(days, d) || !(d >= 0 && d <= 1e6)) return unreadable("expire_logs_days", days);
    seconds = static_cast<uint64_t>(d * 86400);
  }
  if (seconds == 0) return pass("binlog_retention", "binlogs are never purged automatically");
  std::string detail = "binlogs are purged after " + std::to_string(seconds) + " s (" +
                       std::to_string(seconds / 3600) + " h)";
  if (seconds >= kShortRetentionSeconds) return pass("binlog_retention", detail);
  return warn("binlog_retention",
              detail + ": an agent stopped longer than this cannot resume and must take a new snapshot",
              "SET GLOBAL binlog_expire_logs_seconds=604800" + in_my_cnf("binlog_expire_logs_seconds=604800"));
}

CheckResult check_gtid(const Vars& v, Flavor flavor) {
  if (flavor == Flavor::mariadb) {
    return pass("gtid", "MariaDB GTIDs always on; gtid_strict_mode=" + var(v, "gtid_strict_mode") +
                            " (positions are stored as file:pos and GTID list)");
  }
  std::string mode = var(v, "gtid_mode");
  return pass("gtid", "gtid_mode=" + (mode.empty() ? "unsupported" : mode) +
                          (upper(mode) == "ON" ? " (positions are stored as file:pos and GTID set)"
                                               : " (positions are stored as file:pos only)"));
}

CheckResult check_auth_plugin(BinlogConnection& c, const ConnectOptions& opts) {
  std::string plugin;
  try {
    plugin = c.query("SELECT plugin FROM mysql.user WHERE CONCAT(user, '@', host) = CURRENT_USER()")
                 .get(0, "plugin")
                 .value_or("");
  } catch (const Error&) {
    return pass("auth_plugin", "cannot read mysql.user to see the account's plugin (not required)");
  }
  bool plain_tcp = opts.tls.mode == "disable" && opts.socket.empty();
  if (plugin != "caching_sha2_password" || !plain_tcp) return pass("auth_plugin", "account uses " + plugin);
  return warn("auth_plugin",
              "account uses caching_sha2_password over plain TCP: after a server restart its first login "
              "needs TLS or the server's RSA key, and may fail until another client logs in",
              "set source.tls.mode: require (or verify-ca), or ALTER USER ... IDENTIFIED WITH "
              "mysql_native_password");
}

CheckResult check_server_id(BinlogConnection& c, uint32_t server_id) {
  const ServerInfo& s = c.server();
  if (server_id == 0) {
    return fail("server_id", "source.mysql.server_id is 0", "set source.mysql.server_id to a unique non-zero number");
  }
  if (s.server_id == server_id) {
    return fail("server_id", "the server itself has server_id " + std::to_string(server_id),
                "choose another source.mysql.server_id");
  }
  bool new_syntax = s.flavor == Flavor::mysql && s.version_id >= 80022;
  QueryResult r;
  try {
    r = c.query(new_syntax ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS");
  } catch (const Error&) {
    return warn("server_id", "server_id " + std::to_string(server_id) + " differs from the server's, but \"" +
                                 (new_syntax ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS") +
                                 "\" was refused, so other replicas could not be compared",
                s.flavor == Flavor::mariadb ? "optional: GRANT REPLICATION MASTER ADMIN ON *.* to the agent's user "
                                              "so check can see the replicas"
                                            : "optional: GRANT REPLICATION SLAVE ON *.* so check can see the replicas");
  }
  for (size_t i = 0; i < r.rows.size(); ++i) {
    std::string id = r.get(i, "Server_id").value_or(r.get(i, "Server_Id").value_or(""));
    if (id == std::to_string(server_id)) {
      return fail("server_id",
                  "a replica at " + r.get(i, "Host").value_or("?") + ":" + r.get(i, "Port").value_or("?") +
                      " already uses server_id " + id + " (if that is this agent, running, ignore this)",
                  "give every replica and every cdc-agent its own source.mysql.server_id");
    }
  }
  return pass("server_id", "server_id " + std::to_string(server_id) + " is not used by the server or its " +
                               std::to_string(r.rows.size()) + " connected replica(s)");
}

CheckResult check_privileges(BinlogConnection& c, const std::string& database) {
  std::vector<std::string> grants;
  std::string account;
  try {
    account = c.query("SELECT CURRENT_USER() AS u").get(0, "u").value_or("");
    QueryResult r = c.query("SHOW GRANTS FOR CURRENT_USER()");
    for (const auto& row : r.rows)
      if (!row.empty() && row[0]) grants.push_back(*row[0]);
  } catch (const Error& e) {
    return fail("privileges", std::string("cannot read the grants: ") + e.what(), "run the check as the agent's user");
  }
  size_t at = account.rfind('@');
  std::string quoted = at == std::string::npos ? account
                                               : "'" + account.substr(0, at) + "'@'" + account.substr(at + 1) + "'";
  return check_grants(grants, database, quoted);
}

}  // namespace

std::string_view check_status_name(CheckStatus s) {
  switch (s) {
    case CheckStatus::pass: return "PASS";
    case CheckStatus::warn: return "WARN";
    case CheckStatus::fail: return "FAIL";
  }
  return "FAIL";
}

CheckResult check_grants(const std::vector<std::string>& grants, const std::string& database,
                         const std::string& account) {
  std::set<std::string> global;  // privileges on *.*
  bool select_on_db = false, select_on_some_tables = false, has_roles = false;
  for (const auto& line : grants) {
    auto grant = parse_grant(line);
    if (!grant) {
      has_roles = has_roles || is_role_grant(line);
      continue;
    }
    std::string scope = unquote_ident(grant->scope);
    for (const auto& p : split_privileges(grant->privileges)) {
      if (scope == "*.*") {
        global.insert(p);
      } else if (p == "SELECT" || p == "ALL" || p == "ALL PRIVILEGES") {
        if (!database.empty() && scope == database + ".*") {
          select_on_db = true;
        } else {
          select_on_some_tables = true;
        }
      }
    }
  }
  bool all = global.count("ALL") || global.count("ALL PRIVILEGES");
  auto has = [&](std::initializer_list<const char*> any) {
    return all || std::any_of(any.begin(), any.end(), [&](const char* p) { return global.count(p) > 0; });
  };
  std::vector<std::string> missing;
  if (!has({"REPLICATION SLAVE"})) missing.push_back("REPLICATION SLAVE");
  // MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR (SHOW GRANTS prints the new name).
  if (!has({"REPLICATION CLIENT", "BINLOG MONITOR", "SUPER"})) missing.push_back("REPLICATION CLIENT");
  if (!has({"SELECT"}) && !select_on_db) missing.push_back("SELECT");
  if (missing.empty()) {
    return pass("privileges", all ? "ALL PRIVILEGES on *.*"
                                  : std::string("REPLICATION SLAVE, REPLICATION CLIENT and SELECT") +
                                        (has({"SELECT"}) ? " on *.*" : " (SELECT on " + database + ".*)"));
  }
  std::string list;
  for (const auto& p : missing) list += (list.empty() ? "" : ", ") + p;
  std::string fix = "GRANT " + list + " ON *.* TO " + account + ";";
  std::string detail = "missing " + list;
  if (select_on_some_tables && std::find(missing.begin(), missing.end(), "SELECT") != missing.end()) {
    detail += " (SELECT is granted on some tables only: snapshots need every captured table)";
  }
  if (has_roles) {
    return warn("privileges", detail + "; the account has roles, whose privileges this check does not expand", fix);
  }
  return fail("privileges", detail, fix);
}

std::vector<CheckResult> check_mysql(const ConnectOptions& opts, uint32_t server_id) {
  BinlogConnection c(opts);
  try {
    c.connect();
  } catch (const Error& e) {
    std::string fix = e.code() == ExitCode::auth     ? "check source.user and source.password"
                      : e.code() == ExitCode::config ? "check source.tls"
                                                     : "check source.host and source.port, and that the server runs";
    return {fail("connect", e.what(), fix)};
  }
  std::vector<CheckResult> out;
  std::string tls = c.tls_cipher();
  out.push_back(pass("connect", "connected to " + opts.describe() + (tls.empty() ? " without TLS" : " with TLS " + tls)));
  try {
    Vars v = c.query_vars({"log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata", "gtid_mode",
                           "gtid_strict_mode", "binlog_expire_logs_seconds", "expire_logs_days"});
    out.push_back(check_version(c.server()));
    out.push_back(check_log_bin(v));
    out.push_back(check_binlog_format(v));
    out.push_back(check_row_image(v));
    out.push_back(check_row_metadata(v, c.server().flavor));
    out.push_back(check_privileges(c, opts.database));
    out.push_back(check_server_id(c, server_id));
    out.push_back(check_gtid(v, c.server().flavor));
    out.push_back(check_retention(v));
    if (c.server().flavor == Flavor::mysql && c.server().version_id >= 80000) out.push_back(check_auth_plugin(c, opts));
  } catch (const Error& e) {
    out.push_back(fail("server", std::string("reading the server's settings failed: ") + e.what(),
                       "make sure the connection stays up and the user may run SHOW VARIABLES"));
  }
  return out;
}

}  // namespace cdc::mysql
