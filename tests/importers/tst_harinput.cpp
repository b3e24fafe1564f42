// The HAR importer against bad and hostile input: wrong types and missing fields are rejected with
// their location while the rest is kept, broken JSON ends the import where it breaks, huge strings are
// cut (bodies) or refuse their entry, deep nesting does not recurse, JSON that is not HAR says so, and
// a cancelled import stops. Mapping of good input: tst_harimport.

#include "HarTestUtil.h"
#include "har/HarReader.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>

using namespace seam;
using namespace seam::hartest;

class TestHarInput : public QObject
{
    Q_OBJECT

private slots:
    void badEntriesRejectedOthersKept();
    void tolerantOfWrongOptionalTypes();
    void unterminatedJson();
    void hugeStrings();
    void deepNesting();
    void notHar();
    void cancel();
};

#ifndef Q_MOC_RUN

void TestHarInput::badEntriesRejectedOthersKept()
{
    const std::string good = entry(100, "https://a.example/ok");
    const std::string entries =
        std::string(R"("x", 5, [1, 2], {}, )") +
        R"({"startedDateTime":"soon","request":{"url":"https://a/"}}, )" +
        R"({"startedDateTime":"2024-03-01T10:00:00Z","request":"GET /"}, )" +
        R"({"startedDateTime":"2024-03-01T10:00:00Z","request":{"method":"GET","url":7}}, )" + good;
    const Result r = importBytes(harDoc(entries));
    QVERIFY(!r.report.hasFatal());
    QCOMPARE(r.report.rejected(), 7u);
    QCOMPARE(r.records.resources.size(), 1u);
    QCOMPARE(r.records.resources[0].url, std::string("https://a.example/ok"));
    QCOMPARE(r.records.resources[0].key.substr(r.records.resources[0].key.rfind('/')), std::string("/7"));
    const auto& s = r.report.samples();
    QVERIFY(s[0].location.starts_with("entry 1, line 1, byte "));
    QVERIFY(s[0].message.find("string") != std::string::npos);
    QVERIFY(s[2].message.find("array") != std::string::npos);
    QVERIFY(s[3].location.starts_with("entry 4,"));
    QVERIFY(s[3].message.find("startedDateTime") != std::string::npos);
    QVERIFY(s[4].message.find("startedDateTime") != std::string::npos);
    QVERIFY(s[5].message.find("\"request\"") != std::string::npos);
    QVERIFY(s[6].location.starts_with("entry 7,"));
    QVERIFY(s[6].message.find("url") != std::string::npos);
    // A page without an id or date is rejected; entries naming it are attached by time instead.
    const std::string badPage =
        R"({"log":{"pages":[{"id":"p1","startedDateTime":5},{"startedDateTime":"2024-03-01T10:00:00Z"}],"entries":[)" +
        good + "]}}";
    const Result p = importBytes(badPage);
    QCOMPARE(p.report.rejected(), 2u);
    QVERIFY(p.report.samples()[0].location.starts_with("page 1,"));
    QVERIFY(p.report.samples()[1].location.starts_with("page 2,"));
    QCOMPARE(p.records.resources.size(), 1u);
    QVERIFY(p.records.resources[0].pageLoadKey.empty());
    QVERIFY(p.records.pageLoads.empty());
}

