// The live receiver's HTTP layer over real loopback sockets: keep-alive, chunked bodies, 100-continue,
// limits, backpressure (acknowledged only once committed), and hostile clients (garbage, lying lengths,
// slow headers and bodies, gzip bombs, huge headers, too many connections).

#include "ReceiverFixture.h"
#include "opentelemetry/proto/rpc/status.pb.h"

#include <future>
#include <thread>

using namespace seam;
using namespace seam::test;

class TestReceiverHttp : public ReceiverFixture
{
    Q_OBJECT

private slots:
    void init() { startReceiver(quickOptions()); }
    void cleanup()
    {
        m_receiver.reset();
        m_writer.reset();
    }

    void keepAliveAndPipelining()
    {
        auto s = connectClient();
        const QByteArray one = request("POST", "/v1/traces", tracesProto(1, "a"), "application/x-protobuf");
        const QByteArray two = request("POST", "/v1/traces", tracesProto(2, "b"), "application/x-protobuf");
        s->write(one + two); // pipelined
        QByteArray carry;
        QCOMPARE(readReply(*s, 5000, &carry).status, 200);
        QCOMPARE(readReply(*s, 5000, &carry).status, 200);
        s->write(request("POST", "/v1/traces", tracesProto(1, "c"), "application/x-protobuf"));
        QCOMPARE(readReply(*s, 5000, &carry).status, 200);
        QCOMPARE(s->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(m_receiver->stats().requests, 3u);
    }

    void chunkedBody()
    {
        const QByteArray body = tracesProto(4);
        QByteArray req = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n";
        for (qsizetype i = 0; i < body.size(); i += 50) {
            const QByteArray part = body.mid(i, 50);
            req += QByteArray::number(part.size(), 16) + ";ext=1\r\n" + part + "\r\n";
        }
        req += "0\r\nX-Trailer: 1\r\n\r\n";
        QCOMPARE(send(req).status, 200);
        QCOMPARE(count("spans"), 4);
    }

    void expectContinue()
    {
        auto s = connectClient();
        const QByteArray body = tracesProto(2);
        s->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nExpect: "
                 "100-continue\r\n"
                 "Content-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n");
        QVERIFY(s->waitForReadyRead(3000));
        QVERIFY(s->readAll().startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        s->write(body);
        QCOMPARE(readReply(*s).status, 200);
    }

    void bodyLimit()
    {
        LiveOptions o = quickOptions();
        o.maxBodyBytes = 64 * 1024;
        startReceiver(o);
        // Announced too big: refused before the body is read.
        const Reply big =
            send(request("POST", "/v1/traces", QByteArray(100 * 1024, 'x'), "application/x-protobuf"));
        QCOMPARE(big.status, 413);
        // Chunked past the limit.
        QByteArray chunked = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 3; ++i)
            chunked += "8000\r\n" + QByteArray(0x8000, 'y') + "\r\n";
        QCOMPARE(send(chunked).status, 413);
        // A gzip bomb: 1 KiB on the wire, 16 MiB of zeros inflated. The limit applies after gzip.
        const QByteArray bomb =
            QByteArray::fromStdString(gzip(std::string(16 << 20, '\0'), Z_BEST_COMPRESSION));
        QVERIFY(bomb.size() < 64 * 1024);
        const Reply b =
            send(request("POST", "/v1/traces", bomb, "application/x-protobuf", {"Content-Encoding: gzip"}));
        QCOMPARE(b.status, 413);
        google::rpc::Status status;
        QVERIFY(status.ParseFromArray(b.body.constData(), int(b.body.size())));
        QCOMPARE(status.code(), 8);
        const QByteArray deflateBomb = qCompress(QByteArray(16 << 20, '\0'), 9).mid(4);
        QVERIFY(deflateBomb.size() < 64 * 1024);
        QCOMPARE(send(request("POST", "/v1/traces", deflateBomb, "application/x-protobuf",
                              {"Content-Encoding: deflate"}))
                     .status,
                 413);
        verifyStillServing();
    }

