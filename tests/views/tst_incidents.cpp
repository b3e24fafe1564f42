// The incidents overview (models/IncidentsData, views/IncidentsPanel, IncidentTimeline) and the saved
// conversion definition (analysis/SavedConversion, views/ConversionDialog, `seam impact`), on the demo
// investigation's ground truth: the list names the payments lock and the bad catalog deploy, opening
// one brushes its window and filters its page loads, and a saved conversion survives reopening and is
// what `seam impact` uses.

#include "ConversionDialog.h"
#include "DemoGenerator.h"
#include "IncidentTimeline.h"
#include "IncidentsLoader.h"
#include "IncidentsPanel.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "PageLoadScatterView.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "RecordFactory.h"
#include "SavedConversion.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QDialogButtonBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace seam;
using namespace seam::test;

class TestIncidents : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;
    QJsonObject m_truth;

    QJsonObject incident(const char* id) const
    {
        for (const auto& v : m_truth[QStringLiteral("incidents")].toArray())
            if (v.toObject()[QStringLiteral("id")].toString() == QLatin1String(id))
                return v.toObject();
        return {};
    }

    /// The row of `service` overlapping the ground-truth incident `id` (-1: none).
    int rowOf(const IncidentsData& d, const char* service, const char* id) const
    {
        const QJsonObject truth = incident(id);
        const qint64 from = truth[QStringLiteral("start_ns")].toInteger();
        const qint64 to = truth[QStringLiteral("end_ns")].toInteger();
        for (size_t i = 0; i < d.rows.size(); ++i) {
            const AnomalyWindow& w = d.rows[i].window;
            if (w.service == service && w.start < to && w.end > from)
                return int(i);
        }
        return -1;
    }

    static int waitForImpact(IncidentsPanel& panel)
    {
        if (!QTest::qWaitFor([&] { return panel.data() && panel.data()->withImpact && !panel.isLoading(); },
                             60'000))
            return -1;
        return int(panel.data()->rows.size());
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("demo.seam")).toStdString();
        DemoOptions options;
        options.seed = 1;
        options.sessions = 1000;
        StoreWriter writer(m_path);
        const auto source = writer.beginSource("demo", "test");
        auto sink = writer.sinkFor(source);
        DemoGenerator generator(options);
        ImportReport report;
        QVERIFY(generator.generateInto(*sink, report));
        QVERIFY(writer.flush());
        writer.finishSource(source, report);
        m_truth = QJsonDocument::fromJson(QByteArray::fromStdString(generator.groundTruthJson())).object();
        QVERIFY(!incident("payments-db-lock").isEmpty() && !incident("catalog-bad-deploy").isEmpty());
    }

    void dataNamesTheDemoIncidents()
    {
        const IncidentsData d = IncidentsLoader::loadNow(m_path, {1, true});
        const int payments = rowOf(d, "payments", "payments-db-lock");
        const int catalog = rowOf(d, "catalog", "catalog-bad-deploy");
        QVERIFY(payments >= 0);
        QVERIFY(catalog >= 0);
        const IncidentRow& p = d.rows[size_t(payments)];
        QCOMPARE(p.window.originRank, 1);
        QCOMPARE(p.whatText(), QStringLiteral("latency p95"));
        QVERIFY2(p.howBadText().startsWith(QLatin1String("p95 ")), qPrintable(p.howBadText()));
        QVERIFY(p.window.lead.peak > 3 * p.window.lead.baseline);
        QCOMPARE(p.filterTerm(), QStringLiteral("service:payments"));
        QVERIFY(p.impactKnown);
        QVERIFY(p.affectedSessions > 20 && p.affectedSessions <= p.reachedSessions);
        QVERIFY(!p.lostConversions); // no conversion defined yet
        const IncidentRow& c = d.rows[size_t(catalog)];
        QCOMPARE(c.window.originRank, 1);
        QCOMPARE(c.window.version, std::string("2.8.0"));
        QCOMPARE(c.whatText(), QStringLiteral("error rate"));
        QVERIFY(c.affectedSessions > 20);
        // The frontend-only slowdown is not a backend incident.
        for (const IncidentRow& r : d.rows)
            QVERIFY(r.window.service != "shop-web");
        // A first guess for the conversion: the confirmation page, valued by order.value.
        const IncidentsData first = IncidentsLoader::loadNow(m_path, {1, false});
        QVERIFY(first.suggestion);
        QCOMPARE(first.suggestion->conversion.definition, std::string("route:/checkout/confirmation"));
        QCOMPARE(first.suggestion->conversion.revenueAttribute, std::string("order.value"));
        qInfo("demo: %zu windows in %.1f ms, their impact in %.1f ms", d.rows.size(), d.anomaliesMs,
              d.impactMs);
    }

    void panelOpensAnIncidentByClickAndByKeyboard()
    {
        Investigation inv;
        IncidentsPanel panel(QString::fromStdString(m_path), &inv);
        panel.resize(640, 220);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const int rows = waitForImpact(panel);
        QVERIFY(rows >= 2);
        QCOMPARE(panel.list()->topLevelItemCount(), rows);
        const int payments = rowOf(*panel.data(), "payments", "payments-db-lock");
        const int catalog = rowOf(*panel.data(), "catalog", "catalog-bad-deploy");
        QVERIFY(payments >= 0 && catalog >= 0);
        QTreeWidgetItem* item = panel.list()->topLevelItem(catalog);
        QVERIFY(item->text(0).startsWith(QLatin1String("catalog")));
        QVERIFY(item->text(3).startsWith(QLatin1String("errors ")));
        QCOMPARE(item->text(4), QString::number(panel.data()->rows[size_t(catalog)].affectedSessions));
        QCOMPARE(item->text(5), QStringLiteral("no conversion defined"));
        QVERIFY(panel.summary()->text().contains(QLatin1String("incident")));

        // A click on the catalog row: its window becomes the time range, its page loads the filter.
        QSignalSpy why(&panel, &IncidentsPanel::whyRequested);
        QTreeWidget* list = panel.list();
        list->scrollToItem(item);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
        const AnomalyWindow& cw = panel.data()->rows[size_t(catalog)].window;
        QVERIFY(inv.timeRange());
        QCOMPARE(inv.timeRange()->from, cw.start);
        QCOMPARE(inv.timeRange()->to, cw.end);
        QCOMPARE(inv.filterText(), QStringLiteral("service:catalog"));
        QCOMPARE(why.count(), 1);

        // The keyboard: the list is navigable and Enter opens the current row.
        list->setFocus();
        list->setCurrentItem(list->topLevelItem(0));
        for (int i = 0; i < payments; ++i)
            QTest::keyClick(list, Qt::Key_Down);
        QCOMPARE(list->currentIndex().row(), payments);
        QCOMPARE(panel.timeline()->currentRow(), payments);
        QTest::keyClick(list, Qt::Key_Return);
        const AnomalyWindow& pw = panel.data()->rows[size_t(payments)].window;
        QCOMPARE(inv.timeRange()->from, pw.start);
        QCOMPARE(inv.filterText(), QStringLiteral("service:payments"));
        QCOMPARE(why.count(), 2);

        // The timeline's bars open their incident too.
        QVERIFY(panel.timeline()->laneCount() >= 2);
        const QRect bar = panel.timeline()->barRect(catalog);
        QVERIFY(bar.width() >= 3 && panel.timeline()->rect().contains(bar.center()));
        QTest::mouseClick(panel.timeline(), Qt::LeftButton, {}, bar.center());
        QCOMPARE(inv.filterText(), QStringLiteral("service:catalog"));
        QCOMPARE(list->currentIndex().row(), catalog);
        QCOMPARE(why.count(), 3);

        // Collapsed, the panel is one line.
        const int before = panel.height();
        QTest::mouseClick(panel.collapseButton(), Qt::LeftButton);
        QVERIFY(panel.isCollapsed());
        QVERIFY(!list->isVisible());
        QVERIFY(panel.maximumHeight() < 40 && panel.maximumHeight() < before);
        panel.setCollapsed(false);
        QVERIFY(list->isVisible());
    }

    void linkedViewsFilterThePageLoads()
    {
        Investigation inv;
        LinkedViews views(QString::fromStdString(m_path), &inv);
        views.resize(1366, 700);
        views.show();
        QVERIFY(QTest::qWaitForWindowExposed(&views));
        IncidentsPanel* panel = views.incidents();
        QVERIFY(panel);
        QVERIFY(waitForImpact(*panel) >= 2);
        // On the first screen, above the scatter, with its rows readable.
        QVERIFY(panel->isVisible());
        // The first pane of the left column (below only its dock title).
        const int top = panel->mapTo(&views, QPoint(0, 0)).y();
        QVERIFY2(top < 40, qPrintable(QString::number(top)));
        QVERIFY(top < views.scatter()->mapTo(&views, QPoint(0, 0)).y());
        QVERIFY(panel->list()->viewport()->height() >=
                2 * panel->list()->visualItemRect(panel->list()->topLevelItem(0)).height());
        const int payments = rowOf(*panel->data(), "payments", "payments-db-lock");
        panel->openIncident(payments);
        PageLoadTableModel* model = views.pageLoads()->model();
        QTRY_COMPARE(model->filter().text(), QStringLiteral("service:payments"));
        QTRY_VERIFY(!model->isCounting() && model->rowCount() > 0);
        // Every page load listed reached payments.
        Database db = store::openForReading(m_path);
        auto st = db.prepare("SELECT services FROM page_loads WHERE id = ?1");
        for (int r = 0; r < std::min(model->rowCount(), 20); ++r) {
            QTRY_VERIFY(model->data(model->index(r, 0)).isValid() && model->pageLoadIdAt(r) > 0);
            st.reset();
            st.bind(1, model->pageLoadIdAt(r));
            QVERIFY(st.step());
            QVERIFY(QString::fromUtf8(st.text(0).data(), qsizetype(st.text(0).size()))
                        .contains(QLatin1String("payments")));
        }
    }

    void noIncidentsSaysSo()
    {
        const std::string path = m_dir.filePath(QStringLiteral("calm.seam")).toStdString();
        {
            StoreWriter w(path);
            RecordBatch b;
            int n = 1;
            for (TimeNs t = kT0; t < kT0 + 40 * 60'000'000'000LL; t += 2'000'000'000, ++n)
                b.spans.push_back(
                    span(traceId(n), 0x10, 0, backend("steady"), "GET /", SpanKind::Server, t, 100 + n % 5));
            w.submit(0, std::move(b));
            QVERIFY(w.flush());
        }
        Investigation inv;
        IncidentsPanel panel(QString::fromStdString(path), &inv);
        panel.show();
        QTRY_VERIFY(panel.data() && !panel.isLoading());
        QVERIFY(panel.data()->rows.empty());
        QVERIFY2(panel.message().startsWith(QLatin1String("No incidents")), qPrintable(panel.message()));
        QCOMPARE(panel.list()->topLevelItemCount(), 0);
    }

    void conversionDialogChecksTheDefinition()
    {
        ConversionSuggestion s;
        s.conversion = {"route:/checkout/confirmation", "order.value"};
        s.sessions = 40;
        s.endingThere = 31;
        ConversionDialog dialog(std::nullopt, s);
        QCOMPARE(dialog.definitionEdit()->text(), QStringLiteral("route:/checkout/confirmation"));
        QCOMPARE(dialog.revenueEdit()->text(), QStringLiteral("order.value"));
        QVERIFY(dialog.hint().contains(QLatin1String("31 of 40")));
        QPushButton* save = dialog.buttons()->button(QDialogButtonBox::Save);
        dialog.definitionEdit()->clear();
        QTest::keyClicks(dialog.definitionEdit(), QStringLiteral("bogus:thing"));
        QVERIFY(!save->isEnabled());
        dialog.definitionEdit()->clear();
        QTest::keyClicks(dialog.definitionEdit(), QStringLiteral("/checkout/confirmation"));
        QVERIFY(save->isEnabled());
        QCOMPARE(dialog.conversion().definition, std::string("route:/checkout/confirmation"));
    }

    void savedConversionIsReopenedAndUsedByImpact()
    {
        // Saved from the panel (on a worker), into the investigation file.
        {
            Investigation inv;
            IncidentsPanel panel(QString::fromStdString(m_path), &inv);
            QVERIFY(waitForImpact(panel) >= 2);
            QSignalSpy saved(&panel, &IncidentsPanel::conversionSaved);
            panel.saveConversion({"route:/checkout/confirmation", "order.value"});
            QVERIFY(saved.wait(30'000));
            QCOMPARE(saved.at(0).at(0).toString(), QString());
            // The panel re-reads: lost conversions for the payments lock, with an interval.
            QTRY_VERIFY_WITH_TIMEOUT(panel.data() && panel.data()->withImpact && panel.data()->conversion,
                                     60'000);
            const int payments = rowOf(*panel.data(), "payments", "payments-db-lock");
            const IncidentRow& p = panel.data()->rows[size_t(payments)];
            QVERIFY(p.lostConversions);
            QVERIFY2(
                *p.lostConversions > 0 && p.lostLow > 0 && p.lostLow <= *p.lostConversions &&
                    *p.lostConversions <= p.lostHigh,
                qPrintable(
                    QStringLiteral("%1 [%2, %3]").arg(*p.lostConversions).arg(p.lostLow).arg(p.lostHigh)));
            QVERIFY(panel.list()->topLevelItem(payments)->text(5).contains(QLatin1Char('[')));
            QVERIFY(panel.summary()->text().contains(QLatin1String("route:/checkout/confirmation")));
        }
        // Reopened: the same definition, read with a read connection.
        {
            Database db = store::openForReading(m_path);
            const auto c = readSavedConversion(db);
            QVERIFY(c);
            QCOMPARE(c->definition, std::string("route:/checkout/confirmation"));
            QCOMPARE(c->revenueAttribute, std::string("order.value"));
        }
        // `seam impact` without --conversion uses it and says so.
        QProcess p;
        p.start(seam::test::seamBinary(),
                {QStringLiteral("impact"), QStringLiteral("--db"), QString::fromStdString(m_path),
                 QStringLiteral("--json"), QStringLiteral("--service"), QStringLiteral("payments")});
        QVERIFY(p.waitForFinished(120'000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject json = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(json[QStringLiteral("conversions")].toObject()[QStringLiteral("definition")].toString(),
                 QStringLiteral("route:/checkout/confirmation"));
        QCOMPARE(json[QStringLiteral("revenue")].toObject()[QStringLiteral("attribute")].toString(),
                 QStringLiteral("order.value"));
        QVERIFY(json[QStringLiteral("notes")].toArray().first().toString().contains(
            QLatin1String("saved in the investigation")));
        // An explicit --conversion wins, without the note.
        p.start(seam::test::seamBinary(),
                {QStringLiteral("impact"), QStringLiteral("--db"), QString::fromStdString(m_path),
                 QStringLiteral("--json"), QStringLiteral("--service"), QStringLiteral("payments"),
                 QStringLiteral("--conversion"), QStringLiteral("url:*/checkout/confirmation*")});
        QVERIFY(p.waitForFinished(120'000));
        const QJsonObject explicitJson = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(
            explicitJson[QStringLiteral("conversions")].toObject()[QStringLiteral("definition")].toString(),
            QStringLiteral("url:*/checkout/confirmation*"));
        for (const auto& n : explicitJson[QStringLiteral("notes")].toArray())
            QVERIFY(!n.toString().contains(QLatin1String("saved in the investigation")));

        // Forgetting it: an empty definition removes both keys.
        Database w = store::openForWriting(m_path);
        saveConversion(w, {});
        QVERIFY(!readSavedConversion(w));
        QCOMPARE(w.queryInt("SELECT count(*) FROM meta WHERE key LIKE 'conversion.%'"), 0);
        QVERIFY_EXCEPTION_THROWN(saveConversion(w, {"nonsense:x", ""}), std::invalid_argument);
    }
};

QTEST_MAIN(TestIncidents)
#include "tst_incidents.moc"
