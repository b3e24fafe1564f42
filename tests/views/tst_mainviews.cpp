#include "ErrorListModel.h"
#include "ErrorListPanel.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "PageLoadTableModel.h"
#include "PageLoadTraceResolver.h"
#include "PageLoadsPanel.h"
#include "RecordFactory.h"
#include "ServiceRatesPanel.h"
#include "SessionJourneyPanel.h"
#include "SessionJourneyView.h"
#include "StoreWriter.h"
#include "WaterfallPanel.h"
#include "WaterfallView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

/// The linked views on a cache, shown as the main window shows them.
struct Shown
{
    explicit Shown(const QString& cache) : views(cache, &investigation)
    {
        views.resize(1400, 800);
        views.show();
    }
    /// Exposed, with the page-load table counted.
    bool ready(int rows)
    {
        return QTest::qWaitForWindowExposed(&views) &&
               QTest::qWaitFor([&] { return views.pageLoads()->model()->rowCount() == rows; }, 5000);
    }
    Investigation investigation;
    LinkedViews views;
};

/// The linked views as the main window wires them, driven through real widgets offscreen.
class TestMainViews : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        using namespace seam::test;
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("views.seam"));
        StoreWriter writer(m_cache.toStdString());
        // Two page loads a minute apart, each with a fetch linked to its 3-span backend trace; the
        // second one's backend fails.
        for (int i = 0; i < 2; ++i) {
            const TimeNs t0 = kT0 + i * 60'000'000'000LL;
            writer.submit(0, browserBatch(i, traceId(i), 0x42, t0));
            writer.submit(0,
                          backendBatch(traceId(i), 0x42, t0, i == 1 ? StatusCode::Error : StatusCode::Unset));
        }
        QVERIFY(writer.flush());
    }

    void clickingARowShowsItsBackendTraces()
    {
        Shown shown(m_cache);
        QVERIFY(shown.ready(2));
        Investigation& investigation = shown.investigation;
        LinkedViews& views = shown.views;
        QTableView* table = views.pageLoads()->table();
        PageLoadTableModel* model = views.pageLoads()->model();
        QCOMPARE(views.flameGraph()->view()->data(), nullptr); // nothing selected yet

        const QModelIndex index = model->index(1, PageLoadTableModel::Route);
        const qint64 pageLoad = model->pageLoadIdAt(1);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        QCOMPARE(investigation.selectedPageLoad(), pageLoad);

        FlameGraphView* graph = views.flameGraph()->view();
        // Gateway, payments and its query; the browser's fetch span (same trace) is the waterfall's.
        QTRY_VERIFY(graph->data() && graph->data()->frameCount() == 3);
        QVERIFY(graph->data()->serviceNames().contains(QStringLiteral("payments")));
        QVERIFY(!graph->data()->serviceNames().contains(QStringLiteral("shop-web")));

        // Every other view follows the same click: the waterfall shows the fetch with its backend
        // spans nested, the service charts the services of the trace, the journey the session.
        QTRY_VERIFY(!views.isLoading());
        WaterfallView* waterfall = views.waterfall()->view();
        QVERIFY(waterfall->data());
        const int fetchRow = waterfall->rowOfResource(waterfall->data()->resources.front().id);
        QVERIFY(fetchRow >= 0);
        QCOMPARE(waterfall->rowKind(fetchRow + 1), WaterfallView::RowKind::Span);
        QVERIFY(waterfall->rowOfSpan(0x101) > fetchRow);
        ServiceRatesPanel* rates = views.serviceRates();
        QTRY_COMPARE(rates->rowCount(), 2);
        QStringList services{rates->rowService(0), rates->rowService(1)};
        services.sort();
        QCOMPARE(services, (QStringList{QStringLiteral("gateway"), QStringLiteral("payments")}));
        QCOMPARE(views.journey()->view()->highlightedPageLoad(), pageLoad);
        QCOMPARE(investigation.selectedTraces().size(), std::size_t(1));
        QVERIFY(views.flameGraph()->header()->text().contains(QStringLiteral("/checkout")));
        QVERIFY(views.flameGraph()->header()->text().contains(QStringLiteral("payments")));

        // A click on a frame selects its span in the Investigation.
        const int payments = graph->data()->indexOfSpan(0x101);
        QVERIFY(payments >= 0);
        QTest::mouseClick(graph->viewport(), Qt::LeftButton, {},
                          graph->frameRect(payments).center().toPoint());
        QCOMPARE(investigation.selectedSpan(), 0x101);

        // Another row, then back: the first page load and its span come back, table and graph alike.
        const qint64 other = model->pageLoadIdAt(0);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(model->index(0, PageLoadTableModel::Route)).center());
        QCOMPARE(investigation.selectedPageLoad(), other);
        QCOMPARE(investigation.selectedSpan(), 0);
        QVERIFY(investigation.canGoBack());
        investigation.goBack();
        QCOMPARE(investigation.selectedPageLoad(), pageLoad);
        QCOMPARE(table->selectionModel()->currentIndex().row(), 1);
        QTRY_COMPARE(graph->selectedSpan(), 0x101);
    }

    void tracesAreKnownWithoutAFlameGraph()
    {
        // The page-load table, service rates and errors around one Investigation with the traces
        // resolver, and no flamegraph anywhere: a click makes the traces known and both panels fill.
        Investigation investigation;
        PageLoadTraceResolver resolver(m_cache, &investigation);
        QWidget window;
        auto* layout = new QHBoxLayout(&window);
        auto* pageLoads = new PageLoadsPanel(m_cache, &investigation);
        auto* rates = new ServiceRatesPanel(m_cache, &investigation);
        auto* errors = new ErrorListPanel(m_cache, &investigation);
        layout->addWidget(pageLoads);
        layout->addWidget(rates);
        layout->addWidget(errors);
        window.resize(1600, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(pageLoads->model()->rowCount(), 2);

        // The later page load: its backend failed.
        PageLoadTableModel* model = pageLoads->model();
        const auto startOf = [&](int row) {
            return model->index(row, PageLoadTableModel::Start).data(Qt::UserRole).toLongLong();
        };
        QTRY_VERIFY(startOf(0) != 0 && startOf(1) != 0);
        const int failing = startOf(1) > startOf(0) ? 1 : 0;
        QTableView* table = pageLoads->table();
        const QModelIndex index = model->index(failing, PageLoadTableModel::Route);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        QCOMPARE(investigation.selectedPageLoad(), model->pageLoadIdAt(failing));
        QVERIFY(resolver.isLoading());
        QTRY_COMPARE(investigation.selectedTraces().size(), std::size_t(1));
        QVERIFY(resolver.current());
        QCOMPARE(resolver.current()->pageLoadId, investigation.selectedPageLoad());
        QCOMPARE(resolver.current()->route, QStringLiteral("/checkout"));

        QTRY_COMPARE(rates->rowCount(), 2);
        QStringList services{rates->rowService(0), rates->rowService(1)};
        services.sort();
        QCOMPARE(services, (QStringList{QStringLiteral("gateway"), QStringLiteral("payments")}));
        // The backend's failed spans are found through the traces, like the page's own errors.
        const auto backendErrors = [&] {
            int n = 0;
            for (int row = 0; row < errors->model()->rowCount(); ++row)
                n += errors->model()->entry(row).isBackend() ? 1 : 0;
            return n;
        };
        QTRY_VERIFY(!errors->isLoading() && backendErrors() > 0);

        // Another page load drops the traces at once; its own arrive in turn.
        const std::vector<qint64> failingTraces = investigation.selectedTraces();
        investigation.selectPageLoad(model->pageLoadIdAt(1 - failing));
        QVERIFY(investigation.selectedTraces().empty());
        QVERIFY(!resolver.current());
        QTRY_COMPARE(investigation.selectedTraces().size(), std::size_t(1));
        QVERIFY(investigation.selectedTraces() != failingTraces);
        QTRY_VERIFY(!errors->isLoading() && backendErrors() == 0);
    }

    void tracesArePublishedBeforeTheFlameGraphIsDrawn()
    {
        Shown shown(m_cache);
        QVERIFY(shown.ready(2));
        Investigation& investigation = shown.investigation;
        LinkedViews& views = shown.views;
        // What the views had when the traces became known.
        int published = 0;
        bool graphShown = true;
        bool ratesLoading = false;
        connect(&investigation, &Investigation::changed, this, [&](Investigation::Changes changes) {
            if (!(changes & Investigation::TracesChanged) || investigation.selectedTraces().empty())
                return;
            ++published;
            graphShown = views.flameGraph()->view()->data() != nullptr;
            ratesLoading = views.serviceRates()->isLoading();
        });
        QTableView* table = views.pageLoads()->table();
        const QModelIndex index = views.pageLoads()->model()->index(1, PageLoadTableModel::Route);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        QTRY_COMPARE(published, 1);
        // The traces do not come out of the flamegraph: they are known first, and the service rates
        // start reading from them while the graph is still to be laid out.
        QVERIFY(!graphShown);
        QVERIFY(ratesLoading);
        FlameGraphView* graph = views.flameGraph()->view();
        QTRY_VERIFY(graph->data() && graph->data()->frameCount() == 3);
        QTRY_COMPARE(views.serviceRates()->rowCount(), 2);
        QTRY_VERIFY(!views.isLoading());
        QCOMPARE(published, 1);
    }

    void focusAloneSelectsNothingKeysDo()
    {
        Shown shown(m_cache);
        QVERIFY(shown.ready(2));
        QTableView* table = shown.views.pageLoads()->table();
        const auto selected = [&] { return shown.investigation.selectedPageLoad(); };
        const auto idAt = [&](int row) { return shown.views.pageLoads()->model()->pageLoadIdAt(row); };

        // Window activation or Tab gives the table a current row; the user chose nothing yet.
        shown.views.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&shown.views));
        table->setFocus(Qt::TabFocusReason);
        QTRY_VERIFY(table->hasFocus());
        QCOMPARE(table->currentIndex().row(), 0);
        QCOMPARE(selected(), 0);

        // The keyboard does choose: Down moves to and selects a row, Up the one before.
        QTest::keyClick(table, Qt::Key_Down);
        QCOMPARE(selected(), idAt(1));
        QTest::keyClick(table, Qt::Key_Up);
        QCOMPARE(selected(), idAt(0));
    }

    void filterNarrowsTheTableAndReportsErrors()
    {
        Shown shown(m_cache);
        QVERIFY(shown.ready(2));
        Investigation& investigation = shown.investigation;
        PageLoadsPanel* panel = shown.views.pageLoads();

        QTest::keyClicks(panel->filterEdit(), QStringLiteral("route:/nowhere"));
        QTRY_COMPARE(panel->model()->rowCount(), 0);
        QVERIFY(panel->filterError()->isHidden());
        QCOMPARE(investigation.filterText(), QStringLiteral("route:/nowhere"));

        panel->filterEdit()->clear();
        QTest::keyClicks(panel->filterEdit(), QStringLiteral("duration>fast"));
        QTRY_VERIFY(panel->filterError()->isVisible());
        QVERIFY(panel->filterError()->text().contains(QStringLiteral("fast")));
        // The invalid text is not applied: the table and the Investigation keep the last valid filter.
        QCOMPARE(investigation.filterText(), QStringLiteral("route:/nowhere"));
        QCOMPARE(panel->model()->rowCount(), 0);

        panel->filterEdit()->clear();
        QTest::keyClicks(panel->filterEdit(), QStringLiteral("route:/checkout"));
        QTest::keyClick(panel->filterEdit(), Qt::Key_Return);
        QVERIFY(panel->filterError()->isHidden());
        QTRY_COMPARE(panel->model()->rowCount(), 2);
    }

private:
    QTemporaryDir m_dir;
    QString m_cache;
};

QTEST_MAIN(TestMainViews)
#include "tst_mainviews.moc"
