// Shared helpers for the envelope tests: simdjson validity checks and small example tables/events.
#pragma once
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>

#include "event/change_event.h"
#include "event/columns.h"
#include "event/options.h"

namespace cdc::event::testing {

// Every byte string the writer produces must parse as JSON; this is the proof.
inline ::testing::AssertionResult is_valid_json(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const auto err = parser.parse(simdjson::padded_string(text)).get(doc);
  if (err) return ::testing::AssertionFailure() << simdjson::error_message(err) << " in: " << text;
  return ::testing::AssertionSuccess();
}

inline EnvelopeOptions options(bool schemas) {
  EnvelopeOptions o;
  o.prefix = "shop";
  o.schemas = schemas;
  return o;
}

// inventory.customers (MySQL/MariaDB): a key, a NOT NULL text, a decimal, a nullable text, a zoned
// timestamp with a default, a blob.
inline TableSchema mysql_customers(const EnvelopeOptions& o) {
  TableSchema t;
  t.db = "inventory";
  t.table = "customers";
  t.version = 1;
  t.columns.push_back(col::int32("id", false));
  t.columns.push_back(col::string("name", false));
  t.columns.push_back(col::decimal("balance", 10, 2, o, true));
  t.columns.push_back(col::string("bio", true));
  Column created = col::zoned_timestamp("created_at", false);
  created.default_json = "\"1970-01-01T00:00:00Z\"";
  t.columns.push_back(created);
  t.columns.push_back(col::bytes("avatar", o, true));
  t.key = {0};
  return t;
}

inline void fill_customer(Row& r, int64_t id, std::string_view name, std::string_view balance) {
  r.reset(6);
  r.set_int(0, id);
  r.set_text(1, name);
  r.set_decimal(2, balance);
  r.set_null(3);
  r.set_text(4, "2024-02-29T11:14:15Z");
  r.set_bytes(5, std::string_view("\x00\x01\xfe\xff", 4));
}

// public.orders (PostgreSQL): bigint key, text, numeric(12,3), unconstrained numeric, text[],
// timestamptz.
inline TableSchema pg_orders(const EnvelopeOptions& o) {
  TableSchema t;
  t.db = "shopdb";
  t.schema = "public";
  t.table = "orders";
  t.version = 1;
  t.columns.push_back(col::int64("id", false));
  t.columns.push_back(col::string("note", true));
  t.columns.push_back(col::decimal("amount", 12, 3, o, false));
  t.columns.push_back(col::variable_decimal("ratio", o, true));
  t.columns.push_back(col::array("tags", col::string("", true), true));
  t.columns.push_back(col::zoned_timestamp("created_at", true));
  t.key = {0};
  return t;
}

inline void fill_order(Row& r, int64_t id, std::string_view note, std::string_view amount) {
  r.reset(6);
  r.set_int(0, id);
  r.set_text(1, note);
  r.set_decimal(2, amount);
  r.set_decimal(3, "0.1250");
  r.set_raw_json(4, R"(["new","gift"])");
  r.set_text(5, "2024-02-29T11:14:15.500000Z");
}

inline SourceInfo mysql_source(Connector c) {
  SourceInfo s;
  s.connector = c;
  s.ts_ns = 1709205255000000000;
  s.db = "inventory";
  s.server_id = 5401;
  s.gtid = c == Connector::mariadb ? "0-1-42" : "3e11fa47-71ca-11e1-9e33-c80aa9429562:42";
  s.file = "mysql-bin.000003";
  s.pos = 154;
  s.row = 0;
  s.thread = 7;
  return s;
}

inline SourceInfo pg_source() {
  SourceInfo s;
  s.connector = Connector::postgresql;
  s.ts_ns = 1709205255123456000;
  s.db = "shopdb";
  s.tx_id = 771;
  s.lsn = 24023128;
  s.sequence = R"(["24023000","24023128"])";
  return s;
}

}  // namespace cdc::event::testing
