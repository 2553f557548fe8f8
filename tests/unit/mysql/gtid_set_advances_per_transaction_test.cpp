// GtidSet: parsing the server's text form, merging transactions into intervals, and MariaDB domains.
#include <gtest/gtest.h>

#include "mysql/gtid_set.h"
#include "util/error.h"

namespace cdc::mysql {
namespace {

constexpr const char* kUuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

TEST(GtidSet, ParsesAndRendersMySqlSets) {
  std::string text = std::string(kUuid) + ":1-5:7:9-10,55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2";
  EXPECT_EQ(GtidSet::parse(text).text(), text);
}

TEST(GtidSet, AddingFillsGapsAndExtends) {
  GtidSet g = GtidSet::parse(std::string(kUuid) + ":1-5:7");
  g.add_mysql(kUuid, 6);
  EXPECT_EQ(g.text(), std::string(kUuid) + ":1-7");
  g.add_mysql(kUuid, 8);
  g.add_mysql(std::string(kUuid) + ":tag", 1);
  EXPECT_EQ(g.text(), std::string(kUuid) + ":1-8:tag:1");
  EXPECT_TRUE(g.contains_mysql(kUuid, 3));
  EXPECT_FALSE(g.contains_mysql(kUuid, 9));
}

TEST(GtidSet, MariaDbKeepsTheLastGtidPerDomain) {
  GtidSet g = GtidSet::parse("0-1-100,1-2-5");
  g.add_mariadb(0, 3, 101);
  EXPECT_EQ(g.text(), "0-3-101,1-2-5");
}

TEST(GtidSet, MySqlContainsNeedsEveryIntervalCovered) {
  const std::string u(kUuid);
  GtidSet have = GtidSet::parse(u + ":1-10:12-20,55778904-0299-11f1-b1b8-4ef0c4956feb:1-3");
  EXPECT_TRUE(have.contains(GtidSet::parse(u + ":1-10")));
  EXPECT_TRUE(have.contains(GtidSet::parse(u + ":3-5:15")));
  EXPECT_TRUE(have.contains(GtidSet()));
  EXPECT_FALSE(have.contains(GtidSet::parse(u + ":1-12"))) << "11 is missing";
  EXPECT_FALSE(have.contains(GtidSet::parse(u + ":21")));
  EXPECT_FALSE(have.contains(GtidSet::parse("55778904-0299-11f1-b1b8-4ef0c4956feb:1-4")));
  EXPECT_FALSE(have.contains(GtidSet::parse("0a0a0a0a-0299-11f1-b1b8-4ef0c4956feb:1")));
  EXPECT_FALSE(have.contains(GtidSet::parse(u + ":tag:1"))) << "a tag is its own key";
  EXPECT_FALSE(GtidSet().contains(have));
  // A purged set that a resume must cover: after adding the missing transaction it does.
  have.add_mysql(u, 11);
  EXPECT_TRUE(have.contains(GtidSet::parse(u + ":1-20")));
}

TEST(GtidSet, MariaDbContainsComparesSequencePerDomain) {
  GtidSet have = GtidSet::parse("0-1-100,1-2-5");
  EXPECT_TRUE(have.contains(GtidSet::parse("0-1-100")));
  EXPECT_TRUE(have.contains(GtidSet::parse("0-7-90,1-2-5"))) << "the server id of an entry does not matter";
  EXPECT_FALSE(have.contains(GtidSet::parse("0-1-101")));
  EXPECT_FALSE(have.contains(GtidSet::parse("2-1-1"))) << "a domain we never saw";
  EXPECT_TRUE(have.contains(GtidSet()));
}

// What the offset stores after each transaction: the executed set including it, per flavour.
TEST(GtidSet, ExecutedSetAfterEachTransaction) {
  GtidSet maria = GtidSet::parse("0-1-10");
  maria.add_mariadb(0, 1, 11);
  maria.add_mariadb(3, 2, 1);
  EXPECT_EQ(maria.text(), "0-1-11,3-2-1");
  maria.add_mariadb(0, 2, 12);  // failover: domain 0 continues on server 2
  EXPECT_EQ(maria.text(), "0-2-12,3-2-1");
  EXPECT_TRUE(maria.contains(GtidSet::parse("0-1-11,3-2-1")));

  const std::string u(kUuid);
  GtidSet mysql;
  for (int64_t gno = 1; gno <= 3; ++gno) mysql.add_mysql(u, gno);
  mysql.add_mysql(u, 5);  // 4 belongs to a transaction still open elsewhere
  EXPECT_EQ(mysql.text(), u + ":1-3:5");
  EXPECT_FALSE(mysql.contains(GtidSet::parse(u + ":4")));
  mysql.add_mysql(u, 4);
  EXPECT_EQ(mysql.text(), u + ":1-5");
}

// A damaged set may end at 2^63 - 1: merging the next number into it must not overflow.
TEST(GtidSet, IntervalEndingAtTheLargestNumberMerges) {
  const std::string u(kUuid);
  GtidSet g = GtidSet::parse(u + ":1-9223372036854775807");
  g.add_mysql(u, 5);
  g.add_range(u, 9223372036854775806, 9223372036854775807);
  EXPECT_EQ(g.text(), u + ":1-9223372036854775807");
}

TEST(GtidSet, MalformedTextIsAnError) {
  EXPECT_THROW(GtidSet::parse(std::string(kUuid) + ":5-1"), DecodeError);
  EXPECT_THROW(GtidSet::parse(std::string(kUuid) + ":x"), DecodeError);
  EXPECT_THROW(GtidSet::parse("0-1"), DecodeError);
}

}  // namespace
}  // namespace cdc::mysql
