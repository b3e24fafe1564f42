#pragma once

#include "FlameGraphData.h"
#include "LatestRequestWorker.h"

#include <QObject>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace seam {

/// What the views need of one page load's backend: the traces it reached and their merged flamegraph.
struct PageLoadTraces
{
    qint64 pageLoadId = 0;
    QString route;
    std::optional<qint64> duration; // ns
    QString services;               // comma-separated, as page_loads.services stores it
    std::vector<qint64> traces;     // traces.id: the document's trace, then the linked resources'
    std::shared_ptr<const FlameGraphData> graph;
};

/// Resolves a page load's backend traces and lays out their flamegraph off the GUI thread.
///
/// One worker thread serves the latest request only: a click that arrives while an older page load is
/// still loading replaces the queued one, and a result that arrives for an older request than the
/// last is dropped (generation counter), so fast clicking through the table never shows a stale graph.
/// Each job opens its own read-only connection: SQLite connections stay on the thread that made them.
class PageLoadTraceLoader : public QObject
{
    Q_OBJECT

public:
    explicit PageLoadTraceLoader(const QString& cachePath, QObject* parent = nullptr);
    /// Waits for a running job (a flamegraph of one page load's traces: milliseconds).
    ~PageLoadTraceLoader() override;

    /// Starts loading `pageLoadId`; 0 cancels whatever was asked before.
    void load(qint64 pageLoadId);
    bool isLoading() const { return m_loading; }

    /// The work of one job, on the calling thread. Throws SqliteError.
    static PageLoadTraces loadNow(const std::string& cachePath, qint64 pageLoadId);

signals:
    void loaded(const seam::PageLoadTraces& result);
    void failed(qint64 pageLoadId, const QString& message);

private:
    void work(quint64 generation, qint64 id); // on the worker thread
    void deliver(quint64 generation, qint64 pageLoadId, std::shared_ptr<PageLoadTraces> result,
                 const QString& error);

    const std::string m_cachePath;
    quint64 m_generation = 0; // GUI thread: the request whose result is wanted
    bool m_loading = false;

    LatestRequestWorker m_worker; // last: its thread starts once the rest exists
};

} // namespace seam
