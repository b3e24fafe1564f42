#pragma once

#include "LatestRequestWorker.h"
#include "WaterfallData.h"

#include <QObject>
#include <memory>
#include <optional>
#include <string>

namespace seam {

/// Reads a page load's waterfall off the GUI thread, as PageLoadTraceLoader reads its traces: one
/// worker serving the latest request only, results of superseded requests dropped (generation
/// counter), and a read-only connection of its own per job.
class WaterfallLoader : public QObject
{
    Q_OBJECT

public:
    explicit WaterfallLoader(const QString& cachePath, QObject* parent = nullptr);
    /// Waits for a running job (one page load's rows: milliseconds).
    ~WaterfallLoader() override;

    /// Starts loading `pageLoadId`; 0 cancels whatever was asked before.
    void load(qint64 pageLoadId);
    bool isLoading() const { return m_loading; }

    /// The work of one job, on the calling thread. Throws SqliteError.
    static WaterfallData loadNow(const std::string& cachePath, qint64 pageLoadId);

signals:
    void loaded(std::shared_ptr<const seam::WaterfallData> data);
    void failed(qint64 pageLoadId, const QString& message);

private:
    void work(quint64 generation, qint64 id); // on the worker thread
    void deliver(quint64 generation, qint64 pageLoadId, std::shared_ptr<const WaterfallData> result,
                 const QString& error);

    const std::string m_cachePath;
    quint64 m_generation = 0; // GUI thread: the request whose result is wanted
    bool m_loading = false;

    LatestRequestWorker m_worker; // last: its thread starts once the rest exists
};

} // namespace seam
