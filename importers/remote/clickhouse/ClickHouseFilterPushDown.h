#pragma once

// The page-load filter (PageLoadFilter) pushed down to ClickHouse for a filtered pull: a predicate over
// the aliases of documentLoadSelectList() that every page load matching the filter satisfies, so the
// server sends only the sessions of candidate page loads. Terms map onto the documentLoad row's columns
// with the rules the "Why?" counts use (ClickHouseLoadColumns): url, duration, version and country
// exactly, route and bare words as a narrowing (the route is derived from the URL by Seam's own rules,
// which SQL does not repeat, so the URL must contain each of the route's literal segments); the other
// fields (browser, errors, status, lcp, service, ...) need what the pull brings (parsed user agents,
// resources, linked traces) and stay local. Whatever the server was sent, the whole filter is applied
// to the cache after the pull, so the answer is right either way; pushing only saves bytes.
// Values travel as typed parameters ({f0:String}, {f1:Int64}); no user text enters the SQL.

#include "ClickHouseClient.h"

#include <QString>
#include <QStringList>
#include <cstdint>

namespace seam {
class Database;
class PageLoadFilter;
} // namespace seam

namespace seam::remote {

struct ServerFilter
{
    /// A boolean ClickHouse expression over load_url, load_duration, ... ; empty when nothing could be
    /// pushed (every page load of the window is a candidate).
    QString predicate;
    QueryParams params;    ///< the predicate's values, by parameter name
    QStringList pushed;    ///< terms (as typed) the server evaluates
    QStringList localOnly; ///< terms only the cache can evaluate
    /// The server's predicate selects exactly the matching page loads (every term mapped exactly, none
    /// left out); otherwise it selects a superset and the local filter narrows it.
    bool exact = false;
};

/// The push-down of a valid, non-empty filter; an empty ServerFilter for an empty or invalid one.
ServerFilter pushDownFilter(const PageLoadFilter& filter);

/// The local half: the page loads of the cache started in [fromNs, toNs) that the whole filter matches
/// (what a filtered pull reports as matched, and what the window shows with that filter).
std::int64_t countMatchingPageLoads(Database& db, const PageLoadFilter& filter, std::int64_t fromNs,
                                    std::int64_t toNs);

} // namespace seam::remote
