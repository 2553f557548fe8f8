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

TEST(GtidSet, MalformedTextIsAnError) {
  EXPECT_THROW(GtidSet::parse(std::string(kUuid) + ":5-1"), DecodeError);
  EXPECT_THROW(GtidSet::parse(std::string(kUuid) + ":x"), DecodeError);
  EXPECT_THROW(GtidSet::parse("0-1"), DecodeError);
}

}  // namespace
}  // namespace cdc::mysql
