#include "PendingRows.h"

#include "Sqlite.h"

namespace seam {

std::int64_t PendingRows::count(Kind kind)
{
    std::int64_t& n = m_counts[int(kind)];
    if (n < 0) {
        // Each is served by a partial index of just the waiting rows.
        static const char* const counts[] = {
            "SELECT count(*) FROM resources WHERE page_load_id IS NULL AND page_load_key IS NOT NULL",
            "SELECT count(*) FROM rum_errors WHERE page_load_id IS NULL AND page_load_key IS NOT NULL",
            "SELECT count(*) FROM actions WHERE page_load_id IS NULL AND page_load_key IS NOT NULL",
            "SELECT count(*) FROM long_tasks WHERE page_load_id IS NULL AND page_load_key IS NOT NULL",
            "SELECT count(*) FROM pending_vitals",
            "SELECT count(*) FROM resources WHERE trace IS NULL AND trace_lo IS NOT NULL",
        };
        n = m_db.queryInt(counts[int(kind)]);
    }
    return n;
}

} // namespace seam
