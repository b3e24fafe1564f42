#include "PageLoadTraces.h"

#include "Sqlite.h"

#include <algorithm>

namespace seam {

PageLoadTraces PageLoadTraces::load(Database& db, qint64 pageLoadId)
{
    PageLoadTraces result;
    result.pageLoadId = pageLoadId;

    Statement pageLoad = db.prepare("SELECT route, duration_ns, services FROM page_loads WHERE id = ?1");
    pageLoad.bind(1, pageLoadId);
    if (pageLoad.step()) {
        result.route = QString::fromUtf8(pageLoad.text(0));
        if (!pageLoad.isNull(1))
            result.duration = pageLoad.int64(1);
        result.services = QString::fromUtf8(pageLoad.text(2));
    }

    // The document's own trace first (it holds the server render), then what its calls reached.
    // UNION ALL keeps that order; a trace reached twice is listed once.
    Statement traces = db.prepare("SELECT trace FROM page_loads WHERE id = ?1 AND trace IS NOT NULL "
                                  "UNION ALL "
                                  "SELECT l.trace FROM resources r JOIN links l ON l.resource_id = r.id "
                                  "WHERE r.page_load_id = ?1");
    traces.bind(1, pageLoadId);
    while (traces.step()) {
        const qint64 trace = traces.int64(0);
        if (std::find(result.traces.begin(), result.traces.end(), trace) == result.traces.end())
            result.traces.push_back(trace);
    }
    return result;
}

} // namespace seam
