// Every column type the PostgreSQL source maps arrives in Kafka with the value PostgreSQL itself
// returns for it: the expected JSON is computed from a SELECT of the same row (the database's own text,
// epoch arithmetic and time-zone conversion), not written down by hand.
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/pg_source_support.h"

namespace cdc::pg::test {
namespace {

std::string base64(const std::string& bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out += abc[n >> 18 & 63];
    out += abc[n >> 12 & 63];
    out += i + 1 < bytes.size() ? abc[n >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? abc[n & 63] : '=';
  }
  return out;
}

// Connect's Decimal bytes: the minimal big-endian two's complement of the unscaled value of `text`
// ("-1234.5") at `scale`, base64-encoded.
std::string decimal_base64(const std::string& text, int scale) {
  bool neg = text[0] == '-';
  std::string digits = text.substr(neg ? 1 : 0);
  auto dot = digits.find('.');
  std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  digits = digits.substr(0, dot);
  frac.resize(static_cast<size_t>(scale), '0');
  int64_t unscaled = std::stoll(digits + frac) * (neg ? -1 : 1);
  std::string be;
  for (int i = 7; i >= 0; --i) be += static_cast<char>(static_cast<uint64_t>(unscaled) >> (8 * i) & 0xff);
  while (be.size() > 1 && ((be[0] == 0 && !(be[1] & 0x80)) || (be[0] == '\xff' && (be[1] & 0x80)))) be.erase(0, 1);
  return "\"" + base64(be) + "\"";
}

// io.debezium.time.MicroDuration: months count 365.25/12 days.
int64_t micro_duration(double years, double months, double days, double hours, double minutes, double seconds) {
  double number_of_days = (years * 12 + months) * (365.25 / 12.0) + days;
  return static_cast<int64_t>((((number_of_days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1e6);
}

class PgSourceTypes : public PgSourceTest {};

TEST_F(PgSourceTypes, EveryMappedTypeMatchesSelect) {
  std::string mood = name() + "_mood", price = name() + "_price";
  pg().exec("CREATE TYPE " + mood + " AS ENUM ('sad', 'ok', 'happy')");
  pg().exec("CREATE DOMAIN " + price + " AS numeric(10,2)");
  at_end("DROP TYPE IF EXISTS " + mood);
  at_end("DROP DOMAIN IF EXISTS " + price);
  std::string t = create_table("types",
      "(id int PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric(10,3), nv numeric,"
      " m money, t text, vc varchar(10), bc char(3), by bytea, d date, ti time, ti3 time(3), ttz timetz,"
      " ts timestamp, ts3 timestamp(3), tstz timestamptz, iv interval, u uuid, j json, jb jsonb, x xml, ip inet,"
      " cidr_ cidr, mac macaddr, e " + mood + ", p " + price + ", ia int4[], ta text[], r int4range)");
  start_agent({t});

  pg().exec("INSERT INTO " + t + " VALUES (1, true, -32768, 2147483647, -9223372036854775808, 3.14159,"
            " -1.2345678901234567e-300, '-1234.500', '1.2300', '-$1,234.56', E'tab\\there \"q\" \u00fc', 'vc', 'ab',"
            " '\\x00ff10', '2024-02-29', '13:51:30.123789', '13:51:30.123', '13:51:30.123789+02',"
            " '2024-02-29 11:14:15.123456', '2016-11-04 13:51:30.123', '2024-02-29 12:14:15.5+01',"
            " '1 year 2 mons 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": 1}',"
            " '{\"b\": [1, 2]}', '<x>1</x>', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', 'happy', 12.5,"
            " '{1,NULL,3}', '{\"x,y\",\"q\\\"t\",NULL}', '[3,7)')");
  pg().exec("INSERT INTO " + t + " (id) VALUES (2)");

  // Column -> the JSON PostgreSQL's own functions give for it (decimals and floats handled below).
  std::vector<std::pair<std::string, std::string>> json_exprs = {
      {"b", "to_json(b)"}, {"i2", "to_json(i2)"}, {"i4", "to_json(i4)"}, {"i8", "to_json(i8)"},
      {"t", "to_json(t)"}, {"vc", "to_json(vc)"}, {"bc", "to_json(bc)"},
      {"by", "to_json(encode(by, 'base64'))"}, {"d", "to_json(d - date '1970-01-01')"},
      {"ti", "to_json((extract(epoch FROM ti) * 1000000)::bigint)"},
      {"ti3", "to_json((extract(epoch FROM ti3) * 1000)::bigint)"},
      {"ttz", "to_json((ttz AT TIME ZONE 'UTC')::time::text || 'Z')"},
      {"ts", "to_json((extract(epoch FROM ts) * 1000000)::bigint)"},
      {"ts3", "to_json((extract(epoch FROM ts3) * 1000)::bigint)"},
      {"tstz", "to_json(to_char(tstz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))"},
      {"u", "to_json(u::text)"}, {"j", "to_json(j::text)"}, {"jb", "to_json(jb::text)"}, {"x", "to_json(x::text)"},
      {"ip", "to_json(ip::text)"}, {"cidr_", "to_json(cidr_::text)"}, {"mac", "to_json(mac::text)"},
      {"e", "to_json(e::text)"}, {"ia", "to_json(ia)"}, {"ta", "to_json(ta)"}, {"r", "to_json(r::text)"}};
  std::string select;
  for (const auto& [col, expr] : json_exprs) select += (select.empty() ? "" : ", ") + expr + "::text";
  select += ", n::text, trim_scale(nv)::text, scale(trim_scale(nv)), m::numeric::text, p::text, f4::text, f8::text,"
            " extract(year FROM iv), extract(month FROM iv), extract(day FROM iv), extract(hour FROM iv),"
            " extract(minute FROM iv), extract(second FROM iv)";
  cdc::test::Row row = pg().query("SELECT " + select + " FROM " + t + " WHERE id = 1").at(0);

  auto records = changes(t, 2);
  ASSERT_EQ(records.size(), 2u);
  const Change& full = records[0].key == "{\"id\":1}" ? records[0] : records[1];
  const Change& nulls = records[0].key == "{\"id\":1}" ? records[1] : records[0];
  ASSERT_EQ(full.key, "{\"id\":1}");
  EXPECT_EQ(full.op, 'c');

  size_t i = 0;
  for (const auto& [col, expr] : json_exprs) EXPECT_EQ(full.after(col), minify_json(*row[i++])) << col << " = " << expr;
  EXPECT_EQ(full.after("n"), decimal_base64(*row[i++], 3));
  std::string nv_digits = *row[i++];
  int nv_scale = std::stoi(*row[i++]);
  EXPECT_EQ(full.after("nv"), "{\"scale\":" + std::to_string(nv_scale) + ",\"value\":" +
                                  decimal_base64(nv_digits, nv_scale) + "}");
  EXPECT_EQ(full.after("m"), decimal_base64(*row[i++], 2));
  EXPECT_EQ(full.after("p"), decimal_base64(*row[i++], 2));
  EXPECT_EQ(std::stof(*full.after("f4")), std::stof(*row[i++]));
  EXPECT_EQ(std::stod(*full.after("f8")), std::stod(*row[i++]));
  double parts[6];
  for (double& p : parts) p = std::stod(*row[i++]);
  EXPECT_EQ(full.after("iv"), std::to_string(micro_duration(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])));

  // The second row is NULL in every column but the key.
  for (const auto& [col, expr] : json_exprs) EXPECT_EQ(nulls.after(col), "null") << col;
  for (const char* col : {"n", "nv", "m", "p", "f4", "f8", "iv"}) EXPECT_EQ(nulls.after(col), "null") << col;

}

}  // namespace
}  // namespace cdc::pg::test
