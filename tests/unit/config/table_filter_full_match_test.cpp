// include/exclude patterns are full-match ECMAScript regexes; exclusion wins over inclusion.
#include <gtest/gtest.h>

#include "config/config.h"
#include "util/name_regex.h"

namespace cdc {
namespace {

Config with_filters(const std::string& filters) {
  return parse_config("name: shop\nsource:\n  type: mysql\n  host: h\n  user: cdc\n  mysql: {server_id: 1}\n" +
                      filters);
}

TEST(TableFilter, EmptyIncludeListTakesEveryTable) {
  Config c = with_filters("");
  EXPECT_TRUE(c.table_included("shop.orders"));
  EXPECT_TRUE(c.table_included("other.t"));
  EXPECT_FALSE(c.column_excluded("shop.orders.id"));
}

TEST(TableFilter, PatternsMustMatchTheWholeName) {
  Config c = with_filters("  include_tables: [\"shop\\\\.orders\", 'shop\\.customer.*']\n");
  EXPECT_TRUE(c.table_included("shop.orders"));
  EXPECT_FALSE(c.table_included("shop.orders_archive"));
  EXPECT_FALSE(c.table_included("myshop.orders"));
  EXPECT_FALSE(c.table_included("shopXorders"));
  EXPECT_TRUE(c.table_included("shop.customer"));
  EXPECT_TRUE(c.table_included("shop.customers"));
  EXPECT_EQ(c.source.include_tables, (std::vector<std::string>{"shop\\.orders", "shop\\.customer.*"}));
}

TEST(TableFilter, ExcludeWinsOverInclude) {
  Config c = with_filters("  include_tables: ['shop\\..*']\n  exclude_tables: ['shop\\.tmp_.*']\n");
  EXPECT_TRUE(c.table_included("shop.orders"));
  EXPECT_FALSE(c.table_included("shop.tmp_import"));
  EXPECT_FALSE(c.table_included("crm.users"));
}

TEST(TableFilter, ColumnsMatchDbTableColumn) {
  Config c = with_filters("  exclude_columns: ['shop\\.customers\\.(ssn|card_.*)']\n");
  EXPECT_TRUE(c.column_excluded("shop.customers.ssn"));
  EXPECT_TRUE(c.column_excluded("shop.customers.card_number"));
  EXPECT_FALSE(c.column_excluded("shop.customers.ssn_hash"));
  EXPECT_FALSE(c.column_excluded("shop.orders.ssn"));
}

// The message compile_name_regex refuses `pattern` with ("" when it compiles).
std::string refusal(const std::string& pattern) {
  try {
    (void)compile_name_regex(pattern);
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

// libstdc++ reads these numbers into a long without an overflow check: fuzz_config found the undefined
// behaviour with a 19-digit repeat count. They are refused before std::regex sees them.
TEST(NameRegex, HugeRepeatCountsAndBackReferencesAreRefused) {
  EXPECT_EQ(refusal("a{999999999999999999999}"), "repeat count over 1000");
  EXPECT_EQ(refusal("a{1,99999999999999999999}"), "repeat count over 1000");
  EXPECT_EQ(refusal("a{1001}"), "repeat count over 1000");
  EXPECT_EQ(refusal("(a)\\99999999999999999999"), "back-references like \\9 are not supported in name patterns");
  EXPECT_EQ(refusal("(a)\\1"), "back-references like \\1 are not supported in name patterns");
  // In ECMAScript "[]" and "[^]" are whole classes, so the brace after them is a repeat bound.
  EXPECT_EQ(refusal("[]{99999999999999999999}"), "repeat count over 1000");
  EXPECT_EQ(refusal("[^]{99999999999999999999}"), "repeat count over 1000");
  EXPECT_EQ(refusal(std::string(1001, 'a')), "longer than 1000 characters; split it into several list entries");
}

// libstdc++ reads a control escape (backslash, 'c', X) as one character whatever X is: a scanner that
// skipped only two characters would see an escaped brace, a bracket or a group where std::regex sees a
// repeat count or a repeated group.
TEST(NameRegex, ControlEscapesSwallowTheirCharacter) {
  EXPECT_EQ(refusal("\\c\\{99999999999999999999}"), "repeat count over 1000");
  EXPECT_EQ(refusal("\\c[a{99999999999999999999}]"), "repeat count over 1000");
  const std::string too_big = "its repeats expand to over 2000 atoms (counts multiply when repeats nest); simplify it";
  EXPECT_EQ(refusal("\\c{((a?){120}){120}}"), too_big);
  EXPECT_EQ(refusal("((a?){120}\\c)){120}"), too_big);
  EXPECT_EQ(refusal("[\\c]]{99999999999999999999}"), "repeat count over 1000");  // the class ends at the second ]
  EXPECT_NE(refusal("[\\c]{99999999999999999999}"), "");  // an unterminated class: std::regex's own error
  EXPECT_EQ(refusal("shop\\.\\cJ{2}"), "");
}

TEST(NameRegex, DigitsThatAreNotCountsAreFine) {
  for (const char* ok : {"shop\\.events_2026112801", "a{2,1000}", "x{3}y{0,}", "[{]12345678901234567890",
                         "[a\\]{]12345678901234567890", "\\{12345678901234567890}",
                         "\\d{4}", "a\\0123456789012345678901"})
    EXPECT_EQ(refusal(ok), "") << ok;
  EXPECT_TRUE(std::regex_match("shop.events_2026112801", compile_name_regex("shop\\.events_[0-9]{10}")));
}

TEST(NameRegex, SyntaxErrorsKeepStdRegexMessage) {
  EXPECT_NE(refusal("shop\\.(orders"), "");
  EXPECT_NE(refusal("a{2"), "");
  EXPECT_NE(refusal("[\\99999999999999999999]"), "");
}

// Without backtracking, a pattern that would take 2^40 steps on a 40-character name answers at once.
TEST(NameRegex, MatchingDoesNotBacktrack) {
  std::regex re = compile_name_regex("(a|a)*b");
  EXPECT_FALSE(std::regex_match(std::string(40, 'a'), re));
  EXPECT_TRUE(std::regex_match(std::string(40, 'a') + "b", re));
  EXPECT_TRUE(std::regex_match("shop.orders", compile_name_regex("(?!tmp_)shop\\.(orders|customers)\\b")));
}

// The compiler recurses once per term and per group: the longest accepted patterns, flat or nested as deep
// as the length allows, compile (or fail with a message) without exhausting the stack, sanitizers included.
TEST(NameRegex, LongestAcceptedPatternsCompile) {
  EXPECT_EQ(refusal(std::string(1000, 'a')), "");
  EXPECT_EQ(refusal(std::string(499, '(') + "a" + std::string(499, ')')), "");
  EXPECT_NE(refusal(std::string(1000, '(')), "");
  std::string alternatives;
  while (alternatives.size() < 998) alternatives += "a|";
  EXPECT_EQ(refusal(alternatives + "b"), "");
}

// libstdc++ copies a repeated atom or group once per count, and its matcher recurses along the copies:
// "((a?){120}){120}" (14400 copies) overflows the stack under ASan. Nested counts multiply, and a pattern
// may expand to 2000 atoms; the largest accepted ones still match.
TEST(NameRegex, NestedRepeatsAreBoundedByTheirProduct) {
  const std::string too_big = "its repeats expand to over 2000 atoms (counts multiply when repeats nest); simplify it";
  EXPECT_EQ(refusal("((a?){120}){120}"), too_big);
  EXPECT_EQ(refusal("((ab){10}c){100}"), too_big);  // (2 * 10 + 1) * 100
  EXPECT_EQ(refusal("(x|y|z){700}"), too_big);        // every alternative is compiled
  EXPECT_EQ(refusal("x{1000}y{1000}z"), too_big);
  for (const char* largest : {"((a?){40}){50}", "(a?){1000}(b?){1000}", "(((a?){10}){10}){20}", "(x|y|z){600}",
                              "x{1000}y{1000}", "a{999,}"}) {
    std::regex re = compile_name_regex(largest);
    EXPECT_FALSE(std::regex_match(std::string(60, 'b') + "c", re)) << largest;
    (void)std::regex_match(std::string(60, 'a'), re);
  }
  EXPECT_TRUE(std::regex_match(std::string(60, 'a'), compile_name_regex("((a?){40}){50}")));
}

TEST(NameRegex, ConfigNamesTheKeyOfARefusedPattern) {
  try {
    (void)with_filters("  include_tables: ['shop\\.orders', 'a{99999999999999999999}']\n");
    FAIL() << "a huge repeat count loaded";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("source.include_tables[1]: invalid regex 'a{99999999999999999999}': "
                                         "repeat count over 1000"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cdc
