#include "LongJob.h"

namespace seam {

LongJob::LongJob(QObject* parent) : QObject(parent) {}

LongJob::~LongJob()
{
    cancel();
    if (m_thread.joinable())
        m_thread.join();
    // What the job posted meanwhile (progress, its end) is discarded with this object's events.
}

bool LongJob::start(Work work, std::function<void()> done)
{
    if (m_thread.joinable())
        return false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_thread = std::thread([this, cancel = m_cancel, work = std::move(work), done = std::move(done)] {
        const auto progress = [this](double fraction) {
            QMetaObject::invokeMethod(
                this, [this, fraction] { emit progressed(fraction); }, Qt::QueuedConnection);
        };
        work(*cancel, progress);
        QMetaObject::invokeMethod(
            this, [this, done] { finish(done); }, Qt::QueuedConnection);
    });
    return true;
}

void LongJob::cancel()
{
    if (m_cancel)
        *m_cancel = true;
}

void LongJob::finish(const std::function<void()>& done)
{
    if (m_thread.joinable())
        m_thread.join(); // it has returned: only the thread's end is left
    done();
}

} // namespace seam
