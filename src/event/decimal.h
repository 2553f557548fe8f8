// Decimal digit text ("-123.4500", "NaN") rendered the three ways decimal_handling allows. Sources keep
// decimals as text (exact, any size: MySQL DECIMAL(65,30), PostgreSQL numeric up to 1000 declared digits
// and far more unconstrained); only the writer turns them into Connect's binary form.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace cdc::event::decimal {

enum class Special : uint8_t { none, nan, pos_inf, neg_inf };

struct Parts {
  bool negative = false;
  std::string_view int_digits;   // without sign or leading zeros; may be empty (zero)
  std::string_view frac_digits;  // as written, trailing zeros kept
  Special special = Special::none;
};

// Accepts [+-]digits[.digits], ".5", "5.", and NaN / Infinity / -Infinity (PostgreSQL's spellings).
bool parse(std::string_view text, Parts& out);

// Connect Decimal: base64 of the minimal big-endian two's-complement unscaled integer (Java
// BigInteger.toByteArray) after rescaling to `scale`, quoted. False when the value has non-zero digits
// beyond `scale` or is special (NaN/Infinity cannot be represented); nothing is appended then.
bool append_connect_decimal(std::string& out, const Parts& p, int scale);

// io.debezium.data.VariableScaleDecimal payload {"scale":s,"value":"<base64>"}, trailing fraction zeros
// stripped first (as Debezium's stripTrailingZeros + setScale(0) does). False for special values.
bool append_variable_scale(std::string& out, const Parts& p);

// decimal_handling=string: BigDecimal.toPlainString after raising the scale to `scale` (never lowering
// it), quoted. Specials are written as "NaN", "Infinity", "-Infinity".
void append_plain(std::string& out, const Parts& p, int scale);

// decimal_handling=double. Specials map to NaN / ±infinity.
double to_double(std::string_view text, const Parts& p);

}  // namespace cdc::event::decimal
