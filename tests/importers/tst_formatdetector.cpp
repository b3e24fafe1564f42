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

    void headEndingInsideATagOrLength()
    {
        // Issue 18: a valid dump bigger than the 64 KiB head was "not a recognised format" when the head
        // ended right after a span's tag or inside its length: the walk rejected the cut varint.
        // Spans of 130+ bytes have 2-byte lengths; a resource attribute of `pad` bytes slides the spans
        // across the end of the head until one's tag is its last byte.
        auto message = [](int pad) {
            auto req = test::traces(1200);
            test::setString(req.mutable_resource_spans(0)->mutable_resource()->add_attributes(), "pad",
                            std::string(std::size_t(pad), 'p'));
            for (auto& span : *req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans())
                test::setString(span.add_attributes(), "url.full",
                                "https://shop.example/products/12345-thumb.webp");
            return req.SerializeAsString();
        };
        int aligned = 0;
        for (int pad = 0; pad < 200; ++pad) {
            const std::string pb = message(pad);
            // span tag, 2-byte length, trace id tag and size: the head ends after the tag
            const std::string_view at = std::string_view(pb).substr(kDetectHeadBytes - 1, 5);
            if (at[0] != '\x12' || !(at[1] & 0x80) || (at[2] & 0x80) || at[3] != '\x0a' || at[4] != '\x10')
                continue;
            ++aligned;
            QCOMPARE(detect(pb), QStringLiteral("otlp-protobuf-traces"));
            QCOMPARE(detect(test::gzip(pb)), QStringLiteral("otlp-protobuf-traces"));
            // ... and for every other end of the head around there, also inside the length.
            for (std::size_t n = kDetectHeadBytes - 300; n < kDetectHeadBytes + 300; ++n)
                QCOMPARE(QString::fromStdString(detectFormat(std::string_view(pb).substr(0, n), false)),
                         QStringLiteral("otlp-protobuf-traces"));
        }
        QVERIFY(aligned >= 1);
    }

    void logsWhoseFirstResourceIsBiggerThanTheHead()
    {
        // No log record within the first 64 KiB: detection reads on instead of guessing traces.
        auto req = test::logs(3);
        test::setString(req.mutable_resource_logs(0)->mutable_resource()->add_attributes(),
                        "process.command_line", std::string(300 * 1024, 'x'));
        const std::string pb = req.SerializeAsString();
        QCOMPARE(detect(pb, "dump.pb"), QStringLiteral("otlp-protobuf-logs"));
        QCOMPARE(detect(test::gzip(pb), "dump.pb.gz"), QStringLiteral("otlp-protobuf-logs"));
        auto traces = test::traces(3);
        *traces.mutable_resource_spans(0)->mutable_resource() = req.resource_logs(0).resource();
        QCOMPARE(detect(traces.SerializeAsString(), "app-logs.pb"), QStringLiteral("otlp-protobuf-traces"));
    }

    void logRecordsThatFitASpanToo()
    {
        // Only severity text (3) and body (5): a span's trace state and name have the same wire types.
        // The body is an AnyValue message where a name is text, and a span without ids is no span.
        test::otlp::collector::logs::v1::ExportLogsServiceRequest req;
        auto* records = req.add_resource_logs()->add_scope_logs();
        for (int i = 0; i < 3; ++i) {
            auto* log = records->add_log_records();
            log->set_severity_text("WARN");
            log->mutable_body()->set_string_value("disk almost full");
        }
        QCOMPARE(detect(req.SerializeAsString(), "dump.pb"), QStringLiteral("otlp-protobuf-logs"));
        // Empty records (every field of a log record is optional) are log records too.
        for (auto& log : *records->mutable_log_records())
            log.Clear();
        QCOMPARE(detect(req.SerializeAsString(), "dump.pb"), QStringLiteral("otlp-protobuf-logs"));
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
