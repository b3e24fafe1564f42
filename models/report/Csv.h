#pragma once
// RFC 4180 CSV: fields with a comma, a quote, CR or LF are quoted, quotes doubled; records end with
// CRLF. One spelling for `seam export --format csv` and the GUI's "Export Table as CSV".

#include <string>
#include <string_view>
#include <vector>

namespace seam::report {

/// One field, quoted when it must be.
std::string csvField(std::string_view value);
/// One record: the fields quoted as needed, joined by commas, ended by CRLF.
std::string csvRecord(const std::vector<std::string>& fields);

} // namespace seam::report
