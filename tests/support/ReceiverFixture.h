// A live receiver on a loopback port and a raw HTTP client for it: what tst_receiver (content) and
// tst_receiverhttp (the HTTP layer and hostile clients) share.
#pragma once

#include "LiveReceiver.h"
#include "OtlpTestData.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <zlib.h>

namespace seam::test {

struct Reply
{
    int status = 0; // 0: no answer
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool closed = false;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        return {};
    }
};

/// Reads one response (or notices the connection closing) within timeoutMs.
inline Reply readReply(QTcpSocket& s, int timeoutMs = 5000, QByteArray* carry = nullptr)
{
    Reply r;
    QByteArray buf = carry ? *carry : QByteArray();
    QElapsedTimer t;
    t.start();
    qsizetype headerEnd = -1;
    qint64 length = -1;
    for (;;) {
        if (headerEnd < 0) {
            headerEnd = buf.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
                const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                r.status = first.value(1).toInt();
                for (int i = 1; i < lines.size(); ++i) {
                    const qsizetype colon = lines[i].indexOf(':');
                    if (colon > 0)
                        r.headers.append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
                }
                length = r.header("Content-Length").isEmpty() ? 0 : r.header("Content-Length").toLongLong();
                if (r.status == 100) { // interim: skip it
                    buf.remove(0, headerEnd + 4);
                    headerEnd = -1;
                    r = Reply{};
                    continue;
                }
            }
        }
        if (headerEnd >= 0 && buf.size() >= headerEnd + 4 + length) {
            r.body = buf.mid(headerEnd + 4, length);
            if (carry)
                *carry = buf.mid(headerEnd + 4 + length);
            return r;
        }
        if (s.state() != QAbstractSocket::ConnectedState && s.bytesAvailable() == 0) {
            r.closed = true;
            return r;
        }
        const int left = timeoutMs - int(t.elapsed());
        if (left <= 0)
            return r;
        if (s.bytesAvailable() == 0)
            s.waitForReadyRead(std::min(left, 100));
        buf += s.readAll();
    }
}

/// True when the server closed the connection within timeoutMs.
inline bool waitClosed(QTcpSocket& s, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
        s.waitForReadyRead(50);
        s.readAll();
    }
    return s.state() != QAbstractSocket::ConnectedState;
}

inline QByteArray request(const QByteArray& method, const QByteArray& path, const QByteArray& body,
                          const QByteArray& contentType, const QList<QByteArray>& extraHeaders = {})
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!contentType.isEmpty())
        r += "Content-Type: " + contentType + "\r\n";
    for (const QByteArray& h : extraHeaders)
        r += h + "\r\n";
    r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return r;
}

inline QByteArray tracesProto(int spans, const std::string& service = "svc")
{
    return QByteArray::fromStdString(traces(spans, service).SerializeAsString());
}

inline QByteArray spanJson(const char* traceId, const char* spanId)
{
    return QByteArray(R"({"traceId":")") + traceId + R"(","spanId":")" + spanId +
           R"(","name":"GET /x","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"})";
}

inline QByteArray tracesJson(const QList<QByteArray>& spans)
{
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"js"}}]},"scopeSpans":[{"spans":[)" +
           spans.join(',') + "]}]}]}";
}

/// Owns a writer and a receiver on a fresh cache per test, and talks to it over real sockets.
class ReceiverFixture : public QObject
{
protected:
    QTemporaryDir m_dir;
    int m_dbCount = 0;
    QString m_db;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<LiveReceiver> m_receiver;

    LiveOptions quickOptions() const
    {
        LiveOptions o;
        o.headerTimeoutMs = 600;
        o.bodyStallTimeoutMs = 600;
        o.bodyTimeoutMs = 3000;
        o.idleTimeoutMs = 3000;
        o.corsOrigins = {QStringLiteral("https://shop.example")};
        o.allowedHosts = {QStringLiteral("x")}; // the hand-written requests below say "Host: x"
        o.inferLinksIntervalMs = 0;
        return o;
    }

    void startReceiver(const LiveOptions& options, StoreWriter::Options writerOptions = {})
    {
        m_receiver.reset();
        m_writer.reset();
        m_db = m_dir.filePath(QStringLiteral("live%1.seam").arg(++m_dbCount));
        m_writer = std::make_unique<StoreWriter>(m_db.toStdString(), writerOptions);
        m_receiver = std::make_unique<LiveReceiver>(*m_writer);
        QVERIFY2(m_receiver->start(QHostAddress::LocalHost, 0, options),
                 qPrintable(m_receiver->errorString()));
        QVERIFY(m_receiver->port() != 0);
    }

    std::unique_ptr<QTcpSocket> connectClient()
    {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(QHostAddress::LocalHost, m_receiver->port());
        if (!s->waitForConnected(3000))
            qWarning("connect failed: %s", qPrintable(s->errorString()));
        return s;
    }

    Reply send(const QByteArray& bytes, int timeoutMs = 5000)
    {
        auto s = connectClient();
        s->write(bytes);
        s->waitForBytesWritten(3000);
        return readReply(*s, timeoutMs);
    }

    qint64 count(const char* table)
    {
        m_writer->flush();
        Database db = store::openForReading(m_db.toStdString());
        return db.queryInt(std::string("SELECT count(*) FROM ") + table);
    }

    /// The server still answers a normal request (after something hostile).
    void verifyStillServing()
    {
        const Reply r = send(request("POST", "/v1/traces", tracesProto(1), "application/x-protobuf"));
        QCOMPARE(r.status, 200);
    }
};

} // namespace seam::test
