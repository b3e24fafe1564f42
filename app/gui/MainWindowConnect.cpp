// File > Connect to a Store…: the dialog, then the pull as the window's one background job.

#include "ClickHouseSource.h"
#include "ConnectDialog.h"
#include "Investigation.h"
#include "InvestigationSummaryView.h"
#include "LinkedViews.h"
#include "LiveController.h"
#include "MainWindow.h"
#include "RemoteChartPushDown.h"
#include "RemotePullJob.h"
#include "WhyStoreCheck.h"

#include <QDateTime>
#include <QFile>
#include <QLabel>
#include <QMessageBox>

namespace seam {

void MainWindow::connectToStore()
{
    if (m_live->isRunning()) {
        QMessageBox::information(
            this, tr("Seam"),
            tr("Live data is being written into this investigation. Stop live mode (Live "
               "menu) to pull into it."));
        return;
    }
    // The window offered: the brushed range, or the last hour.
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
    std::int64_t from = now - std::int64_t(3600) * 1'000'000'000, to = now;
    std::optional<std::int64_t> pageLoad;
    if (m_investigation) {
        if (const auto& range = m_investigation->timeRange()) {
            from = range->from;
            to = range->to;
        }
        if (m_investigation->selectedPageLoad() != 0)
            pageLoad = m_investigation->selectedPageLoad();
    }
    // The filter offered: the window's own, so "pull more of what I am looking at" is one click.
    ConnectDialog dialog(from, to, pageLoad, m_investigation ? m_investigation->filterText() : QString(),
                         this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const RemotePullRequest request = dialog.request();
    if (remoteKind(request.url) == QLatin1String("ClickHouse")) {
        // The charts' push-down asks the same store later in this session without asking again.
        QString error;
        if (const auto source = remote::ClickHouseSource::parse(request.url, error))
            m_pushDown->rememberCredentials(source->display(),
                                            request.user.isEmpty() ? source->user : request.user,
                                            request.password.isEmpty() ? source->password : request.password);
    }
    const bool intoCurrent = !m_cachePath.isEmpty() && m_linked;
    const QString cache = intoCurrent
                              ? m_cachePath
                              : investigationsDir() + QStringLiteral("/pull-") +
                                    QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
                                    QStringLiteral(".seam");
    auto outcome = std::make_shared<RemotePullOutcome>();
    startJob(
        tr("Pulling from %1…").arg(remoteKind(request.url)),
        [cache, request, outcome](const std::atomic<bool>& cancel,
                                  const std::function<void(double)>& progress) {
            *outcome = runRemotePull(cache, request, cancel, progress);
        },
        [this, cache, intoCurrent, outcome, filter = request.filter] {
            // Cancel is the user's own doing: the status line says it, no warning box.
            if (!outcome->error.isEmpty() && !outcome->cancelled)
                QMessageBox::warning(
                    this, tr("Seam"),
                    tr("The pull stopped: %1\n\nWhat was fetched before is kept.").arg(outcome->error));
            // A filtered pull brings the matching page loads' whole sessions: the window shows the
            // filter's page loads, as asked, with the filter in the bar to widen.
            if (intoCurrent && m_linked && cache == m_cachePath) {
                m_linked->refresh();
                reloadSummary();
                if (!filter.isEmpty() && m_investigation)
                    m_investigation->setFilterText(filter);
            } else if (!intoCurrent && QFile::exists(cache)) {
                if (!filter.isEmpty()) {
                    auto once = std::make_shared<QMetaObject::Connection>();
                    *once = connect(this, &MainWindow::investigationOpened, this,
                                    [this, cache, filter, once](const QString& opened) {
                                        disconnect(*once);
                                        if (opened == cache && m_investigation)
                                            m_investigation->setFilterText(filter);
                                    });
                }
                openCache(cache);
            }
            QString line = outcome->summary;
            if (outcome->cancelled)
                line += tr(" (cancelled: what was committed is kept)");
            if (!outcome->skipped.isEmpty())
                line += tr("; skipped: %1").arg(outcome->skipped.join(QStringLiteral("; ")));
            m_status->setText(line);
        });
}

void MainWindow::createPushDown()
{
    RemoteChartPushDown::Hooks hooks;
    hooks.busy = [this] { return m_job->isBusy() || m_live->isRunning(); };
    hooks.startJob = [this](const QString& label, BackgroundJob::Job job, std::function<void()> done) {
        startJob(label, std::move(job), std::move(done));
    };
    hooks.refresh = [this] {
        if (m_linked)
            m_linked->refresh();
    };
    m_pushDown = new RemoteChartPushDown(this, std::move(hooks));
    connect(m_pushDown, &RemoteChartPushDown::finished, m_status, &QLabel::setText);
    m_whyStore = new WhyStoreCheck(
        [this](const QString& source, QString& user, QString& password) {
            return m_pushDown->credentials(source, user, password,
                                           tr("The Why? pane counts page loads across the store."));
        },
        this);
}

} // namespace seam
