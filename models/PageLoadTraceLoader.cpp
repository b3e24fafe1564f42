#include "PageLoadTraceLoader.h"

#include "Store.h"

#include <algorithm>

namespace seam {

PageLoadTraceLoader::PageLoadTraceLoader(const QString& cachePath, QObject* parent)
    : QObject(parent), m_cachePath(cachePath.toStdString()),
      m_worker([this](quint64 generation, qint64 id) { work(generation, id); })
{}

PageLoadTraceLoader::~PageLoadTraceLoader() = default; // m_worker, declared last, joins its thread first

void PageLoadTraceLoader::load(qint64 pageLoadId)
{
    ++m_generation;
    m_loading = pageLoadId != 0;
    m_worker.request(m_generation, pageLoadId);
}

PageLoadTraces PageLoadTraceLoader::loadNow(const std::string& cachePath, qint64 pageLoadId)
{
    Database db = store::openForReading(cachePath);
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
    // UNION ALL keeps that order; FlameGraphData::load reads a repeated trace once.
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

    std::vector<std::int64_t> ids(result.traces.begin(), result.traces.end());
    result.graph = std::make_shared<const FlameGraphData>(FlameGraphData::load(db, ids));
    return result;
}

void PageLoadTraceLoader::work(quint64 generation, qint64 id)
{
    // The result travels to the GUI thread by pointer: nothing built here stays shared with this
    // thread once it is posted.
    std::shared_ptr<PageLoadTraces> result;
    QString error;
    try {
        result = std::make_shared<PageLoadTraces>(loadNow(m_cachePath, id));
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation, id, result = std::move(result), error] { deliver(generation, id, result, error); },
        Qt::QueuedConnection);
}

void PageLoadTraceLoader::deliver(quint64 generation, qint64 pageLoadId,
                                  std::shared_ptr<PageLoadTraces> result, const QString& error)
{
    if (generation != m_generation)
        return; // the user has moved on
    m_loading = false;
    if (result)
        emit loaded(*result);
    else
        emit failed(pageLoadId, error);
}

} // namespace seam
