#pragma once
// `file:` URIs for SQLite: the read-only open paths and ATTACH of a file read-only on a writer.

#include <string>

namespace seam {

/// `file:` URI of a path (made absolute) with `query` (e.g. "mode=ro"; null or empty: none): the
/// characters URIs give a meaning are escaped.
std::string fileUri(const std::string& path, const char* query);

} // namespace seam
