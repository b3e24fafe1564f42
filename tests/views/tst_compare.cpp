// The Compare view (views/ComparePanel over models/CompareData, FlameGraphView in diff mode) on the
// demo investigation, driven offscreen: slow against normal /checkout loads, the payments lock drawn
// red and marked, a click on it naming the operation; the weight choice; an empty cohort; opening it
// from LinkedViews. Then the page-load flamegraph's by-time / aggregated toggle (FlameGraphPanel).
#include "ComparePanel.h"
#include "DemoGenerator.h"
#include "DiffColourSource.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "PageLoadTraces.h"
#include "StoreWriter.h"

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace seam;

namespace {

const QString kNormal = QStringLiteral("route:/checkout duration<=2s");
const QString kSlow = QStringLiteral("route:/checkout duration>2s");

/// The widest frame of `service` `operation` in the view's graph, or -1.
int frameOf(const FlameGraphView& view, const QString& service, const QString& operation)
{
    const FlameGraphData& d = *view.data();
    int best = -1;
    for (int i = 0; i < d.frameCount(); ++i) {
        const FlameFrame& f = d.frame(i);
        if (d.serviceName(f.service) == service && d.operationName(f.operation) == operation &&
            (best < 0 || f.end - f.start > d.frame(best).end - d.frame(best).start))
            best = i;
    }
    return best;
}

/// Two traces of gateway -> db, 5 s apart: busy 200 ms of 5.1 s.
std::shared_ptr<const FlameGraphData> spreadTraces(std::int64_t gapNs)
{
    constexpr std::int64_t ms = 1'000'000;
    std::vector<FlameSpan> spans;
    for (std::int64_t t = 0; t < 2; ++t) {
        const std::int64_t at = t * gapNs;
        spans.push_back({t + 1, 0x10, 0, 0, 0, at, at + 100 * ms, false});
        spans.push_back({t + 1, 0x11 + t, 0x10, 1, 1, at + 10 * ms, at + 70 * ms, t == 1});
    }
    return std::make_shared<const FlameGraphData>(
        FlameGraphData::build(std::move(spans), {QStringLiteral("gateway"), QStringLiteral("db")},
                              {QStringLiteral("GET /x"), QStringLiteral("SELECT")}));
}

} // namespace