    void backpressureAcknowledgesOnlyCommitted()
    {
        StoreWriter::Options w;
        w.maxQueuedRecords = 5;
        startReceiver(quickOptions(), w);
        // Hold the writer in a transaction so nothing commits.
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
        std::promise<void> holding;
        std::thread blocker([&] {
            m_writer->runInTransaction([&](Database&) {
                holding.set_value();
                released.wait();
            });
        });
        holding.get_future().wait();

        auto first = connectClient();
        first->write(request("POST", "/v1/traces", tracesProto(3, "first"), "application/x-protobuf"));
        // Queued but not committed: no answer yet.
        const Reply early = readReply(*first, 400);
        QCOMPARE(early.status, 0);
        QVERIFY(!early.closed);

        // The queue holds 3 of 5: four more do not fit.
        const Reply busy =
            send(request("POST", "/v1/traces", tracesProto(4, "second"), "application/x-protobuf"));
        QCOMPARE(busy.status, 503);
        QCOMPARE(busy.header("Retry-After"), QByteArray("1"));
        google::rpc::Status status;
        QVERIFY(status.ParseFromArray(busy.body.constData(), int(busy.body.size())));
        QCOMPARE(status.code(), 14);

        release.set_value();
        blocker.join();
        QCOMPARE(readReply(*first).status, 200);
        QCOMPARE(count("spans"), 3);
        QCOMPARE(m_receiver->stats().busyRequests, 1u);
    }

