#pragma once
// The one base64 decoder of the importers: OTLP/Jaeger JSON bytes values (strict) and HAR response
// bodies (lenient prefix). Both alphabets (standard and URL-safe) are accepted, since exporters use both.

#include <cstddef>
#include <string>
#include <string_view>

namespace seam {

/// Decodes all of `in` into `out` (padding ends it). False on a character outside the alphabets:
/// bytes fields in JSON must be clean.
bool decodeBase64(std::string_view in, std::string& out);

/// Decodes until `maxOut` bytes are produced or the input ends or is malformed; whitespace is
/// skipped (MIME line breaks in HAR bodies).
std::string decodeBase64Prefix(std::string_view in, std::size_t maxOut);

} // namespace seam
