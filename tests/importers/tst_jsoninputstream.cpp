// JsonInputStream (importers/common): the one RapidJSON input stream of the JSON readers. Unpaired
// UTF-16 surrogate escapes are mended to \ufffd in place (same length), also when an escape or a
// backslash run straddles the 64 KiB window's edge; everything else reaches the parser untouched.

#include "BatchSink.h"
#include "Importer.h"
#include "InputSource.h"
#include "JsonInputStream.h"

#include <QTest>
#include <algorithm>
#include <random>
#include <rapidjson/document.h>
#include <rapidjson/reader.h>

using namespace seam;

namespace {

constexpr std::size_t kWindow = JsonInputStream<>::kWindowBytes;

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int unitAt(const std::string& s, std::size_t i)
{
    if (i + 4 > s.size())
        return -1;
    int v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        const int d = hexDigit(s[i + k]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/// The rule applied to a whole buffer at once, written independently of the stream's windowed scan:
/// what the stream must produce wherever its windows happen to cut the input.
std::string mendedWhole(std::string s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] != '\\') {
            ++i;
            continue;
        }
        std::size_t run = 0;
        while (i < s.size() && s[i] == '\\')
            ++run, ++i;
        if (run % 2 == 0 || i >= s.size() || s[i] != 'u')
            continue;
        const int unit = unitAt(s, i + 1);
        if (unit < 0xd800 || unit > 0xdfff) {
            i += unit < 0 ? 1 : 5;
            continue;
        }
        if (unit <= 0xdbff && i + 11 <= s.size() && s[i + 5] == '\\' && s[i + 6] == 'u') {
            const int low = unitAt(s, i + 7);
            if (low >= 0xdc00 && low <= 0xdfff) {
                i += 11;
                continue;
            }
        }
        s.replace(i + 1, 4, "fffd");
        i += 5;
    }
    return s;
}

/// Everything the parser would read, byte by byte (the inputs hold no NUL).
template<typename Stream> std::string drain(Stream& s)
{
    std::string out;
    while (s.Peek() != '\0')
        out.push_back(s.Take());
    return out;
}

struct Parsed
{
    bool ok = false;
    std::string value; // of "v"
    ImportReport report;
    std::uint64_t repairs = 0;
};

/// Parses {"...": ..., "v": "<string>"} through an InputSource, as the readers do.
Parsed parse(const std::string& json)
{
    Parsed p;
    CollectingSink sink;
    ImportContext ctx{sink, p.report};
    auto in = InputSource::fromBuffer(json);
    JsonInputStream<> stream(*in, ctx);
    rapidjson::Document doc;
    doc.ParseStream<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(stream);
    p.ok = !doc.HasParseError();
    if (p.ok && doc.IsObject() && doc.HasMember("v") && doc["v"].IsString())
        p.value.assign(doc["v"].GetString(), doc["v"].GetStringLength());
    p.repairs = stream.repairs();
    return p;
}

/// {"pad":"xxx...","v":"<escaped>"} with the first byte of `escaped` at offset `at`.
std::string placed(const std::string& escaped, std::size_t at)
{
    const std::string head = R"({"pad":")";
    const std::string mid = R"(","v":")";
    const std::size_t pad = at - head.size() - mid.size();
    return head + std::string(pad, 'x') + mid + escaped + "\"}";
}

} // namespace

class TestJsonInputStream : public QObject
{
    Q_OBJECT

private slots:
    void unpairedSurrogates_data();
    void unpairedSurrogates();
    void warningLocation();
    void acrossTheWindowEdge_data();
    void acrossTheWindowEdge();
    void randomEscapesMatchTheWholeBufferRule();
    void memoryHeadsAreMendedToo();
    void lineNumbersInLineMode();
    void lineModeAndCaps();
    void offsetsDoNotMove();
};

