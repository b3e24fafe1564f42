#pragma once

#include "HttpParser.h"
#include "HttpResponse.h"
#include "ImportReport.h"
#include "LiveReceiver.h"
#include "OtlpResponses.h"
#include "ReceiverRouting.h"
#include "RequestPolicy.h"
#include "StreamMemory.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

class QTcpServer;
class QTcpSocket;
class QTimer;

namespace seam {
class StoreWriter;
}

namespace seam::live {

class ReceiverServer;

/// State shared by the receiver, its network thread and its decoders.
struct ReceiverShared
{
    ReceiverShared(StoreWriter& w, LiveOptions o) : writer(w), options(std::move(o)) {}

    StoreWriter& writer;
    const LiveOptions options;
    std::int64_t sourceId = 0;
    QThreadPool decoders;
    /// What readers remember from one request to the next (Faro's navigations).
    StreamMemory memory;

    std::atomic<std::uint64_t> requests{0}, acceptedSpans{0}, acceptedLogs{0}, acceptedRecords{0},
        rejectedRecords{0}, failedRequests{0}, refusedRequests{0}, busyRequests{0}, metricsRequests{0};
    std::atomic<int> connections{0};

    /// The commit callback reaches the server through this (cleared before the server goes away).
    std::mutex serverMutex;
    ReceiverServer* server = nullptr;

    std::mutex reportMutex;
    ImportReport report; // what the whole stream brought, for the sources row
    /// The latest refused requests and rejected records, with their reasons (guarded by reportMutex).
    std::deque<LiveRejection> rejections;
    static constexpr std::size_t kMaxRejections = 500;
    /// Keeps one (the oldest goes beyond kMaxRejections). Thread-safe.
    void noteRejection(const QByteArray& request, const QString& reason, std::uint64_t count = 1);
};

/// What a decoder made of a request body.
struct DecodeResult
{
    Response response;
    std::uint64_t sequence = 0; // the writer's batch; 0 = nothing to wait for
    std::uint64_t spans = 0, logs = 0, records = 0, rejected = 0;
    qint64 reservedBytes = 0; // in-flight budget to give back
    ImportReport report;
    QByteArray requestLine; // DecodeJob::requestLine
    QByteArray failure;     // why the request was refused as a whole (4xx), for LiveReceiver::rejections()
};

/// The HTTP side of LiveReceiver: lives in the network thread. Not thread-safe except where said.
class ReceiverServer : public QObject
{
    Q_OBJECT
public:
    explicit ReceiverServer(std::shared_ptr<ReceiverShared> shared);
    ~ReceiverServer() override;

    bool listen(const QHostAddress& address, quint16 port, QString* error, quint16* actualPort);
    /// Stops accepting and closes connections without a request in progress; answers the rest.
    void beginDrain();
    /// Closes every connection (after a drain).
    void closeAll();
    /// Thread-safe: a drain has started and nothing is being decoded or waiting for a commit.
    bool isDrained() const { return m_drained.load(); }
    /// Thread-safe: the writer committed up to `sequence` (called from the commit callback).
    void notifyCommitted(std::uint64_t sequence, bool failed, const QString& error);

private:
    struct Connection;

    void onNewConnections();
    void onReadable(quint64 id);
    void process(Connection& c);
    /// Returns false when it answered (and the request ends here). In ReceiverAdmission.cpp.
    bool onHeaders(Connection& c);
    void dispatch(Connection& c);
    void onDecoded(quint64 id, DecodeResult result);
    void onCommitted(std::uint64_t sequence, bool failed, const QString& error);
    void finish(quint64 id, DecodeResult& result);
    void respond(Connection& c, Response response);
    Response errorResponse(const Connection& c, int status, const QByteArray& message) const;
    void closeConnection(Connection& c, bool abort);
    void shutdownWrite(Connection& c);
    /// The answer for a request whose batch's commit failed (nothing of it is stored).
    void markUncommitted(DecodeResult& result, const QString& error) const;
    void sweep();
    void updateDrained();
    qint64 now() const { return m_clock.elapsed(); }

    std::shared_ptr<ReceiverShared> m_shared;
    RequestPolicy m_policy; // set once listening: it needs the address and port
    QTcpServer* m_listener = nullptr;
    QTimer* m_sweepTimer = nullptr;
    QElapsedTimer m_clock;
    std::unordered_map<quint64, std::unique_ptr<Connection>> m_connections;
    quint64 m_nextId = 1;
    qint64 m_inFlightBytes = 0;
    int m_decoding = 0;
    std::multimap<std::uint64_t, std::pair<quint64, DecodeResult>> m_waiting; // by writer sequence
    /// The last commit callback handled here (commits are reported in order), and the sequence ranges
    /// (first, last] whose commit failed, newest last, a few kept.
    std::uint64_t m_lastCommitSeen = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> m_failedRanges;
    QString m_lastCommitError;
    bool m_draining = false;
    std::atomic<bool> m_drained{false};
};

} // namespace seam::live
