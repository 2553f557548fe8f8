#include "event/json_append.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cdc::event::json {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

// 0 = copy as is; otherwise the short escape letter, or 'u' for \u00XX.
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 'u';
  t['"'] = '"';
  t['\\'] = '\\';
  t['\b'] = 'b';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\f'] = 'f';
  t['\r'] = 'r';
  return t;
}
constexpr std::array<char, 256> kEscape = make_escape_table();

void append_escape(std::string& out, unsigned char c) {
  const char e = kEscape[c];
  if (e == 'u') {
    const char seq[6] = {'\\', 'u', '0', '0', kHexUpper[c >> 4], kHexUpper[c & 0xF]};
    out.append(seq, 6);
  } else {
    const char seq[2] = {'\\', e};
    out.append(seq, 2);
  }
}

// Word-at-a-time tests (SWAR) over 8 bytes: long values (TEXT columns, source.query) are mostly clean
// runs, and checking them a word at a time is what keeps the writer from being byte-bound.
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Non-zero when some byte of w is a control character, '"' or '\\' (may over-report bytes after the first
// hit, never under-report: the caller re-checks that word byte by byte).
uint64_t escape_candidates(uint64_t w) {
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t below_space = (w - kOnes * 0x20) & ~w;
  return (below_space | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash)) & kHighs;
}

bool is_ascii(std::string_view s) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) any |= load8(s.data() + i);
  for (; i < s.size(); ++i) any |= static_cast<unsigned char>(s[i]);
  return (any & kHighs) == 0;
}

// Length of the longest prefix of s, in whole 16-byte blocks, that is ASCII with nothing to escape; s.size()
// when all of s is. Hand-written SSE2 (part of x86-64's baseline): string values are most of an envelope's
// bytes, and one 16-byte compare pass is ~3x cheaper than the word-at-a-time tests below.
size_t clean_ascii_prefix(std::string_view s) {
#if defined(__SSE2__)
  const char* p = s.data();
  const size_t n = s.size();
  if (n < 16) return 0;
  const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  // Signed compare: bytes >= 0x80 are negative, so "< 0x20" catches controls and non-ASCII alike.
  const auto dirty = [&](const char* q) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(x, space),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
    return _mm_movemask_epi8(bad) != 0;
  };
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (dirty(p + i)) return i;
  }
  if (i == n || !dirty(p + n - 16)) return n;  // the tail, as an overlapping last block
  return i;
#else
  (void)s;
  return 0;
#endif
}

// Escapes ASCII specials in text known to be valid UTF-8, copying unescaped runs in one append.
void append_escaped_valid(std::string& out, std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  size_t run = 0;
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n && escape_candidates(load8(p + i)) == 0) i += 8;
    for (const size_t stop = std::min(n, i + 8); i < stop; ++i) {
      const auto c = static_cast<unsigned char>(p[i]);
      if (kEscape[c] == 0) continue;
      out.append(p + run, i - run);
      append_escape(out, c);
      run = i + 1;
    }
  }
  out.append(p + run, n - run);
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when ill-formed. `*consumed` receives
// the length of the maximal ill-formed subpart (>= 1) so the caller emits one U+FFFD for it.
// Byte ranges are Unicode Table 3-7.
size_t utf8_sequence(std::string_view s, size_t i, size_t* consumed) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    *consumed = 1;
    return 0;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) {
      *consumed = k;
      return 0;
    }
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) {
      *consumed = k;
      return 0;
    }
  }
  return need + 1;
}

void append_escaped_repairing(std::string& out, std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (kEscape[c] != 0) {
        append_escape(out, c);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    size_t bad = 0;
    const size_t n = utf8_sequence(s, i, &bad);
    if (n != 0) {
      out.append(s.data() + i, n);
      i += n;
    } else {
      out.append(kReplacement);
      i += bad;
    }
  }
}

// Rewrites std::to_chars' shortest scientific form ("1.25e+07") the way java.lang.Double.toString
// prints the same digits.
void append_java_decimal(std::string& out, const char* first, const char* last, bool is_zero) {
  std::string_view sci(first, static_cast<size_t>(last - first));
  if (!sci.empty() && sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  const size_t e_pos = sci.find('e');
  int exp = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp);
  char digits[32];
  size_t n = 0;
  for (size_t i = 0; i < e_pos; ++i) {
    if (sci[i] != '.') digits[n++] = sci[i];
  }
  while (n > 1 && digits[n - 1] == '0') --n;  // the 2-digit form of 0.1 is "1.0e-01"
  const std::string_view d(digits, n);
  if (is_zero || (exp >= -3 && exp < 7)) {
    if (exp >= 0) {
      const size_t int_len = static_cast<size_t>(exp) + 1;
      out.append(d.substr(0, int_len));
      if (int_len > n) out.append(int_len - n, '0');
      out.push_back('.');
      if (int_len < n) {
        out.append(d.substr(int_len));
      } else {
        out.push_back('0');
      }
    } else {
      out.append("0.");
      out.append(static_cast<size_t>(-exp - 1), '0');
      out.append(d);
    }
    return;
  }
  out.push_back(d[0]);
  out.push_back('.');
  if (n > 1) {
    out.append(d.substr(1));
  } else {
    out.push_back('0');
  }
  out.push_back('E');
  append_int(out, exp);
}

