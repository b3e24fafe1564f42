#pragma once

#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

class QProgressBar;
class QPushButton;

namespace seam {

/// The main window's one long job at a time (an import, the demo, reading a summary) on a worker
/// thread, shown in the status bar as a progress bar and a Cancel button while it runs. The job polls
/// its cancel flag; progress and the end are posted back to the GUI thread, and dropped once this
/// widget is gone.
class BackgroundJob : public QWidget
{
    Q_OBJECT

public:
    using Job =
        std::function<void(const std::atomic<bool>& cancel, const std::function<void(double)>& progress)>;

    explicit BackgroundJob(QWidget* parent = nullptr);
    /// Cancels a running job and waits for it.
    ~BackgroundJob() override;

    bool isBusy() const { return m_worker.joinable(); }
    /// Runs `job` off the GUI thread, then `done` on it. False (nothing started) while another runs.
    bool start(Job job, std::function<void()> done);
    /// Asks the running job to stop and waits for it; `done` is not called.
    void stop();

signals:
    /// The running job's progress, 0..1 (the landing page repeats it while the demo is generated).
    void progressed(double fraction);
    /// The user pressed Cancel: the job stops at its next check, keeping what it committed.
    void cancelRequested();

private:
    void finish();

    QProgressBar* m_progress;
    QPushButton* m_cancel;
    std::thread m_worker;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
};

} // namespace seam
