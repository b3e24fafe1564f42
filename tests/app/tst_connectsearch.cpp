// File > Connect to a Store…, Search mode: for Tempo and Jaeger the dialog offers a search of the window
// (the brushed range it opens with) by service and operation, driven here with QTest keys and clicks;
// the pull it asks for brings exactly the demo's traces of that service in that window from a loopback
// Tempo answering in its recorded shapes, and an answer that reaches the limit is said.

#include "ConnectDialog.h"
#include "Store.h"
#include "TraceSearchReplay.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <set>

using namespace seam;

class TestConnectSearch : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void searchModeOnlyForTraceStores();
    void searchPullsTheWindowsTraces();

private:
    void typeUrl(ConnectDialog& dialog, const QString& url);
    static std::set<std::string> tracesIn(const QString& cache);

    QTemporaryDir m_dir;
    test::DemoSplit m_demo;
    test::DemoMatch m_window;
};

void TestConnectSearch::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The dialog remembers URLs in the settings: these go to the test's own folder.
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("settings")));
    QCoreApplication::setOrganizationName(QStringLiteral("seam-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_connectsearch"));
    QVERIFY(test::splitDemo(m_dir.path(), m_demo));
    Database db = store::openForReading(m_demo.full.toStdString());
    const qint64 first = db.queryInt("SELECT min(start_ns) FROM v_spans WHERE service = 'payments'");
    const qint64 last = db.queryInt("SELECT max(start_ns) FROM v_spans WHERE service = 'payments'");
    // Whole seconds: the dialog's time fields and Tempo's search both work in them.
    m_window = {QStringLiteral("payments"), QString(),
                (first + (last - first) / 3) / 1'000'000'000 * 1'000'000'000,
                (first + 2 * (last - first) / 3) / 1'000'000'000 * 1'000'000'000};
    QVERIFY(test::demoTracesMatching(m_demo, m_window).size() >= 5);
}

void TestConnectSearch::typeUrl(ConnectDialog& dialog, const QString& url)
{
    auto* combo = dialog.findChild<QComboBox*>();
    QVERIFY(combo && combo->lineEdit());
    combo->lineEdit()->selectAll();
    QTest::keyClick(combo->lineEdit(), Qt::Key_Backspace);
    QTest::keyClicks(combo->lineEdit(), url);
    QCOMPARE(combo->currentText(), url);
}

std::set<std::string> TestConnectSearch::tracesIn(const QString& cache)
{
    Database db = store::openForReading(cache.toStdString());
    std::set<std::string> out;
    for (const QString& id : importtest::rows(db, "SELECT DISTINCT trace_id FROM v_spans"))
        out.insert(id.toStdString());
    return out;
}

void TestConnectSearch::searchModeOnlyForTraceStores()
{
    ConnectDialog dialog(m_window.from, m_window.to, std::nullopt);
    dialog.show();
    auto* search = dialog.findChild<QCheckBox*>(QStringLiteral("search"));
    auto* service = dialog.findChild<QLineEdit*>(QStringLiteral("service"));
    QVERIFY(search && service);
    typeUrl(dialog, QStringLiteral("clickhouse://localhost:8123/otel?table=otel_traces"));
    QVERIFY(!search->isEnabled());
    QVERIFY(!dialog.request().search);
    typeUrl(dialog, QStringLiteral("jaeger://localhost:16686"));
    QVERIFY(search->isEnabled());
    QVERIFY(!service->isEnabled());
    // By id (the default for a trace store), the window plays no part.
    for (QDateTimeEdit* edit : dialog.findChildren<QDateTimeEdit*>())
        QVERIFY(!edit->isEnabled());
    QTest::mouseClick(search, Qt::LeftButton, {}, QPoint(8, search->height() / 2));
    QVERIFY(search->isChecked());
    QVERIFY(service->isEnabled());
    for (QDateTimeEdit* edit : dialog.findChildren<QDateTimeEdit*>())
        QVERIFY(edit->isEnabled());
    QVERIFY(dialog.findChildren<QLabel*>().size() > 0);
    bool said = false;
    for (QLabel* label : dialog.findChildren<QLabel*>())
        said = said || label->text().contains(QStringLiteral("caps it by depth"));
    QVERIFY(said);
}

void TestConnectSearch::searchPullsTheWindowsTraces()
{
    test::LoopbackHttpServer tempo(
        [this](const test::HttpRequestSeen& r) { return test::demoTempoAnswer(m_demo, r); });
    ConnectDialog dialog(m_window.from, m_window.to, std::nullopt);
    dialog.show();
    typeUrl(dialog, QStringLiteral("tempo://127.0.0.1:%1").arg(tempo.port()));
    auto* search = dialog.findChild<QCheckBox*>(QStringLiteral("search"));
    QTest::mouseClick(search, Qt::LeftButton, {}, QPoint(8, search->height() / 2));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("service")), QStringLiteral("payments"));
    RemotePullRequest request = dialog.request();
    QVERIFY(request.search);
    QCOMPARE(request.search->service, QStringLiteral("payments"));
    QVERIFY(request.search->operation.isEmpty());
    // The window is the range the dialog opened with (the brushed range).
    QCOMPARE(request.fromNs, m_window.from);
    QCOMPARE(request.toNs, m_window.to);

    const QString cache = m_dir.filePath(QStringLiteral("searched.seam"));
    std::atomic<bool> cancel{false};
    const RemotePullOutcome outcome = runRemotePull(cache, request, cancel, [](double) {});
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    QVERIFY(outcome.skipped.isEmpty());
    const auto expected = test::demoTracesMatching(m_demo, m_window);
    QCOMPARE(tracesIn(cache), std::set<std::string>(expected.begin(), expected.end()));
    QVERIFY2(outcome.summary.contains(QStringLiteral("named %1 traces").arg(expected.size())),
             qPrintable(outcome.summary));

    // A smaller limit than the window holds: said beside the summary.
    request.search->limit = 2;
    const RemotePullOutcome capped =
        runRemotePull(m_dir.filePath(QStringLiteral("capped.seam")), request, cancel, [](double) {});
    QVERIFY2(capped.error.isEmpty(), qPrintable(capped.error));
    QCOMPARE(capped.skipped.size(), 1);
    QVERIFY(capped.skipped.front().contains(QStringLiteral("Tempo search returned the limit")));
    QCOMPARE(tracesIn(m_dir.filePath(QStringLiteral("capped.seam"))).size(), std::size_t(2));
}

QTEST_MAIN(TestConnectSearch)
#include "tst_connectsearch.moc"
