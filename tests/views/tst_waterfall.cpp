#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "WaterfallData.h"
#include "WaterfallLoader.h"
#include "WaterfallPanel.h"
#include "WaterfallView.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

constexpr TimeNs kMs = 1'000'000;
constexpr TimeNs kSkew = 5'000'000'000; // the second backend's clock runs 5 s ahead of the browser's

/// Page load `n` at `start`: the factory's linked POST /api/checkout, plus an unlinked script with
/// its phases, a long task and a JS error; its backend is written with `backendOffset` on its clock.
void writePageLoad(StoreWriter& writer, int n, TimeNs start, TimeNs backendOffset)
{
    RecordBatch browser = browserBatch(n, traceId(n), 0x42, start);
    PageLoadRecord& page = browser.pageLoads.front();
    page.ttfb = 80 * kMs;
    page.fcp = 400 * kMs;
    page.lcp = 900 * kMs;

    ResourceRecord script;
    script.key = "script-" + std::to_string(n);
    script.sessionKey = browser.sessions.front().key;
    script.type = "script";
    script.url = "https://cdn.example/app.js";
    script.statusCode = 200;
    script.start = start + 100 * kMs;
    script.duration = 150 * kMs;
    script.dnsNs = 10 * kMs;
    script.connectNs = 20 * kMs;
    script.ttfbNs = 60 * kMs;
    script.downloadNs = 40 * kMs;
    browser.resources.push_back(script);

    LongTaskRecord task;
    task.key = "task-" + std::to_string(n);
    task.sessionKey = script.sessionKey;
    task.time = start + 2'200 * kMs;
    task.duration = 120 * kMs;
    browser.longTasks.push_back(task);

    RumErrorRecord error;
    error.key = "error-" + std::to_string(n);
    error.sessionKey = script.sessionKey;
    error.time = start + 2'150 * kMs;
    error.type = "TypeError";
    error.message = "total is undefined";
    browser.rumErrors.push_back(error);

    writer.submit(0, std::move(browser));
    writer.submit(0, backendBatch(traceId(n), 0x42, start + backendOffset));
}

} // namespace

