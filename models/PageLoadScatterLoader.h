#pragma once

#include "LatestRequestWorker.h"
#include "PageLoadFilter.h"
#include "PageLoadScatterData.h"

#include <QObject>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace seam {

/// What crosses to the scatter's worker thread: a filter as SQL and values (nothing implicitly shared).
struct PageLoadScatterRequest
{
    std::string where;
    std::vector<PageLoadFilter::Value> values;
    int maxPoints = PageLoadScatterData::kDefaultMaxPoints;
};

/// Reads the page-load scatter's points off the GUI thread: one worker serving the latest request only,
/// a read-only connection of its own per job, results of superseded requests dropped (generation
/// counter) and a superseded scan interrupted mid-statement.
class PageLoadScatterLoader : public QObject
{
    Q_OBJECT

public:
    explicit PageLoadScatterLoader(const QString& cachePath, QObject* parent = nullptr);
    /// Waits for a running job (interrupted at once).
    ~PageLoadScatterLoader() override;

    /// Starts loading the page loads matching `filter` (an invalid one matches nothing).
    void load(const PageLoadFilter& filter, int maxPoints = PageLoadScatterData::kDefaultMaxPoints);
    bool isLoading() const { return m_loading; }
    /// Reads one page load's point (a primary-key lookup on the worker), for a selection the decimation
    /// left out; located() follows. 0 cancels.
    void locate(qint64 pageLoadId);

    /// The work of one job, on the calling thread. Throws SqliteError.
    static PageLoadScatterData loadNow(const std::string& cachePath, const PageLoadFilter& filter,
                                       int maxPoints = PageLoadScatterData::kDefaultMaxPoints);

signals:
    void loaded(std::shared_ptr<const seam::PageLoadScatterData> data);
    void failed(const QString& message);
    /// The point of the page load asked for with locate() (not emitted when it has no load time).
    void located(const seam::PageLoadScatterPoint& point);

private:
    using Request = PageLoadScatterRequest;

    void work(quint64 generation, const Request& request); // on the worker thread
    void deliver(quint64 generation, std::shared_ptr<const PageLoadScatterData> result, const QString& error);
    static int progress(void* self);
    void locateWork(quint64 generation, qint64 id); // on the locate worker's thread

    const std::string m_cachePath;
    quint64 m_generation = 0;          // GUI thread: the request whose result is wanted
    std::atomic<quint64> m_latest{0};  // the same, read by the worker to abandon stale scans
    std::atomic<quint64> m_running{0}; // the generation of the job being run
    bool m_loading = false;

    quint64 m_locateGeneration = 0;

    // Last: their threads start once the rest exists.
    LatestRequestWorkerOf<Request> m_worker;
    LatestRequestWorker m_locateWorker;
};

} // namespace seam
