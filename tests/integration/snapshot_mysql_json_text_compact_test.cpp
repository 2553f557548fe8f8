// MySQL returns JSON columns as text with spaces (`{"a": 1.5e10}`); the snapshot rewrites it exactly as the
// binlog decoder prints the binary document: compact, Jackson string escapes, Java double notation.
#include <gtest/gtest.h>

#include "mysql/snapshot/text_row.h"
#include "util/error.h"

namespace cdc::mysql::snapshot {
namespace {

TEST(SnapshotMysqlJsonText, IsRewrittenAsTheBinlogDecoderPrintsIt) {
  EXPECT_EQ(compact_json(R"({"a": 1.5e10, "b": [1, -2, "x\u00e9\n"], "c": 3.0, "d": null, "e": true})"),
            R"({"a":1.5E10,"b":[1,-2,"xé\n"],"c":3.0,"d":null,"e":true})");
  EXPECT_EQ(compact_json(R"([18446744073709551615, 0.001, 1e-7, "a\/b"])"),
            R"([18446744073709551615,0.001,1.0E-7,"a/b"])");
  EXPECT_EQ(compact_json(R"("2024-02-29 11:14:15.000000")"), R"("2024-02-29 11:14:15.000000")");
  EXPECT_THROW(compact_json("{not json"), Error);
}

TEST(SnapshotMysqlIdentifiers, AreQuotedWithBackticksDoubled) {
  EXPECT_EQ(quote_identifier("plain"), "`plain`");
  EXPECT_EQ(quote_identifier("we`ird"), "`we``ird`");
}

}  // namespace
}  // namespace cdc::mysql::snapshot
