#pragma once

// What makes a page load, read from a documentLoad row of the exporter's otel_traces (Map attribute
// columns), as ClickHouse expressions: the URL, user agent, app version, country, duration and session
// the OTLP mapper would store for it. One home for these rules on the server side, shared by the "Why?"
// counts (ClickHouseCohortCounts) and the filtered pull's push-down (ClickHouseFilterPushDown), so that
// both select what a pull, then the cache, would.

#include <QString>

namespace seam::remote {

/// Select-list items over one row, aliased load_url, load_ua, load_version, load_country, load_duration
/// (ns) and load_session (helpers load_fi, load_li, load_fs, load_le too). Our own text only.
QString documentLoadSelectList();

/// The session key the mapper gives any browser row (span attribute session.id, else the resource's);
/// empty when neither is set (the mapper then keys the session by its resource, which SQL cannot
/// reproduce: callers treat empty as "any sessionless row").
QString sessionExpression();

/// `FROM` and `WHERE` of the window's documentLoad rows of the browser side (`browser` is
/// browserPredicate()); binds db, table, from, to.
QString documentLoadsFromWhere(const QString& browser);

} // namespace seam::remote
