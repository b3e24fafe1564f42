// The flamegraph pane around the view: Ctrl+F search with hit count and next / previous, and the
// overview strip that says where a zoomed graph is.

#include "FlameGraphOverview.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "PageLoadTraces.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

using namespace seam;

namespace {

constexpr qint64 kT0 = 1'763'629'200'000'000'000;
constexpr qint64 kMs = 1'000'000;

/// gateway [0, 1000] ms over payments [0, 400] and postgres [500, 1000] over postgres [600, 700].
std::shared_ptr<const FlameGraphData> trace()
{
    const auto span = [](qint64 id, qint64 parent, int service, qint64 fromMs, qint64 toMs) {
        FlameSpan s;
        s.spanId = id;
        s.parentSpanId = parent;
        s.service = service;
        s.operation = service;
        s.start = kT0 + fromMs * kMs;
        s.end = kT0 + toMs * kMs;
        return s;
    };
    return std::make_shared<const FlameGraphData>(FlameGraphData::build(
        {span(1, 0, 0, 0, 1000), span(2, 1, 1, 0, 400), span(3, 1, 2, 500, 1000), span(4, 3, 2, 600, 700)},
        {QStringLiteral("gateway"), QStringLiteral("payments"), QStringLiteral("postgres")},
        {QStringLiteral("POST /checkout"), QStringLiteral("charge"), QStringLiteral("SELECT")}));
}

void wheel(QWidget* target, QPoint pos, int dx, int dy, Qt::KeyboardModifiers modifiers)
{
    QWheelEvent event(pos, target->mapToGlobal(pos), QPoint(), QPoint(dx, dy), Qt::NoButton, modifiers,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(target, &event);
}

} // namespace

class TestFlameGraphPanel : public QObject
{
    Q_OBJECT

private slots:
    void searchCountsAndWalksTheMatches()
    {
        FlameGraphPanel panel;
        panel.resize(800, 300);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showPageLoad(PageLoadTraces{}, trace());
        QVERIFY(!panel.searchEdit()->isVisible());
        QSignalSpy selected(panel.view(), &FlameGraphView::frameSelected);

        panel.showSearch();
        QVERIFY(panel.searchEdit()->isVisible());
        QTest::keyClicks(panel.searchEdit(), QStringLiteral("postgres"));
        QCOMPARE(panel.view()->searchMatchCount(), 2);
        QCOMPARE(panel.searchHits()->text(), QStringLiteral("2 match(es)"));

        // Enter: the next match, selected as a click would; Shift+Enter: the previous, wrapping.
        QTest::keyClick(panel.searchEdit(), Qt::Key_Return);
        QCOMPARE(panel.searchHits()->text(), QStringLiteral("1 of 2"));
        QCOMPARE(selected.size(), 1);
        const qint64 first = panel.view()->selectedSpan();
        QVERIFY(first == 3 || first == 4);
        QTest::keyClick(panel.searchEdit(), Qt::Key_Return);
        QCOMPARE(panel.searchHits()->text(), QStringLiteral("2 of 2"));
        QVERIFY(panel.view()->selectedSpan() != first);
        QTest::keyClick(panel.searchEdit(), Qt::Key_Return);
        QCOMPARE(panel.searchHits()->text(), QStringLiteral("1 of 2"));
        QTest::keyClick(panel.searchEdit(), Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(panel.searchHits()->text(), QStringLiteral("2 of 2"));

        QTest::keyClicks(panel.searchEdit(), QStringLiteral("-nothing"));
        QCOMPARE(panel.searchHits()->text(), QStringLiteral("no match"));

        // Escape closes it and every frame is in colour again.
        QTest::keyClick(panel.searchEdit(), Qt::Key_Escape);
        QVERIFY(!panel.searchEdit()->isVisible());
        QCOMPARE(panel.view()->searchMatchCount(), 0);
    }

    void theOverviewShowsWhereAZoomedGraphIs()
    {
        FlameGraphPanel panel;
        panel.resize(800, 300);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showPageLoad(PageLoadTraces{}, trace());
        FlameGraphOverview* overview = panel.overview();
        QVERIFY(!overview->isVisible()); // everything is visible: nothing to locate

        // Ctrl+wheel zooms around the pointer (as in Perfetto and speedscope).
        FlameGraphView* view = panel.view();
        const QPoint right(view->viewport()->width() * 3 / 4, 5);
        wheel(view->viewport(), right, 0, 240, Qt::ControlModifier);
        QVERIFY(view->visibleRange().length() < 1000 * kMs);
        QVERIFY(overview->isVisible());
        const QRectF window = overview->windowRect();
        QVERIFY(window.width() < overview->width());
        QVERIFY(window.center().x() > overview->width() / 2); // zoomed around the right-hand side

        // Shift+wheel pans along the time axis, the plain wheel does not.
        const qint64 before = view->visibleRange().start;
        wheel(view->viewport(), right, 0, -120, Qt::NoModifier);
        QCOMPARE(view->visibleRange().start, before);
        wheel(view->viewport(), right, 0, -120, Qt::ShiftModifier);
        QVERIFY(view->visibleRange().start != before);

        // A click on the strip moves the window there, same zoom.
        const qint64 length = view->visibleRange().length();
        QTest::mouseClick(overview, Qt::LeftButton, {}, QPoint(2, overview->height() / 2));
        QCOMPARE(view->visibleRange().length(), length);
        QVERIFY(overview->windowRect().left() < window.left());

        view->reset();
        QVERIFY(!overview->isVisible());
    }
};

QTEST_MAIN(TestFlameGraphPanel)
#include "tst_flamegraphpanel.moc"
