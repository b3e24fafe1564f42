// The waterfall's time axis and critical path, on the real widget: the axis defaults to the page
// load's own extent with later calls counted at the right edge (not stretched by a call 20 s later),
// zoom (Ctrl+wheel around the cursor, Shift+wheel pans, keys, reset) as in the flamegraph, mark names
// that never overlap nor clip, the critical-path strip and its toggle, the legend, and the flamegraph
// marking the same spans in the linked views.
#include "ErrorListPanel.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "WaterfallLegend.h"
#include "WaterfallLoader.h"
#include "WaterfallPanel.h"
#include "WaterfallView.h"
#include "WhyPanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

using namespace seam;
using namespace seam::test;

namespace {

constexpr TimeNs kMs = 1'000'000;
constexpr TimeNs kLate = 22'000 * kMs; // the late calls start 22 s after navigation; the load takes 2.5 s

/// The factory's linked checkout load (2.5 s, its POST served by gateway -> payments), three fetches
/// ~20 s after it, and FCP/LCP 10 ms apart just before the load end.
void writeLoad(StoreWriter& writer, int n, TimeNs start, bool lateCalls)
{
    RecordBatch browser = browserBatch(n, traceId(n), 0x42, start);
    PageLoadRecord& page = browser.pageLoads.front();
    page.ttfb = 80 * kMs; // no document resource: the critical path takes the document from TTFB
    page.fcp = 2'450 * kMs;
    page.lcp = 2'460 * kMs;
    for (int i = 0; lateCalls && i < 3; ++i) {
        ResourceRecord late;
        late.key = "late-" + std::to_string(n) + "-" + std::to_string(i);
        late.sessionKey = browser.sessions.front().key;
        late.pageLoadKey = page.key;
        late.type = "fetch";
        late.method = "GET";
        late.url = "https://shop.example/api/poll";
        late.statusCode = 200;
        late.start = start + kLate + TimeNs(i) * 1000 * kMs;
        late.duration = 40 * kMs;
        browser.resources.push_back(late);
    }
    writer.submit(0, std::move(browser));
    writer.submit(0, backendBatch(traceId(n), 0x42, start));
}

void wheel(QWidget* target, QPoint pos, int dy, Qt::KeyboardModifiers modifiers)
{
    QWheelEvent event(QPointF(pos), QPointF(target->mapToGlobal(pos)), QPoint(), QPoint(0, dy), Qt::NoButton,
                      modifiers, Qt::NoScrollPhase, false);
    QApplication::sendEvent(target, &event);
}

} // namespace

