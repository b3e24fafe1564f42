#pragma once

#include "Ids.h"

#include <optional>
#include <string_view>

namespace seam {

/// ISO 8601 / RFC 3339 date-time as HAR, Datadog and Faro write it ("2016-06-24T18:06:38.604Z",
/// "2010-09-28T20:13:39.238+02:00", up to nanosecond fractions). No zone = UTC.
std::optional<TimeNs> parseIsoTime(std::string_view text);

} // namespace seam
