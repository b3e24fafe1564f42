#pragma once
// ASCII text helpers for header values and markup that the importers scan byte by byte.

#include <cstddef>
#include <string_view>

namespace seam::text {

char lower(char c);
bool isSpace(char c);
std::string_view trim(std::string_view s);
/// Finds `needle` (lower case) in `hay` ignoring ASCII case, from `from`.
std::size_t findIgnoreCase(std::string_view hay, std::string_view needle, std::size_t from = 0);
/// Case-insensitive ASCII equality.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

} // namespace seam::text
