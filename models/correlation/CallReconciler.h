#pragma once

#include "Sqlite.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace seam {

/// One request, one call (issue 17): when several instrumentations of a page report the same page load,
/// they also report its calls: an OpenTelemetry fetch span, a Datadog resource, a HAR entry of the same
/// request. Each stays a resources row of its own (what that source said); the rows of one request are
/// grouped, one of them stands for the call (`merged_into` NULL) and the others name it. The waterfall,
/// resource_count, linked_count and the network errors count the call once.
///
/// Two reports of different reporters are the same request when they carry the same trace id, else when
/// they are of the same kind (document, fetch/XHR, other), name the same URL (urlKey) and method (where both
/// know it) and start within kTolerance of each other once each source's clock offset (its report's start
/// of the page load against the canonical start) is taken off. A request that two others fit equally well
/// (within kTie) stays on its own. The grouping is recomputed from the page load's rows whenever they change,
/// ordered by reporter, time and key rather than row id: the same whatever the import order, re-imports and
/// live arrivals included.
///
/// The row that stands for the call: one with a trace id (the link to the backend hangs on it), then by the
/// reporter order of page loads (OTel, Datadog, Faro, other, HAR).
class CallReconciler
{
public:
    static constexpr std::int64_t kTolerance = 500'000'000LL;
    static constexpr std::int64_t kTie = 50'000'000LL;

    explicit CallReconciler(Database& db);

    /// Regroups the calls of one page load; true when any row's call changed.
    bool reconcile(std::int64_t pageLoad);

    /// The URL as two instrumentations of one page may spell it differently: scheme and host lower-case,
    /// no default port, no fragment, no trailing slash on the path, an empty query dropped.
    static std::string urlKey(std::string_view url);
    /// Registers urlKey() as the SQL function seam_url_key(url) on a connection.
    static void registerUrlKey(Database& db);

private:
    Database& m_db;
    Statement m_offsets, m_rows, m_traceOfRow, m_setMergedInto;
};

} // namespace seam
