#include "util/name_regex.h"

#include <string>

namespace cdc {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void refuse(const std::string& why) { throw std::invalid_argument(why); }

// Walks the pattern as libstdc++'s ECMAScript scanner does: an escape takes the next character, a bracket
// expression runs to its first unescaped ']' ("[]" and "[^]" are whole classes in ECMAScript), and an
// unescaped '{' outside one opens a repeat bound.
void check_counts(std::string_view p) {
  const auto limit = std::to_string(kMaxNameRegexCount);
  bool in_bracket = false;
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\\') {
      // "\0" is NUL and "\1".."\9..." a back-reference, refused here because the scanner reads all of its
      // digits into a long first (and the polynomial matcher has none).
      if (i + 1 < p.size() && p[i + 1] >= '1' && p[i + 1] <= '9')
        refuse("back-references like \\" + std::string(1, p[i + 1]) + " are not supported in name patterns");
      i += 2;
    } else if (in_bracket) {
      in_bracket = c != ']';
      ++i;
    } else if (c == '[') {
      in_bracket = true;
      i += (i + 1 < p.size() && p[i + 1] == '^') ? 2 : 1;
    } else if (c == '{') {
      for (++i; i < p.size() && p[i] != '}';) {
        if (!is_digit(p[i])) {
          ++i;
          continue;
        }
        unsigned v = 0;
        for (; i < p.size() && is_digit(p[i]); ++i)
          if (v <= kMaxNameRegexCount) v = v * 10 + static_cast<unsigned>(p[i] - '0');
        if (v > kMaxNameRegexCount) refuse("repeat count over " + limit);
      }
    } else {
      ++i;
    }
  }
}

}  // namespace

std::regex compile_name_regex(std::string_view pattern) {
  if (pattern.size() > kMaxNameRegexLength)
    refuse("longer than " + std::to_string(kMaxNameRegexLength) +
           " characters; split it into several list entries");
  check_counts(pattern);
  auto flags = std::regex::ECMAScript;
#ifdef __GLIBCXX__
  // libstdc++'s default matcher backtracks, exponentially on patterns like "(.|.)*x"; this one keeps a set
  // of states (time linear in the name), and only gives up back-references, refused above.
  flags |= std::regex_constants::__polynomial;
#endif
  try {
    return std::regex(pattern.begin(), pattern.end(), flags);
  } catch (const std::regex_error& e) {
    refuse(e.what());
  }
  return {};  // not reached: refuse() throws
}

}  // namespace cdc