class TestWaterfall : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("waterfall.seam"));
        StoreWriter writer(m_cache.toStdString());
        writePageLoad(writer, 0, kT0, 0);
        writePageLoad(writer, 1, kT0 + 60'000'000'000LL, kSkew);
        QVERIFY(writer.flush());
    }

    void rowsInStartOrderWithTheBackendUnderTheCall()
    {
        const WaterfallData data = WaterfallLoader::loadNow(m_cache.toStdString(), pageLoadId("page-0"));
        QVERIFY(data.pageLoadId != 0);
        QCOMPARE(data.route, QStringLiteral("/checkout"));
        QCOMPARE(data.fcp, std::optional<qint64>(400 * kMs));

        QCOMPARE(data.resources.size(), std::size_t(2));
        const WaterfallResource& script = data.resources[0];
        QCOMPARE(script.type, QStringLiteral("script"));
        QVERIFY(!script.isLinked());
        QVERIFY(script.spans.empty());
        QCOMPARE(script.dns, std::optional<qint64>(10 * kMs));
        QVERIFY(!script.ssl);

        const WaterfallResource& fetch = data.resources[1];
        QCOMPARE(fetch.type, QStringLiteral("fetch"));
        QCOMPARE(fetch.method, QStringLiteral("POST"));
        QVERIFY(fetch.isLinked());
        QVERIFY(!fetch.isInferred());
        QCOMPARE(fetch.clockShift, 0);
        // gateway -> payments -> query, depth-first; the browser's own fetch span is the row itself.
        QCOMPARE(fetch.spans.size(), std::size_t(3));
        const qint64 ids[] = {0x100, 0x101, 0x102};
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(fetch.spans[std::size_t(i)].spanId, ids[i]);
            QCOMPARE(fetch.spans[std::size_t(i)].depth, i);
        }
        QCOMPARE(fetch.spans[0].service, QStringLiteral("gateway"));
        QCOMPARE(fetch.spans[2].operation, QStringLiteral("SELECT FOR UPDATE"));

        QCOMPARE(data.longTasks.size(), std::size_t(1));
        QCOMPARE(data.longTasks[0].duration, 120 * kMs);
        QCOMPARE(data.errors.size(), std::size_t(1));
        QVERIFY(data.errors[0].message.contains(QStringLiteral("total is undefined")));
        QCOMPARE(data.end(), data.start + 2'500 * kMs);
    }

    void skewedBackendIsCentredInTheCall()
    {
        const WaterfallData data = WaterfallLoader::loadNow(m_cache.toStdString(), pageLoadId("page-1"));
        QCOMPARE(data.resources.size(), std::size_t(2));
        const WaterfallResource& fetch = data.resources[1];
        QVERIFY(fetch.isLinked());
        QCOMPARE(fetch.spans.size(), std::size_t(3));
        // The gateway span (1.7 s) sat 5 s after the 1.8 s call; it is moved back and centred.
        const WaterfallSpan& entry = fetch.spans[0];
        QVERIFY(fetch.clockShift < -4'900 * kMs && fetch.clockShift > -5'100 * kMs);
        QVERIFY(entry.start >= fetch.start);
        QVERIFY(entry.end <= fetch.end());
        QVERIFY(std::abs((entry.start - fetch.start) - (fetch.end() - entry.end)) <= 1);
        // The subtree moves as one: children keep their place relative to the entry span.
        QCOMPARE(fetch.spans[1].start - entry.start, 10 * kMs);
        QCOMPARE(fetch.spans[2].start - entry.start, 20 * kMs);
        QCOMPARE(clockShiftFor(0, 100, 10, 90), 0);
    }

    void clickingRowsSelectsThem()
    {
        auto data = std::make_shared<const WaterfallData>(
            WaterfallLoader::loadNow(m_cache.toStdString(), pageLoadId("page-0")));
        WaterfallView view;
        view.resize(900, 400);
        view.setData(data);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        // script, fetch, its three backend spans, long tasks, JS errors.
        QCOMPARE(view.rowCount(), 7);
        QCOMPARE(view.rowKind(5), WaterfallView::RowKind::LongTasks);
        QCOMPARE(view.rowKind(6), WaterfallView::RowKind::Errors);
        const WaterfallResource& fetch = data->resources[1];
        const int fetchRow = view.rowOfResource(fetch.id);
        QCOMPARE(fetchRow, 1);
        QCOMPARE(view.rowOfSpan(0x101), 3);

        QSignalSpy resources(&view, &WaterfallView::resourceSelected);
        QSignalSpy spans(&view, &WaterfallView::spanSelected);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.rowRect(fetchRow).center());
        QCOMPARE(resources.count(), 1);
        QCOMPARE(resources.at(0).at(0).toLongLong(), fetch.id);
        QCOMPARE(resources.at(0).at(1).toLongLong(), fetch.traceRowId);
        QVERIFY(fetch.traceRowId != 0);
        QCOMPARE(view.selectedRow(), fetchRow);

        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.rowRect(3).center());
        QCOMPARE(spans.count(), 1);
        QCOMPARE(spans.at(0).at(0).toLongLong(), 0x101);
        QCOMPARE(resources.count(), 1);

        // The ruler is not a row.
        QCOMPARE(view.rowAt(QPoint(10, 2)), -1);
    }

    void linkedViewsLoadTheWaterfallAndFollowItsClicks()
    {
        Investigation investigation;
        LinkedViews views(m_cache, &investigation);
        views.resize(1400, 900);
        views.show();
        QVERIFY(QTest::qWaitForWindowExposed(&views));

        investigation.selectPageLoad(pageLoadId("page-0"));
        WaterfallView* waterfall = views.waterfall()->view();
        QTRY_VERIFY(waterfall->data() && waterfall->data()->pageLoadId == pageLoadId("page-0"));
        // Above the flamegraph, on the right.
        QVERIFY(views.waterfall()->mapTo(&views, QPoint(0, 0)).y() <
                views.flameGraph()->mapTo(&views, QPoint(0, 0)).y());

        const int row = waterfall->rowOfSpan(0x101);
        QTest::mouseClick(waterfall->viewport(), Qt::LeftButton, {}, waterfall->rowRect(row).center());
        QCOMPARE(investigation.selectedSpan(), 0x101);
        FlameGraphView* graph = views.flameGraph()->view();
        QTRY_COMPARE(graph->selectedSpan(), 0x101);

        // The splitter state round-trips with the new splitter in it.
        const QByteArray state = views.saveState();
        QVERIFY(views.restoreState(state));
    }

private:
    qint64 pageLoadId(const char* key) const
    {
        Database db = store::openForReading(m_cache.toStdString());
        Statement q = db.prepare("SELECT id FROM page_loads WHERE key = ?1");
        q.bindText(1, key);
        return q.step() ? q.int64(0) : 0;
    }

    QTemporaryDir m_dir;
    QString m_cache;
};

QTEST_MAIN(TestWaterfall)
#include "tst_waterfall.moc"
