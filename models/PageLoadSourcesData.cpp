#include "PageLoadSourcesData.h"

#include "Sqlite.h"

namespace seam {

PageLoadSourcesData PageLoadSourcesData::load(Database& db, qint64 pageLoadId)
{
    PageLoadSourcesData data;
    data.pageLoadId = pageLoadId;
    data.reports = pageLoadReports(db, pageLoadId);
    data.calls = pageLoadCalls(db, pageLoadId);
    auto st = db.prepare(
        "SELECT error_count - network_error_count, network_error_count FROM page_loads WHERE id = ?1");
    st.bind(1, pageLoadId);
    if (st.step()) {
        data.jsErrors = st.int64(0);
        data.networkErrors = st.int64(1);
    }
    return data;
}

PropagationHealthData PropagationHealthData::load(Database& db, int)
{
    return PropagationHealthData{propagationHealth(db)};
}

} // namespace seam
