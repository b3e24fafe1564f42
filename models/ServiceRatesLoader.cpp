#include "ServiceRatesLoader.h"

#include "Store.h"

namespace seam {

ServiceRatesLoader::ServiceRatesLoader(const QString& cachePath, QObject* parent)
    : QObject(parent), m_cachePath(cachePath.toStdString()),
      m_worker([this](quint64 generation, const ServiceRatesRequest& request) { work(generation, request); })
{}

ServiceRatesLoader::~ServiceRatesLoader() = default; // m_worker, declared last, joins its thread first

void ServiceRatesLoader::load(ServiceRatesRequest request)
{
    ++m_generation;
    m_loading = request.pageLoadId != 0;
    if (m_loading)
        m_worker.request(m_generation, std::move(request));
    else
        m_worker.cancelPending();
}

ServiceRatesData ServiceRatesLoader::loadNow(const std::string& cachePath, const ServiceRatesRequest& request)
{
    Database db = store::openForReading(cachePath);
    return ServiceRatesData::load(db, request);
}

void ServiceRatesLoader::work(quint64 generation, const ServiceRatesRequest& request)
{
    // The result travels to the GUI thread by pointer; nothing built here is touched on this thread
    // once it is posted.
    std::shared_ptr<const ServiceRatesData> result;
    QString error;
    try {
        result = std::make_shared<const ServiceRatesData>(loadNow(m_cachePath, request));
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    const qint64 id = request.pageLoadId;
    QMetaObject::invokeMethod(
        this,
        [this, generation, id, result = std::move(result), error] { deliver(generation, id, result, error); },
        Qt::QueuedConnection);
}

void ServiceRatesLoader::deliver(quint64 generation, qint64 pageLoadId,
                                 std::shared_ptr<const ServiceRatesData> result, const QString& error)
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