void TestJsonInputStream::unpairedSurrogates_data()
{
    QTest::addColumn<QString>("escaped");  // the string's JSON text (Latin-1 here)
    QTest::addColumn<QString>("expected"); // the value the parser gets
    QTest::addColumn<int>("repairs");
    const QString fffd = QString(QChar(0xfffd));
    QTest::newRow("lone high") << QStringLiteral("a\\ud800b")
                               << (QStringLiteral("a") + fffd + QStringLiteral("b")) << 1;
    QTest::newRow("lone high at the end")
        << QStringLiteral("emoji \\uD83D") << (QStringLiteral("emoji ") + fffd) << 1;
    QTest::newRow("lone low") << QStringLiteral("\\udc00x") << (fffd + QStringLiteral("x")) << 1;
    QTest::newRow("high then a non-low escape")
        << QStringLiteral("\\ud800\\u0041") << (fffd + QStringLiteral("A")) << 1;
    QTest::newRow("high then high then low")
        << QStringLiteral("\\ud800\\ud83d\\ude00") << (fffd + QString::fromUcs4(U"\U0001F600")) << 1;
    QTest::newRow("high then an escaped backslash")
        << QStringLiteral("\\ud800\\\\udc00") << (fffd + QStringLiteral("\\udc00")) << 1;
    QTest::newRow("two lows") << QStringLiteral("\\udc00\\udfff") << (fffd + fffd) << 2;
    QTest::newRow("valid pair untouched")
        << QStringLiteral("\\ud83d\\ude00") << QString::fromUcs4(U"\U0001F600") << 0;
    QTest::newRow("upper-case pair untouched")
        << QStringLiteral("\\uD83D\\uDE00") << QString::fromUcs4(U"\U0001F600") << 0;
    QTest::newRow("escaped backslash: literal text")
        << QStringLiteral("\\\\ud800") << QStringLiteral("\\ud800") << 0;
    QTest::newRow("three backslashes: a literal one and an escape")
        << QStringLiteral("\\\\\\ud800") << (QStringLiteral("\\") + fffd) << 1;
    QTest::newRow("four backslashes: literal text")
        << QStringLiteral("\\\\\\\\ud800") << QStringLiteral("\\\\ud800") << 0;
    QTest::newRow("other escapes untouched")
        << QStringLiteral("\\u00e9\\n\\\"\\/") << QStringLiteral("\u00e9\n\"/") << 0;
}

void TestJsonInputStream::unpairedSurrogates()
{
    QFETCH(QString, escaped);
    QFETCH(QString, expected);
    QFETCH(int, repairs);
    const Parsed p = parse(R"({"k":1,"v":")" + escaped.toStdString() + "\"}");
    QVERIFY(p.ok);
    QCOMPARE(QString::fromUtf8(p.value.data(), qsizetype(p.value.size())), expected);
    QCOMPARE(p.repairs, std::uint64_t(repairs));
    QCOMPARE(p.report.warnings(), std::uint64_t(repairs));
    QVERIFY(p.report.clean());
}

void TestJsonInputStream::warningLocation()
{
    // Line and byte of the first mended escape's backslash; every one counted.
    const Parsed p = parse("{\"a\":\"x\",\n \"v\":\"ab\\ud800\", \"w\":\"\\udc00\"}");
    QVERIFY(p.ok);
    QCOMPARE(p.report.warnings(), 2u);
    QCOMPARE(p.report.firstWarningLocation(), std::string("line 2, byte 18"));
    QCOMPARE(p.report.firstWarningMessage(),
             std::string("unpaired UTF-16 surrogate escape in a string, replaced by \\ufffd (U+FFFD)"));
}

