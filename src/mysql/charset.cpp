// Collation ids: MySQL's and MariaDB's share 1..247 (the simple charsets are listed in
// share/charsets/Index.xml); MySQL 8 adds 255..323 (utf8mb4_0900_*), MariaDB adds nopad variants at
// id+1024 and, from 10.10, UCA-14 collations in 256-id blocks per charset from 2048.
#include "mysql/charset.h"

#include <iconv.h>

#include <cctype>
#include <cerrno>
#include <map>
#include <memory>

#include "util/error.h"

namespace cdc::mysql {
namespace {

struct IdName {
  uint16_t id;
  const char* name;
};
constexpr IdName kSimple[] = {
    {1, "big5"}, {2, "latin2"}, {3, "dec8"}, {4, "cp850"}, {5, "latin1"}, {6, "hp8"}, {7, "koi8r"}, {8, "latin1"},
    {9, "latin2"}, {10, "swe7"}, {11, "ascii"}, {12, "ujis"}, {13, "sjis"}, {14, "cp1251"}, {15, "latin1"},
    {16, "hebrew"}, {18, "tis620"}, {19, "euckr"}, {20, "latin7"}, {21, "latin2"}, {22, "koi8u"}, {23, "cp1251"},
    {24, "gb2312"}, {25, "greek"}, {26, "cp1250"}, {27, "latin2"}, {28, "gbk"}, {29, "cp1257"}, {30, "latin5"},
    {31, "latin1"}, {32, "armscii8"}, {33, "utf8mb3"}, {34, "cp1250"}, {35, "ucs2"}, {36, "cp866"},
    {37, "keybcs2"}, {38, "macce"}, {39, "macroman"}, {40, "cp852"}, {41, "latin7"}, {42, "latin7"},
    {43, "macce"}, {44, "cp1250"}, {45, "utf8mb4"}, {46, "utf8mb4"}, {47, "latin1"}, {48, "latin1"},
    {49, "latin1"}, {50, "cp1251"}, {51, "cp1251"}, {52, "cp1251"}, {53, "macroman"}, {54, "utf16"},
    {55, "utf16"}, {56, "utf16le"}, {57, "cp1256"}, {58, "cp1257"}, {59, "cp1257"}, {60, "utf32"}, {61, "utf32"},
    {62, "utf16le"}, {63, "binary"}, {64, "armscii8"}, {65, "ascii"}, {66, "cp1250"}, {67, "cp1256"},
    {68, "cp866"}, {69, "dec8"}, {70, "greek"}, {71, "hebrew"}, {72, "hp8"}, {73, "keybcs2"}, {74, "koi8r"},
    {75, "koi8u"}, {76, "utf8mb3"}, {77, "latin2"}, {78, "latin5"}, {79, "latin7"}, {80, "cp850"}, {81, "cp852"},
    {82, "swe7"}, {83, "utf8mb3"}, {84, "big5"}, {85, "euckr"}, {86, "gb2312"}, {87, "gbk"}, {88, "sjis"},
    {89, "tis620"}, {90, "ucs2"}, {91, "ujis"}, {92, "geostd8"}, {93, "geostd8"}, {94, "latin1"}, {95, "cp932"},
    {96, "cp932"}, {97, "eucjpms"}, {98, "eucjpms"}, {99, "cp1250"},
};

struct Range {
  uint16_t lo, hi;
  const char* name;
};
constexpr Range kRanges[] = {
    {101, 124, "utf16"}, {128, 151, "ucs2"}, {159, 159, "ucs2"}, {160, 183, "utf32"}, {192, 215, "utf8mb3"},
    {223, 223, "utf8mb3"}, {224, 247, "utf8mb4"}, {248, 250, "gb18030"}, {255, 323, "utf8mb4"},
    // MariaDB UCA 5.2 "mysql561" and friends
    {576, 607, "utf8mb3"}, {608, 639, "utf8mb4"}, {640, 671, "ucs2"}, {672, 703, "utf16"}, {736, 767, "utf32"},
    // MariaDB 10.10+ UCA 14.0.0
    {2048, 2303, "utf8mb3"}, {2304, 2559, "utf8mb4"}, {2560, 2815, "ucs2"}, {2816, 3071, "utf16"},
    {3072, 3327, "utf32"},
};

// MySQL charset -> iconv name, for the charsets that need iconv.
constexpr std::pair<const char*, const char*> kIconvNames[] = {
    {"big5", "BIG5"}, {"latin2", "ISO-8859-2"}, {"cp850", "CP850"}, {"hp8", "HP-ROMAN8"}, {"koi8r", "KOI8-R"},
    {"ujis", "EUC-JP"}, {"sjis", "SJIS"}, {"cp1251", "CP1251"}, {"hebrew", "ISO-8859-8"}, {"tis620", "TIS-620"},
    {"euckr", "EUC-KR"}, {"latin7", "ISO-8859-13"}, {"koi8u", "KOI8-U"}, {"gb2312", "EUC-CN"},
    {"greek", "ISO-8859-7"}, {"cp1250", "CP1250"}, {"gbk", "GBK"}, {"cp1257", "CP1257"}, {"latin5", "ISO-8859-9"},
    {"armscii8", "ARMSCII-8"}, {"ucs2", "UCS-2BE"}, {"cp866", "CP866"}, {"macce", "MAC-CENTRALEUROPE"},
    {"macroman", "MACINTOSH"}, {"cp852", "CP852"}, {"utf16", "UTF-16BE"}, {"utf16le", "UTF-16LE"},
    {"cp1256", "CP1256"}, {"utf32", "UTF-32BE"}, {"geostd8", "GEORGIAN-PS"}, {"cp932", "CP932"},
    {"eucjpms", "EUC-JP-MS"}, {"gb18030", "GB18030"},
};

// MySQL's latin1 is cp1252, except that the five bytes cp1252 leaves undefined map to C1 controls.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | cp >> 6));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | cp >> 12));
    out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void latin1_to_utf8(std::string& out, std::string_view raw) {
  for (unsigned char c : raw) {
    if (c >= 0x80 && c < 0xA0) put_utf8(out, kCp1252High[c - 0x80]);
    else put_utf8(out, c);
  }
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

// One converter per charset and thread: iconv_open is costly, and iconv_t is not thread-safe.
iconv_t converter(const char* iconv_name) {
  thread_local std::map<std::string, std::unique_ptr<void, IconvCloser>> cache;
  auto it = cache.find(iconv_name);
  if (it == cache.end()) {
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    if (cd == reinterpret_cast<iconv_t>(-1)) return cd;
    it = cache.emplace(iconv_name, std::unique_ptr<void, IconvCloser>(cd)).first;
  }
  return static_cast<iconv_t>(it->second.get());
}

void iconv_to_utf8(std::string& out, std::string_view raw, const char* iconv_name, const char* what) {
  iconv_t cd = converter(iconv_name);
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw DecodeError(std::string(what) + ": charset " + iconv_name + " is not available for conversion");
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  char* in = const_cast<char*>(raw.data());
  size_t in_left = raw.size();
  char buf[1024];
  while (in_left > 0) {
    char* o = buf;
    size_t o_left = sizeof buf;
    size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buf, static_cast<size_t>(o - buf));
    if (rc == static_cast<size_t>(-1) && errno != E2BIG) {
      out.append("\xEF\xBF\xBD");  // U+FFFD for an invalid or truncated sequence, then resynchronise
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
}

}  // namespace

std::string_view charset_of_collation(uint32_t id) {
  if (id >= 1024 && id < 2048) id -= 1024;  // MariaDB _nopad_ variants
  for (const auto& s : kSimple)
    if (s.id == id) return s.name;
  for (const auto& r : kRanges)
    if (id >= r.lo && id <= r.hi) return r.name;
  return {};
}

uint32_t collation_of_charset(std::string_view cs) {
  if (cs == "utf8" || cs == "utf8mb3") return 33;
  for (const auto& s : kSimple)
    if (cs == s.name) return s.id;
  for (const auto& r : kRanges)
    if (cs == r.name) return r.lo;
  return 0;
}

bool is_utf8_passthrough(uint32_t collation) {
  // 0: the server sent no charset (binlog_row_metadata absent, before 8.0.1): assume UTF-8.
  if (collation == 0) return true;
  std::string_view cs = charset_of_collation(collation);
  return cs == "utf8mb4" || cs == "utf8mb3" || cs == "ascii" || cs == "binary";
}

void append_utf8(std::string& out, std::string_view raw, uint32_t collation, const char* what) {
  if (is_utf8_passthrough(collation)) {
    out.append(raw);  // already UTF-8 (the writer replaces invalid sequences)
    return;
  }
  std::string_view cs = charset_of_collation(collation);
  if (cs == "latin1") return latin1_to_utf8(out, raw);
  for (const auto& [name, iconv_name] : kIconvNames)
    if (cs == name) return iconv_to_utf8(out, raw, iconv_name, what);
  throw DecodeError(std::string(what) + ": collation id " + std::to_string(collation) +
                    (cs.empty() ? std::string(" is unknown") : " (charset " + std::string(cs) + ") is not supported"));
}

std::string to_utf8(std::string_view raw, uint32_t collation, const char* what) {
  std::string out;
  append_utf8(out, raw, collation, what);
  return out;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace cdc::mysql
