#include "util/name_regex.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace cdc {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void refuse(const std::string& why) { throw std::invalid_argument(why); }

// Characters an escape at p[i] takes: a control escape (backslash, 'c', X) is one character whatever X is,
// even '{', '(' or a backslash; every other escape is one character after the backslash (the hex digits
// after x and u are never anything this scanner looks at).
size_t escape_length(std::string_view p, size_t i) { return i + 1 < p.size() && p[i + 1] == 'c' ? 3 : 2; }

// Walks the pattern as libstdc++'s ECMAScript scanner does: an escape takes what escape_length says, a
// bracket expression runs to its first unescaped ']' ("[]" and "[^]" are whole classes in ECMAScript), and
// an unescaped '{' outside one opens a repeat bound. On the way it adds up how many atoms the compiled pattern
// holds once repeats are expanded (libstdc++ copies an atom or group once per count): its matcher follows
// the states of such a chain by recursion, so "((a?){120}){120}" overflows the stack under ASan.
void check_pattern(std::string_view p) {
  const auto limit = std::to_string(kMaxNameRegexCount);
  // Per open group: the expanded size of its items before the last one, and of the last one, which a
  // repeat multiplies. Sizes only grow, so refusing as soon as one group passes the limit is exact.
  struct Group {
    uint64_t before_last = 0, last = 0;
  };
  std::vector<Group> groups(1);
  auto check = [&] {
    if (groups.back().before_last + groups.back().last > kMaxNameRegexExpansion)
      refuse("its repeats expand to over " + std::to_string(kMaxNameRegexExpansion) +
             " atoms (counts multiply when repeats nest); simplify it");
  };
  auto item = [&](uint64_t size) {
    Group& g = groups.back();
    g.before_last += g.last;
    g.last = size;
    check();
  };
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\\') {
      // "\0" is NUL and "\1".."\9..." a back-reference, refused here because the scanner reads all of its
      // digits into a long first (and the polynomial matcher has none).
      if (i + 1 < p.size() && p[i + 1] >= '1' && p[i + 1] <= '9')
        refuse("back-references like \\" + std::string(1, p[i + 1]) + " are not supported in name patterns");
      i += escape_length(p, i);
      item(1);
    } else if (c == '[') {
      i += (i + 1 < p.size() && p[i + 1] == '^') ? 2 : 1;
      while (i < p.size() && p[i] != ']') i += p[i] == '\\' ? escape_length(p, i) : 1;
      ++i;
      item(1);
    } else if (c == '{') {
      unsigned count = 0;
      bool open_ended = false;
      for (++i; i < p.size() && p[i] != '}';) {
        if (!is_digit(p[i])) {
          open_ended = p[i] == ',';
          ++i;
          continue;
        }
        unsigned v = 0;
        for (; i < p.size() && is_digit(p[i]); ++i)
          if (v <= kMaxNameRegexCount) v = v * 10 + static_cast<unsigned>(p[i] - '0');
        if (v > kMaxNameRegexCount) refuse("repeat count over " + limit);
        count = std::max(count, v);
        open_ended = false;
      }
      ++i;
      groups.back().last *= std::max(count + (open_ended ? 1 : 0), 1u);
      check();
    } else if (c == '(') {
      groups.emplace_back();
      ++i;
    } else if (c == ')' && groups.size() > 1) {
      const Group g = groups.back();
      groups.pop_back();
      item(g.before_last + g.last);
      ++i;
    } else if (c == '|') {
      groups.back().before_last += groups.back().last;  // an upper bound: every alternative is compiled
      groups.back().last = 0;
      ++i;
    } else {
      if (c != '*' && c != '+' && c != '?') item(1);
      ++i;
    }
  }
}

}  // namespace

std::regex compile_name_regex(std::string_view pattern) {
  if (pattern.size() > kMaxNameRegexLength)
    refuse("longer than " + std::to_string(kMaxNameRegexLength) +
           " characters; split it into several list entries");
  check_pattern(pattern);
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
