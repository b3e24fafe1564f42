#include "SessionJourneyLoader.h"

#include "Store.h"

namespace seam {

SessionJourneyLoader::SessionJourneyLoader(const QString& cachePath, QObject* parent)
    : QObject(parent), m_cachePath(cachePath.toStdString()),
      m_worker(
          [this](quint64 generation, const SessionJourneyRequest& request) { work(generation, request); })
{}

SessionJourneyLoader::~SessionJourneyLoader() = default; // m_worker, declared last, joins its thread first

void SessionJourneyLoader::load(qint64 pageLoadId)
{
    ++m_generation;
    m_loading = pageLoadId != 0;
    if (pageLoadId != 0)
        m_worker.request(m_generation, SessionJourneyRequest{pageLoadId, m_limits});
    else
        m_worker.cancelPending();
}

SessionJourney SessionJourneyLoader::loadNow(const std::string& cachePath, qint64 pageLoadId,
                                             SessionJourney::Limits limits)
{
    Database db = store::openForReading(cachePath);
    return SessionJourney::load(db, pageLoadId, limits);
}

void SessionJourneyLoader::work(quint64 generation, const SessionJourneyRequest& request)
{
    // The result travels to the GUI thread by pointer: nothing built here stays shared with this
    // thread once it is posted.
    std::shared_ptr<const SessionJourney> result;
    QString error;
    try {
        result =
            std::make_shared<const SessionJourney>(loadNow(m_cachePath, request.pageLoadId, request.limits));
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation, id = request.pageLoadId, result = std::move(result), error] {
            deliver(generation, id, result, error);
        },
        Qt::QueuedConnection);
}

void SessionJourneyLoader::deliver(quint64 generation, qint64 pageLoadId,
                                   std::shared_ptr<const SessionJourney> result, const QString& error)
{
    if (generation != m_generation)
        return; // the user has moved on
    m_loading = false;
    if (result)
        emit loaded(result);
    else
        emit failed(pageLoadId, error);
}

} // namespace seam
