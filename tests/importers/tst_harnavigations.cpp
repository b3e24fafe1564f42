// A HAR page with several navigations gives several page loads (importers/har/HarNavigations.h):
// Playwright's recordHar writes one page per tab however often it navigates. Checked on a real
// Playwright HAR (tests/data/har/navigations, recorded by the e2e `har` scenario) and on small documents
// for each rule: which documents are main-frame navigations, redirect chains, which entries go where,
// which navigation the page's timings belong to.

#include "HarTestUtil.h"
#include "IsoTime.h"
#include "TestPaths.h"

#include <QTemporaryDir>
#include <QTest>
#include <map>

using namespace seam;
using namespace seam::hartest;

namespace {

/// One entry of page `p1` at `ms` after 10:00:00 with extra request headers and entry fields.
std::string doc(int ms, const std::string& url, int status, const std::string& headers,
                const std::string& fields, const std::string& mime = "text/html")
{
    char start[64];
    std::snprintf(start, sizeof start, "2024-03-01T10:00:%02d.%03dZ", ms / 1000, ms % 1000);
    return std::string(R"({"pageref":"p1","startedDateTime":")") + start +
           R"(","time":10,"request":{"method":"GET","url":")" + url + R"(","headers":[)" + headers +
           R"(]},"response":{"status":)" + std::to_string(status) +
           R"(,"headers":[],"content":{"size":1,"mimeType":")" + mime +
           R"("}},"timings":{"send":1,"wait":8,"receive":1})" + fields + "}";
}

std::string har(const std::string& pageTimings, const std::string& entries)
{
    return R"({"log":{"version":"1.2","creator":{"name":"test","version":"1"},"pages":[{"startedDateTime":)"
           R"("2024-03-01T10:00:00Z","id":"p1","title":"t","pageTimings":)" +
           pageTimings + R"(}],"entries":[)" + entries + "]}}";
}

const std::string kDest = R"({"name":"Sec-Fetch-Dest","value":"document"})";
const std::string kFrameDest = R"({"name":"Sec-Fetch-Dest","value":"iframe"})";
const std::string kChromeDoc = R"(,"_resourceType":"document")";

constexpr TimeNs ms(TimeNs n)
{
    return n * 1'000'000;
}

/// Page load key -> the paths of its entries, in file order.
std::map<std::string, QStringList> entriesByPageLoad(const RecordBatch& b)
{
    std::map<std::string, QStringList> out;
    for (const ResourceRecord& r : b.resources)
        out[r.pageLoadKey] << QString::fromStdString(r.url.substr(r.url.find('/', 8)));
    return out;
}

QString fixture(const char* name)
{
    return (seam::test::dataDir() + QStringLiteral("/har/navigations/")) + QLatin1String(name);
}

} // namespace

