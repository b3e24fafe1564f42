#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "InputSource.h"
#include "OtlpTestData.h"

#include <QTest>

using namespace seam;

class TestFormatDetector : public QObject
{
    Q_OBJECT
private:
    static QString detect(const std::string& bytes, std::string_view name = {})
    {
        auto in = InputSource::fromBuffer(bytes, std::string(name));
        return QString::fromStdString(detectFormat(*in));
    }

private slots:
    void json()
    {
        QCOMPARE(detect(R"({"resourceSpans":[]})"), QStringLiteral("otlp-json"));
        QCOMPARE(detect("  \n\t{\n  \"resourceLogs\": []\n}"), QStringLiteral("otlp-json"));
        QCOMPARE(detect("{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n"), QStringLiteral("otlp-json"));
        QCOMPARE(detect("\xef\xbb\xbf{\"resourceSpans\":[]}"), QStringLiteral("otlp-json"));
        QCOMPARE(detect(test::gzip(R"({"resourceSpans":[]})")), QStringLiteral("otlp-json"));
    }

    void protobufTraces()
    {
        const std::string pb = test::traces(3).SerializeAsString();
        QCOMPARE(detect(pb), QStringLiteral("otlp-protobuf-traces"));
        QCOMPARE(detect(test::gzip(pb)), QStringLiteral("otlp-protobuf-traces"));
        // Only the beginning of a large message is looked at.
        const std::string big = test::traces(5000).SerializeAsString();
        QVERIFY(big.size() > kDetectHeadBytes);
        QCOMPARE(detect(big), QStringLiteral("otlp-protobuf-traces"));
    }

    void protobufLogs()
    {
        const std::string pb = test::logs(3).SerializeAsString();
        QCOMPARE(detect(pb), QStringLiteral("otlp-protobuf-logs"));
        QCOMPARE(detect(test::gzip(pb)), QStringLiteral("otlp-protobuf-logs"));
    }

    void fileNameIsOnlyATieBreaker()
    {
        // A resource without any record cannot say what it is: the name decides.
        test::otlp::collector::trace::v1::ExportTraceServiceRequest req;
        test::setString(req.add_resource_spans()->mutable_resource()->add_attributes(), "service.name", "x");
        const std::string pb = req.SerializeAsString();
        QCOMPARE(detect(pb, "dump.pb"), QStringLiteral("otlp-protobuf-traces"));
        QCOMPARE(detect(pb, "app-logs.pb"), QStringLiteral("otlp-protobuf-logs"));
        // ... but never over content.
        QCOMPARE(detect(test::traces(2).SerializeAsString(), "logs.pb"),
                 QStringLiteral("otlp-protobuf-traces"));
    }

    void lengthPrefixedStream()
    {
        const std::string a = test::traces(2).SerializeAsString();
        const std::string b = test::traces(3).SerializeAsString();
        const std::string be = test::frame(a) + test::frame(b);
        QCOMPARE(detect(be), QStringLiteral("otlp-protobuf-stream"));
        QCOMPARE(sniffFrameByteOrder(be, true), FrameByteOrder::BigEndian);
        const std::string le = test::frame(a, false) + test::frame(b, false);
        QCOMPARE(detect(le), QStringLiteral("otlp-protobuf-stream"));
        QCOMPARE(sniffFrameByteOrder(le, true), FrameByteOrder::LittleEndian);
        QCOMPARE(detect(test::gzip(be)), QStringLiteral("otlp-protobuf-stream"));
    }

    void unknown()
    {
        QCOMPARE(detect(""), QStringLiteral("unknown"));
        QCOMPARE(detect("hello, world"), QStringLiteral("unknown"));
        QCOMPARE(detect("[1,2,3]"), QStringLiteral("unknown"));
        std::string garbage;
        std::uint32_t x = 12345;
        for (int i = 0; i < 100000; ++i) {
            x = x * 1103515245 + 12345;
            garbage.push_back(char(x >> 16));
        }
        QCOMPARE(detect(garbage), QStringLiteral("unknown"));
        garbage[0] = '\x0a'; // starts like protobuf, but the structure does not hold
        QCOMPARE(detect(garbage), QStringLiteral("unknown"));
    }

    void sniffDistinguishesSpansFromLogs()
    {
        QCOMPARE(sniffOtlpProtobuf(test::traces(1).SerializeAsString(), true).signal, OtlpSignal::Traces);
        QCOMPARE(sniffOtlpProtobuf(test::logs(1).SerializeAsString(), true).signal, OtlpSignal::Logs);
        const std::string pb = test::traces(1).SerializeAsString();
        QVERIFY(!sniffOtlpProtobuf(pb.substr(0, pb.size() - 3), true).plausible); // claims more than there is
        QVERIFY(sniffOtlpProtobuf(pb.substr(0, pb.size() - 3), false).plausible); // fine as a prefix
    }
};

QTEST_GUILESS_MAIN(TestFormatDetector)
#include "tst_formatdetector.moc"
