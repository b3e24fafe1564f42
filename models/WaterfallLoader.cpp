#include "WaterfallLoader.h"

#include "Store.h"

namespace seam {

WaterfallLoader::WaterfallLoader(const QString& cachePath, QObject* parent)
    : QObject(parent), m_cachePath(cachePath.toStdString()),
      m_worker([this](quint64 generation, qint64 id) { work(generation, id); })
{}

WaterfallLoader::~WaterfallLoader() = default; // m_worker, declared last, joins its thread first

void WaterfallLoader::load(qint64 pageLoadId)
{
    ++m_generation;
    m_loading = pageLoadId != 0;
    m_worker.request(m_generation, pageLoadId);
}

WaterfallData WaterfallLoader::loadNow(const std::string& cachePath, qint64 pageLoadId)
{
    Database db = store::openForReading(cachePath);
    return WaterfallData::load(db, pageLoadId);
}

void WaterfallLoader::work(quint64 generation, qint64 id)
{
    // The result travels to the GUI thread by pointer: nothing built here stays shared with this
    // thread once it is posted (its QStrings are only ever touched there afterwards).
    std::shared_ptr<const WaterfallData> result;
    QString error;
    try {
        result = std::make_shared<const WaterfallData>(loadNow(m_cachePath, id));
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation, id, result = std::move(result), error] { deliver(generation, id, result, error); },
        Qt::QueuedConnection);
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
