#pragma once

#include "LatestRequestWorker.h"
#include "ServiceRatesData.h"

#include <QObject>
#include <memory>
#include <string>

namespace seam {

/// Reads the service rates of a selection off the GUI thread, as WaterfallLoader reads a waterfall: one
/// worker serving the latest request only, results of superseded requests dropped (generation counter),
/// a read-only connection of its own per job.
class ServiceRatesLoader : public QObject
{
    Q_OBJECT

public:
    explicit ServiceRatesLoader(const QString& cachePath, QObject* parent = nullptr);
    /// Waits for a running job (a few hundred rollup rows per service: milliseconds).
    ~ServiceRatesLoader() override;

    /// Starts loading; a request with pageLoadId 0 cancels whatever was asked before.
    void load(ServiceRatesRequest request);
    bool isLoading() const { return m_loading; }

    /// The work of one job, on the calling thread. Throws SqliteError.
    static ServiceRatesData loadNow(const std::string& cachePath, const ServiceRatesRequest& request);

signals:
    void loaded(std::shared_ptr<const seam::ServiceRatesData> data);
    void failed(qint64 pageLoadId, const QString& message);

private:
    void work(quint64 generation, const ServiceRatesRequest& request); // on the worker thread
    void deliver(quint64 generation, qint64 pageLoadId, std::shared_ptr<const ServiceRatesData> result,
                 const QString& error);

    const std::string m_cachePath;
    quint64 m_generation = 0; // GUI thread: the request whose result is wanted
    bool m_loading = false;

    LatestRequestWorkerOf<ServiceRatesRequest> m_worker; // last: its thread starts once the rest exists
};

} // namespace seam
