#include "ImportFormats.h"
#include "InputSource.h"
#include "OtlpTestData.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QTemporaryFile>
#include <QTest>

using namespace seam;

namespace {

std::string readAll(InputSource& in)
{
    std::string out;
    char buf[4096];
    while (std::size_t n = in.read(buf, sizeof buf))
        out.append(buf, n);
    return out;
}

/// Gzip of `size` zero bytes, compressed in 1 MiB steps so the test never holds the expanded data.
std::string gzipZeros(std::size_t size, const std::string& prefix = {})
{
    z_stream zs{};
    deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    const std::string zeros(1 << 20, '\0');
    std::string out;
    char buf[1 << 16];
    std::size_t left = size;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(prefix.data()));
    zs.avail_in = uInt(prefix.size());
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    deflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    do {
        const std::size_t take = std::min(left, zeros.size());
        left -= take;
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
        zs.avail_in = uInt(take);
        do {
            zs.next_out = reinterpret_cast<Bytef*>(buf);
            zs.avail_out = sizeof buf;
            deflate(&zs, left ? Z_NO_FLUSH : Z_FINISH);
            out.append(buf, sizeof buf - zs.avail_out);
        } while (zs.avail_out == 0);
    } while (left);
    deflateEnd(&zs);
    return out;
}

} // namespace

class TestInputSource : public QObject
{
    Q_OBJECT
private slots:
    void plainBuffer()
    {
        auto in = InputSource::fromBuffer("hello world");
        QCOMPARE(in->peek(5), std::string_view("hello"));
        QCOMPARE(in->offset(), 0u);
        QCOMPARE(in->skip(6), 6u);
        QCOMPARE(readAll(*in), std::string("world"));
        QVERIFY(in->atEnd());
        QVERIFY(in->error().empty());
        QVERIFY(!in->isGzip());
    }

    void viewReadInPlace()
    {
        // The live receiver's bodies: uncompressed bytes are offered where they are, never copied
        // (peek() points into the caller's bytes, past what one chunk would hold).
        std::string body(InputSource::kChunk * 3 + 17, 'a');
        body[InputSource::kChunk * 2] = 'b';
        auto in = InputSource::fromView(body, "request 1");
        const std::string_view head = in->peek(4);
        QCOMPARE(static_cast<const void*>(head.data()), static_cast<const void*>(body.data()));
        QCOMPARE(in->skip(InputSource::kChunk * 2), std::uint64_t(InputSource::kChunk * 2));
        const std::string_view later = in->peek(InputSource::kChunk);
        QCOMPARE(static_cast<const void*>(later.data()),
                 static_cast<const void*>(body.data() + InputSource::kChunk * 2));
        QCOMPARE(later.size(), InputSource::kChunk);
        QCOMPARE(later.front(), 'b');
        QCOMPARE(in->offset(), std::uint64_t(InputSource::kChunk * 2));
        QCOMPARE(readAll(*in), body.substr(InputSource::kChunk * 2));
        QVERIFY(in->atEnd());
        QVERIFY(in->error().empty());
        QCOMPARE(in->rawOffset(), std::uint64_t(body.size()));

        // The body limit still holds; a compressed view is still inflated.
        auto big = InputSource::fromView(body);
        big->setMaxBytes(1000);
        QCOMPARE(readAll(*big).size(), std::size_t(1000));
        QVERIFY2(big->error().find("exceeds the limit of 1000") != std::string::npos, big->error().c_str());
        const std::string gz = test::gzip("compressed body");
        auto inflated = InputSource::fromView(gz);
        QCOMPARE(readAll(*inflated), std::string("compressed body"));
        QVERIFY(inflated->isGzip());
        auto empty = InputSource::fromView({});
        QVERIFY(empty->atEnd());
        QCOMPARE(empty->peek(4).size(), std::size_t(0));
    }

    void gzipTransparent()
    {
        std::string text;
        for (int i = 0; i < 100000; ++i)
            text += "line " + std::to_string(i) + "\n";
        auto in = InputSource::fromBuffer(test::gzip(text));
        QCOMPARE(in->peek(6), std::string_view("line 0"));
        QVERIFY(in->isGzip());
        QCOMPARE(readAll(*in), text);
        QVERIFY(in->error().empty());
    }

