// `seam serve` as a script or an SDK sees it: the binary prints its address when ready, accepts
// OTLP/HTTP, drains on SIGTERM (exit 0, everything acknowledged stored), and never loses an
// acknowledged request even when killed outright.

#include "OtlpTestData.h"
#include "Sqlite.h"
#include "Store.h"
#include "TestPaths.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace seam::test;

namespace {

/// An OTLP/JSON export of one span; `n` makes it a span of its own.
QByteArray oneSpanJson(int n)
{
    return R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b716920333)" +
           QByteArray::number(n) +
           R"(","name":"x","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"}]}]}]})";
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    /// Starts `seam serve` and waits for its "listening on" line; returns the port (0 on failure).
    static quint16 start(QProcess& p, const QStringList& extra)
    {
        p.start(seam::test::seamBinary(), QStringList{QStringLiteral("serve")} + extra);
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (t.elapsed() < 10000) {
            p.waitForReadyRead(100);
            out += p.readAllStandardOutput();
            const auto m =
                QRegularExpression(QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)\\n"))
                    .match(QString::fromUtf8(out));
            if (m.hasMatch())
                return quint16(m.captured(1).toUInt());
            if (p.state() == QProcess::NotRunning)
                break;
        }
        qWarning("no ready line: %s / %s", out.constData(), p.readAllStandardError().constData());
        return 0;
    }

    /// Posts `spans` spans (distinct trace per request) on a keep-alive socket; returns the status.
    static int post(QTcpSocket& s, int request, int spans)
    {
        auto req = traces(spans, "svc");
        for (auto& span : *req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()) {
            std::string trace = traceBytes(1);
            trace[0] = char(request & 0xff);
            trace[1] = char((request >> 8) & 0xff);
            span.set_trace_id(trace);
        }
        const QByteArray body = QByteArray::fromStdString(req.SerializeAsString());
        s.write("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
                "Content-Length: " +
                QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QByteArray buf;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end >= 0) {
                const QByteArray head = buf.left(end);
                const auto m = QRegularExpression(QStringLiteral("Content-Length: (\\d+)"),
                                                  QRegularExpression::CaseInsensitiveOption)
                                   .match(QString::fromLatin1(head));
                const qsizetype length = m.hasMatch() ? m.captured(1).toLongLong() : 0;
                if (buf.size() >= end + 4 + length)
                    return head.mid(9, 3).toInt();
            }
            if (!s.waitForReadyRead(200) && s.state() != QAbstractSocket::ConnectedState)
                return 0;
            buf += s.readAll();
        }
        return 0;
    }

    static qint64 spansIn(const QString& db)
    {
        seam::Database d = seam::store::openForReading(db.toStdString());
        return d.queryInt("SELECT count(*) FROM spans");
    }

