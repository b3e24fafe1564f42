#include "RemoteChartPushDown.h"

#include "ClickHouseRollupPull.h"
#include "ImportReport.h"
#include "Investigation.h"
#include "SourceRun.h"
#include "StoreWriter.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QWidget>

namespace seam {

RemoteChartPushDown::RemoteChartPushDown(QWidget* window, Hooks hooks)
    : QObject(window), m_window(window), m_hooks(std::move(hooks))
{}

void RemoteChartPushDown::follow(const QString& cachePath, Investigation* investigation)
{
    disconnect(m_selection);
    delete m_loader;
    m_loader = nullptr;
    m_investigation = investigation;
    m_cachePath = cachePath;
    if (!investigation)
        return;
    m_loader = new RemoteRollupGapsLoader(cachePath, this);
    m_loader->onLoaded(this, [this](const std::shared_ptr<const RemoteRollupGaps>& gaps) {
        if (gaps)
            gapsLoaded(*gaps);
    });
    m_selection =
        connect(investigation, &Investigation::changed, this, [this](Investigation::Changes changes) {
            if ((changes & Investigation::PageLoadChanged) && m_investigation && m_loader)
                m_loader->load({m_investigation->selectedPageLoad()});
        });
    if (investigation->selectedPageLoad() != 0)
        m_loader->load({investigation->selectedPageLoad()});
}

void RemoteChartPushDown::rememberCredentials(const QString& source, const QString& user,
                                              const QString& password)
{
    if (!password.isEmpty() || !user.isEmpty())
        m_credentials.insert(source, {user, password});
}

bool RemoteChartPushDown::credentials(const QString& source, QString& user, QString& password,
                                      const QString& reason)
{
    Credentials c;
    if (!credentialsFor(source, c, reason))
        return false;
    user = c.user;
    password = c.password;
    return true;
}

bool RemoteChartPushDown::credentialsFor(const QString& source, Credentials& out, const QString& reason)
{
    QString error;
    const auto parsed = remote::ClickHouseSource::parse(source, error);
    if (!parsed)
        return false;
    if (m_credentials.contains(source)) {
        out = m_credentials.value(source);
        return true;
    }
    // The environment (SEAM_CLICKHOUSE_USER / _PASSWORD), as the command line takes it.
    out = {parsed->user, parsed->password};
    if (!out.password.isEmpty() || parsed->user.isEmpty())
        return true;
    if (m_declined.contains(source))
        return false;
    bool ok = false;
    const QString password =
        QInputDialog::getText(m_window, tr("ClickHouse"),
                              tr("%1 Password of %2 at %3 (kept for this window only, never saved):")
                                  .arg(reason, parsed->user, parsed->host),
                              QLineEdit::Password, QString(), &ok);
    if (!ok) {
        m_declined.insert(source);
        return false;
    }
    out.password = password;
    m_credentials.insert(source, out);
    return true;
}

void RemoteChartPushDown::gapsLoaded(const RemoteRollupGaps& gaps)
{
    if (!m_investigation || gaps.pageLoadId != m_investigation->selectedPageLoad())
        return;
    emit checked(int(gaps.stores.size()));
    if (gaps.stores.empty())
        return;
    // Never interrupt the user's own work for this: the next selection tries again.
    if (m_hooks.busy && m_hooks.busy())
        return;
    struct Ask
    {
        remote::ClickHouseSource source;
        std::vector<CoveredRange> gaps;
    };
    std::vector<Ask> asks;
    for (const RemoteRollupGaps::Store& store : gaps.stores) {
        const QString name = QString::fromStdString(store.source);
        Credentials credentials;
        QString error;
        auto source = remote::ClickHouseSource::parse(name, error);
        if (!source || !credentialsFor(name, credentials,
                                       tr("The service charts reach beyond what this "
                                          "investigation holds.")))
            continue;
        source->user = credentials.user;
        source->password = credentials.password;
        asks.push_back({*source, store.gaps});
    }
    if (asks.empty())
        return;
    auto summary = std::make_shared<QString>();
    const QString cache = m_cachePath;
    m_hooks.startJob(
        tr("Asking %1 for service rates…").arg(asks.front().source.display()),
        [cache, asks, summary](const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
            StoreWriter writer(cache.toStdString());
            std::int64_t cells = 0, bytes = 0;
            QString error;
            for (std::size_t i = 0; i < asks.size() && !cancel.load(); ++i) {
                const Ask& ask = asks[i];
                const std::string name = ask.source.display().toStdString();
                ImportReport report;
                remote::RollupPullReport pulled;
                const SourceCommits commits =
                    writeSource(writer, "clickhouse", name, report, [&](BatchSink& sink) {
                        report.format = "clickhouse";
                        pulled = remote::pullClickHouseRollups(
                            ask.source, ask.gaps, sink, &cancel, 60,
                            [&](double f) { progress((double(i) + f) / double(asks.size())); });
                        report.addAccepted(std::uint64_t(pulled.cells));
                        if (!pulled.error.isEmpty())
                            report.setFatal("", pulled.error.toStdString());
                        report.cancelled = pulled.cancelled;
                    });
                if (!commits.failed)
                    remote::recordRollupCoverage(writer, name, pulled.counted);
                cells += pulled.cells;
                bytes += pulled.bytes;
                if (error.isEmpty())
                    error = !pulled.error.isEmpty() ? pulled.error
                            : commits.failed        ? QString::fromStdString(commits.failure.describe())
                                                    : QString();
            }
            *summary = error.isEmpty()
                           ? tr("Service rates from %1: %2 rollup cells (%3 KiB)")
                                 .arg(asks.front().source.display())
                                 .arg(cells)
                                 .arg(bytes / 1024)
                           : tr("Service rates from %1 failed: %2").arg(asks.front().source.display(), error);
        },
        [this, summary] {
            if (m_hooks.refresh)
                m_hooks.refresh();
            emit finished(*summary);
        });
}

} // namespace seam
