#pragma once

#include <QtGlobal>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace seam {

/// One worker thread that serves only the most recent request: a request that arrives while an older
/// one waits replaces it, so clicking quickly through a list never queues work for rows the user has
/// left. Requests carry the caller's generation number, which the caller compares when results come
/// back to drop those of superseded requests. The job runs on the worker thread.
class LatestRequestWorker
{
public:
    using Job = std::function<void(quint64 generation, qint64 id)>;

    explicit LatestRequestWorker(Job job) : m_job(std::move(job)), m_thread([this] { run(); }) {}
    /// Waits for a running job.
    ~LatestRequestWorker()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    LatestRequestWorker(const LatestRequestWorker&) = delete;
    LatestRequestWorker& operator=(const LatestRequestWorker&) = delete;

    /// Replaces any waiting request; id 0 just drops the waiting one.
    void request(quint64 generation, qint64 id)
    {
        {
            std::lock_guard lock(m_mutex);
            if (id != 0)
                m_request.emplace(generation, id);
            else
                m_request.reset();
        }
        m_wake.notify_one();
    }

private:
    void run()
    {
        for (;;) {
            std::pair<quint64, qint64> next;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || m_request.has_value(); });
                if (m_stop)
                    return;
                next = *m_request;
                m_request.reset();
            }
            m_job(next.first, next.second);
        }
    }

    Job m_job;
    std::mutex m_mutex; // guards the fields below
    std::condition_variable m_wake;
    std::optional<std::pair<quint64, qint64>> m_request; // generation, id
    bool m_stop = false;
    std::thread m_thread; // last: started once the rest exists
};

} // namespace seam
