#include "WaterfallLoader.h"

#include "Store.h"

namespace seam {

WaterfallLoader::WaterfallLoader(const QString& cachePath, QObject* parent)
    : QObject(parent), m_cachePath(cachePath.toStdString()), m_worker([this] { run(); })
{}

WaterfallLoader::~WaterfallLoader()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_worker.join();
}

void WaterfallLoader::load(qint64 pageLoadId)
{
    ++m_generation;
    m_loading = pageLoadId != 0;
    {
        std::lock_guard lock(m_mutex);
        if (pageLoadId != 0)
            m_request.emplace(m_generation, pageLoadId);
        else
            m_request.reset();
    }
    m_wake.notify_one();
}

WaterfallData WaterfallLoader::loadNow(const std::string& cachePath, qint64 pageLoadId)
{
    Database db = store::openForReading(cachePath);
    return WaterfallData::load(db, pageLoadId);
}

void WaterfallLoader::run()
{
    for (;;) {
        std::pair<quint64, qint64> request;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || m_request.has_value(); });
            if (m_stop)
                return;
            request = *m_request;
            m_request.reset();
        }
        // The result travels to the GUI thread by pointer: nothing built here stays shared with this
        // thread once it is posted (its QStrings are only ever touched there afterwards).
        std::shared_ptr<const WaterfallData> result;
        QString error;
        try {
            result = std::make_shared<const WaterfallData>(loadNow(m_cachePath, request.second));
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, request, result = std::move(result), error] {
                deliver(request.first, request.second, result, error);
            },
            Qt::QueuedConnection);
    }
}

void WaterfallLoader::deliver(quint64 generation, qint64 pageLoadId,
                              std::shared_ptr<const WaterfallData> result, const QString& error)
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