class TestHarNavigations : public QObject
{
    Q_OBJECT

private slots:
    void chromeFactsRedirectsAndOrder()
    {
        // DevTools-style facts: Sec-Fetch-Dest, _initiator; a redirect chain is one navigation; an entry
        // written late goes by its start time.
        const std::string entries =
            doc(0, "https://shop.example.com/", 200, kDest, kChromeDoc) + "," +
            doc(100, "https://shop.example.com/app.js", 200, "", R"(,"_resourceType":"script")",
                "text/javascript") +
            "," +
            doc(200, "https://ads.example.net/ad", 200, "",
                kChromeDoc + R"(,"_initiator":{"type":"parser"})") +
            "," + doc(300, "https://shop.example.com/widget", 200, kFrameDest, kChromeDoc) + "," +
            doc(1000, "https://shop.example.com/login", 302, kDest, kChromeDoc) + "," +
            doc(1010, "https://shop.example.com/account", 200, kDest, kChromeDoc) + "," +
            doc(1100, "https://shop.example.com/api/me", 200, "", R"(,"_resourceType":"fetch")",
                "application/json") +
            "," +
            doc(2000, "https://shop.example.com/cart", 200, "",
                kChromeDoc + R"(,"_initiator":{"type":"other"})") +
            "," +
            doc(2050, "https://shop.example.com/api/cart", 200, "", R"(,"_resourceType":"fetch")",
                "application/json") +
            "," +
            doc(1990, "https://shop.example.com/late", 200, "", R"(,"_resourceType":"fetch")",
                "application/json");
        const Result r = importBytes(har(R"({"onContentLoad":400,"onLoad":500})", entries));
        QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
        const auto& loads = r.records.pageLoads;
        QCOMPARE(loads.size(), 3u);
        const std::string page = loads[0].key;
        QVERIFY(page.ends_with("/page/p1"));
        QCOMPARE(loads[1].key, page + "/nav/2");
        QCOMPARE(loads[2].key, page + "/nav/3");
        QCOMPARE(loads[0].url, std::string("https://shop.example.com/"));
        QCOMPARE(loads[1].url, std::string("https://shop.example.com/account")); // after the redirect
        QCOMPARE(loads[2].url, std::string("https://shop.example.com/cart"));
        QCOMPARE(loads[0].start, kCheckoutStart);
        QCOMPARE(loads[1].start, kCheckoutStart + ms(1000)); // the redirect chain's first request
        QCOMPARE(loads[2].start, kCheckoutStart + ms(2000));
        // onLoad (500 ms after the page's start) falls in the first navigation; the others have none.
        QCOMPARE(loads[0].duration, ms(500));
        QCOMPARE(loads[1].duration, TimeNs(-1));
        QCOMPARE(loads[2].duration, TimeNs(-1));
        QCOMPARE(loads[0].ttfb, ms(9));
        QCOMPARE(loads[1].ttfb, ms(10 + 9)); // the response of the document the redirect led to
        QCOMPARE(loads[2].ttfb, ms(9));
        const auto byLoad = entriesByPageLoad(r.records);
        QCOMPARE(byLoad.size(), 3u);
        QCOMPARE(byLoad.at(page), (QStringList{QStringLiteral("/"), QStringLiteral("/app.js"),
                                               QStringLiteral("/ad"), QStringLiteral("/widget")}));
        QCOMPARE(byLoad.at(page + "/nav/2"),
                 (QStringList{QStringLiteral("/login"), QStringLiteral("/account"), QStringLiteral("/api/me"),
                              QStringLiteral("/late")}));
        QCOMPARE(byLoad.at(page + "/nav/3"),
                 (QStringList{QStringLiteral("/cart"), QStringLiteral("/api/cart")}));
        // The frames' documents stay documents (resources), not navigations.
        QCOMPARE(r.records.resources[2].type, std::string("document"));
        QCOMPARE(r.records.resources[3].type, std::string("document"));
    }

    void playwrightFrameRefsAndLastTimings()
    {
        // Playwright: `_frameref` names the frame (no Sec-Fetch-Dest here); its page timings are the last
        // navigation's performance.timing minus the page's start: 2300 ms lands in the third navigation.
        const std::string entries =
            doc(0, "https://shop.example.com/", 200, "", kChromeDoc + R"(,"_frameref":"frame@1")") + "," +
            doc(500, "https://shop.example.com/frame", 200, "", kChromeDoc + R"(,"_frameref":"frame@2")") +
            "," + doc(1000, "https://shop.example.com/b", 200, "", kChromeDoc + R"(,"_frameref":"frame@1")") +
            "," + doc(2000, "https://shop.example.com/c", 200, "", kChromeDoc + R"(,"_frameref":"frame@1")");
        const Result r = importBytes(har(R"({"onContentLoad":2250,"onLoad":2300})", entries));
        QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
        const auto& loads = r.records.pageLoads;
        QCOMPARE(loads.size(), 3u);
        QCOMPARE(loads[0].duration, TimeNs(-1));
        QCOMPARE(loads[1].duration, TimeNs(-1));
        QCOMPARE(loads[2].duration, ms(300));
        const auto byLoad = entriesByPageLoad(r.records);
        QCOMPARE(byLoad.at(loads[0].key), (QStringList{QStringLiteral("/"), QStringLiteral("/frame")}));
        QCOMPARE(byLoad.at(loads[1].key), QStringList{QStringLiteral("/b")});
        QCOMPARE(byLoad.at(loads[2].key), QStringList{QStringLiteral("/c")});
    }

    void htmlByMimeAloneIsNoNavigation()
    {
        // Without the browser's word (no _resourceType, Sec-Fetch-Dest or _frameref) later HTML may be a
        // fragment fetched by script: one page load, as before.
        const std::string entries = doc(0, "https://shop.example.com/", 200, "", "") + "," +
                                    doc(900, "https://shop.example.com/part", 200, "", "");
        const Result r = importBytes(har(R"({"onLoad":500})", entries));
        QCOMPARE(r.records.pageLoads.size(), 1u);
        QCOMPARE(r.records.pageLoads[0].duration, ms(500));
        QCOMPARE(r.records.resources[1].type, std::string("other"));
    }

