#include "FlameGraphView.h"

#include <QApplication>
#include <QImage>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <QWheelEvent>

using namespace seam;

namespace {

constexpr qint64 kT0 = 1'763'629'200'000'000'000; // epoch nanoseconds: beyond a double's exact range
constexpr qint64 kMs = 1'000'000;

enum SpanIds : qint64
{
    kGateway = 0x10, // [0, 1000] ms
    kPayments,       // [0, 400]
    kDb,             // [500, 1000], error
    kQuery,          // [600, 700], under kDb
};

std::shared_ptr<const FlameGraphData> smallTrace()
{
    const auto span = [](qint64 id, qint64 parent, int service, qint64 fromMs, qint64 toMs,
                         bool error = false) {
        FlameSpan s;
        s.spanId = id;
        s.parentSpanId = parent;
        s.service = service;
        s.operation = service;
        s.start = kT0 + fromMs * kMs;
        s.end = kT0 + toMs * kMs;
        s.error = error;
        return s;
    };
    return std::make_shared<const FlameGraphData>(FlameGraphData::build(
        {span(kGateway, 0, 0, 0, 1000), span(kPayments, kGateway, 1, 0, 400),
         span(kDb, kGateway, 2, 500, 1000, true), span(kQuery, kDb, 2, 600, 700)},
        {QStringLiteral("gateway"), QStringLiteral("payments"), QStringLiteral("postgres")},
        {QStringLiteral("POST /checkout"), QStringLiteral("charge"), QStringLiteral("SELECT FOR UPDATE")}));
}

/// `count` spans: a root fanning out to request handlers, each a chain of calls with tiny leaves.
std::shared_ptr<const FlameGraphData> bigTrace(int count)
{
    std::vector<FlameSpan> spans;
    spans.reserve(std::size_t(count));
    const auto add = [&](qint64 parent, qint64 start, qint64 end, int service) {
        FlameSpan s;
        s.spanId = qint64(spans.size()) + 1;
        s.parentSpanId = parent;
        s.service = service % 12;
        s.operation = service % 40;
        s.start = start;
        s.end = end;
        s.error = spans.size() % 997 == 0;
        spans.push_back(s);
        return s.spanId;
    };
    const qint64 root = add(0, kT0, kT0 + 10'000 * kMs, 0);
    qint64 t = kT0;
    for (int handler = 0; int(spans.size()) < count; ++handler) {
        qint64 parent = add(root, t, t + 20 * kMs, handler);
        for (int depth = 1; depth < 12 && int(spans.size()) < count; ++depth)
            parent = add(parent, t + depth * kMs / 10, t + 20 * kMs - depth * kMs / 10, handler + depth);
        for (int leaf = 0; leaf < 40 && int(spans.size()) < count; ++leaf)
            add(parent, t + 2 * kMs + leaf * 300'000, t + 2 * kMs + leaf * 300'000 + 200'000, leaf);
        t += 10'000 * kMs / (count / 52 + 1);
    }
    QStringList names;
    for (int i = 0; i < 40; ++i)
        names.append(QStringLiteral("name-%1").arg(i));
    return std::make_shared<const FlameGraphData>(FlameGraphData::build(std::move(spans), names, names));
}

QPoint centreOf(const FlameGraphView& view, qint64 spanId)
{
    return view.frameRect(view.data()->indexOfSpan(spanId)).center().toPoint();
}

void sendWheel(QWidget* target, QPoint pos, int delta, Qt::KeyboardModifiers modifiers)
{
    QWheelEvent event(QPointF(pos), QPointF(target->mapToGlobal(pos)), QPoint(), QPoint(0, delta),
                      Qt::NoButton, modifiers, Qt::NoScrollPhase, false);
    QApplication::sendEvent(target, &event);
}

int countPixelsUnlike(const QImage& image, QColor background)
{
    int n = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            n += image.pixelColor(x, y) != background;
    return n;
}

} // namespace

class TestFlameGraphView : public QObject
{
    Q_OBJECT

    std::unique_ptr<FlameGraphView> m_view;

    FlameGraphView& show(std::shared_ptr<const FlameGraphData> data)
    {
        m_view = std::make_unique<FlameGraphView>();
        m_view->resize(800, 400);
        m_view->setData(std::move(data));
        m_view->show();
        if (!QTest::qWaitForWindowExposed(m_view.get()))
            qWarning("window not exposed");
        return *m_view;
    }

private slots:
    void cleanup() { m_view.reset(); }

    void framesArePlacedByTimeAndDepth()
    {
        FlameGraphView& view = show(smallTrace());
        const int width = view.viewport()->width();
        QCOMPARE(view.visibleRange(), (FlameGraphView::TimeRange{kT0, kT0 + 1000 * kMs}));
        const QRectF database = view.frameRect(view.data()->indexOfSpan(kDb));
        QVERIFY(qAbs(database.left() - width * 0.5) < 1);
        QVERIFY(qAbs(database.right() - width) < 1);
        QCOMPARE(int(database.top()), view.rowHeight());
    }

    void clickSelectsTheFrameUnderTheMouse()
    {
        FlameGraphView& view = show(smallTrace());
        QSignalSpy selected(&view, &FlameGraphView::frameSelected);
        // Computed from the data, not from frameRect(): 650 ms into a 1 s trace, third row.
        const QPoint query(int(view.viewport()->width() * 0.65), 2 * view.rowHeight() + view.rowHeight() / 2);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, query);
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.at(0).at(0).toLongLong(), qint64(kQuery));
        QCOMPARE(view.selectedSpan(), qint64(kQuery));

        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, centreOf(view, kPayments));
        QCOMPARE(selected.count(), 2);
        QCOMPARE(view.selectedSpan(), qint64(kPayments));