void TestJsonInputStream::acrossTheWindowEdge_data()
{
    QTest::addColumn<QString>("escaped");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("repairs");
    QTest::addColumn<int>("shift");
    const QString fffd = QString(QChar(0xfffd));
    const QString emoji = QString::fromUcs4(U"\U0001F600");
    const struct
    {
        const char* name;
        QString escaped, expected;
        int repairs;
    } cases[] = {
        {"lone high", QStringLiteral("\\ud800z"), fffd + QStringLiteral("z"), 1},
        {"lone low", QStringLiteral("\\udc00z"), fffd + QStringLiteral("z"), 1},
        {"high, then not a low", QStringLiteral("\\ud800\\u0041"), fffd + QStringLiteral("A"), 1},
        {"high, then a high", QStringLiteral("\\ud800\\ud801"), fffd + fffd, 2},
        {"valid pair", QStringLiteral("\\ud83d\\ude00"), emoji, 0},
        {"escaped backslash", QStringLiteral("\\\\ud800"), QStringLiteral("\\ud800"), 0},
        {"odd run of five", QStringLiteral("\\\\\\\\\\ud800"), QStringLiteral("\\\\") + fffd, 1},
        {"even run of six", QStringLiteral("\\\\\\\\\\\\ud800"), QStringLiteral("\\\\\\ud800"), 0},
    };
    // The escape's first byte from 12 bytes before the 64 KiB edge to 12 bytes after it: every cut of
    // the backslash run, the 'u', the hex digits and a following low escape.
    for (const auto& c : cases)
        for (int shift = -12; shift <= 12; ++shift)
            QTest::addRow("%s at edge%+d", c.name, shift) << c.escaped << c.expected << c.repairs << shift;
}

void TestJsonInputStream::acrossTheWindowEdge()
{
    QFETCH(QString, escaped);
    QFETCH(QString, expected);
    QFETCH(int, repairs);
    QFETCH(int, shift);
    const std::string json = placed(escaped.toStdString(), std::size_t(std::int64_t(kWindow) + shift));
    const Parsed p = parse(json);
    QVERIFY(p.ok);
    QCOMPARE(QString::fromUtf8(p.value.data(), qsizetype(p.value.size())), expected);
    QCOMPARE(p.repairs, std::uint64_t(repairs));
    if (repairs) {
        // The first mended escape's backslash: where the text put it.
        const std::size_t backslash = json.find("\\u", std::size_t(std::int64_t(kWindow) + shift - 6));
        QCOMPARE(p.report.firstWarningLocation(), "line 1, byte " + std::to_string(backslash));
    }
}

void TestJsonInputStream::randomEscapesMatchTheWholeBufferRule()
{
    // Dense escape soup around the first two window edges, read through an InputSource: the bytes the
    // parser gets are the whole-buffer rule's, whatever the cut.
    std::mt19937 rng(20261205);
    static constexpr char kAlphabet[] = "\\\\\\\\uuudDcC80f1a\"x \n";
    std::uniform_int_distribution<int> pick(0, int(sizeof kAlphabet) - 2);
    for (int round = 0; round < 300; ++round) {
        std::string input(2 * kWindow + 64, 'x');
        for (std::size_t edge : {kWindow, 2 * kWindow})
            for (std::size_t i = edge - 40; i < edge + 40; ++i)
                input[i] = kAlphabet[pick(rng)];
        ImportReport report;
        CollectingSink sink;
        ImportContext ctx{sink, report};
        auto in = InputSource::fromBuffer(input);
        JsonInputStream<> stream(*in, ctx);
        const std::string read = drain(stream);
        const std::string expected = mendedWhole(input);
        if (read != expected) {
            std::size_t at = 0;
            while (at < read.size() && at < expected.size() && read[at] == expected[at])
                ++at;
            QFAIL(qPrintable(QStringLiteral("round %1 differs at byte %2").arg(round).arg(at)));
        }
        QCOMPARE(stream.Tell(), input.size());
        QCOMPARE(stream.line(), std::uint64_t(std::count(input.begin(), input.end(), '\n') + 1));
    }
}

void TestJsonInputStream::lineNumbersInLineMode()
{
    // NDJSON reading: line by line (a line passed by skipLine() is counted without its bytes), lines
    // crossing the window edges, line() asked at the start, in the middle or not at all.
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> length(0, 400), longLine(0, 9), ask(0, 3);
    std::string input;
    int lines = 0;
    while (input.size() < 3 * kWindow) {
        input += std::string(std::size_t(longLine(rng) == 0 ? 70000 + length(rng) : length(rng)), 'x');
        input += '\n';
        ++lines;
    }
    ImportReport report;
    CollectingSink sink;
    ImportContext ctx{sink, report};
    auto in = InputSource::fromBuffer(input);
    JsonInputStream<> stream(*in, ctx);
    stream.setLineMode(true);
    for (int line = 1;; ++line) {
        const int when = ask(rng);
        if (when == 0)
            QCOMPARE(stream.line(), std::uint64_t(line));
        if (when == 1 && stream.Peek() == 'x') {
            stream.Take();
            QCOMPARE(stream.line(), std::uint64_t(line));
        }
        drain(stream);
        QVERIFY(stream.exhausted());
        if (when == 2)
            QCOMPARE(stream.line(), std::uint64_t(line));
        if (!stream.skipLine()) {
            QCOMPARE(line, lines + 1); // the empty rest after the last newline
            break;
        }
    }
    QCOMPARE(stream.line(), std::uint64_t(lines + 1));
    QCOMPARE(stream.Tell(), input.size());
}

