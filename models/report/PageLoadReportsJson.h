#pragma once
// `seam pageload ID --json`'s `reports`: what each source said about the page load.

#include <QJsonArray>
#include <cstdint>

namespace seam {

class Database;

/// [{source, source_id, format, key, start_ns, duration_ms, ttfb_ms, fcp_ms, lcp_ms, inp_ms, cls, trace_id,
/// matched_by, canonical}], the canonical report first. Throws SqliteError.
QJsonArray pageLoadReportsJson(Database& db, std::int64_t pageLoadId);

} // namespace seam