    void inFlightBudget()
    {
        LiveOptions o = quickOptions();
        o.maxInFlightBytes = 100 * 1024;
        startReceiver(o);
        // One client announces 80 KiB and sends it slowly; a second one's 80 KiB does not fit.
        auto slow = connectClient();
        slow->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                    "Content-Length: 81920\r\n\r\nabc");
        slow->waitForBytesWritten(1000);
        QTest::qWait(100);
        const Reply r =
            send(request("POST", "/v1/traces", QByteArray(80 * 1024, 'z'), "application/x-protobuf"));
        QCOMPARE(r.status, 503);
        QVERIFY(!r.header("Retry-After").isEmpty());
        slow->abort();
        QTest::qWait(200); // the budget comes back when the connection goes
        verifyStillServing();
    }

    // --- hostile clients ---

    void garbage()
    {
        for (const QByteArray& junk :
             {QByteArray("\x16\x03\x01\x02\xfc\x03\x03 TLS hello\r\n\r\n"), QByteArray("HELLO\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/2.0\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nNo colon here\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: "
                         "chunked\r\n\r\n0\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                         "chunked\r\n\r\nzz\r\n"),
              QByteArray(4096, '\0')}) {
            auto s = connectClient();
            s->write(junk);
            const Reply r = readReply(*s, 3000);
            QVERIFY2(r.status == 400 || r.status == 501 || r.status == 413 || r.status == 408,
                     junk.left(40).toHex());
            QVERIFY(waitClosed(*s, 3000));
        }
        verifyStillServing();
        QCOMPARE(count("spans"), 1);
    }

    void lyingContentLength()
    {
        // Promises more than it sends, then stalls: 408 after the stall timeout, connection closed.
        auto s = connectClient();
        s->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                 "Content-Length: 100000\r\n\r\n" +
                 tracesProto(2));
        QElapsedTimer t;
        t.start();
        const Reply r = readReply(*s, 5000);
        QCOMPARE(r.status, 408);
        QVERIFY(t.elapsed() < 3000);
        QVERIFY(waitClosed(*s, 3000));
        // Promises less than it sends: the rest is taken as the next request, which is garbage.
        auto t2 = connectClient();
        const QByteArray body = tracesProto(2);
        t2->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  "application/x-protobuf\r\nContent-Length: " +
                  QByteArray::number(body.size()) + "\r\n\r\n" + body + "trailing junk\r\n\r\n");
        QByteArray carry;
        QCOMPARE(readReply(*t2, 5000, &carry).status, 200);
        QCOMPARE(readReply(*t2, 5000, &carry).status, 400);
        QCOMPARE(count("spans"), 2);
    }

    void slowHeaders()
    {
        // Slowloris: a byte every 100 ms never finishes the headers in time.
        auto slow = connectClient();
        const QByteArray head = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        QElapsedTimer t;
        t.start();
        bool closed = false;
        for (qsizetype i = 0; i < head.size() && !closed; ++i) {
            slow->write(head.mid(i, 1));
            slow->waitForBytesWritten(100);
            QTest::qWait(100);
            closed = slow->state() != QAbstractSocket::ConnectedState || slow->bytesAvailable() > 0;
            if (i == 2) // others are served meanwhile
                verifyStillServing();
        }
        const Reply r = readReply(*slow, 2000);
        QVERIFY(r.status == 408 || r.closed);
        QVERIFY(t.elapsed() < 4000);
        QVERIFY(waitClosed(*slow, 2000));
    }

    void slowBody()
    {
        // Headers fine, body trickles: total body time is bounded even while bytes keep coming.
        LiveOptions o = quickOptions();
        o.bodyStallTimeoutMs = 1000;
        o.bodyTimeoutMs = 800;
        startReceiver(o);
        auto s = connectClient();
        s->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: "
                 "application/x-protobuf\r\nContent-Length: 1000\r\n\r\n");
        QElapsedTimer t;
        t.start();
        while (s->state() == QAbstractSocket::ConnectedState && s->bytesAvailable() == 0 &&
               t.elapsed() < 4000) {
            s->write("x");
            s->waitForReadyRead(100);
        }
        const Reply r = readReply(*s, 2000);
        QCOMPARE(r.status, 408);
        QVERIFY(t.elapsed() < 3000);
    }

    void hugeHeaders()
    {
        const Reply line = send("POST /v1/traces?" + QByteArray(20000, 'a') + " HTTP/1.1\r\n\r\n");
        QCOMPARE(line.status, 414);
        const Reply big = send("POST /v1/traces HTTP/1.1\r\nX-Big: " + QByteArray(70000, 'b') + "\r\n\r\n");
        QCOMPARE(big.status, 431);
        QByteArray many = "POST /v1/traces HTTP/1.1\r\n";
        for (int i = 0; i < 150; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        QCOMPARE(send(many + "\r\n").status, 431);
        // Endless header bytes without a newline are cut off at the limit, not buffered.
        auto s = connectClient();
        s->write("POST /v1/traces HTTP/1.1\r\nX-Endless: ");
        for (int i = 0; i < 20; ++i)
            s->write(QByteArray(8192, 'c'));
        const Reply r = readReply(*s, 3000);
        QCOMPARE(r.status, 431);
        verifyStillServing();
    }

    void tooManyConnections()
    {
        LiveOptions o = quickOptions();
        o.maxConnections = 10;
        startReceiver(o);
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 10; ++i)
            idle.push_back(connectClient());
        QTest::qWait(200);
        // The eleventh is told to come back later and closed.
        auto extra = connectClient();
        const Reply r = readReply(*extra, 3000);
        QCOMPARE(r.status, 503);
        QVERIFY(waitClosed(*extra, 2000));
        idle.clear(); // the idle ones go away: room again
        QTest::qWait(300);
        verifyStillServing();
    }

    void idleConnectionsClosed()
    {
        LiveOptions o = quickOptions();
        o.idleTimeoutMs = 300;
        startReceiver(o);
        auto s = connectClient();
        QVERIFY(waitClosed(*s, 3000));
    }

    void stopDrainsPending()
    {
        // A request being committed when stop() is called is answered, and stored.
        StoreWriter::Options w;
        startReceiver(quickOptions(), w);
        auto s = connectClient();
        s->write(request("POST", "/v1/traces", tracesProto(20), "application/x-protobuf"));
        s->waitForBytesWritten(1000);
        QTest::qWait(50);
        m_receiver->stop();
        const Reply r = readReply(*s, 3000);
        QVERIFY(r.status == 200 || r.status == 0); // answered, or never received before the drain
        if (r.status == 200)
            QCOMPARE(count("spans"), 20);
        // The stream is recorded as a source.
        Database db = store::openForReading(m_db.toStdString());
        QCOMPARE(db.queryInt("SELECT count(*) FROM sources WHERE kind = 'live' AND status = 'done'"), 1);
    }
};

QTEST_GUILESS_MAIN(TestReceiverHttp)
#include "tst_receiverhttp.moc"
