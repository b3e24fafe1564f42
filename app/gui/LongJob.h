#pragma once

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

namespace seam {

/// The main window's one long job at a time (an import, generating the demo, reading a cache's
/// summary) on a thread of its own, with progress and cancel.
///
/// Not a BackgroundLoader: a long job is never superseded by a newer request; the user waits for it
/// or cancels it, and the window refuses a second one meanwhile. Cancelling only sets a flag the job
/// checks in its loops, so what an import has committed stays.
class LongJob : public QObject
{
    Q_OBJECT

public:
    /// The work, on the job's thread: it checks `cancel` in its loops and reports 0..1 to `progress`.
    using Work =
        std::function<void(const std::atomic<bool>& cancel, const std::function<void(double)>& progress)>;

    explicit LongJob(QObject* parent = nullptr);
    /// Cancels a running job and waits for it; its `done` is not called.
    ~LongJob() override;

    /// From start() until `done` has been called.
    bool isRunning() const { return m_thread.joinable(); }
    /// Runs `work`; `done` follows on this object's thread once it returned. False, and nothing is
    /// started, while another job runs.
    bool start(Work work, std::function<void()> done);
    /// Asks the running job to stop.
    void cancel();

signals:
    /// The running job's progress, 0..1, on this object's thread.
    void progressed(double fraction);

private:
    void finish(const std::function<void()>& done);

    std::shared_ptr<std::atomic<bool>> m_cancel; // shared with the job's thread
    std::thread m_thread;
};

} // namespace seam
