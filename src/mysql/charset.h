// Character sets of MySQL/MariaDB columns: collation id -> charset, and conversion of column bytes to
// UTF-8. utf8mb3/utf8mb4/ascii pass through, latin1 (really cp1252) uses a table, the rest go through
// iconv. Pure functions: no I/O.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace cdc::mysql {

constexpr uint32_t kBinaryCollation = 63;

// MySQL charset name ("utf8mb4", "latin1", "binary"...) of a collation id; empty when unknown.
std::string_view charset_of_collation(uint32_t collation);
// Charset name -> a representative collation id (for names from information_schema); 0 when unknown.
uint32_t collation_of_charset(std::string_view charset);

// True when column bytes in this collation are already UTF-8 (or are kept as they are): append_utf8 copies
// them unchanged. Row decoding asks once per column, not once per value.
bool is_utf8_passthrough(uint32_t collation);

// Appends `raw`, encoded in the collation's charset, to `out` as UTF-8 (collation 0 = not sent: as is). Invalid input sequences become
// U+FFFD (the server already accepted these bytes; dropping a row over them would lose data). Throws
// DecodeError naming `what` for a collation whose charset is unknown.
void append_utf8(std::string& out, std::string_view raw, uint32_t collation, const char* what);
std::string to_utf8(std::string_view raw, uint32_t collation, const char* what);

// ASCII lower case, for the names and types information_schema spells in either case ("UTF8MB4", "INT").
std::string ascii_lower(std::string_view s);

}  // namespace cdc::mysql
