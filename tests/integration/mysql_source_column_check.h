// Shared by the column-type tests: a fixture that creates a table, streams inserts through the real agent
// and compares every column on the topic with what a SELECT of the same row says it must be (converted
// to the ENVELOPE.md representation by SQL, or by the independent decimal encoder).
#pragma once
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {

// How the SELECT expression of a column turns into the expected JSON value.
enum class Expect { json, decimal, float32 };

struct Col {
  std::string name;
  std::string ddl;   // column type
  std::string expr;  // SQL giving the expected JSON text (or decimal text / float); NULL = JSON null
  Expect how = Expect::json;
};

// SQL for base64 without MariaDB's line breaks every 76 characters.
inline std::string b64(const std::string& e) { return "JSON_QUOTE(REPLACE(TO_BASE64(" + e + "), '\\n', ''))"; }
inline std::string str(const std::string& e) { return "JSON_QUOTE(" + e + ")"; }
inline std::string num(const std::string& e) { return "CAST(" + e + " AS CHAR)"; }
// ZonedTimestamp: UTC, exactly `fsp` fraction digits (none for TIMESTAMP(0)).
inline std::string zoned(const std::string& c, int fsp) {
  std::string frac = fsp ? ", '.', LEFT(DATE_FORMAT(" + c + ", '%f'), " + std::to_string(fsp) + ")" : "";
  return "JSON_QUOTE(CONCAT(DATE_FORMAT(" + c + ", '%Y-%m-%dT%H:%i:%s')" + frac + ", 'Z'))";
}

class ColumnTypes : public SourceTest {
 protected:
  // Creates `table` (id INT PRIMARY KEY + cols), streams the inserts of `rows` ("(1, ...)" tuples) and
  // compares every column of every row on the topic with the SELECT of that row.
  void check(const std::string& table, const std::vector<Col>& cols, const std::vector<std::string>& rows,
             const std::string& sql_mode = "") {
    std::string ddl = "CREATE TABLE " + db + "." + table + " (id INT PRIMARY KEY";
    for (const auto& c : cols) ddl += ", " + c.name + " " + c.ddl;
    sql->exec(ddl + ")");
    write_config("bigint_unsigned_handling: precise");
    start_agent();
    sql->exec("SET time_zone = '+00:00'");
    sql->exec("SET sql_mode = '" + sql_mode + "'");
    for (const auto& r : rows) sql->exec("INSERT INTO " + db + "." + table + " VALUES " + r);
    sql->exec("SET sql_mode = DEFAULT");

    std::string select = "SELECT id";
    for (const auto& c : cols) select += ", " + c.expr;
    Rows want = sql->query(select + " FROM " + db + "." + table + " ORDER BY id");
    ASSERT_EQ(want.size(), rows.size());

    auto got = records(table, want.size());
    ASSERT_EQ(got.size(), want.size()) << "records on " << topic(table);
    simdjson::dom::parser p, q;
    std::map<std::string, size_t> by_id;
    for (size_t i = 0; i < want.size(); ++i) by_id[*want[i][0]] = i;
    for (const auto& rec : got) {
      ASSERT_TRUE(rec.value) << "unexpected tombstone";
      simdjson::dom::element v = p.parse(*rec.value);
      EXPECT_EQ(std::string_view(v["op"]), "c");
      simdjson::dom::object after = v["after"];
      std::string id = std::to_string(int64_t(after["id"]));
      ASSERT_TRUE(by_id.count(id)) << "row id " << id << " was not written";
      const Row& w = want[by_id[id]];
      for (size_t c = 0; c < cols.size(); ++c) expect_column(after, cols[c], w[c + 1], id, q);
    }
  }

  static void expect_column(simdjson::dom::object after, const Col& col, const std::optional<std::string>& want,
                            const std::string& id, simdjson::dom::parser& q) {
    simdjson::dom::element actual;
    ASSERT_FALSE(after[col.name].get(actual)) << "column " << col.name << " missing in row " << id;
    std::string where = "row " + id + " column " + col.name + " (" + col.ddl + "): got " +
                        simdjson::minify(actual);
    if (!want) {
      EXPECT_TRUE(actual.is_null()) << where << ", want null";
      return;
    }
    switch (col.how) {
      case Expect::decimal: {
        std::string b = connect_decimal_base64(*want);
        EXPECT_TRUE(actual.is_string() && std::string_view(actual) == b) << where << ", want \"" << b << "\" (" << *want << ")";
        return;
      }
      case Expect::float32:
        // A FLOAT holds a float: compare at its precision, whatever digits the writer chose.
        EXPECT_TRUE(actual.is_number() && float(double(actual)) == std::stof(*want)) << where << ", want " << *want;
        return;
      case Expect::json: {
        std::string text = *want;
        simdjson::dom::element e = q.parse(text);
        EXPECT_TRUE(json_equal(actual, e)) << where << ", want " << *want;
        return;
      }
    }
  }
};

}  // namespace cdc::test::msrc