private slots:
    void usageErrors()
    {
        auto run = [](const QStringList& args) {
            QProcess p;
            p.start(seam::test::seamBinary(), QStringList{QStringLiteral("serve")} + args);
            p.waitForFinished(10000);
            return std::make_pair(p.exitCode(), p.readAllStandardError());
        };
        QCOMPARE(run({}).first, 2); // --db is required
        const auto remote = run({QStringLiteral("--db"), m_dir.filePath(QStringLiteral("x.seam")),
                                 QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")});
        QCOMPARE(remote.first, 2);
        QVERIFY(remote.second.contains("--allow-remote"));
        QCOMPARE(run({QStringLiteral("--db"), m_dir.filePath(QStringLiteral("x.seam")),
                      QStringLiteral("--listen"), QStringLiteral("nonsense:port")})
                     .first,
                 2);
        QCOMPARE(run({QStringLiteral("--db"), m_dir.filePath(QStringLiteral("x.seam")),
                      QStringLiteral("--max-body"), QStringLiteral("lots")})
                     .first,
                 2);
        // Settings that could never match what a client sends are refused, not silently kept.
        const auto origin = run({QStringLiteral("--db"), m_dir.filePath(QStringLiteral("x.seam")),
                                 QStringLiteral("--cors-origin"), QStringLiteral("localhost:3000")});
        QCOMPARE(origin.first, 2);
        QVERIFY(origin.second.contains("--cors-origin wants"));
        const auto host = run({QStringLiteral("--db"), m_dir.filePath(QStringLiteral("x.seam")),
                               QStringLiteral("--allow-host"), QStringLiteral("http://seam.test/")});
        QCOMPARE(host.first, 2);
        QVERIFY(host.second.contains("--allow-host wants"));
    }

    void sigtermDrainsAndExitsZero()
    {
        const QString db = m_dir.filePath(QStringLiteral("term.seam"));
        QProcess p;
        const quint16 port =
            start(p, {QStringLiteral("--db"), db, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--cors-origin"), QStringLiteral("http://localhost:8080")});
        QVERIFY(port != 0);
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(s.waitForConnected(3000));
        for (int i = 0; i < 10; ++i)
            QCOMPARE(post(s, i, 50), 200);
        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(15000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("stopped: 500 spans"));
        QCOMPARE(spansIn(db), 500);
        seam::Database d = seam::store::openForReading(db.toStdString());
        QCOMPARE(d.queryInt("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
        QCOMPARE(
            d.queryInt(
                "SELECT count(*) FROM sources WHERE kind = 'live' AND status = 'done' AND accepted = 500"),
            1);
    }

    void foreignPagesAndNamesAreRefused()
    {
        const QString db = m_dir.filePath(QStringLiteral("policy.seam"));
        QProcess p;
        const quint16 port =
            start(p, {QStringLiteral("--db"), db, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--allow-host"), QStringLiteral("seam.test")});
        QVERIFY(port != 0);
        // One OTLP/JSON span per request, each its own; the status of the answer.
        int n = 0;
        auto status = [&](const QByteArray& host, const QByteArray& origin = {}) {
            const QByteArray body = oneSpanJson(++n);
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            if (!s.waitForConnected(3000))
                return 0;
            s.write("POST /v1/traces HTTP/1.1\r\nHost: " + host + ':' + QByteArray::number(port) +
                    (origin.isEmpty() ? QByteArray() : QByteArray("\r\nOrigin: " + origin)) +
                    "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                    QByteArray::number(body.size()) + "\r\n\r\n" + body);
            QByteArray reply;
            while (s.waitForReadyRead(3000))
                reply += s.readAll();
            return reply.mid(9, 3).toInt();
        };
        QCOMPARE(status("127.0.0.1"), 200);
        QCOMPARE(status("localhost"), 200);
        QCOMPARE(status("seam.test"), 200);                         // --allow-host
        QCOMPARE(status("evil.example"), 421);                      // a DNS-rebound page
        QCOMPARE(status("127.0.0.1", "https://evil.example"), 403); // another site's page
        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(15000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardError().contains("2 request(s) refused for their Origin or Host"));
        QCOMPARE(spansIn(db), 3);
    }

    void sigkillLosesNothingAcknowledged()
    {
        const QString db = m_dir.filePath(QStringLiteral("kill.seam"));
        QProcess p;
        const quint16 port =
            start(p, {QStringLiteral("--db"), db, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY(port != 0);
        // Several clients; count what was acknowledged, then kill without warning while more is in flight.
        constexpr int kClients = 4;
        constexpr int kSpans = 200;
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int c = 0; c < kClients; ++c) {
            clients.push_back(std::make_unique<QTcpSocket>());
            clients.back()->connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(clients.back()->waitForConnected(3000));
        }
        int acknowledged = 0;
        for (int round = 0; round < 5; ++round)
            for (int c = 0; c < kClients; ++c)
                if (post(*clients[std::size_t(c)], round * kClients + c, kSpans) == 200)
                    ++acknowledged;
        QCOMPARE(acknowledged, 5 * kClients);
        // Requests on the wire but not answered when the process dies.
        for (int c = 0; c < kClients; ++c) {
            auto req = traces(kSpans, "late");
            const QByteArray body = QByteArray::fromStdString(req.SerializeAsString());
            clients[std::size_t(c)]->write(
                "POST /v1/traces HTTP/1.1\r\nContent-Type: application/x-protobuf\r\n"
                "Content-Length: " +
                QByteArray::number(body.size()) + "\r\n\r\n" + body);
            clients[std::size_t(c)]->flush();
        }
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(5000));
        QVERIFY(spansIn(db) >= qint64(acknowledged) * kSpans);
        seam::Database d = seam::store::openForReading(db.toStdString());
        QCOMPARE(d.queryInt("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
