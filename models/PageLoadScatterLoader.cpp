#include "PageLoadScatterLoader.h"

#include "Store.h"

#include <sqlite3.h>

namespace seam {

PageLoadScatterLoader::PageLoadScatterLoader(const QString& cachePath, QObject* parent)
    : QObject(parent), m_cachePath(cachePath.toStdString()),
      m_worker([this](quint64 generation, const Request& request) { work(generation, request); }),
      m_locateWorker([this](quint64 generation, qint64 id) { locateWork(generation, id); })
{}

PageLoadScatterLoader::~PageLoadScatterLoader()
{
    m_latest.store(0); // interrupts a running scan; m_worker, declared last, then joins its thread
}

void PageLoadScatterLoader::load(const PageLoadFilter& filter, int maxPoints)
{
    ++m_generation;
    m_latest.store(m_generation);
    m_loading = true;
    m_worker.request(m_generation, Request{filter.sql(), filter.values(), maxPoints});
}

void PageLoadScatterLoader::locate(qint64 pageLoadId)
{
    m_locateWorker.request(++m_locateGeneration, pageLoadId);
}

void PageLoadScatterLoader::locateWork(quint64 generation, qint64 id)
{
    PageLoadScatterPoint point;
    try {
        Database db = store::openForReading(m_cachePath);
        Statement st =
            db.prepare("SELECT start_ns, duration_ns, error_count > 0, route FROM page_loads WHERE id = ?1");
        st.bindInt64(1, id);
        if (!st.step() || st.isNull(1))
            return;
        const std::string_view route = st.text(3);
        point = PageLoadScatterPoint{id, st.int64(0), st.int64(1), st.int64(2) != 0,
                                     QString::fromUtf8(route.data(), qsizetype(route.size()))};
    } catch (const std::exception&) {
        return; // the chart simply does not ring it; the scan reports a broken cache
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation, point = std::move(point)] {
            if (generation == m_locateGeneration)
                emit located(point);
        },
        Qt::QueuedConnection);
}

PageLoadScatterData PageLoadScatterLoader::loadNow(const std::string& cachePath, const PageLoadFilter& filter,
                                                   int maxPoints)
{
    Database db = store::openForReading(cachePath);
    return PageLoadScatterData::load(db, filter.sql(), filter.values(), maxPoints);
}

int PageLoadScatterLoader::progress(void* self)
{
    auto* loader = static_cast<PageLoadScatterLoader*>(self);
    return loader->m_running.load() != loader->m_latest.load() ? 1 : 0;
}

void PageLoadScatterLoader::work(quint64 generation, const Request& request)
{
    if (generation != m_latest.load())
        return;
    m_running.store(generation);
    // The result travels to the GUI thread by pointer and is only touched there afterwards.
    std::shared_ptr<const PageLoadScatterData> result;
    QString error;
    try {
        Database db = store::openForReading(m_cachePath);
        // SQLite calls this every few thousand VM steps: a scan for a superseded filter stops there.
        sqlite3_progress_handler(db.handle(), 1000, &PageLoadScatterLoader::progress, this);
        result = std::make_shared<const PageLoadScatterData>(
            PageLoadScatterData::load(db, request.where, request.values, request.maxPoints));
    } catch (const std::exception& e) {
        if (generation != m_latest.load())
            return; // interrupted: nobody waits for it
        error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this, [this, generation, result = std::move(result), error] { deliver(generation, result, error); },
        Qt::QueuedConnection);
}

void PageLoadScatterLoader::deliver(quint64 generation, std::shared_ptr<const PageLoadScatterData> result,
                                    const QString& error)
{
    if (generation != m_generation)
        return; // the filter has changed since
    m_loading = false;
    if (result)
        emit loaded(result);
    else
        emit failed(error);
}

} // namespace seam
