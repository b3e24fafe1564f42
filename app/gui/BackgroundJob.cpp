#include "BackgroundJob.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>

namespace seam {

BackgroundJob::BackgroundJob(QWidget* parent)
    : QWidget(parent), m_progress(new QProgressBar), m_cancel(new QPushButton(tr("Cancel")))
{
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(280);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_cancelFlag)
            *m_cancelFlag = true;
        emit cancelRequested();
    });
    hide();
}

BackgroundJob::~BackgroundJob()
{
    stop();
}

bool BackgroundJob::start(Job job, std::function<void()> done)
{
    if (m_worker.joinable())
        return false;
    m_cancelFlag = std::make_shared<std::atomic<bool>>(false);
    m_progress->setValue(0);
    show();
    QPointer<BackgroundJob> self(this);
    auto cancel = m_cancelFlag;
    m_worker = std::thread([self, cancel, job = std::move(job), done = std::move(done)] {
        // Posted to the application object, not to `self`: it may be gone by the time they run.
        auto progress = [self](double fraction) {
            QMetaObject::invokeMethod(qApp, [self, fraction] {
                if (self) {
                    self->m_progress->setValue(int(fraction * 1000));
                    emit self->progressed(fraction);
                }
            });
        };
        job(*cancel, progress);
        QMetaObject::invokeMethod(qApp, [self, cancel, done] {
            if (!self || self->m_cancelFlag != cancel)
                return; // stopped: nobody waits for this end any more
            self->finish();
            done();
        });
    });
    return true;
}

void BackgroundJob::stop()
{
    if (m_cancelFlag)
        *m_cancelFlag = true;
    if (m_worker.joinable())
        m_worker.join();
    m_cancelFlag.reset();
    hide();
}

void BackgroundJob::finish()
{
    if (m_worker.joinable())
        m_worker.join();
    hide();
}

} // namespace seam
