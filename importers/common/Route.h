#pragma once

#include <string>
#include <string_view>

namespace seam {

/// The route a URL belongs to, for grouping page loads and requests: the path only (no scheme, host,
/// query or fragment) with identifier-like segments replaced by ":id", so /product/12345 and
/// /product/67890 compare equal. Identifier-like: all digits, a UUID, hex of 8+ characters with a
/// digit, or a 16+ character token mixing letters and digits. A trailing slash is dropped.
std::string routeFromUrl(std::string_view url);

/// Whether one path segment looks like an identifier rather than a name.
bool isIdentifierSegment(std::string_view segment);

} // namespace seam