void TestJsonInputStream::memoryHeadsAreMendedToo()
{
    // Detection heads are read from memory with the same rule.
    const std::string head = R"({"type":"view","v":"\ud800","x":"\\ud800"})";
    JsonInputStream<> stream(head);
    QCOMPARE(drain(stream), std::string(R"({"type":"view","v":"\ufffd","x":"\\ud800"})"));
    QCOMPARE(stream.repairs(), 1u);
}

void TestJsonInputStream::lineModeAndCaps()
{
    // Line mode: a newline ends the input for the value; lines are counted across windows.
    std::string input = std::string(kWindow - 3, ' ') + "[1]\n[\"\\ud800\"]\n";
    ImportReport report;
    CollectingSink sink;
    ImportContext ctx{sink, report};
    auto in = InputSource::fromBuffer(input);
    JsonInputStream<> stream(*in, ctx);
    stream.setLineMode(true);
    QVERIFY(stream.skipWhitespaceToValue());
    QCOMPARE(stream.Take(), '[');
    QCOMPARE(stream.Take(), '1');
    QCOMPARE(stream.Take(), ']');
    QCOMPARE(stream.Peek(), '\0');
    QVERIFY(stream.exhausted());
    QVERIFY(stream.skipLine());
    QCOMPARE(stream.line(), 2u);
    QCOMPARE(drain(stream), std::string("[\"\\ufffd\"]"));
    QVERIFY(stream.skipLine());
    QVERIFY(!stream.skipWhitespaceToValue());
    QCOMPARE(report.warnings(), 1u);
    QCOMPARE(report.firstWarningLocation(), "line 2, byte " + std::to_string(kWindow + 3));

    // Document cap: the input ends that many bytes on; token guard: a token may not outgrow it.
    auto big = InputSource::fromBuffer(std::string(3 * kWindow, 'a'));
    JsonInputStream<> capped(*big, ctx);
    capped.startDocument(kWindow + 5);
    QCOMPARE(drain(capped).size(), kWindow + 5);
    QVERIFY(capped.documentTooBig());
    capped.endDocument();
    QCOMPARE(capped.Peek(), 'a');
    capped.setTokenLimit(10);
    capped.armGuard();
    drain(capped);
    QVERIFY(capped.guardTripped());
    QCOMPARE(capped.Tell(), 2 * kWindow); // checked when a window is used up
}

void TestJsonInputStream::offsetsDoNotMove()
{
    // A syntax error after a mended escape is reported at the same byte as without the escape.
    auto errorOffset = [](const std::string& json) {
        ImportReport report;
        CollectingSink sink;
        ImportContext ctx{sink, report};
        auto in = InputSource::fromBuffer(json);
        JsonInputStream<> stream(*in, ctx);
        rapidjson::BaseReaderHandler<> ignore;
        rapidjson::Reader reader;
        return reader.Parse<rapidjson::kParseIterativeFlag>(stream, ignore).Offset();
    };
    const std::string tail = std::string(kWindow, ' ') + R"(, "b": })";
    QCOMPARE(errorOffset(R"({"a":"\ud800")" + tail), errorOffset(R"({"a":"\u0041")" + tail));
    QCOMPARE(errorOffset(R"({"a":"\ud800")" + tail), std::size_t(13 + kWindow + 7));
}

QTEST_GUILESS_MAIN(TestJsonInputStream)
#include "tst_jsoninputstream.moc"
