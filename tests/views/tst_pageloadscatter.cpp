#include "Format.h"
#include "Investigation.h"
#include "PageLoadScatterData.h"
#include "PageLoadScatterLoader.h"
#include "PageLoadScatterView.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "Store.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QToolTip>
#include <algorithm>
#include <optional>
#include <random>

using namespace seam;

namespace {

constexpr int kRows = 240;
constexpr qint64 kT0 = 1'763'629'200'000'000'000; // 2025-11-20T09:00:00Z
constexpr qint64 kStep = 15'000'000'000;          // a page load every 15 s: one hour in all
const char* const kRoutes[] = {"/", "/product/:id", "/search", "/cart"};

qint64 startOf(int n)
{
    return kT0 + qint64(n) * kStep;
}
/// Load times 200 ms .. 3.2 s, distinct for every page load; every 50th has none.
std::optional<qint64> durationOf(int n)
{
    if (n % 50 == 0)
        return std::nullopt;
    return (200 + qint64(n) * 7919 % 3000) * 1'000'000 + n;
}
bool hasErrors(int n)
{
    return n % 17 == 0;
}

void writeCache(const std::string& path)
{
    Database db = store::openForWriting(path);
    Transaction tx(db);
    db.prepare("INSERT INTO sessions(id, key, browser) VALUES (1, 'session-1', 'Firefox')").run();
    auto page = db.prepare("INSERT INTO page_loads(id, key, session_id, url, route, start_ns, duration_ns, "
                           "error_count) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7)");
    for (int n = 1; n <= kRows; ++n) {
        const std::string key = "page-" + std::to_string(n);
        const std::string route = kRoutes[n % 4];
        const std::string url = "https://shop.example" + route + "?n=" + std::to_string(n);
        page.bind(1, n).bindText(2, key).bindText(3, url).bindText(4, route).bind(5, startOf(n));
        if (const auto d = durationOf(n))
            page.bind(6, *d);
        else
            page.bindNull(6);
        page.bind(7, hasErrors(n) ? 2 : 0).run();
    }
    tx.commit();
}

/// A mouse event with the left button held (QTest::mouseMove does not say which buttons are down).
void dragTo(QWidget* viewport, QPointF pos)
{
    QMouseEvent move(QEvent::MouseMove, pos, viewport->mapToGlobal(pos), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(viewport, &move);
}

PageLoadScatterPoint point(qint64 id, qint64 start, qint64 duration, bool error = false)
{
    return PageLoadScatterPoint{id, start, duration, error, {}};
}

} // namespace

class TestPageLoadScatter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("scatter.seam"));
        writeCache(m_path.toStdString());
    }

    void smallInputIsKeptWhole()
    {
        std::vector<PageLoadScatterPoint> all{point(3, 300, 5), point(1, 100, 9, true), point(2, 100, 1)};
        const auto data = PageLoadScatterData::fromPoints(all, 10);
        QCOMPARE(data.points.size(), std::size_t(3));
        QVERIFY(!data.isDecimated());
        // By start, then id.
        QCOMPARE(data.points[0].id, qint64(1));
        QCOMPARE(data.points[1].id, qint64(2));
        QCOMPARE(data.points[2].id, qint64(3));
        QCOMPARE(data.matched, qint64(3));
        QCOMPARE(data.errors, qint64(1));
        QCOMPARE(data.errorsShown, qint64(1));
        QCOMPARE(data.maxDuration, qint64(9));
        QCOMPARE(data.slowThreshold, qint64(9)); // nearest rank of 3 values
        QCOMPARE(data.firstStart, qint64(100));
        QCOMPARE(data.lastStart, qint64(300));
        QCOMPARE(data.indexOf(3), 2);
        QCOMPARE(data.indexOf(4), -1);
        QCOMPARE(data.lowerBound(101), std::size_t(2));

        const auto empty = PageLoadScatterData::fromPoints({}, 10);
        QVERIFY(empty.points.empty());
        QCOMPARE(empty.slowThreshold, qint64(0));
    }

    void decimationKeepsSlowestAndErrors()
    {
        // 100k page loads over a day, 300 with errors, one very slow one in a busy stretch.
        constexpr int kCount = 100'000;
        constexpr int kCap = 2000;
        std::mt19937_64 rng(1);
        std::lognormal_distribution<double> ms(6.5, 0.5);
        std::vector<PageLoadScatterPoint> all;
        std::vector<qint64> errorIds, durations;
        for (int i = 1; i <= kCount; ++i) {
            const qint64 start = kT0 + qint64(rng() % 86'400'000) * 1'000'000;
            const bool error = i % 333 == 0;
            const qint64 duration = i == 4242 ? qint64(600'000'000'000) : qint64(ms(rng) * 1e6);
            all.push_back(point(i, start, duration, error));
            durations.push_back(duration);
            if (error)
                errorIds.push_back(i);
        }
        std::sort(durations.begin(), durations.end());
        const auto data = PageLoadScatterData::fromPoints(all, kCap);

        QVERIFY(data.isDecimated());
        QVERIFY2(data.points.size() <= std::size_t(kCap), qPrintable(QString::number(data.points.size())));
        QVERIFY(data.points.size() >= std::size_t(kCap * 9 / 10)); // the budget is used
        QCOMPARE(data.matched, qint64(kCount));
        QCOMPARE(data.errors, qint64(errorIds.size()));
        QCOMPARE(data.errorsShown, qint64(errorIds.size()));
        QCOMPARE(data.maxDuration, qint64(600'000'000'000));
        QCOMPARE(data.slowThreshold, durations[std::size_t(kCount * 95 / 100 - 1)]);
        QVERIFY(data.indexOf(4242) >= 0); // the slowest
        for (const qint64 id : errorIds)
            QVERIFY2(data.indexOf(id) >= 0, qPrintable(QString::number(id)));
        QVERIFY(std::is_sorted(data.points.begin(), data.points.end(),
                               [](const auto& a, const auto& b) { return a.start < b.start; }));
        // An even spread: every hour of the day keeps points (the input is uniform in time).
        std::vector<int> perHour(24);
        for (const auto& p : data.points)
            ++perHour[std::size_t((p.start - kT0) / 3'600'000'000'000)];
        for (int h = 0; h < 24; ++h)
            QVERIFY2(perHour[std::size_t(h)] > kCap / 24 / 2, qPrintable(QString::number(h)));
        // Each of the 24 slowest non-error loads of the whole set... at least the slowest few are kept:
        // every column keeps its slowest, and the 10 slowest overall are in 10 or fewer columns.
        std::vector<PageLoadScatterPoint> bySpeed = all;
        std::sort(bySpeed.begin(), bySpeed.end(),
                  [](const auto& a, const auto& b) { return a.duration > b.duration; });
        for (int k = 0; k < 10; ++k)
            QVERIFY(data.indexOf(bySpeed[std::size_t(k)].id) >= 0);
    }

    void tooManyErrorsAreDecimatedToo()
    {
        std::vector<PageLoadScatterPoint> all;
        for (int i = 1; i <= 10'000; ++i)
            all.push_back(
                point(i, qint64(i) * 1000, qint64(i % 977) + (i == 5000 ? 100'000 : 0), i % 2 == 0));
        const auto data = PageLoadScatterData::fromPoints(all, 1000);
        QVERIFY(data.points.size() <= 1000);
        QCOMPARE(data.errors, qint64(5000));
        QVERIFY(data.errorsShown <= 1000 / 2 + 1);
        QVERIFY(data.errorsShown >= 400);
        QVERIFY(data.indexOf(5000) >= 0); // the slowest error
    }

    void loadsFromTheCache()
    {
        Database db = store::openForReading(m_path.toStdString());
        const auto filter = PageLoadFilter::parse(QStringLiteral("route:/cart"));
        const auto data = PageLoadScatterData::load(db, filter.sql(), filter.values());
        int expected = 0, withoutDuration = 0, errors = 0;
        for (int n = 1; n <= kRows; ++n) {
            if (QLatin1String(kRoutes[n % 4]) != QLatin1String("/cart"))
                continue;
            if (!durationOf(n)) {
                ++withoutDuration;
                continue;
            }
            ++expected;
            errors += hasErrors(n) ? 1 : 0;
        }
        QCOMPARE(data.matched, qint64(expected));
        QCOMPARE(data.withoutDuration, qint64(withoutDuration));
        QCOMPARE(data.errors, qint64(errors));
        QCOMPARE(data.points.size(), std::size_t(expected));
        for (const auto& p : data.points) {
            QCOMPARE(p.route, QStringLiteral("/cart"));
            QCOMPARE(p.start, startOf(int(p.id)));
            QCOMPARE(p.duration, *durationOf(int(p.id)));
            QCOMPARE(p.error, hasErrors(int(p.id)));
        }

        // The loader gives the same off the GUI thread; only the latest of quick requests arrives.
        PageLoadScatterLoader loader(m_path);
        QSignalSpy loaded(&loader, &PageLoadScatterLoader::loaded);
        loader.load(PageLoadFilter::parse(QStringLiteral("route:/search")));
        loader.load(filter);
        QVERIFY(loaded.wait(10'000));
        QTest::qWait(50);
        QCOMPARE(loaded.size(), 1);
        const auto result = loaded[0][0].value<std::shared_ptr<const PageLoadScatterData>>();
        QVERIFY(result);
        QCOMPARE(result->matched, qint64(expected));
        QVERIFY(!loader.isLoading());

        // One point alone, for a selection the decimation left out.
        QSignalSpy located(&loader, &PageLoadScatterLoader::located);
        loader.locate(7);
        loader.locate(101);
        QVERIFY(located.wait(10'000));
        QTest::qWait(50);
        QCOMPARE(located.size(), 1);
        const auto one = located[0][0].value<PageLoadScatterPoint>();
        QCOMPARE(one.id, qint64(101));
        QCOMPARE(one.start, startOf(101));
        QCOMPARE(one.duration, *durationOf(101));
        QCOMPARE(one.route, QLatin1String(kRoutes[101 % 4]));
        loader.locate(100); // no load time: nothing to draw
        QVERIFY(!located.wait(300));
    }

    void tableModelTimeRange()
    {
        PageLoadTableModel model(m_path);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY_WITH_TIMEOUT(!model.isCounting(), 10'000);
        QCOMPARE(model.rowCount(), kRows);
        // [start of 10, start of 20): page loads 10..19.
        model.setTimeRange(std::pair(startOf(10), startOf(20)));
        QTRY_VERIFY_WITH_TIMEOUT(!model.isCounting(), 10'000);
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.pageLoadIdAt(0), qint64(10));
        QCOMPARE(model.pageLoadIdAt(9), qint64(19));
        // With a filter: both apply.
        model.setFilter(PageLoadFilter::parse(QStringLiteral("route:/cart")));
        QTRY_VERIFY_WITH_TIMEOUT(!model.isCounting(), 10'000);
        QCOMPARE(model.rowCount(), 3); // 11, 15 and 19
        QCOMPARE(model.pageLoadIdAt(0), qint64(11));
        model.setTimeRange(std::nullopt);
        QTRY_VERIFY_WITH_TIMEOUT(!model.isCounting(), 10'000);
        QCOMPARE(model.rowCount(), kRows / 4);
    }

    void brushClickAndClear()
    {
        Investigation investigation;
        QWidget window;
        auto* panel = new PageLoadsPanel(m_path, &investigation);
        auto* view = new PageLoadScatterView(m_path, &investigation);
        auto* layout = new QHBoxLayout(&window);
        layout->addWidget(view, 2);
        layout->addWidget(panel, 1);
        window.resize(1400, 500);
        QSignalSpy viewLoaded(view, &PageLoadScatterView::loaded);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(view->data() != nullptr, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->model()->isCounting(), 10'000);
        QCOMPARE(panel->model()->rowCount(), kRows);
        QTest::qWait(50); // the chart lays out its new axes
        QCOMPARE(view->data()->matched, qint64(kRows - kRows / 50));
        QVERIFY(!view->data()->isDecimated());
        QCOMPARE(
            qint64(view->okSeries()->count() + view->slowSeries()->count() + view->errorSeries()->count()),
            view->data()->matched);
        QCOMPARE(view->errorSeries()->count(), kRows / 17); // none of the error loads lacks a time
        QVERIFY(!panel->timeRangeChip()->isVisible());

        // Drag across the middle of the plot area.
        const QRectF plot = view->plotRect();
        QVERIFY(plot.width() > 300);
        const QPointF from(plot.left() + plot.width() * 0.3, plot.center().y());
        const QPointF to(plot.left() + plot.width() * 0.55, plot.center().y() + 20);
        QWidget* viewport = view->viewport();
        QTest::mousePress(viewport, Qt::LeftButton, {}, from.toPoint());
        dragTo(viewport, (from + QPointF(10, 0)));
        dragTo(viewport, to);
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, to.toPoint());

        const auto range = investigation.timeRange();
        QVERIFY(range);
        const qint64 pixel = view->timeAt(100) - view->timeAt(99);
        QVERIFY(pixel > 0);
        const qint64 expectedFrom = view->timeAt(from.toPoint().x());
        const qint64 expectedTo = view->timeAt(to.toPoint().x());
        QVERIFY2(std::abs(range->from - expectedFrom) <= pixel,
                 qPrintable(QString::number(range->from - expectedFrom)));
        QVERIFY2(std::abs(range->to - expectedTo) <= pixel,
                 qPrintable(QString::number(range->to - expectedTo)));
        // About a quarter of the hour.
        QVERIFY(range->to - range->from > 10 * 60'000'000'000LL);
        QVERIFY(range->to - range->from < 20 * 60'000'000'000LL);

        int inside = 0;
        for (int n = 1; n <= kRows; ++n)
            inside += startOf(n) >= range->from && startOf(n) < range->to ? 1 : 0;
        QVERIFY(inside > 30 && inside < kRows);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->model()->isCounting(), 10'000);
        QCOMPARE(panel->model()->rowCount(), inside);
        QVERIFY(panel->timeRangeChip()->isVisible());
        QVERIFY(panel->timeRangeChip()->text().contains(QChar(u'–')));

        // Click a known point (page load 101: inside the range or not, it is drawn).
        const int n = 101;
        const QPointF at = view->positionOf(startOf(n), *durationOf(n));
        QVERIFY(plot.contains(at));
        QCOMPARE(view->pageLoadAt(at), qint64(n));
        QCOMPARE(view->pageLoadAt(at + QPointF(3, 2)), qint64(n)); // near is enough
        QTest::mouseClick(viewport, Qt::LeftButton, {}, at.toPoint());
        QCOMPARE(investigation.selectedPageLoad(), qint64(n));
        QCOMPARE(investigation.timeRange(), range); // a click is not a brush
        // Far from every point: nothing is picked, the selection stays.
        QCOMPARE(view->pageLoadAt(QPointF(plot.left() + 2, plot.top() + 2)), qint64(0));

        // Hovering a point says what it is.
        QTest::mouseMove(viewport, at.toPoint());
        QTRY_VERIFY_WITH_TIMEOUT(QToolTip::text().contains(QLatin1String(kRoutes[n % 4])), 5000);
        QVERIFY(QToolTip::text().contains(formatDuration(*durationOf(n))));

        // Escape during a drag abandons it: the range stays as it was.
        QTest::mousePress(viewport, Qt::LeftButton, {}, from.toPoint());
        dragTo(viewport, from + QPointF(60, 0));
        QTest::keyClick(view, Qt::Key_Escape);
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, (from + QPointF(60, 0)).toPoint());
        QCOMPARE(investigation.timeRange(), range);

        // Escape clears the range; the table lists everything again.
        QTest::keyClick(view, Qt::Key_Escape);
        QVERIFY(!investigation.timeRange());
        QTRY_VERIFY_WITH_TIMEOUT(!panel->model()->isCounting(), 10'000);
        QCOMPARE(panel->model()->rowCount(), kRows);
        QVERIFY(!panel->timeRangeChip()->isVisible());
        QCOMPARE(investigation.selectedPageLoad(), qint64(n));

        // The chip clears a range too, and so does a double-click in the chart.
        investigation.setTimeRange(Investigation::TimeRange{startOf(5), startOf(8)});
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 3, 10'000);
        QTest::mouseClick(panel->timeRangeChip(), Qt::LeftButton);
        QVERIFY(!investigation.timeRange());
        investigation.setTimeRange(Investigation::TimeRange{startOf(5), startOf(8)});
        QTest::mouseDClick(viewport, Qt::LeftButton, {}, plot.center().toPoint());
        QVERIFY(!investigation.timeRange());

        // A filter reloads the chart.
        viewLoaded.clear();
        investigation.setFilterText(QStringLiteral("route:/cart"));
        QVERIFY(viewLoaded.wait(10'000));
        int carts = 0;
        for (int k = 1; k <= kRows; ++k)
            carts += QLatin1String(kRoutes[k % 4]) == QLatin1String("/cart") && durationOf(k) ? 1 : 0;
        QCOMPARE(view->data()->matched, qint64(carts));
    }

    void brushedRangeIsCountedInTheTitle()
    {
        Investigation investigation;
        PageLoadScatterView view(m_path, &investigation);
        view.resize(900, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(view.data() != nullptr && !view.isLoading(), 10'000);
        const qint64 matched = view.data()->matched;
        investigation.setTimeRange(Investigation::TimeRange{startOf(5), startOf(8)});
        // Loads 5..8 that have a load time (every 50th has none).
        qint64 inside = 0;
        for (int n = 5; n <= 8; ++n)
            inside += durationOf(n) ? 1 : 0;
        const QLocale locale;
        QCOMPARE(view.chart()->title(), QStringLiteral("%1 of %2 page loads in the brushed range")
                                            .arg(locale.toString(inside), locale.toString(matched)));
        investigation.setTimeRange(std::nullopt);
        QVERIFY(!view.chart()->title().contains(QLatin1String("brushed")));
    }

    void emptyResultKeepsTheDataTimeAndSaysSo()
    {
        Investigation investigation;
        QWidget window;
        auto* panel = new PageLoadsPanel(m_path, &investigation);
        auto* view = new PageLoadScatterView(m_path, &investigation);
        auto* layout = new QHBoxLayout(&window);
        layout->addWidget(view, 2);
        layout->addWidget(panel, 1);
        window.resize(1200, 400);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(view->data() != nullptr && !view->isLoading(), 10'000);
        QTest::qWait(50);
        const qint64 left = view->timeAt(view->plotRect().left());
        const qint64 right = view->timeAt(view->plotRect().right());
        QVERIFY(panel->emptyText().isEmpty());

        // A filter matching nothing: the chart stays on the data's time, not today's clock...
        QSignalSpy loaded(view, &PageLoadScatterView::loaded);
        panel->filterEdit()->setText(QStringLiteral("duration>5s OR (route:/nowhere errors>0)"));
        QTest::keyClick(panel->filterEdit(), Qt::Key_Return);
        QVERIFY(loaded.wait(10'000));
        QTest::qWait(50);
        QCOMPARE(view->data()->matched, qint64(0));
        const qint64 pixel = view->timeAt(100) - view->timeAt(99);
        QVERIFY(std::abs(view->timeAt(view->plotRect().left()) - left) <= 2 * pixel);
        QVERIFY(std::abs(view->timeAt(view->plotRect().right()) - right) <= 2 * pixel);
        // ...and the table says why it is empty.
        QTRY_VERIFY_WITH_TIMEOUT(!panel->model()->isCounting(), 10'000);
        QCOMPARE(panel->model()->rowCount(), 0);
        QCOMPARE(panel->emptyText(),
                 QStringLiteral("No page loads match “duration>5s OR (route:/nowhere errors>0)”."));
        panel->filterEdit()->clear();
        QTest::keyClick(panel->filterEdit(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() > 0, 10'000);
        QVERIFY(panel->emptyText().isEmpty());
    }
};

QTEST_MAIN(TestPageLoadScatter)
#include "tst_pageloadscatter.moc"
