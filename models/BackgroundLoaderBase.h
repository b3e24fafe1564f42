#pragma once

#include <QObject>
#include <QVariant>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace seam {

class Database;

/// The untyped half of BackgroundLoader: one worker thread that serves only the most recent request.
///
/// A request that arrives while an older one waits replaces it, so clicking quickly through a list
/// never queues work for rows the user has left. Every request bumps a generation: a job whose
/// generation is no longer the latest is skipped, interrupted inside SQLite (a progress handler) if it
/// is running, and its result is dropped on arrival (Hotspot's job tracker: job id + drop on arrival).
/// Each job opens its own read-only connection on the worker: SQLite connections stay on the thread
/// that made them, and a job sees what was committed before it started.
///
/// moc cannot declare a template's signals, so the result travels as a QVariant holding a
/// std::shared_ptr<const Data>; BackgroundLoader::onLoaded() hands it back typed.
class BackgroundLoaderBase : public QObject
{
    Q_OBJECT

public:
    /// Waits for a running job, interrupted at once.
    ~BackgroundLoaderBase() override;

    /// True from a request until its result (or failure) is delivered or it is cancelled.
    bool isLoading() const { return m_loading; }
    /// Forgets what was asked before: a waiting request is dropped, a running one interrupted, and
    /// nothing is delivered for either.
    void cancel();

signals:
    /// The result of the latest request, on this object's thread: a std::shared_ptr<const Data>.
    void loaded(const QVariant& data);
    /// The latest request failed (the cache could not be opened or read).
    void failed(const QString& message);

protected:
    /// Builds the result on the worker thread from the job's own connection. Throws on failure.
    using Job = std::function<QVariant(Database& db)>;

    explicit BackgroundLoaderBase(const QString& cachePath, QObject* parent = nullptr);
    /// Starts `job`, replacing a waiting one.
    void start(Job job);

private:
    void run(); // the worker thread
    void runJob(quint64 generation, const Job& job);
    void deliver(quint64 generation, const QVariant& result, const QString& error);

    const std::string m_cachePath;
    quint64 m_generation = 0;         // GUI thread: the request whose result is wanted
    bool m_loading = false;           // GUI thread
    std::atomic<quint64> m_latest{0}; // the same generation, read by the worker to abandon stale jobs
    std::mutex m_mutex;               // guards the three fields below
    std::condition_variable m_wake;
    std::optional<std::pair<quint64, Job>> m_pending;
    bool m_stop = false;
    std::thread m_thread; // last: started once the rest exists
};

} // namespace seam