void TestHarInput::tolerantOfWrongOptionalTypes()
{
    // Optional fields with the wrong type count as absent; the entry is kept.
    const std::string e =
        R"({"pageref":["p1"],"startedDateTime":"2024-03-01T10:00:01Z","time":"slow","request":{"method":"GET",)"
        R"("url":"https://a.example/x.css","headers":{"traceparent":"x"}},"response":{"status":"200","headers":[5,)"
        R"({"name":1}],"content":"none"},"timings":[1,2],"_resourceType":42,"_initiator":"parser",)"
        R"("_monotonicTime":1234.5,"_custom":{"deep":{"er":[null,true,1e308]}}})";
    const Result r = importBytes(harDoc(e));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.resources.size(), 1u);
    const ResourceRecord& res = r.records.resources[0];
    QCOMPARE(res.type, std::string("css"));
    QCOMPARE(res.statusCode, 0);
    QCOMPARE(res.duration, TimeNs(-1));
    QCOMPARE(res.ttfbNs, TimeNs(-1));
    QVERIFY(res.pageLoadKey.empty());
    QCOMPARE(res.traceIdSource, TraceIdSource::None);

    // Numbers at the edges of what JSON can say: ignored, no overflow.
    const Result huge = importBytes(harDoc(
        R"({"pageref":"p1","startedDateTime":"2024-03-01T10:00:00Z","time":1e308,"request":{"method":"GET",)"
        R"("url":"https://a.example/h"},"response":{"status":1e300,"bodySize":9.3e18,"headersSize":9.2e18,)"
        R"("_transferSize":-9.3e18},"timings":{"blocked":1e11,"dns":1e11,"connect":1e11,"send":1e11,"wait":1e11,)"
        R"("receive":-1e308}})"));
    QVERIFY2(huge.report.clean(), qPrintable(rejects(huge.report)));
    QCOMPARE(huge.records.resources.at(0).transferSize, std::int64_t(-1));
    QCOMPARE(huge.records.resources.at(0).statusCode, 0);
    QCOMPARE(huge.records.resources.at(0).duration, TimeNs(500000000000000000)); // sum of the phases
    QCOMPARE(huge.records.resources.at(0).ttfbNs, TimeNs(200000000000000000));

    // Playwright: no User-Agent header recorded, the browser named in log.browser; failed requests
    // have status -1 and _failureText.
    const std::string playwright =
        R"({"log":{"version":"1.2","creator":{"name":"Playwright","version":"1.42.1"},"browser":{"name":"chromium",)"
        R"("version":"123.0.6312.4"},"pages":[],"entries":[{"startedDateTime":"2024-03-01T10:00:00.000Z","time":-1,)"
        R"("request":{"method":"GET","url":"https://a.example/gone","headers":[]},"response":{"status":-1,)"
        R"("headers":[],"content":{"size":-1,"mimeType":"x-unknown"},"_failureText":"net::ERR_ABORTED",)"
        R"("_transferSize":-1},"timings":{"blocked":-1,"dns":-1,"connect":-1,"ssl":-1,"send":-1,"wait":-1,)"
        R"("receive":-1},"_monotonicTime":85.3,"_frameref":"frame@1","_serverPort":443}]}})";
    const Result pw = importBytes(playwright);
    QVERIFY2(pw.report.clean(), qPrintable(rejects(pw.report)));
    QCOMPARE(pw.report.format, std::string("har"));
    QCOMPARE(pw.records.sessions.at(0).browser, std::string("Chrome"));
    QCOMPARE(pw.records.sessions.at(0).browserVersion, std::string("123"));
    const ResourceRecord& gone = pw.records.resources.at(0);
    QCOMPARE(gone.statusCode, 0);
    QVERIFY2(!gone.failed, "net::ERR_ABORTED is a request the page cancelled, not a network error");
    QCOMPARE(gone.duration, TimeNs(-1));
    QCOMPARE(gone.transferSize, std::int64_t(-1));
    QCOMPARE(gone.type, std::string("other"));
}

void TestHarInput::unterminatedJson()
{
    std::string text = harDoc(entry(100, "https://a.example/1") + "," + entry(200, "https://a.example/2") +
                              "," + entry(300, "https://a.example/3"));
    text.resize(text.rfind("https://a.example/3"));
    const Result r = importBytes(text);
    QVERIFY(r.report.hasFatal());
    QVERIFY2(r.report.fatalLocation().starts_with("line 1, byte "), r.report.fatalLocation().c_str());
    QCOMPARE(r.records.resources.size(), 2u);
    QCOMPARE(r.records.pageLoads.size(), 1u); // what came before is kept, page included
    QCOMPARE(r.records.sessions.size(), 1u);
}

void TestHarInput::hugeStrings()
{
    const std::string big(50u << 20, 'A');
    // A 50 MB response body: cut while reading, the entry is kept, the meta tag at its start found.
    const std::string tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const std::string doc =
        R"({"pageref":"p1","startedDateTime":"2024-03-01T10:00:00Z","time":10,"request":{"method":"GET","url":"https://a.example/"},)"
        R"("response":{"status":200,"content":{"mimeType":"text/html","text":"<meta name=\"traceparent\" content=\")" +
        tp + R"(\">)" + big + R"("}}})";
    // A 50 MB URL is not a request: that entry is rejected with its location, the next one kept.
    const std::string badUrl =
        R"({"startedDateTime":"2024-03-01T10:00:00Z","request":{"url":"https://a.example/)" + big + R"("}})";
    const Result r = importBytes(harDoc(doc + "," + badUrl + "," + entry(300, "https://a.example/after")));
    QVERIFY(!r.report.hasFatal());
    QCOMPARE(r.report.rejected(), 1u);
    QVERIFY(r.report.samples()[0].location.starts_with("entry 2, line 1, byte "));
    QVERIFY2(r.report.samples()[0].message.find("\"url\" string is longer than") != std::string::npos,
             r.report.samples()[0].message.c_str());
    QCOMPARE(r.records.resources.size(), 2u);
    QCOMPARE(r.records.resources[0].traceIdSource, TraceIdSource::DocumentMeta);
    QCOMPARE(r.records.pageLoads.at(0).traceId.hex(), std::string("0af7651916cd43dd8448eb211c80319c"));
    QCOMPARE(r.records.resources[1].url, std::string("https://a.example/after"));
    // A body larger than an entry may be (64 MiB) still is no reason to drop the entry: the reader holds
    // only the body's first MiB.
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("video.har"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const std::string head = harDoc(entry(100, "https://a.example/v.mp4", R"(,"_note":"@")"));
        const std::size_t at = head.find('@');
        const QByteArray chunk(1 << 20, 'B');
        f.write(head.data(), qint64(at));
        for (int i = 0; i < 35; ++i)
            f.write(chunk);
        f.write(R"(","_content":{"text":")");
        for (int i = 0; i < 35; ++i)
            f.write(chunk);
        f.write(R"("},"_x":")");
        f.write(head.data() + at + 1, qint64(head.size() - at - 1));
        f.close();
        const Result v = importPath(path);
        QVERIFY2(v.report.clean(), qPrintable(rejects(v.report)));
        QCOMPARE(v.records.resources.size(), 1u);
    }
    // Backslashes all the way: skipping stays linear.
    std::string slashes;
    for (int i = 0; i < (4 << 20); ++i)
        slashes += "\\\\";
    QElapsedTimer timer;
    timer.start();
    const Result b =
        importBytes(harDoc(entry(100, "https://a.example/b", R"(,"comment":")" + slashes + "\"")));
    QVERIFY2(b.report.clean(), qPrintable(rejects(b.report)));
    QCOMPARE(b.records.resources.size(), 1u);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    // Escapes and multi-byte characters around the cut keep the JSON valid.
    std::string tricky;
    while (tricky.size() < HarReader::kMaxStringBytes + 64)
        tricky += "\\u00e9\\\"é€\\\\";
    const Result t =
        importBytes(harDoc(entry(100, "https://a.example/t", R"(,"comment":")" + tricky + "\"")));
    QVERIFY2(t.report.clean(), qPrintable(rejects(t.report)));
    QCOMPARE(t.records.resources.size(), 1u);
}

