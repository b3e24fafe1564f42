// The details' "Sources" tab (views/PageLoadSourcesPanel, models/PageLoadSourcesData) driven offscreen on
// a cache where OpenTelemetry web, Datadog RUM, Faro and a HAR reported the same three navigations
// (tests/data/reconcile): select a page load through the Investigation and read what the user sees,
// the reports of the load and, per call, which sources reported it.
#include "ImportTestUtil.h"
#include "Investigation.h"
#include "PageLoadReports.h"
#include "PageLoadSourcesPanel.h"
#include "Sqlite.h"
#include "TestPaths.h"

#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {

QString fixture(const char* name)
{
    return (seam::test::dataDir() + QStringLiteral("/reconcile/")) + QLatin1String(name);
}

/// The row of `table` whose first column contains `text`; -1 when none.
int rowWith(QTableWidget* table, const QString& text)
{
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, 0) && table->item(row, 0)->text().contains(text))
            return row;
    return -1;
}

} // namespace

class TestPageLoadSources : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;
    qint64 m_checkout = 0;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("c.seam"));
        importtest::importIntoCache(m_cache.toStdString(),
                                    {fixture("otel-web.json"), fixture("datadog-rum.ndjson"),
                                     fixture("faro.ndjson"), fixture("page.har"), fixture("backend.json")});
        Database db(m_cache.toStdString(), Database::Mode::ReadOnly);
        m_checkout = db.queryInt("SELECT id FROM page_loads WHERE route = '/checkout'");
        QVERIFY(m_checkout > 0);
    }

    void callsListTheirSources()
    {
        // The model first: the checkout's POST is one call with three reports, its own row's first.
        Database db(m_cache.toStdString(), Database::Mode::ReadOnly);
        const std::vector<PageLoadCall> calls = pageLoadCalls(db, m_checkout);
        QVERIFY(!calls.empty());
        const auto post = std::find_if(calls.begin(), calls.end(), [](const PageLoadCall& c) {
            return c.url.ends_with("/api/checkout");
        });
        QVERIFY(post != calls.end());
        QCOMPARE(post->reports.size(), 3u);
        QCOMPARE(post->reports.front().resourceId, post->resourceId);
        QStringList sources;
        for (const CallReport& r : post->reports)
            sources << QString::fromStdString(r.source);
        sources.sort();
        QCOMPARE(sources,
                 (QStringList{QStringLiteral("datadog"), QStringLiteral("har"), QStringLiteral("otel")}));
        // Then the tab: select the load, see the 4 reports and the call's sources and status.
        Investigation investigation;
        PageLoadSourcesPanel panel(m_cache, &investigation);
        panel.resize(900, 600);
        panel.show();
        auto* reports = panel.findChild<QTableWidget*>(QStringLiteral("sourcesTable"));
        auto* table = panel.findChild<QTableWidget*>(QStringLiteral("callsTable"));
        QVERIFY(reports && table);
        QCOMPARE(table->rowCount(), 0);
        investigation.selectPageLoad(m_checkout);
        QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), int(calls.size()), 20000);
        QCOMPARE(reports->rowCount(), 4);
        const int row = rowWith(table, QStringLiteral("POST "));
        QVERIFY(row >= 0);
        QVERIFY2(table->item(row, 0)->text().endsWith(QLatin1String("/api/checkout")),
                 qPrintable(table->item(row, 0)->text()));
        const QString by = table->item(row, 3)->text();
        for (const char* source : {"otel ", "datadog ", "har "})
            QVERIFY2(by.contains(QLatin1String(source)), qPrintable(by));
        QCOMPARE(table->item(row, 4)->text(), QStringLiteral("502"));
        // Clearing the selection clears the calls.
        investigation.selectPageLoad(0);
        QTRY_COMPARE(table->rowCount(), 0);
    }
};

QTEST_MAIN(TestPageLoadSources)
#include "tst_pageloadsources.moc"
