#include "PageLoadCsv.h"

#include "Csv.h"
#include "Format.h"
#include "MarkupText.h"
#include "Sqlite.h"

namespace seam::report {
namespace {

// Column names follow `seam pageloads --json` (README), flattened: the session's fields inline.
const std::vector<std::string> kHeader = {
    "id",           "key",        "url",      "route",       "start_ns", "start",       "duration_ms",
    "ttfb_ms",      "fcp_ms",     "lcp_ms",   "cls",         "inp_ms",   "error_count", "resource_count",
    "linked_count", "backend_ms", "services", "session_key", "user_id",  "browser",     "browser_version",
    "os",           "device",     "country",  "app_version"};

std::string text(const Statement& s, int col)
{
    return s.isNull(col) ? std::string() : std::string(s.text(col));
}

std::string integer(const Statement& s, int col)
{
    return s.isNull(col) ? std::string() : std::to_string(s.int64(col));
}

std::string ms(const Statement& s, int col)
{
    return s.isNull(col) ? std::string() : number(double(s.int64(col)) / 1e6, 6);
}

} // namespace

std::int64_t writePageLoadsCsv(Database& db, const PageLoadFilter& filter, std::optional<std::int64_t> from,
                               std::optional<std::int64_t> to,
                               const std::function<void(const std::string&)>& out)
{
    std::string sql =
        "SELECT p.id, resource_key_text(p.key), p.url, p.route, p.start_ns, p.duration_ns, p.ttfb_ns, "
        "p.fcp_ns, p.lcp_ns, "
        "p.cls, p.inp_ns, p.error_count, p.resource_count, p.linked_count, p.backend_ns, p.services, "
        "s.key, s.user_id, s.browser, s.browser_version, s.os, s.device, s.country, s.app_version "
        "FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id WHERE (" +
        filter.sql() + ")";
    int index = int(filter.values().size()) + 1;
    if (from)
        sql += " AND p.start_ns >= ?" + std::to_string(index++);
    if (to)
        sql += " AND p.start_ns < ?" + std::to_string(index++);
    sql += " ORDER BY p.start_ns, p.id";
    Statement q = db.prepare(sql);
    int next = filter.bind(q);
    if (from)
        q.bind(next++, *from);
    if (to)
        q.bind(next++, *to);
    out(csvRecord(kHeader));
    std::int64_t rows = 0;
    while (q.step()) {
        out(csvRecord({integer(q, 0),
                       text(q, 1),
                       text(q, 2),
                       text(q, 3),
                       integer(q, 4),
                       isoTime(q.int64(4)).toStdString(),
                       ms(q, 5),
                       ms(q, 6),
                       ms(q, 7),
                       ms(q, 8),
                       q.isNull(9) ? std::string() : number(q.real(9), 6),
                       ms(q, 10),
                       integer(q, 11),
                       integer(q, 12),
                       integer(q, 13),
                       ms(q, 14),
                       text(q, 15),
                       text(q, 16),
                       text(q, 17),
                       text(q, 18),
                       text(q, 19),
                       text(q, 20),
                       text(q, 21),
                       text(q, 22),
                       text(q, 23)}));
        ++rows;
    }
    return rows;
}

} // namespace seam::report