void TestHarInput::deepNesting()
{
    const std::size_t depth = 100000;
    const std::string deep = std::string(depth, '[') + std::string(depth, ']');
    // In a custom field of an entry: ignored, the entry kept.
    const Result custom = importBytes(harDoc(entry(100, "https://a.example/1", ",\"_deep\":" + deep)));
    QVERIFY2(custom.report.clean(), qPrintable(rejects(custom.report)));
    QCOMPARE(custom.records.resources.size(), 1u);
    // As an entry: rejected with its location, the next entry kept.
    const Result asEntry = importBytes(harDoc(deep + "," + entry(200, "https://a.example/2")));
    QCOMPARE(asEntry.report.rejected(), 1u);
    QVERIFY(asEntry.report.samples()[0].location.starts_with("entry 1, line 1"));
    QCOMPARE(asEntry.records.resources.size(), 1u);
    // In place of a field the entry needs: that entry rejected.
    const Result asRequest = importBytes(harDoc(R"({"startedDateTime":"2024-03-01T10:00:00Z","request":)" +
                                                deep + "}," + entry(200, "https://a.example/2")));
    QCOMPARE(asRequest.report.rejected(), 1u);
    QCOMPARE(asRequest.records.resources.size(), 1u);
    // Beside the log: skipped.
    const Result beside =
        importBytes("{\"x\":" + deep + "," + harDoc(entry(1, "https://a.example/3")).substr(1), "har");
    QVERIFY2(beside.report.clean(), qPrintable(rejects(beside.report)));
    QCOMPARE(beside.records.resources.size(), 1u);
}

void TestHarInput::notHar()
{
    const Result array = importBytes("[1, 2]", "har");
    QVERIFY(array.report.hasFatal());
    QVERIFY(array.report.fatalMessage().find("not HAR") != std::string::npos);
    const Result other = importBytes(R"({"data": [], "meta": {}})", "har");
    QVERIFY(other.report.hasFatal());
    QCOMPARE(other.report.fatalMessage(),
             std::string("JSON, but not HAR: no \"log\" object (top-level keys: data, meta)"));
    const Result logArray = importBytes(R"({"log": []})", "har");
    QVERIFY(logArray.report.fatalMessage().find("\"log\" is an array") != std::string::npos);
    const Result entriesObject = importBytes(R"({"log": {"entries": {}}})", "har");
    QVERIFY(entriesObject.report.fatalMessage().find("\"entries\" is an object") != std::string::npos);
    const Result trailing = importBytes(harDoc(entry(1, "https://a.example/")) + " {}");
    QCOMPARE(trailing.report.rejected(), 1u);
    QVERIFY(trailing.report.samples()[0].message.find("after the HAR document") != std::string::npos);
    QCOMPARE(trailing.records.resources.size(), 1u);
}

void TestHarInput::cancel()
{
    std::string entries;
    for (int i = 0; i < 20000; ++i)
        entries += (i ? "," : "") + entry(i % 60000, "https://a.example/api/" + std::to_string(i));
    const std::string bytes = harDoc(entries);
    QVERIFY(bytes.size() > (4u << 20));
    std::atomic<bool> cancel{true};
    CollectingSink sink;
    auto in = InputSource::fromBuffer(bytes);
    const ImportReport report = importSource(*in, sink, &cancel);
    QVERIFY(report.cancelled);
    QVERIFY(in->offset() < bytes.size());
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestHarInput)
#include "tst_harinput.moc"
