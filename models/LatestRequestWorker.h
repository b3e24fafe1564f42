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
///
/// `Request` is what a job needs to know (a page-load id, or a struct of parameters); it is copied to
/// the worker thread.
template<typename Request>
class LatestRequestWorkerOf
{
public:
    using Job = std::function<void(quint64 generation, const Request& request)>;

    explicit LatestRequestWorkerOf(Job job) : m_job(std::move(job)), m_thread([this] { run(); }) {}
    /// Waits for a running job.
    ~LatestRequestWorkerOf()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    LatestRequestWorkerOf(const LatestRequestWorkerOf&) = delete;
    LatestRequestWorkerOf& operator=(const LatestRequestWorkerOf&) = delete;

    /// Replaces any waiting request.
    void request(quint64 generation, Request request)
    {
        {
            std::lock_guard lock(m_mutex);
            m_request.emplace(generation, std::move(request));
        }
        m_wake.notify_one();
    }
    /// Drops the waiting request, if any (a running job finishes; its generation is stale).
    void cancelPending()
    {
        std::lock_guard lock(m_mutex);
        m_request.reset();
    }

private:
    void run()
    {
        for (;;) {
            std::pair<quint64, Request> next;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || m_request.has_value(); });
                if (m_stop)
                    return;
                next = std::move(*m_request);
                m_request.reset();
            }
            m_job(next.first, next.second);
        }
    }

    Job m_job;
    std::mutex m_mutex; // guards the fields below
    std::condition_variable m_wake;
    std::optional<std::pair<quint64, Request>> m_request; // generation, request
    bool m_stop = false;
    std::thread m_thread; // last: started once the rest exists
};

/// The common case: a job about one row id (0 drops the waiting request instead).
class LatestRequestWorker : public LatestRequestWorkerOf<qint64>
{
public:
    using LatestRequestWorkerOf<qint64>::LatestRequestWorkerOf;

    void request(quint64 generation, qint64 id)
    {
        if (id != 0)
            LatestRequestWorkerOf<qint64>::request(generation, id);
        else
            cancelPending();
    }
};

} // namespace seam