        // Below the deepest row and in the gap between siblings: nothing there, nothing changes.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(400, 5 * view.rowHeight()));
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(int(800 * 0.45), view.rowHeight() + 3));
        QCOMPARE(selected.count(), 2);
        QCOMPARE(view.selectedSpan(), qint64(kPayments));
    }

    void doubleClickZoomsToTheFrameAndEscapeZoomsOut()
    {
        FlameGraphView& view = show(smallTrace());
        QSignalSpy ranges(&view, &FlameGraphView::visibleRangeChanged);
        QTest::mouseDClick(view.viewport(), Qt::LeftButton, {}, centreOf(view, kQuery));
        QCOMPARE(view.visibleRange(), (FlameGraphView::TimeRange{kT0 + 600 * kMs, kT0 + 700 * kMs}));
        QVERIFY(ranges.count() >= 1);
        const QRectF query = view.frameRect(view.data()->indexOfSpan(kQuery));
        QVERIFY(qAbs(query.left()) < 1);
        QVERIFY(qAbs(query.right() - view.viewport()->width()) < 1);
        QCOMPARE(view.selectedSpan(), qint64(kQuery));

        QTest::keyClick(&view, Qt::Key_Escape);
        QCOMPARE(view.visibleRange(), (FlameGraphView::TimeRange{kT0, kT0 + 1000 * kMs}));
        view.zoomTo(kT0 + 100 * kMs, kT0 + 200 * kMs);
        view.reset();
        QCOMPARE(view.visibleRange().length(), 1000 * kMs);
    }

    void ctrlWheelZoomsAroundTheCursor()
    {
        FlameGraphView& view = show(smallTrace());
        const QPoint at(200, 10);
        const qint64 before = view.visibleRange().start + 200 * view.visibleRange().length() / 800;
        sendWheel(view.viewport(), at, 120, Qt::ControlModifier);
        const FlameGraphView::TimeRange zoomed = view.visibleRange();
        QCOMPARE(zoomed.length(), 800 * kMs);
        const qint64 after = zoomed.start + 200 * zoomed.length() / 800;
        QVERIFY(qAbs(after - before) <= kMs); // the time under the cursor stays put

        sendWheel(view.viewport(), at, 120, Qt::NoModifier); // rows scroll; the zoom stays
        QCOMPARE(view.visibleRange(), zoomed);
        sendWheel(view.viewport(), at, -120, Qt::ControlModifier);
        sendWheel(view.viewport(), at, -120, Qt::ControlModifier);
        QCOMPARE(view.visibleRange().length(), 1000 * kMs); // never further out than the data
    }

    void dragPansWithoutSelecting()
    {
        FlameGraphView& view = show(smallTrace());
        view.zoomTo(kT0 + 250 * kMs, kT0 + 750 * kMs);
        QSignalSpy selected(&view, &FlameGraphView::frameSelected);
        QWidget* vp = view.viewport();
        QTest::mousePress(vp, Qt::LeftButton, {}, QPoint(400, 10));
        QMouseEvent move(QEvent::MouseMove, QPointF(300, 10), QPointF(vp->mapToGlobal(QPoint(300, 10))),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(vp, &move);
        QTest::mouseRelease(vp, Qt::LeftButton, {}, QPoint(300, 10));
        // 100 px to the left at 500 ms per 800 px: the view moved 62.5 ms later in time.
        QVERIFY(qAbs(view.visibleRange().start - (kT0 + 250 * kMs + 62'500'000)) <= kMs);
        QCOMPARE(view.visibleRange().length(), 500 * kMs);
        QCOMPARE(selected.count(), 0);
    }

    void keysWalkTheTree()
    {
        FlameGraphView& view = show(smallTrace());
        QSignalSpy selected(&view, &FlameGraphView::frameSelected);
        QTest::keyClick(&view, Qt::Key_Up); // nothing selected: the first root
        QCOMPARE(view.selectedSpan(), qint64(kGateway));
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.selectedSpan(), qint64(kPayments));
        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(view.selectedSpan(), qint64(kDb));
        QTest::keyClick(&view, Qt::Key_Right); // end of the row: stays
        QCOMPARE(view.selectedSpan(), qint64(kDb));
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.selectedSpan(), qint64(kQuery));
        QTest::keyClick(&view, Qt::Key_Up);
        QCOMPARE(view.selectedSpan(), qint64(kDb));
        QTest::keyClick(&view, Qt::Key_Left);
        QCOMPARE(view.selectedSpan(), qint64(kPayments));
        QCOMPARE(selected.count(), 6);

        QTest::keyClick(&view, Qt::Key_Plus);
        QCOMPARE(view.visibleRange().length(), 800 * kMs);
        QTest::keyClick(&view, Qt::Key_Minus);
        QCOMPARE(view.visibleRange().length(), 1000 * kMs);
    }

    void selectionFromElsewhereDoesNotEcho()
    {
        FlameGraphView& view = show(smallTrace());
        QSignalSpy selected(&view, &FlameGraphView::frameSelected);
        view.selectSpan(kDb);
        QCOMPARE(view.selectedSpan(), qint64(kDb));
        QCOMPARE(selected.count(), 0);
        view.selectSpan(0); // the Investigation cleared the span: no stale highlight
        QCOMPARE(view.selectedSpan(), 0);
        view.selectSpan(kDb);
        view.selectSpan(0xdeadbeef); // a span of another trace
        QCOMPARE(view.selectedSpan(), 0);
        QCOMPARE(selected.count(), 0);
        view.selectSpan(kDb);
        view.setData(smallTrace());
        QCOMPARE(view.selectedSpan(), 0);
    }

    void toolTipDescribesTheFrame()
    {
        FlameGraphView& view = show(smallTrace());
        const QPoint at = centreOf(view, kDb);
        QHelpEvent help(QEvent::ToolTip, at, view.viewport()->mapToGlobal(at));
        QApplication::sendEvent(view.viewport(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        const QString text = QToolTip::text();
        QVERIFY2(text.contains(QStringLiteral("postgres")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("500 ms")), qPrintable(text)); // duration
        QVERIFY2(text.contains(QStringLiteral("400 ms")), qPrintable(text)); // self: minus the query
        QVERIFY2(text.contains(QStringLiteral("error")), qPrintable(text));
        QToolTip::hideText();
    }

    void errorsAreOutlinedAndSearchDimsTheRest()
    {
        FlameGraphView& view = show(smallTrace());
        const auto pixel = [&](qint64 span, int dx, int dy) {
            const QRect r = view.frameRect(view.data()->indexOfSpan(span)).toRect();
            return view.viewport()->grab().toImage().pixelColor(r.right() - dx, r.top() + dy);
        };
        const QColor border = pixel(kDb, 10, 0);
        QVERIFY2(border.red() > 180 && border.green() < 90, qPrintable(border.name()));
        const QColor payments = pixel(kPayments, 10, 6);
        const QColor gateway = pixel(kGateway, 10, 6);
        QVERIFY(payments != gateway); // coloured by service

        view.setSearchText(QStringLiteral("PAY"));
        QCOMPARE(view.searchMatchCount(), 1);
        QCOMPARE(pixel(kPayments, 10, 6), payments);
        QVERIFY(pixel(kGateway, 10, 6) != gateway);
        view.setSearchText(QString());
        QCOMPARE(pixel(kGateway, 10, 6), gateway);
    }

    void followsADarkPalette()
    {
        FlameGraphView& view = show(smallTrace());
        QPalette dark = view.palette();
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        view.setPalette(dark);
        const QImage image = view.viewport()->grab().toImage();
        QCOMPARE(image.pixelColor(400, 390), QColor(30, 30, 30));
        QVERIFY(image.pixelColor(790, view.rowHeight() / 2).lightness() < 160); // muted boxes for light text
    }

    void tinyFramesMergeIntoBlocksThatStayClickable()
    {
        // 10,000 calls of 1 us each under a 10 ms root: a tenth of a pixel apiece at 800 px.
        std::vector<FlameSpan> spans;
        FlameSpan root;
        root.spanId = 1;
        root.service = 0;
        root.start = kT0;
        root.end = kT0 + 10 * kMs;
        spans.push_back(root);
        for (int i = 0; i < 10'000; ++i) {
            FlameSpan s = root;
            s.spanId = 100 + i;
            s.parentSpanId = 1;
            s.service = 1;
            s.start = kT0 + i * 1000;
            s.end = s.start + 1000;
            s.error = i == 5'000;
            spans.push_back(s);
        }
        FlameGraphView& view = show(std::make_shared<const FlameGraphData>(
            FlameGraphData::build(std::move(spans), {QStringLiteral("gateway"), QStringLiteral("redis")},
                                  {QStringLiteral("GET")})));
        const QImage image = view.viewport()->grab().toImage();
        const int y = view.rowHeight() + view.rowHeight() / 2;
        const QColor background = view.palette().color(QPalette::Base);
        for (int x = 2; x < view.viewport()->width() - 2; ++x) // one solid run, no gaps
            QVERIFY2(image.pixelColor(x, y) != background, qPrintable(QString::number(x)));
        // The failed call underlines its block, near its place in time.
        const int errorX = view.viewport()->width() / 2;
        const QColor underline = image.pixelColor(errorX, 2 * view.rowHeight() - 3);
        QVERIFY2(underline.red() > 180 && underline.green() < 90, qPrintable(underline.name()));
        QVERIFY(image.pixelColor(errorX - 40, 2 * view.rowHeight() - 3) != underline);
        QVERIFY(image.pixelColor(errorX + 40, 2 * view.rowHeight() - 3) != underline);

        QSignalSpy selected(&view, &FlameGraphView::frameSelected);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(errorX, y));
        QCOMPARE(selected.count(), 1);
        QVERIFY(qAbs(selected.at(0).at(0).toLongLong() - (100 + 5'000)) <= 20); // within a pixel's worth
    }

    void paintsAHundredThousandSpans()
    {
        FlameGraphView& view = show(bigTrace(100'000));
        QCOMPARE(view.data()->frameCount(), 100'000);
        QVERIFY(view.verticalScrollBar()->maximum() > 0 || view.data()->rowCount() * view.rowHeight() <= 400);
        const QColor background = view.palette().color(QPalette::Base);
        const QImage full = view.grab().toImage();
        QVERIFY(countPixelsUnlike(full, background) > 20'000);

        view.zoomTo(kT0 + 1000 * kMs, kT0 + 1100 * kMs);
        const QImage zoomed = view.grab().toImage();
        QVERIFY(countPixelsUnlike(zoomed, background) > 5'000);
        QVERIFY(zoomed != full);

        QSignalSpy selected(&view, &FlameGraphView::frameSelected);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(400, view.rowHeight() / 2));
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.at(0).at(0).toLongLong(), 1); // the root
    }
};

QTEST_MAIN(TestFlameGraphView)
#include "tst_flamegraphview.moc"