    void zlibTransparent()
    {
        std::string text;
        for (int i = 0; i < 50000; ++i)
            text += "{\"line\":" + std::to_string(i) + "}\n";
        const QByteArray z = qCompress(QByteArray::fromStdString(text)).mid(4); // zlib, without Qt's length
        auto in = InputSource::fromBuffer(std::string_view(z.constData(), std::size_t(z.size())));
        QCOMPARE(in->peek(8), std::string_view("{\"line\":"));
        QCOMPARE(in->compression(), InputSource::Compression::Zlib);
        QCOMPARE(readAll(*in), text);
        QVERIFY(in->error().empty());

        // Damage is reported as zlib, with the compressed byte it was found at.
        QByteArray broken = z;
        for (qsizetype i = 10; i < 30; ++i)
            broken[i] = char(0xff);
        auto bad = InputSource::fromBuffer(std::string_view(broken.constData(), std::size_t(broken.size())));
        readAll(*bad);
        QVERIFY2(bad->error().find("corrupt zlib data at compressed byte") == 0, bad->error().c_str());

        // Text that merely starts with 'x' is text: the header check value must hold as well.
        auto plain = InputSource::fromBuffer("x-ray\n");
        QCOMPARE(readAll(*plain), std::string("x-ray\n"));
        QVERIFY(!plain->isCompressed());
    }

    void concatenatedGzip()
    {
        auto in = InputSource::fromBuffer(test::gzip("first ") + test::gzip("second"));
        QCOMPARE(readAll(*in), std::string("first second"));
        QVERIFY(in->error().empty());
    }

    void truncatedGzip()
    {
        std::string text(200000, 'x');
        for (std::size_t i = 0; i < text.size(); i += 7)
            text[i] = char('a' + i % 26);
        const std::string gz = test::gzip(text);
        auto in = InputSource::fromBuffer(gz.substr(0, gz.size() / 2));
        const std::string got = readAll(*in);
        QVERIFY(got.size() < text.size());
        QVERIFY(!in->error().empty());
    }

    void corruptGzip()
    {
        std::string gz = test::gzip(std::string(100000, 'a'));
        for (std::size_t i = 20; i < 40; ++i)
            gz[i] = char(0xff);
        auto in = InputSource::fromBuffer(gz);
        readAll(*in);
        QVERIFY(!in->error().empty());
    }

    void gzipBombFailsFast()
    {
        // 300 MB of zeros is ~300 KB compressed (1000x); with a 100x / 16 MiB limit reading must stop
        // early with the expansion error instead of inflating everything.
        const std::string bomb = gzipZeros(300u << 20);
        QElapsedTimer timer;
        timer.start();
        auto in = InputSource::fromBuffer(bomb);
        in->setExpansionLimit(100, 16u << 20);
        std::uint64_t total = 0;
        char buf[1 << 16];
        while (std::size_t n = in->read(buf, sizeof buf))
            total += n;
        QVERIFY(total < (64u << 20)); // stopped long before 300 MB
        QVERIFY2(in->error().find("gzip bomb") != std::string::npos, in->error().c_str());
        qInfo("gzip bomb refused after %lld ms", qint64(timer.elapsed()));

        // The importer turns it into a fatal error with that message: here a resource_spans that claims
        // 300 MB, all zeros.
        const std::string framedBomb = gzipZeros(300u << 20, "\x0a" + test::varint(300u << 20));
        auto again = InputSource::fromBuffer(framedBomb);
        again->setExpansionLimit(100, 16u << 20);
        CollectingSink sink;
        const ImportReport report = importSource(*again, sink, nullptr, "otlp-protobuf-traces");
        QVERIFY(report.hasFatal());
        QVERIFY2(report.fatalMessage().find("gzip bomb") != std::string::npos, report.fatalMessage().c_str());
    }

    void fileSource()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write(test::gzip("from a file").c_str(), qint64(test::gzip("from a file").size()));
        file.close();
        auto in = InputSource::openFile(file.fileName().toStdString());
        QVERIFY(in->rawSize() > 0);
        QCOMPARE(readAll(*in), std::string("from a file"));

        auto missing = InputSource::openFile("/nonexistent/seam/file.pb");
        QVERIFY(!missing->error().empty());
        CollectingSink sink;
        const ImportReport report = importFile("/nonexistent/seam/file.pb", sink);
        QVERIFY(report.hasFatal());
    }
};

QTEST_GUILESS_MAIN(TestInputSource)
#include "tst_inputsource.moc"
