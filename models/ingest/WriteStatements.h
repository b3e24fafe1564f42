#pragma once

#include "ManyRowsSql.h"
#include "Sqlite.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seam {

/// The write path's SQL, prepared once per writer connection: the hot loops bind and step, they never
/// parse SQL. Grouped by what they write; the Datadog id statements live with their rule in DatadogIds.
struct WriteStatements
{
    explicit WriteStatements(Database& db);

    // Dimensions and spans.
    // traceInsertWithSpans: a reserved trace row (DimensionCache) with its first spans' figures, bound
    // as traceUpdate's ?1-?8, the id's bytes ?9 and low 64 bits ?10.
    Statement serviceUpsert, operationUpsert, traceSelect, traceInsert, traceInsertWithSpans, traceUpdate,
        spanInsert, payloadInsert;
    // Sessions and page loads.
    Statement sessionUpsert, sessionSelect, sessionInsertBare, sessionExtend;
    // reportInsert / reportUpdate write one source's report of a page load (page_load_reports).
    Statement pageLoadSelect, pageLoadInsert, pageLoadPlaceUpdate, pageLoadTimingsUpdate, pageLoadRestUpdate,
        reportInsert, reportUpdate, pageLoadAt, pageLoadBefore, nextPageLoadStart, pageLoadValuesClear,
        pageLoadValueInsert;
    // What happens on a page. resourceInsertMany: kResourceRowsPerInsert rows of resourceInsert's
    // kResourceColumns columns.
    static constexpr int kResourceColumns = 23;
    static constexpr int kResourceRowsPerInsert = 16;
    Statement resourceInsert, resourceInsertMany, resourceTwin, resourceMerge, errorInsert, actionInsert,
        actionValueInsert, longTaskInsert;
    Statement pendingVitalInsert, pendingVitalsByKey, pendingVitalsBySession, logInsert;
    // Derived counters. pageLoadCounters reads a page load's counters (schema::pageLoadCountersSelect);
    // pageLoadCountsUpdate (?2 network errors, ?3 calls) and pageLoadErrorCountUpdate (?2) write them
    // when they changed.
    Statement pageLoadCounters, pageLoadCountsUpdate, pageLoadErrorCountUpdate, sessionCounters;
    /// Items that named a page load before it arrived (indexes match PendingRows::Kind 0-3: resources,
    /// rum_errors, actions, long_tasks), by key and by session and time.
    Statement adoptByKey[4], adoptByTime[4];
};

} // namespace seam
