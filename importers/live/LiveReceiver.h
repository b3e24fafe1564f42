#pragma once

#include <QHostAddress>
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <cstdint>
#include <memory>
#include <vector>

class QThread;
class QTimer;

namespace seam {

class StoreWriter;

namespace live {
class ReceiverServer;
struct ReceiverShared;
} // namespace live

/// Settings of the live receiver. The defaults suit `seam serve`; tests shrink the timeouts.
struct LiveOptions
{
    /// Largest body accepted, as sent and after gzip is undone (413 beyond).
    qint64 maxBodyBytes = qint64(64) << 20;
    /// Bytes of request bodies being received or decoded at once, over all connections. Beyond it
    /// new requests get 503 + Retry-After: memory stays bounded however many clients post at once.
    qint64 maxInFlightBytes = qint64(256) << 20;
    int maxConnections = 256;
    int maxRequestLine = 8 * 1024;
    int maxHeaderBytes = 64 * 1024;
    int maxHeaders = 100;
    /// A request's line and headers must arrive within this time of its first byte (slowloris).
    int headerTimeoutMs = 10'000;
    /// A body must keep arriving: no more than this between reads, and all of it within bodyTimeoutMs.
    int bodyStallTimeoutMs = 10'000;
    int bodyTimeoutMs = 120'000;
    /// A keep-alive connection without a request is closed after this.
    int idleTimeoutMs = 60'000;
    /// Seconds the client is asked to wait in Retry-After when the store is behind.
    int retryAfterSeconds = 1;
    /// Decoder threads (gzip, protobuf/JSON parsing, record mapping).
    int decodeThreads = 2;
    /// Origins allowed to post cross-origin ("scheme://host[:port]"); "*" allows any but "null", which
    /// has to be listed itself. A request with any other Origin is refused (403), whatever its route.
    QStringList corsOrigins;
    /// Names besides the listening address by which clients may reach the receiver, "NAME" (any port)
    /// or "NAME:PORT": a request whose Host names anything else is refused (421), against DNS
    /// rebinding (live::RequestPolicy).
    QStringList allowedHosts;
    /// Match calls without trace ids to backend traces this often while data keeps coming (0: only
    /// at stop).
    int inferLinksIntervalMs = 30'000;
};

/// Counters since start(); rates over the last stats interval.
struct LiveStats
{
    std::uint64_t requests = 0;        // requests answered
    std::uint64_t acceptedSpans = 0;   // committed (acknowledged) spans
    std::uint64_t acceptedLogs = 0;    // committed log records
    std::uint64_t acceptedRecords = 0; // every committed record (RUM included)
    std::uint64_t rejectedRecords = 0; // records refused inside otherwise good requests
    std::uint64_t failedRequests = 0;  // 4xx answers (bad requests, limits, timeouts)
    std::uint64_t refusedRequests = 0; // of those, refused for their Origin or Host (403, 421)
    std::uint64_t busyRequests = 0;    // 503 answers: the client retries later
    std::uint64_t metricsRequests = 0; // /v1/metrics: acknowledged, not stored
    std::uint64_t queuedRecords = 0;   // in the writer's queue now
    std::uint64_t committedSequence = 0;
    int connections = 0;
    double spansPerSecond = 0;
};

/// A request refused by the receiver (4xx: bad body, limits, Origin or Host not allowed, timeouts) or a
/// record rejected inside an accepted one, with why: what the GUI's "N rejected" opens.
struct LiveRejection
{
    qint64 atMs = 0;    // wall clock, ms since the epoch
    QByteArray request; // "POST /v1/traces"
    QString reason;     // "413: the body is larger than ...", "line 3: span without traceId"
    std::uint64_t count = 1;
};

/// The live OTLP/HTTP receiver (FORMATS.md "OTLP/HTTP"): POST /v1/traces, /v1/logs and /v1/metrics
/// in protobuf or JSON, gzip or not; RUM intake for the Datadog browser SDK's proxy option and Grafana
/// Faro (/collect) when their readers are registered (501 otherwise).
///
/// One network thread runs an event-driven HTTP/1.1 server with strict limits; a small pool decodes;
/// records go to the StoreWriter with trySubmit and a request is answered 200 only once the writer
/// has committed its batch, so nothing acknowledged is ever lost. A full writer queue or too many
/// bytes in flight answer 503 with Retry-After instead of growing memory.
///
/// The writer must outlive the receiver. Signals are emitted on the receiver's thread.
class LiveReceiver : public QObject
{
    Q_OBJECT
public:
    explicit LiveReceiver(StoreWriter& writer, QObject* parent = nullptr);
    ~LiveReceiver() override;

    /// Listens on address:port (port 0 picks a free one). Returns false with errorString() set.
    bool start(const QHostAddress& address, quint16 port, const LiveOptions& options = {});
    /// Stops accepting, answers what is being decoded or committed, closes every connection, records
    /// the source's outcome. Returns within about `drainTimeoutMs`.
    void stop(int drainTimeoutMs = 30'000);

    bool isListening() const;
    QString errorString() const { return m_error; }
    QHostAddress address() const { return m_address; }
    quint16 port() const { return m_port; }
    /// http://HOST:PORT of the listening socket.
    QUrl url() const;
    /// Counters since start() (after stop(): the final ones).
    LiveStats stats() const;
    /// The latest rejected requests and records (at most 500), oldest first; after stop(): the final ones.
    std::vector<LiveRejection> rejections() const;
    /// The `sources` row of this stream (0 before start).
    std::int64_t sourceId() const { return m_sourceId; }

signals:
    void listening(const QUrl& url);
    void stopped();
    /// About twice a second while running.
    void statsChanged(const seam::LiveStats& stats);
    /// Coalesced: at most about twice a second, when new records were committed since the last one.
    void committed(quint64 totalRecords);

private:
    void tick();

    StoreWriter& m_writer;
    std::shared_ptr<live::ReceiverShared> m_shared;
    QThread* m_thread = nullptr;
    live::ReceiverServer* m_server = nullptr; // lives in m_thread
    QTimer* m_statsTimer = nullptr;
    QString m_error;
    QHostAddress m_address;
    quint16 m_port = 0;
    std::int64_t m_sourceId = 0;
    std::uint64_t m_lastSpans = 0;
    std::uint64_t m_lastRecords = 0;
    qint64 m_lastTickMs = 0;
    qint64 m_lastInferMs = 0;
    std::uint64_t m_recordsAtLastInfer = 0;
    double m_spansPerSecond = 0;
    LiveStats m_finalStats; // what stats() says after stop()
    std::vector<LiveRejection> m_finalRejections;
};

} // namespace seam

Q_DECLARE_METATYPE(seam::LiveStats)
