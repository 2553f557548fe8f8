// The include/exclude patterns of the config (full-match ECMAScript regexes on "db.table" or
// "db.table.column"), compiled by std::regex after the checks that keep libstdc++'s compiler safe.
#pragma once
#include <cstdint>
#include <regex>
#include <stdexcept>
#include <string_view>

namespace cdc {

// Longest pattern accepted; a longer list belongs in several entries.
inline constexpr size_t kMaxNameRegexLength = 1000;
// Largest repeat bound ({n}, {n,m}) accepted.
inline constexpr unsigned kMaxNameRegexCount = 1000;
// Most atoms a pattern may hold once its repeats are expanded ("(ab){3}" holds 6).
inline constexpr uint64_t kMaxNameRegexExpansion = 2000;

// Throws std::invalid_argument whose what() says what is wrong with the pattern (std::regex's own
// complaint for a syntax error). libstdc++ 12 reads repeat bounds and back-reference numbers into a long
// without an overflow check (undefined behaviour on "a{99999999999999999999}", found by fuzz_config) and
// compiles by recursion, one level per term, so a pattern's length bounds its stack depth; its matcher
// recurses along chains of repeated states. Long patterns, large or deeply multiplied counts and
// back-references are refused here, before std::regex sees them. Matching never backtracks (libstdc++'s
// polynomial mode), so no pattern can stall the agent on a long name.
std::regex compile_name_regex(std::string_view pattern);

}  // namespace cdc