template <typename F>
void append_floating(std::string& out, F v) {
  if (std::isnan(v)) {
    out.append("\"NaN\"");
    return;
  }
  if (std::isinf(v)) {
    out.append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  // Java (JDK 19+ spec) never settles for one significant digit: it prints the 2-digit decimal closest to
  // the exact value, so Double.MIN_VALUE is "4.9E-324" where the shortest form is "5e-324".
  const size_t sign = v < 0 ? 1 : 0;
  const bool one_digit = buf[sign + 1] == 'e';  // "5e-324", not "4.9e-324"
  if (one_digit && v != 0) {
    char two[64];
    const auto r2 = std::to_chars(two, two + sizeof two, v, std::chars_format::scientific, 1);
    F back{};
    std::from_chars(two, r2.ptr, back);
    if (back == v) {
      append_java_decimal(out, two, r2.ptr, false);
      return;
    }
  }
  append_java_decimal(out, buf, r.ptr, v == 0);
}

constexpr char kBase64Std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Both output characters of every 12-bit group: one lookup per two characters halves the work of
// encoding BLOB columns.
using Base64Pairs = std::array<std::array<char, 2>, 4096>;
constexpr Base64Pairs make_base64_pairs(const char* alphabet) {
  Base64Pairs t{};
  for (size_t v = 0; v < t.size(); ++v) t[v] = {alphabet[v >> 6], alphabet[v & 63]};
  return t;
}
constexpr Base64Pairs kBase64StdPairs = make_base64_pairs(kBase64Std);
constexpr Base64Pairs kBase64UrlPairs = make_base64_pairs(kBase64Url);

}  // namespace

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));  // (pointer, length): the iterator-pair overload goes through replace()
}

EpochNanos::EpochNanos(int64_t ns) : ns_(ns) {
  if (ns >= 0) len_ = static_cast<size_t>(std::to_chars(digits_, digits_ + sizeof digits_, ns).ptr - digits_);
}

void EpochNanos::append(std::string& out, int drop) const {
  const auto d = static_cast<size_t>(drop);
  if (ns_ < 0) {  // before the epoch: floor division, as Java's Instant does
    int64_t div = drop == 6 ? 1'000'000 : drop == 3 ? 1'000 : 1;
    int64_t q = ns_ / div - ((ns_ % div != 0) ? 1 : 0);
    return append_int(out, q);
  }
  if (len_ <= d) return out.push_back('0');
  out.append(digits_, len_ - d);
}

void append_string(std::string& out, std::string_view utf8) {
  out.push_back('"');
  // The usual value (ASCII, nothing to escape) in one pass and one copy.
  const size_t clean = clean_ascii_prefix(utf8);
  if (clean == utf8.size()) {
    out.append(utf8);
    out.push_back('"');
    return;
  }
  out.append(utf8.data(), clean);  // ASCII, so the rest starts on a character boundary
  utf8.remove_prefix(clean);
  // ASCII (most keys, names, numbers-as-text) is valid UTF-8 without calling into the validator.
  if (is_ascii(utf8) || simdjson::validate_utf8(utf8.data(), utf8.size())) {
    append_escaped_valid(out, utf8);
  } else {
    append_escaped_repairing(out, utf8);
  }
  out.push_back('"');
}

void append_double(std::string& out, double v) { append_floating(out, v); }
void append_float(std::string& out, float v) { append_floating(out, v); }

void append_base64(std::string& out, std::string_view bytes, bool url_safe) {
  // Hand-written: the encoders at hand (OpenSSL EVP, boost::beast::detail) either need a separate
  // buffer per value or lack the URL-safe alphabet; this writes straight into `out`.
  const char* alphabet = url_safe ? kBase64Url : kBase64Std;
  const Base64Pairs& pairs = url_safe ? kBase64UrlPairs : kBase64StdPairs;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t at = out.size();
  out.resize(at + (n + 2) / 3 * 4);
  char* o = out.data() + at;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t x = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    std::memcpy(o, pairs[x >> 12].data(), 2);
    std::memcpy(o + 2, pairs[x & 0xFFF].data(), 2);
    o += 4;
  }
  if (i < n) {
    const bool two = i + 1 < n;
    const uint32_t x = (uint32_t{p[i]} << 16) | (two ? uint32_t{p[i + 1]} << 8 : 0);
    *o++ = alphabet[x >> 18];
    *o++ = alphabet[(x >> 12) & 63];
    *o++ = two ? alphabet[(x >> 6) & 63] : '=';
    *o++ = '=';
  }
}

void append_hex(std::string& out, std::string_view bytes) {
  const size_t at = out.size();
  out.resize(at + bytes.size() * 2);
  char* o = out.data() + at;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    *o++ = kHexLower[c >> 4];
    *o++ = kHexLower[c & 0xF];
  }
}

}  // namespace cdc::event::json
