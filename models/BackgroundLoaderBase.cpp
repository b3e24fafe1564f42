#include "BackgroundLoaderBase.h"

#include "Store.h"

#include <sqlite3.h>

namespace seam {
namespace {

/// What the progress handler of a running job compares.
struct RunningJob
{
    const std::atomic<quint64>* latest;
    quint64 generation;
};

// SQLite calls this every few thousand VM steps: a statement of a superseded job stops there (with
// SQLITE_INTERRUPT, which the job's statement throws).
int interruptWhenStale(void* context)
{
    const auto* job = static_cast<const RunningJob*>(context);
    return job->latest->load() != job->generation ? 1 : 0;
}

} // namespace

BackgroundLoaderBase::BackgroundLoaderBase(const QString& cachePath, QObject* parent)
    : QObject(parent), m_cachePath(cachePath.toStdString()), m_thread([this] { run(); })
{}

BackgroundLoaderBase::~BackgroundLoaderBase()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_pending.reset();
    }
    m_latest.store(0); // generations start at 1: interrupts a running job
    m_wake.notify_one();
    m_thread.join();
    // A result posted meanwhile is discarded with this object's posted events.
}

void BackgroundLoaderBase::start(Job job)
{
    ++m_generation;
    m_latest.store(m_generation);
    m_loading = true;
    {
        std::lock_guard lock(m_mutex);
        m_pending.emplace(m_generation, std::move(job));
    }
    m_wake.notify_one();
}

void BackgroundLoaderBase::cancel()
{
    ++m_generation;
    m_latest.store(m_generation);
    m_loading = false;
    std::lock_guard lock(m_mutex);
    m_pending.reset();
}

void BackgroundLoaderBase::run()
{
    for (;;) {
        std::pair<quint64, Job> next;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || m_pending.has_value(); });
            if (m_stop)
                return;
            next = std::move(*m_pending);
            m_pending.reset();
        }
        runJob(next.first, next.second);
    }
}

void BackgroundLoaderBase::runJob(quint64 generation, const Job& job)
{
    if (generation != m_latest.load())
        return; // superseded while it waited
    // The result travels to the GUI thread by value (a shared pointer to const data): nothing built
    // here is touched on this thread once it is posted.
    QVariant result;
    QString error;
    RunningJob running{&m_latest, generation}; // outlives the connection that points at it
    try {
        Database db = store::openForReading(m_cachePath);
        sqlite3_progress_handler(db.handle(), 1000, &interruptWhenStale, &running);
        result = job(db);
    } catch (const std::exception& e) {
        if (generation != m_latest.load())
            return; // interrupted: nobody waits for it
        error = QString::fromUtf8(e.what());
        if (error.isEmpty())
            error = QStringLiteral("unknown error");
    }
    QMetaObject::invokeMethod(
        this, [this, generation, result = std::move(result), error] { deliver(generation, result, error); },
        Qt::QueuedConnection);
}

void BackgroundLoaderBase::deliver(quint64 generation, const QVariant& result, const QString& error)
{
    if (generation != m_generation)
        return; // the user has moved on
    m_loading = false;
    if (error.isEmpty())
        emit loaded(result);
    else
        emit failed(error);
}

} // namespace seam
