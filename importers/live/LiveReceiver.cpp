#include "LiveReceiver.h"

#include "ReceiverServer.h"
#include "StoreWriter.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QThread>
#include <QTimer>
#include <algorithm>

namespace seam {

namespace {
constexpr int kStatsIntervalMs = 500;
}

LiveReceiver::LiveReceiver(StoreWriter& writer, QObject* parent) : QObject(parent), m_writer(writer)
{
    qRegisterMetaType<seam::LiveStats>();
}

LiveReceiver::~LiveReceiver()
{
    stop();
}

bool LiveReceiver::isListening() const
{
    return m_server != nullptr;
}

QUrl LiveReceiver::url() const
{
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(m_address.toString());
    u.setPort(m_port);
    return u;
}

bool LiveReceiver::start(const QHostAddress& address, quint16 port, const LiveOptions& options)
{
    if (m_server) {
        m_error = QStringLiteral("already listening");
        return false;
    }
    m_shared = std::make_shared<live::ReceiverShared>(m_writer, options);
    m_shared->decoders.setMaxThreadCount(std::max(1, options.decodeThreads));
    // Threads that stay idle keep their stacks; let them go after a while.
    m_shared->decoders.setExpiryTimeout(60'000);

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("seam-live-net"));
    m_server = new live::ReceiverServer(m_shared);
    m_server->moveToThread(m_thread);
    m_thread->start();

    bool ok = false;
    QString error;
    quint16 actualPort = 0;
    QMetaObject::invokeMethod(
        m_server, [&] { ok = m_server->listen(address, port, &error, &actualPort); },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        m_error = QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(error);
        QMetaObject::invokeMethod(
            m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_server = nullptr;
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        m_shared.reset();
        return false;
    }
    m_address = address;
    m_port = actualPort;
    m_error.clear();

    m_sourceId = m_writer.beginSource("live", url().toString().toStdString());
    m_shared->sourceId = m_sourceId;
    m_shared->server = m_server;
    std::shared_ptr<live::ReceiverShared> shared = m_shared;
    m_writer.setCommitCallback([shared](const CommitInfo& info) {
        std::lock_guard lock(shared->serverMutex);
        if (shared->server)
            shared->server->notifyCommitted(info.sequence, info.failed, QString::fromStdString(info.error));
    });

    m_finalStats = LiveStats{};
    m_finalRejections.clear();
    m_lastSpans = m_lastRecords = m_recordsAtLastInfer = 0;
    m_lastTickMs = m_lastInferMs = QDateTime::currentMSecsSinceEpoch();
    m_spansPerSecond = 0;
    m_statsTimer = new QTimer(this);
    m_statsTimer->setInterval(kStatsIntervalMs);
    connect(m_statsTimer, &QTimer::timeout, this, &LiveReceiver::tick);
    m_statsTimer->start();
    emit listening(url());
    return true;
}

void LiveReceiver::tick()
{
    if (!m_shared)
        return;
    const qint64 t = QDateTime::currentMSecsSinceEpoch();
    const std::uint64_t spans = m_shared->acceptedSpans.load();
    const std::uint64_t records = m_shared->acceptedRecords.load();
    const double seconds = std::max<qint64>(1, t - m_lastTickMs) / 1000.0;
    m_spansPerSecond = double(spans - m_lastSpans) / seconds;
    m_lastTickMs = t;
    m_lastSpans = spans;
    emit statsChanged(stats());
    if (records != m_lastRecords) {
        m_lastRecords = records;
        emit committed(records);
    }
    const int interval = m_shared->options.inferLinksIntervalMs;
    if (interval > 0 && records != m_recordsAtLastInfer && t - m_lastInferMs >= interval) {
        m_lastInferMs = t;
        m_recordsAtLastInfer = records;
        // Waits for the writer: off this thread. The pool is waited for in stop().
        StoreWriter* writer = &m_writer;
        m_shared->decoders.start([writer] { writer->inferLinks(); });
    }
}

LiveStats LiveReceiver::stats() const
{
    if (!m_shared)
        return m_finalStats;
    LiveStats s;
    s.requests = m_shared->requests;
    s.acceptedSpans = m_shared->acceptedSpans;
    s.acceptedLogs = m_shared->acceptedLogs;
    s.acceptedRecords = m_shared->acceptedRecords;
    s.rejectedRecords = m_shared->rejectedRecords;
    s.failedRequests = m_shared->failedRequests;
    s.refusedRequests = m_shared->refusedRequests;
    s.busyRequests = m_shared->busyRequests;
    s.metricsRequests = m_shared->metricsRequests;
    s.queuedRecords = m_writer.queuedRecords();
    s.committedSequence = m_writer.committedSequence();
    s.connections = m_shared->connections;
    s.spansPerSecond = m_spansPerSecond;
    return s;
}

std::vector<LiveRejection> LiveReceiver::rejections() const
{
    if (!m_shared)
        return m_finalRejections;
    std::lock_guard lock(m_shared->reportMutex);
    return {m_shared->rejections.begin(), m_shared->rejections.end()};
}

void LiveReceiver::stop(int drainTimeoutMs)
{
    if (!m_server)
        return;
    m_statsTimer->stop();
    live::ReceiverServer* server = m_server;
    QMetaObject::invokeMethod(
        server, [server] { server->beginDrain(); }, Qt::BlockingQueuedConnection);
    // Requests already received are decoded, committed and answered; nothing new is accepted.
    QElapsedTimer waited;
    waited.start();
    while (!server->isDrained() && waited.elapsed() < drainTimeoutMs)
        QThread::msleep(5);
    m_shared->decoders.waitForDone(std::max<int>(1000, drainTimeoutMs - int(waited.elapsed())));
    m_writer.flush();
    // Let the last answers go out, then close what is left.
    QMetaObject::invokeMethod(
        server, [server] { server->closeAll(); }, Qt::BlockingQueuedConnection);
    QThread::msleep(20);
    m_writer.setCommitCallback({});
    {
        std::lock_guard lock(m_shared->serverMutex);
        m_shared->server = nullptr;
    }
    QMetaObject::invokeMethod(
        server, [server] { delete server; }, Qt::BlockingQueuedConnection);
    m_server = nullptr;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;

    ImportReport report;
    {
        std::lock_guard lock(m_shared->reportMutex);
        report = m_shared->report;
    }
    if (report.format.empty())
        report.format = "otlp-http";
    m_writer.finishSource(m_sourceId, report);
    m_spansPerSecond = 0;
    m_finalStats = stats();
    m_finalRejections = rejections();
    emit statsChanged(m_finalStats);
    if (m_shared->acceptedRecords.load() != m_lastRecords)
        emit committed(m_shared->acceptedRecords.load());
    m_shared.reset();
    delete m_statsTimer;
    m_statsTimer = nullptr;
    emit stopped();
}

} // namespace seam
