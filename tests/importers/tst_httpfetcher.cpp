// HttpFetcher (importers/remote/common) against a loopback server: it asks for gzip and decodes it
// itself, so the reports can count what travelled (wire) beside what was read (decoded); the body cap
// holds after decoding (a small gzip answer that expands past it is refused, not buffered); a body
// that says gzip but is not, fails with a reason.

#include "HttpFetcher.h"
#include "LoopbackHttpServer.h"

#include <QTest>
#include <zlib.h>

using namespace seam;

namespace {

QByteArray gzip(const QByteArray& data)
{
    z_stream z{};
    deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY); // 15 + 16: gzip framing
    QByteArray out(qsizetype(deflateBound(&z, uLong(data.size()))), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray rows(int n)
{
    QByteArray out;
    for (int i = 0; i < n; ++i)
        out += R"({"ts":")" + QByteArray::number(1795165200000000000LL + i * 1000) +
               R"(","service":"checkout","name":"GET /api/cart"})" + '\n';
    return out;
}

remote::HttpRequest get(quint16 port, qint64 cap = qint64(16) << 20)
{
    remote::HttpRequest r;
    r.url = QUrl(QStringLiteral("http://127.0.0.1:%1/q").arg(port));
    r.timeoutMs = 20000;
    r.maxBodyBytes = cap;
    return r;
}

} // namespace

class TestHttpFetcher : public QObject
{
    Q_OBJECT

private slots:
    void gzipAnswersAreDecodedAndCountedAsSent()
    {
        const QByteArray text = rows(5000);
        const QByteArray packed = gzip(text);
        QByteArray askedFor;
        test::LoopbackHttpServer server([&](const test::HttpRequestSeen& req) {
            askedFor = req.header("Accept-Encoding");
            return test::HttpReply{200, "text/plain", packed, {{"Content-Encoding", "gzip"}}};
        });
        remote::HttpFetcher fetcher;
        const remote::HttpResponse r = fetcher.fetch(get(server.port()));
        QVERIFY2(r.ok(), qPrintable(r.transportError));
        QCOMPARE(askedFor, QByteArray("gzip"));
        QCOMPARE(r.body, text);
        QCOMPARE(fetcher.bytesReceived(), qint64(text.size()));
        // The compressed body plus the status line and headers, not the decoded size.
        QVERIFY(fetcher.wireBytesReceived() >= packed.size());
        QVERIFY2(fetcher.wireBytesReceived() < packed.size() + 400,
                 qPrintable(QString::number(fetcher.wireBytesReceived())));
        QVERIFY(fetcher.wireBytesReceived() * 5 < fetcher.bytesReceived());
        QVERIFY(fetcher.bytesSent() > 0);
    }

    void plainAnswersCountTheirSize()
    {
        const QByteArray text = rows(100);
        test::LoopbackHttpServer server([&](const test::HttpRequestSeen&) {
            return test::HttpReply{200, "text/plain", text, {}};
        });
        remote::HttpFetcher fetcher;
        const remote::HttpResponse r = fetcher.fetch(get(server.port()));
        QVERIFY2(r.ok(), qPrintable(r.transportError));
        QCOMPARE(r.body, text);
        QVERIFY(fetcher.wireBytesReceived() > text.size());
        QCOMPARE(fetcher.bytesReceived(), qint64(text.size()));
    }

    void theCapHoldsAfterDecoding()
    {
        // 64 MiB of zeros travel as ~64 KiB: under the 1 MiB cap on the wire, far over it decoded.
        const QByteArray bomb = gzip(QByteArray(64 << 20, '\0'));
        QVERIFY(bomb.size() < (1 << 20));
        test::LoopbackHttpServer server([&](const test::HttpRequestSeen&) {
            return test::HttpReply{200, "text/plain", bomb, {{"Content-Encoding", "gzip"}}};
        });
        remote::HttpFetcher fetcher;
        const remote::HttpResponse r = fetcher.fetch(get(server.port(), qint64(1) << 20));
        QVERIFY(!r.ok());
        QVERIFY2(r.transportError.contains(QStringLiteral("cap")), qPrintable(r.transportError));
        QVERIFY(r.body.isEmpty());
    }

    void aBodyThatIsNotWhatItSaysFails()
    {
        test::LoopbackHttpServer server([&](const test::HttpRequestSeen&) {
            return test::HttpReply{200, "text/plain", "plain text", {{"Content-Encoding", "gzip"}}};
        });
        remote::HttpFetcher fetcher;
        const remote::HttpResponse r = fetcher.fetch(get(server.port()));
        QVERIFY(!r.ok());
        QVERIFY2(r.transportError.contains(QStringLiteral("gzip")), qPrintable(r.transportError));
    }
};

QTEST_GUILESS_MAIN(TestHttpFetcher)
#include "tst_httpfetcher.moc"
