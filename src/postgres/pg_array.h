// PostgreSQL array literal parsing ("{1,NULL,\"a,b\"}", nested dimensions, optional "[0:1]=" bounds).
// Rules from the docs, "Arrays" -> "Array Value Input": elements separated by ',', double quotes around
// elements containing special characters, backslash escapes the next character, unquoted NULL is null,
// whitespace around unquoted elements is ignored.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cdc::pg {

// Calls `element` for each element in order (nullopt = NULL) and writes the array's JSON shape around the
// elements into `out`: "[", ",", "]" (nested arrays become nested JSON arrays). The element callback
// appends the element's JSON. Throws DecodeError on a malformed literal.
using ArrayElementWriter = std::function<void(std::optional<std::string_view> element, std::string& out)>;
void render_array_json(std::string_view literal, const ArrayElementWriter& element, std::string& out);

}  // namespace cdc::pg
