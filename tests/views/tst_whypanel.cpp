// The "Why?" pane driven as a user would, offscreen, on the demo investigation: select a page load
// through the Investigation, wait for the answer, click a cause and check the filter it applied;
// compare; the failed-loads choice following the filter; results for an old focus dropped; nothing
// read while the pane is hidden.
#include "DemoCache.h"
#include "Investigation.h"
#include "PageLoadFilter.h"
#include "WhyPanel.h"
#include "WhySideBars.h"

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace seam;
using namespace seam::test;

namespace {

constexpr int kAnswerTimeoutMs = 30000; // the demo's cohorts take a few hundred ms; CI machines are busy

void clickRow(QTreeWidget* tree, QTreeWidgetItem* item)
{
    const QRect rect = tree->visualItemRect(item);
    QVERIFY(rect.isValid());
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, rect.center());
}

} // namespace

class TestWhyPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;
    QJsonObject m_truth;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = m_dir.filePath(QStringLiteral("demo.seam"));
        m_truth = writeDemoCache(m_demo, 700);
        QVERIFY(!m_truth.isEmpty());
    }

    void selectedLoadThenClickACause()
    {
        const QString service =
            demoIncident(m_truth, "payments-db-lock")[QStringLiteral("service")].toString();
        Investigation investigation;
        WhyPanel panel(m_demo, &investigation);
        panel.resize(700, 320);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const qint64 id = slowestLoad(m_demo, "/checkout");
        investigation.selectPageLoad(id);
        QVERIFY(panel.isLoading());
        QVERIFY(panel.progress()->isHidden()); // not before kProgressDelayMs
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && panel.data()->request.pageLoadId == id, kAnswerTimeoutMs);
        QVERIFY(!panel.isLoading());
        QVERIFY(panel.progress()->isHidden());
        QVERIFY2(panel.verdict()->text().startsWith(QStringLiteral("Backend at fault")),
                 qPrintable(panel.verdict()->text()));
        QVERIFY(panel.verdict()->text().contains(service));
        QVERIFY(panel.header()->text().contains(QStringLiteral("/checkout")));
        QVERIFY(panel.sideBars()->hasValues());
        QVERIFY(panel.sideBars()->subjectMs()[2] > panel.sideBars()->normalMs()[2] + 1000);
        QVERIFY(panel.cohortVerdict()->isVisible());
        QVERIFY(!panel.criterion()->isEnabled()); // a load is explained against its route's slow loads

        // The first cause is the payments operation; a click filters the loads that reached it.
        QTreeWidget* causes = panel.causes();
        QVERIFY(causes->topLevelItemCount() > 0);
        QTreeWidgetItem* first = causes->topLevelItem(0);
        const QString term = WhyPanel::termOf(first);
        QVERIFY2(term.startsWith(QStringLiteral("operation:\"") + service + QLatin1Char(':')),
                 qPrintable(term));
        clickRow(causes, first);
        QCOMPARE(investigation.filterText(), term);
        QVERIFY(PageLoadFilter::parse(investigation.filterText()).isValid());
        QCOMPARE(investigation.selectedPageLoad(), id); // the load stays selected

        // Compare: the chosen cause against its absence, within the route.
        QSignalSpy compare(&panel, &WhyPanel::compareRequested);
        QTest::mouseClick(panel.compareButton(), Qt::LeftButton);
        QCOMPARE(compare.count(), 1);
        QCOMPARE(compare.at(0).at(0).toString(), QStringLiteral("route:/checkout ") + term);
        QCOMPARE(compare.at(0).at(1).toString(), QStringLiteral("route:/checkout -") + term);
    }

    void cohortFollowsRangeAndErrorsFilter()
    {
        Investigation investigation;
        WhyPanel panel(m_demo, &investigation);
        panel.resize(700, 320);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        // No load selected: the slow loads of everything, against the others.
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && !panel.isLoading(), kAnswerTimeoutMs);
        QCOMPARE(panel.data()->request.mode, WhyRequest::Mode::Cohort);
        QVERIFY(panel.criterion()->isEnabled());
        QCOMPARE(panel.criterion()->currentIndex(), 0);
        // A filter asking for errors switches to the failed loads.
        investigation.setFilterText(QStringLiteral("route:/product/:id errors>0"));
        QCOMPARE(panel.criterion()->currentIndex(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && panel.data()->request.failed && !panel.isLoading(),
                                 kAnswerTimeoutMs);
        QVERIFY2(panel.header()->text().contains(QStringLiteral("Failed loads")),
                 qPrintable(panel.header()->text()));
        // A brushed minute: too little data, said, with no verdict and no causes.
        investigation.setFilterText(QStringLiteral("route:/checkout"));
        Database db = store::openForReading(m_demo.toStdString());
        const qint64 t0 = db.queryInt("SELECT min(start_ns) FROM page_loads");
        investigation.setTimeRange(Investigation::TimeRange{t0, t0 + 60'000'000'000LL});
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && panel.data()->request.from == t0 && !panel.isLoading(),
                                 kAnswerTimeoutMs);
        QVERIFY(panel.data()->tooLittleData());
        QVERIFY(panel.verdict()->text().startsWith(QStringLiteral("Too few page loads")));
        QCOMPARE(panel.causes()->topLevelItemCount(), 1);
        QVERIFY(panel.causes()->topLevelItem(0)->text(0).startsWith(QStringLiteral("Too little data")));
        QVERIFY(WhyPanel::termOf(panel.causes()->topLevelItem(0)).isEmpty());
        QVERIFY(!panel.sideBars()->isVisible());
    }

    void staleAnswersAreDropped()
    {
        Investigation investigation;
        WhyPanel panel(m_demo, &investigation);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const qint64 first = slowestLoad(m_demo, "/checkout");
        const qint64 second = slowestLoad(m_demo, "/", "Safari");
        QSignalSpy delivered(panel.loader(), &BackgroundLoaderBase::loaded);
        investigation.selectPageLoad(first);
        investigation.selectPageLoad(second); // before the first answer is in
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && !panel.isLoading(), kAnswerTimeoutMs);
        QCOMPARE(panel.data()->request.pageLoadId, second);
        QTest::qWait(100);
        for (const QList<QVariant>& args : delivered)
            QCOMPARE(args.at(0).value<std::shared_ptr<const WhyData>>()->request.pageLoadId, second);
        QVERIFY(panel.verdict()->text().startsWith(QStringLiteral("Backend not at fault")));
    }

    void hiddenPaneReadsNothingUntilShown()
    {
        Investigation investigation;
        WhyPanel panel(m_demo, &investigation);
        investigation.selectPageLoad(slowestLoad(m_demo, "/checkout"));
        QVERIFY(!panel.isLoading());
        QVERIFY(!panel.data());
        panel.show();
        QVERIFY(panel.isLoading());
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && !panel.isLoading(), kAnswerTimeoutMs);
    }
};

QTEST_MAIN(TestWhyPanel)
#include "tst_whypanel.moc"