class TestWaterfallAxis : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;

    qint64 pageLoadId(const char* key) const
    {
        Database db = store::openForReading(m_cache.toStdString());
        Statement q = db.prepare("SELECT id FROM page_loads WHERE key = ?1");
        q.bindText(1, key);
        return q.step() ? q.int64(0) : 0;
    }

    std::shared_ptr<const WaterfallData> load(const char* key) const
    {
        return std::make_shared<const WaterfallData>(
            WaterfallLoader::loadNow(m_cache.toStdString(), pageLoadId(key)));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("axis.seam"));
        StoreWriter writer(m_cache.toStdString());
        writeLoad(writer, 0, kT0, true);
        writeLoad(writer, 1, kT0 + 60'000 * kMs, false);
        QVERIFY(writer.flush());
    }

    void axisIsTheLoadsOwnExtentWithLaterCallsCounted()
    {
        const auto data = load("page-0");
        QCOMPARE(int(data->resources.size()), 4);
        WaterfallView view;
        view.resize(900, 400);
        view.setData(data);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.viewStart(), data->start);
        QCOMPARE(view.viewEnd(), data->start + *data->duration);
        // The 2.5 s load fills the time axis instead of an eighth of it.
        const double loadWidth = view.xForTime(data->start + *data->duration) - view.xForTime(data->start);
        QVERIFY(loadWidth > 0.5 * view.viewport()->width());
        QCOMPARE(view.laterCount(), 3);
        QVERIFY2(view.laterText().startsWith(QStringLiteral("3 calls later, +21.5 s")),
                 qPrintable(view.laterText()));
        const QRect later = view.laterIndicatorRect();
        QVERIFY(later.isValid());
        QVERIFY(later.right() < view.viewport()->width());
        // A click on the note shows everything; Escape goes back to the load.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, later.center());
        QCOMPARE(view.viewEnd(), data->end());
        QCOMPARE(view.laterCount(), 0);
        QTest::keyClick(&view, Qt::Key_Escape);
        QCOMPARE(view.viewEnd(), data->start + *data->duration);
        // Without later calls there is no note.
        view.setData(load("page-1"));
        QCOMPARE(view.laterCount(), 0);
        QVERIFY(!view.laterIndicatorRect().isValid());
    }

    void zoomLikeTheFlamegraph()
    {
        const auto data = load("page-0");
        WaterfallView view;
        view.resize(900, 400);
        view.setData(data);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const qint64 length = view.viewEnd() - view.viewStart();
        // Ctrl+wheel zooms in around the cursor: the time under it stays under it.
        const QPoint at(view.viewport()->width() * 3 / 4, 200);
        const qint64 anchor =
            data->start +
            qint64(double(at.x() - view.xForTime(data->start)) /
                   (view.xForTime(view.viewEnd()) - view.xForTime(data->start)) * double(length));
        wheel(view.viewport(), at, 240, Qt::ControlModifier);
        const qint64 zoomed = view.viewEnd() - view.viewStart();
        QVERIFY(zoomed < length * 7 / 10);
        QVERIFY(std::abs(view.xForTime(anchor) - at.x()) <= 2);
        // Shift+wheel pans, keeping the length; the plain wheel scrolls rows, not time.
        const qint64 start = view.viewStart();
        wheel(view.viewport(), at, -120, Qt::ShiftModifier);
        QVERIFY(view.viewStart() > start);
        QCOMPARE(view.viewEnd() - view.viewStart(), zoomed);
        const qint64 panned = view.viewStart();
        wheel(view.viewport(), at, -120, Qt::NoModifier);
        QCOMPARE(view.viewStart(), panned);
        // Keys: + and - zoom about the middle, 0 resets; never before the navigation start.
        QTest::keyClick(&view, Qt::Key_Minus);
        QVERIFY(view.viewEnd() - view.viewStart() > zoomed);
        QTest::keyClick(&view, Qt::Key_Plus);
        QVERIFY(std::abs((view.viewEnd() - view.viewStart()) - zoomed) <= 2);
        QTest::keyClick(&view, Qt::Key_0);
        QCOMPARE(view.viewStart(), data->start);
        QCOMPARE(view.viewEnd(), data->start + *data->duration);
        QTest::keyClick(&view, Qt::Key_Left);
        QCOMPARE(view.viewStart(), data->start);
        // Zooming out stops at everything.
        for (int i = 0; i < 40; ++i)
            QTest::keyClick(&view, Qt::Key_Minus);
        QCOMPARE(view.viewStart(), data->start);
        QCOMPARE(view.viewEnd(), data->end());
    }

    void markNamesNeverOverlapNorClip_data()
    {
        QTest::addColumn<int>("width");
        QTest::newRow("wide") << 1200;
        QTest::newRow("narrow") << 420;
    }

    void markNamesNeverOverlapNorClip()
    {
        QFETCH(int, width);
        WaterfallView view;
        view.resize(width, 300);
        view.setData(load("page-0"));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // FCP, LCP and Load are 10-40 ms apart at the very end of the load (the right edge).
        const auto labels = view.markLabels();
        QCOMPARE(int(labels.size()), 4);
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const QRect r = labels[i].rect;
            QVERIFY2(r.left() >= 0 && r.right() < view.viewport()->width(), qPrintable(labels[i].name));
            QVERIFY(r.bottom() < view.rowRect(0).top()); // in the ruler, above the first row
            for (std::size_t j = i + 1; j < labels.size(); ++j)
                QVERIFY2(!r.intersects(labels[j].rect),
                         qPrintable(labels[i].name + QStringLiteral(" / ") + labels[j].name));
        }
        // Zoomed in on the marks, they spread out into one lane.
        view.zoomTo(view.viewStart() + 2'430 * kMs, view.viewStart() + 2'470 * kMs);
        const auto spread = view.markLabels();
        QCOMPARE(int(spread.size()), 2);
        for (const auto& m : spread)
            QCOMPARE(m.rect.top(), spread.front().rect.top());
    }

    void criticalPathStripToggleAndLegend()
    {
        const auto data = load("page-0");
        QVERIFY(!data->criticalPath.empty());
        // The segments tile the load.
        QCOMPARE(data->criticalPath.front().start, data->start);
        QCOMPARE(data->criticalPath.back().end, data->start + *data->duration);
        for (std::size_t i = 1; i < data->criticalPath.size(); ++i)
            QCOMPARE(data->criticalPath[i].start, data->criticalPath[i - 1].end);
        const std::vector<qint64> spans = data->criticalSpanIds();
        QStringList path;
        for (const WaterfallCriticalSegment& s : data->criticalPath)
            path << s.label + QLatin1Char('@') + QString::number(s.spanId, 16);
        // The payments query
        QVERIFY2(std::binary_search(spans.begin(), spans.end(), qint64(0x102)), qPrintable(path.join(u", ")));

        WaterfallPanel panel;
        panel.resize(900, 400);
        panel.showData(data);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        WaterfallView* view = panel.view();
        QVERIFY(view->isCriticalPathShown());
        QVERIFY(view->criticalStripRect().isValid());
        QVERIFY(view->isRowOnCriticalPath(view->rowOfSpan(0x102)));
        QVERIFY(!view->isRowOnCriticalPath(view->rowCount() - 1)); // the last late poll
        QVERIFY(panel.legend()->names().contains(QStringLiteral("Download")));
        QVERIFY(panel.legend()->names().contains(QStringLiteral("backend")));
        const int firstRowTop = view->rowRect(0).top();
        QTest::mouseClick(panel.criticalPathToggle(), Qt::LeftButton);
        QVERIFY(!view->isCriticalPathShown());
        QVERIFY(!view->criticalStripRect().isValid());
        QVERIFY(view->rowRect(0).top() < firstRowTop); // the strip's room is given back
        QVERIFY(!panel.legend()->names().contains(QStringLiteral("backend")));
    }

    void flameGraphMarksTheCriticalSpans()
    {
        Investigation investigation;
        LinkedViews views(m_cache, &investigation);
        views.resize(1366, 768);
        views.show();
        QVERIFY(QTest::qWaitForWindowExposed(&views));
        investigation.selectPageLoad(pageLoadId("page-0"));
        FlameGraphView* graph = views.flameGraph()->view();
        QTRY_VERIFY(graph->data() && !graph->data()->isEmpty() && views.waterfall()->view()->data() &&
                    !views.isLoading());
        const std::vector<qint64> spans = views.waterfall()->view()->data()->criticalSpanIds();
        QVERIFY(!spans.empty());
        QCOMPARE(graph->markedFrameCount(), int(spans.size()));
        QVERIFY(graph->isFrameMarked(graph->data()->indexOfSpan(0x102)));
        // The Why? tab sits beside Details and Errors; hidden, it reads nothing on a click.
        QVERIFY(views.detailsTabs()->indexOf(views.why()) > views.detailsTabs()->indexOf(views.errors()));
        QVERIFY(!views.why()->isLoading() && !views.why()->data());
        // Another load: its own marks, none of the old ones left over.
        investigation.selectPageLoad(0);
        QCOMPARE(graph->markedFrameCount(), 0);
    }
};

QTEST_MAIN(TestWaterfallAxis)
#include "tst_waterfallaxis.moc"
