// ADD, DROP and MODIFY COLUMN while the agent streams: each row decodes with the table definition that
// was current when it was written, never with the one before or after.
#include <gtest/gtest.h>

#include "tests/integration/mysql_source_support.h"

namespace cdc::test::msrc {
namespace {

class Ddl : public SourceTest {
 protected:
  // Writes rows 1..4 with ALTERs between them and checks every row against the definition of its time.
  void run_ddl_sequence() {
    std::string t = db + ".t";
    sql->exec("CREATE TABLE " + t + " (id INT PRIMARY KEY, a VARCHAR(10), b INT)");
    start_agent();
    sql->exec("INSERT INTO " + t + " VALUES (1, 'one', 10)");
    sql->exec("ALTER TABLE " + t + " ADD COLUMN c DECIMAL(6,2) DEFAULT 1.50");
    sql->exec("INSERT INTO " + t + " VALUES (2, 'two', 20, 2.25)");
    sql->exec("ALTER TABLE " + t + " DROP COLUMN a");
    sql->exec("INSERT INTO " + t + " VALUES (3, 30, 3.75)");
    sql->exec("ALTER TABLE " + t + " MODIFY COLUMN b BIGINT UNSIGNED, ADD COLUMN a TEXT AFTER id");
    sql->exec("INSERT INTO " + t + " VALUES (4, 'four', 18446744073709551615, 4.00)");
    sql->exec("UPDATE " + t + " SET b = 7 WHERE id = 1");

    auto recs = records("t", 5);
    ASSERT_EQ(recs.size(), 5u);
    std::vector<std::string> afters;
    for_each_value(recs, [&](const KafkaRecord&, simdjson::dom::element v) {
      afters.push_back(simdjson::minify(v["after"]));
    });
    ASSERT_EQ(afters.size(), 5u);
    // Decimal 2.25 at scale 2 is unscaled 225 ("AOE="); BIGINT UNSIGNED (precise) 2^64-1 is "AP//////////".
    EXPECT_EQ(afters[0], R"({"id":1,"a":"one","b":10})");
    EXPECT_EQ(afters[1], R"({"id":2,"a":"two","b":20,"c":")" + connect_decimal_base64("2.25") + R"("})");
    EXPECT_EQ(afters[2], R"({"id":3,"b":30,"c":")" + connect_decimal_base64("3.75") + R"("})");
    EXPECT_EQ(afters[3], R"({"id":4,"a":"four","b":")" + connect_decimal_base64("18446744073709551615") +
                             R"(","c":")" + connect_decimal_base64("4.00") + R"("})");
    EXPECT_EQ(afters[4], R"({"id":1,"a":null,"b":")" + connect_decimal_base64("7") + R"(","c":")" +
                             connect_decimal_base64("1.50") + R"("})");
    EXPECT_EQ(stop_agent(), 0);
  }
};

TEST_F(Ddl, RowsDecodeWithTheColumnsOfTheirTime) {
  write_config("bigint_unsigned_handling: precise");
  run_ddl_sequence();
}

}  // namespace
}  // namespace cdc::test::msrc
