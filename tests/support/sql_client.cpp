#include "tests/support/sql_client.h"

#include <libpq-fe.h>
#include <mysql.h>

#include <memory>
#include <stdexcept>

namespace cdc::test {

// ---- PostgreSQL ---------------------------------------------------------------------------

PgConn::PgConn(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw std::runtime_error("PostgreSQL connect failed: " + msg);
  }
}

PgConn::~PgConn() { PQfinish(conn_); }

Rows PgConn::query(std::string_view sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn_, std::string(sql).c_str()),
                                                    &PQclear);
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    throw std::runtime_error("PostgreSQL: " + std::string(PQerrorMessage(conn_)) +
                             " in: " + std::string(sql));
  Rows rows;
  for (int r = 0; r < PQntuples(res.get()); ++r) {
    Row row;
    for (int c = 0; c < PQnfields(res.get()); ++c) {
      if (PQgetisnull(res.get(), r, c))
        row.emplace_back(std::nullopt);
      else
        row.emplace_back(std::string(PQgetvalue(res.get(), r, c),
                                     static_cast<size_t>(PQgetlength(res.get(), r, c))));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string PgConn::scalar(std::string_view sql) {
  Rows rows = query(sql);
  if (rows.empty() || rows[0].empty() || !rows[0][0])
    throw std::runtime_error("PostgreSQL: no scalar value from: " + std::string(sql));
  return *rows[0][0];
}

// ---- MariaDB / MySQL ----------------------------------------------------------------------

MysqlConn::MysqlConn(const MysqlParams& p) : conn_(mysql_init(nullptr)) {
  if (!conn_) throw std::runtime_error("mysql_init: out of memory");
  unsigned timeout = 10;
  mysql_options(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!mysql_real_connect(conn_, p.host.c_str(), p.user.c_str(), p.password.c_str(),
                          p.db.empty() ? nullptr : p.db.c_str(), p.port, nullptr, 0)) {
    std::string msg = mysql_error(conn_);
    mysql_close(conn_);
    conn_ = nullptr;
    throw std::runtime_error("MySQL connect to " + p.host + ":" + std::to_string(p.port) +
                             " failed: " + msg);
  }
}

MysqlConn::~MysqlConn() {
  if (conn_) mysql_close(conn_);
}

Rows MysqlConn::query(std::string_view sql) {
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0)
    throw std::runtime_error("MySQL: " + std::string(mysql_error(conn_)) +
                             " in: " + std::string(sql));
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> res(mysql_store_result(conn_),
                                                               &mysql_free_result);
  Rows rows;
  if (!res) {
    if (mysql_field_count(conn_) != 0)
      throw std::runtime_error("MySQL: reading result failed: " + std::string(mysql_error(conn_)));
    return rows;
  }
  const unsigned ncols = mysql_num_fields(res.get());
  while (MYSQL_ROW r = mysql_fetch_row(res.get())) {
    const unsigned long* lengths = mysql_fetch_lengths(res.get());
    Row row;
    for (unsigned c = 0; c < ncols; ++c) {
      if (r[c])
        row.emplace_back(std::string(r[c], lengths[c]));
      else
        row.emplace_back(std::nullopt);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string MysqlConn::scalar(std::string_view sql) {
  Rows rows = query(sql);
  if (rows.empty() || rows[0].empty() || !rows[0][0])
    throw std::runtime_error("MySQL: no scalar value from: " + std::string(sql));
  return *rows[0][0];
}

}  // namespace cdc::test
