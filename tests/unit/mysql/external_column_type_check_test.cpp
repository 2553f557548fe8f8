// external_type_matches: information_schema's COLUMN_TYPE against the TABLE_MAP column type, as used to
// validate column facts under binlog_row_metadata=MINIMAL before they name the binlog's values.
#include <gtest/gtest.h>

#include "mysql/row_decoder.h"

namespace cdc::mysql {
namespace {

ColumnDef col(uint8_t type, uint32_t max_length = 0) {
  ColumnDef d;
  d.type = d.binlog_type = type;
  d.max_length = max_length;
  return d;
}

TEST(ExternalTypeCheck, SameFamilyMatches) {
  EXPECT_TRUE(external_type_matches(col(T_LONG), "int(10) unsigned"));
  EXPECT_TRUE(external_type_matches(col(T_LONG), "int"));
  EXPECT_TRUE(external_type_matches(col(T_TINY), "tinyint(1)"));
  EXPECT_TRUE(external_type_matches(col(T_LONGLONG), "bigint(20) unsigned"));
  EXPECT_TRUE(external_type_matches(col(T_VARCHAR, 40), "varchar(10)"));
  EXPECT_TRUE(external_type_matches(col(T_VARCHAR, 4), "varbinary(4)"));
  EXPECT_TRUE(external_type_matches(col(T_STRING, 16), "inet6"));
  EXPECT_TRUE(external_type_matches(col(T_ENUM), "enum('a','b')"));
  EXPECT_TRUE(external_type_matches(col(T_NEWDECIMAL), "decimal(10,2)"));
  EXPECT_TRUE(external_type_matches(col(T_DATETIME2), "datetime(6)"));
  EXPECT_TRUE(external_type_matches(col(T_TIMESTAMP2), "TIMESTAMP"));
  EXPECT_TRUE(external_type_matches(col(T_GEOMETRY), "point"));
  EXPECT_TRUE(external_type_matches(col(T_JSON), "json"));
}

TEST(ExternalTypeCheck, BlobFamilyComparesTheLengthPrefix) {
  EXPECT_TRUE(external_type_matches(col(T_BLOB, 2), "text"));
  EXPECT_TRUE(external_type_matches(col(T_BLOB, 4), "longtext"));  // MariaDB JSON
  EXPECT_TRUE(external_type_matches(col(T_BLOB, 3), "mediumblob"));
  EXPECT_FALSE(external_type_matches(col(T_BLOB, 2), "mediumtext"));
  EXPECT_FALSE(external_type_matches(col(T_BLOB, 1), "blob"));
}

TEST(ExternalTypeCheck, OtherFamiliesDoNotMatch) {
  EXPECT_FALSE(external_type_matches(col(T_VARCHAR, 10), "mediumtext"));
  EXPECT_FALSE(external_type_matches(col(T_BLOB, 3), "varchar(10)"));
  EXPECT_FALSE(external_type_matches(col(T_LONG), "bigint"));
  EXPECT_FALSE(external_type_matches(col(T_LONG), "varchar(11)"));
  EXPECT_FALSE(external_type_matches(col(T_DATETIME2), "timestamp"));
  EXPECT_FALSE(external_type_matches(col(T_ENUM), "set('a')"));
  EXPECT_FALSE(external_type_matches(col(T_DOUBLE), "float"));
}

}  // namespace
}  // namespace cdc::mysql
