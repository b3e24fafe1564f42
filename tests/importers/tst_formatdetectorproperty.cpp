// Property test of format detection: thousands of random valid TracesData / LogsData messages (fixed
// seed) must each be detected as OTLP protobuf with the right signal, whole, gzipped, framed, and read
// from any prefix (issue 18: one valid dump in twenty was "not a recognised format").

#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "InputSource.h"
#include "OtlpRandomMessages.h"
#include "OtlpTestData.h"

#include <QTest>

using namespace seam;

class TestFormatDetectorProperty : public QObject
{
    Q_OBJECT
private:
    static constexpr int kMessages = 3000;
    static constexpr std::uint64_t kSeed = 20240518;

    static std::string detect(const std::string& bytes, const std::string& name)
    {
        auto in = InputSource::fromBuffer(bytes, name);
        return detectFormat(*in);
    }

    static QByteArray what(int i, const test::RandomOtlp& m, std::size_t cutAt = 0)
    {
        QByteArray out = "message " + QByteArray::number(i) + (m.logs ? " (logs, " : " (traces, ") +
                         QByteArray::number(qulonglong(m.bytes.size())) + " bytes)";
        if (cutAt)
            out += " cut at " + QByteArray::number(qulonglong(cutAt));
        return out;
    }

private slots:
    void randomValidMessagesAreDetected()
    {
        test::Choices choices(kSeed);
        int big = 0, withoutRecords = 0, logs = 0;
        for (int i = 0; i < kMessages; ++i) {
            const test::RandomOtlp m = test::randomOtlp(choices);
            const std::string expected(m.logs ? formats::kOtlpProtobufLogs : formats::kOtlpProtobufTraces);
            big += m.bytes.size() > kDetectHeadBytes;
            logs += m.logs;
            if (m.hasRecords) {
                QVERIFY2(detect(m.bytes, "dump.pb") == expected, what(i, m));
                // Content wins over the name.
                QVERIFY2(detect(m.bytes, m.logs ? "traces.pb" : "logs.pb") == expected, what(i, m));
                if (i % 10 == 0)
                    QVERIFY2(detect(test::gzip(m.bytes), "dump.pb.gz") == expected, what(i, m));
            } else {
                // Resources and scopes without a single record cannot tell spans from logs: the name
                // decides, but the message is never rejected.
                ++withoutRecords;
                QVERIFY2(detect(m.bytes, "dump.pb") == formats::kOtlpProtobufTraces, what(i, m));
                QVERIFY2(detect(m.bytes, "app-logs.pb") == formats::kOtlpProtobufLogs, what(i, m));
            }
            if (i % 10 == 5) {
                const std::string stream =
                    test::frame(m.bytes, i % 20 == 5) + test::frame(m.bytes, i % 20 == 5);
                QVERIFY2(detect(stream, "dump.pb") == formats::kOtlpProtobufStream, what(i, m));
            }
        }
        qInfo("%d messages: %d logs, %d bigger than the head, %d without records", kMessages, logs, big,
              withoutRecords);
        // The generator really covers what it is meant to.
        QVERIFY(big >= 40);
        QVERIFY(withoutRecords >= 50);
        QVERIFY(logs > kMessages / 3 && logs < 2 * kMessages / 3);
    }

    void anyPrefixIsPlausibleAndNeverTheOtherSignal()
    {
        // What the detector sees of a big message is a prefix cut anywhere: inside a tag, a length, a
        // fixed64, a record. It must still read as OTLP, and never say the wrong signal.
        test::Choices choices(kSeed + 1);
        int cuts = 0, decided = 0;
        for (int i = 0; i < kMessages; ++i) {
            const test::RandomOtlp m = test::randomOtlp(choices);
            const OtlpSignal own = m.logs ? OtlpSignal::Logs : OtlpSignal::Traces;
            const OtlpSignal other = m.logs ? OtlpSignal::Traces : OtlpSignal::Logs;
            for (int k = 0; k < 8; ++k) {
                const std::size_t n = 1 + std::size_t(choices.below(m.bytes.size()));
                const ProtobufSniff sniff =
                    sniffOtlpProtobuf(std::string_view(m.bytes).substr(0, n), n == m.bytes.size());
                QVERIFY2(sniff.plausible, what(i, m, n));
                QVERIFY2(sniff.signal != other, what(i, m, n));
                decided += sniff.signal == own;
                ++cuts;
            }
            if (m.hasRecords)
                QVERIFY2(sniffOtlpProtobuf(m.bytes, true).signal == own, what(i, m));
        }
        qInfo("%d prefixes, %d showing the signal", cuts, decided);
        QVERIFY(decided > cuts / 2); // most prefixes already show a record
    }
};

QTEST_GUILESS_MAIN(TestFormatDetectorProperty)
#include "tst_formatdetectorproperty.moc"
