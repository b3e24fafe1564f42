#include "LiveController.h"

#include "StoreWriter.h"

#include <QHostAddress>
#include <QLocale>
#include <QSettings>
#include <QTimer>

namespace seam {
namespace {

const QString kHostKey = QStringLiteral("live/host");
const QString kPortKey = QStringLiteral("live/port");
const QString kOriginsKey = QStringLiteral("live/corsOrigins");
const QString kAllowedHostsKey = QStringLiteral("live/allowedHosts");
constexpr int kRefreshIntervalMs = 1000;

} // namespace

LiveController::LiveController(QObject* parent) : QObject(parent), m_refresh(new QTimer(this))
{
    // A commit starts the timer; more commits while it runs are folded into its one refresh.
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(kRefreshIntervalMs);
    connect(m_refresh, &QTimer::timeout, this, [this] {
        if (m_pendingRefresh) {
            m_pendingRefresh = false;
            emit refreshWanted();
            m_refresh->start();
        }
    });
}

LiveController::~LiveController()
{
    stop();
}

LiveController::Settings LiveController::loadSettings()
{
    QSettings settings;
    Settings s;
    s.host = settings.value(kHostKey, s.host).toString();
    s.port = quint16(settings.value(kPortKey, s.port).toUInt());
    s.corsOrigins = settings.value(kOriginsKey).toStringList();
    s.allowedHosts = settings.value(kAllowedHostsKey).toStringList();
    return s;
}

void LiveController::saveSettings(const Settings& s)
{
    QSettings settings;
    settings.setValue(kHostKey, s.host);
    settings.setValue(kPortKey, s.port);
    settings.setValue(kOriginsKey, s.corsOrigins);
    settings.setValue(kAllowedHostsKey, s.allowedHosts);
}

bool LiveController::start(const QString& cachePath, const Settings& settings)
{
    stop();
    m_error.clear();
    const QHostAddress address(settings.host);
    if (address.isNull()) {
        m_error = tr("'%1' is not an IP address").arg(settings.host);
        return false;
    }
    try {
        m_writer = std::make_unique<StoreWriter>(cachePath.toStdString());
    } catch (const std::exception& e) {
        m_error = QString::fromStdString(e.what());
        return false;
    }
    m_receiver = std::make_unique<LiveReceiver>(*m_writer);
    connect(m_receiver.get(), &LiveReceiver::statsChanged, this, &LiveController::statsArrived);
    connect(m_receiver.get(), &LiveReceiver::committed, this, [this] {
        m_pendingRefresh = true;
        if (!m_refresh->isActive()) {
            m_pendingRefresh = false;
            emit refreshWanted();
            m_refresh->start();
        }
    });
    LiveOptions options;
    options.corsOrigins = settings.corsOrigins;
    options.allowedHosts = settings.allowedHosts;
    if (!m_receiver->start(address, settings.port, options)) {
        m_error = m_receiver->errorString();
        m_receiver.reset();
        m_writer.reset();
        return false;
    }
    m_cachePath = cachePath;
    m_stats = {};
    emit statusChanged(statusText());
    return true;
}

void LiveController::stop()
{
    if (!m_receiver)
        return;
    m_receiver->stop();
    m_receiver.reset();
    m_writer.reset(); // commits what is queued
    m_refresh->stop();
    m_pendingRefresh = false;
    m_cachePath.clear();
    emit refreshWanted(); // the last commits
    emit statusChanged(QString());
    emit stopped();
}

std::vector<LiveRejection> LiveController::rejections() const
{
    return m_receiver ? m_receiver->rejections() : std::vector<LiveRejection>();
}

QString LiveController::listenUrl() const
{
    return m_receiver ? m_receiver->url().toString() : QString();
}

void LiveController::statsArrived(const LiveStats& stats)
{
    m_stats = stats;
    emit statusChanged(statusText());
}

QString LiveController::statusText() const
{
    if (!m_receiver)
        return {};
    const QLocale locale;
    return tr("Live on %1 · %2 spans/s · %3 records · %4 rejected · queue %5")
        .arg(m_receiver->url().authority(), locale.toString(qint64(m_stats.spansPerSecond)),
             locale.toString(qulonglong(m_stats.acceptedRecords)),
             locale.toString(qulonglong(m_stats.rejectedRecords + m_stats.failedRequests)),
             locale.toString(qulonglong(m_stats.queuedRecords)));
}

} // namespace seam