class TestCompare : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = m_dir.filePath(QStringLiteral("demo.seam"));
        DemoOptions options;
        options.sessions = 600;
        StoreWriter writer(m_demo.toStdString());
        const auto source = writer.beginSource("demo", "test");
        auto sink = writer.sinkFor(source);
        DemoGenerator generator(options);
        ImportReport report;
        QVERIFY(generator.generateInto(*sink, report));
        QVERIFY(writer.flush());
        writer.finishSource(source, report);
    }

    void clickingTheGrownNodeNamesItsOperation()
    {
        ComparePanel panel(m_demo);
        panel.resize(1600, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy chosen(&panel, &ComparePanel::operationChosen);
        panel.compare(kNormal, kSlow);
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() != nullptr, 20000);
        QVERIFY2(panel.header()->text().contains(kNormal), qPrintable(panel.header()->text()));
        QVERIFY(panel.header()->text().contains(kSlow));
        QVERIFY2(panel.summary()->text().contains(QStringLiteral("payments SELECT payment_accounts")),
                 qPrintable(panel.summary()->text()));
        QVERIFY(!panel.legend()->text().isEmpty());

        FlameGraphView* view = panel.view();
        QVERIFY(view->data() && view->data()->isAggregate());
        // One tree: the browser on top (it has no value of its own on the critical path: drawn anyway).
        QCOMPARE(view->data()->rowEnd(0) - view->data()->rowBegin(0), 1);
        QCOMPARE(view->data()->serviceName(view->data()->frame(0).service), QStringLiteral("browser"));
        QCOMPARE(view->data()->frame(0).end - view->data()->frame(0).start,
                 view->data()->end() - view->data()->start());
        const int lock =
            frameOf(*view, QStringLiteral("payments"), QStringLiteral("SELECT payment_accounts"));
        QVERIFY(lock >= 0);
        // Red (it grew), and marked significant.
        const QColor fill = view->colourSource()->fill(*view->data(), lock);
        QVERIFY2(fill.red() > fill.blue() + 80, qPrintable(fill.name()));
        QVERIFY(view->colourSource()->marked(*view->data(), lock));
        // What the user sees at that spot is that colour.
        const QRectF r = view->frameRect(lock);
        QVERIFY(QRectF(view->viewport()->rect()).contains(r.center()));
        const QImage shot = view->viewport()->grab().toImage();
        QCOMPARE(shot.pixelColor(r.center().toPoint() + QPoint(0, 4)).rgb(), fill.rgb());

        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, r.center().toPoint());
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.at(0).at(0).toString(), QStringLiteral("payments"));
        QCOMPARE(chosen.at(0).at(1).toString(), QStringLiteral("SELECT payment_accounts"));

        // The browser's root frame names no operation: no signal.
        const int root = view->data()->rowBegin(0);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->frameRect(root).center().toPoint());
        QCOMPARE(view->selectedFrame(), root);
        QCOMPARE(chosen.count(), 1);
    }

    void weightChoiceRecomputes()
    {
        ComparePanel panel(m_demo);
        panel.compare(kNormal, kSlow);
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() != nullptr, 20000);
        QCOMPARE(panel.data()->result.weight, DiffWeight::Critical);
        panel.weightChoice()->setCurrentIndex(panel.weightChoice()->findData(int(DiffWeight::Self)));
        QCOMPARE(panel.weight(), DiffWeight::Self);
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && panel.data()->result.weight == DiffWeight::Self, 20000);
        QCOMPARE(panel.data()->result.nodes.front().operation, std::string("SELECT payment_accounts"));
    }

    void emptyCohortSaysSo()
    {
        ComparePanel panel(m_demo);
        panel.compare(kNormal, QStringLiteral("route:/nowhere"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.header()->text().contains(QStringLiteral("no page load matches B")),
                                 20000);
        QVERIFY(!panel.data());
        QVERIFY(!panel.view()->data());
    }

    void linkedViewsOpenCompareAsATab()
    {
        Investigation investigation;
        LinkedViews views(m_demo, &investigation);
        QVERIFY(!views.comparePanel());
        views.openCompare(kNormal, kSlow);
        QVERIFY(views.comparePanel());
        QCOMPARE(views.detailsTabs()->currentWidget(), views.comparePanel());
        QTRY_VERIFY_WITH_TIMEOUT(views.comparePanel()->data() != nullptr, 20000);
        ComparePanel* first = views.comparePanel();
        views.openCompare(kSlow, kNormal); // the same tab, compared the other way round
        QCOMPARE(views.comparePanel(), first);
        QTRY_VERIFY_WITH_TIMEOUT(views.comparePanel()->data() &&
                                     views.comparePanel()->data()->result.a.label == kSlow.toStdString(),
                                 20000);
        QVERIFY(views.comparePanel()->data()->result.nodes.front().deltaMs < -1000); // shrank now
    }

    void aggregatedByDefaultWhenTracesAreSpreadOut()
    {
        FlameGraphPanel panel;
        panel.resize(900, 300);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        PageLoadTraces traces;
        traces.route = QStringLiteral("/x");
        traces.traces = {1, 2};
        const auto spread = spreadTraces(5'000'000'000);
        QVERIFY(spread->busyFraction() < 0.05);
        panel.showPageLoad(traces, spread);
        QVERIFY(panel.isAggregated());
        QVERIFY(panel.aggregatedButton()->isChecked());
        const auto merged = panel.view()->data();
        QVERIFY(merged->isAggregate());
        // Two gateway frames and two db frames merged by path: one of each, widths the time summed.
        QCOMPARE(merged->frameCount(), 2);
        QCOMPARE(merged->frame(0).end - merged->frame(0).start, 200'000'000);
        QCOMPARE(merged->frame(1).end - merged->frame(1).start, 120'000'000);
        QVERIFY(merged->frame(1).error); // one of the merged SELECTs failed
        // A merged frame reports a real span: clicking it selects it in the other views.
        QSignalSpy selected(panel.view(), &FlameGraphView::frameSelected);
        QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {},
                          panel.view()->frameRect(1).center().toPoint());
        QCOMPARE(selected.count(), 1);
        const qint64 span = selected.at(0).at(0).toLongLong();
        QVERIFY(span == 0x11 || span == 0x12);

        // By time: the two traces on one axis again, the selection kept.
        QTest::mouseClick(panel.byTimeButton(), Qt::LeftButton);
        QVERIFY(!panel.isAggregated());
        QCOMPARE(panel.view()->data(), spread);
        QCOMPARE(panel.view()->data()->frameCount(), 4);
        QCOMPARE(panel.view()->selectedSpan(), span);
        QTest::mouseClick(panel.aggregatedButton(), Qt::LeftButton);
        QVERIFY(panel.isAggregated());
        QCOMPARE(panel.view()->data()->frameCount(), 2);

        // Traces that keep the axis busy open by time.
        const auto dense = spreadTraces(80'000'000);
        QVERIFY(dense->busyFraction() > 0.5);
        panel.showPageLoad(traces, dense);
        QVERIFY(!panel.isAggregated());
        QVERIFY(panel.byTimeButton()->isChecked());
        QCOMPARE(panel.view()->data(), dense);
    }
};

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