    void recordedPlaywrightTab()
    {
        // A real Playwright 1.65.1 HAR (headless Chromium 156): one tab, page.goto /, a click on a link to
        // /product (which then loads /api/items in an iframe), page.goto /checkout. One HAR page with
        // entries (and the blank page the context opened with).
        const Result r = importPath(fixture("page.har"));
        QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
        const auto& loads = r.records.pageLoads;
        QCOMPARE(loads.size(), 3u);
        QStringList paths;
        for (const PageLoadRecord& p : loads)
            paths << QString::fromStdString(p.route);
        QCOMPARE(paths,
                 (QStringList{QStringLiteral("/"), QStringLiteral("/product"), QStringLiteral("/checkout")}));
        // The navigations start with their documents: the first one too, not when the tab opened (the
        // HAR page's start, 143 ms earlier).
        QCOMPARE(loads[0].start, *parseIsoTime("2026-12-05T21:49:21.659Z"));
        QCOMPARE(loads[1].start, *parseIsoTime("2026-12-05T21:49:22.742Z"));
        QCOMPARE(loads[2].start, *parseIsoTime("2026-12-05T21:49:23.305Z"));
        const auto byLoad = entriesByPageLoad(r.records);
        QCOMPARE(byLoad.size(), 3u);
        QCOMPARE(byLoad.at(loads[0].key).size(), 6);
        QCOMPARE(byLoad.at(loads[1].key).size(), 7); // with the iframe's document
        QCOMPARE(byLoad.at(loads[2].key).size(), 6);
        for (std::size_t i = 0; i < loads.size(); ++i) {
            const QStringList& mine = byLoad.at(loads[i].key);
            // Each navigation's own document first, its script, its two API calls, its OTLP exports.
            QCOMPARE(mine.first(), QString::fromStdString(loads[i].route));
            QVERIFY2(mine.contains(QStringLiteral("/app.js")) &&
                         mine.contains(QStringLiteral("/api/items")) &&
                         mine.contains(QStringLiteral("/api/fail")),
                     qPrintable(mine.join(QLatin1Char(' '))));
            QVERIFY(loads[i].ttfb > 0);
            if (i > 0)
                QVERIFY(loads[i].start > loads[i - 1].start);
        }
        // The iframe's document (/api/items in a frame) is a resource of /product, not a navigation.
        int frames = 0;
        for (const ResourceRecord& res : r.records.resources)
            if (res.type == "document" && res.url.ends_with("/api/items")) {
                ++frames;
                QCOMPARE(res.pageLoadKey, loads[1].key);
            }
        QCOMPARE(frames, 1);
        // Playwright's page timings are the last navigation's: only /checkout has a load time.
        QCOMPARE(loads[0].duration, TimeNs(-1));
        QCOMPARE(loads[1].duration, TimeNs(-1));
        // onLoad is 1920 ms after the page's start (21:49:21.516): 131 ms into the /checkout navigation.
        QCOMPARE(loads[2].duration, ms(131));
    }

    void recordedTabInACache()
    {
        // In the cache: three page loads, every entry attached to one, the same again on re-import.
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, {fixture("page.har")});
        const Result r = importPath(fixture("page.har"));
        auto summary = [&] {
            Database db(cache, Database::Mode::ReadOnly);
            return rows(db, "SELECT route, resource_count, (SELECT count(*) FROM resources r WHERE "
                            "r.page_load_id = p.id) FROM page_loads p ORDER BY start_ns");
        };
        const QStringList once = summary();
        QCOMPARE(once.size(), 3);
        int attached = 0;
        for (const QString& row : once) {
            const QStringList cols = row.split(QLatin1Char('|'));
            QCOMPARE(cols[1], cols[2]); // the counter agrees with the rows
            attached += cols[2].toInt();
        }
        QCOMPARE(attached, int(r.records.resources.size()));
        importIntoCache(cache, {fixture("page.har")});
        QCOMPARE(summary(), once);
    }
};

QTEST_GUILESS_MAIN(TestHarNavigations)
#include "tst_harnavigations.moc"
