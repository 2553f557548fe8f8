// "Did you mean …?" for misspelt keys and enum values.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace cdc::config {

// Levenshtein distance (insert, delete, substitute; all cost 1).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo; else "".
std::string nearest(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace cdc::config
