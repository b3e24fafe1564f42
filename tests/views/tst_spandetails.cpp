#include "ErrorListModel.h"
#include "ErrorListPanel.h"
#include "Investigation.h"
#include "PageLoadFilter.h"
#include "RecordFactory.h"
#include "SpanDetails.h"
#include "SpanDetailsPanel.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>

using namespace seam;
using namespace seam::test;

namespace {

constexpr SpanId kFetch = 0x42;
constexpr SpanId kGateway = 0x100;
constexpr SpanId kCharge = 0x101; // payments "POST /charge": the failing span with everything on it
constexpr SpanId kQuery = 0x102;

/// Page load n with one fetch into trace n. Pages 1 and 3 reach payments "POST /charge"; page 2 only
/// reaches catalog "GET /items"; page 4 has a fetch without any backend trace.
RecordBatch page(int n, bool charge, bool withErrors)
{
    const TimeNs start = kT0 + TimeNs(n) * 600'000'000'000LL; // ten minutes apart: no session overlap
    const TraceId trace = traceId(n);
    RecordBatch b = browserBatch(n, trace, kFetch, start);
    if (n == 4)
        return b;
    if (!charge) {
        b.spans.push_back(span(trace, kGateway, kFetch, backend("catalog"), "GET /items", SpanKind::Server,
                               start + 310'000'000, 200));
        return b;
    }
    b.spans.push_back(span(trace, kGateway, kFetch, backend("gateway"), "POST /api/checkout",
                           SpanKind::Server, start + 310'000'000, 1700));
    SpanRecord charging =
        span(trace, kCharge, kGateway, backend("payments", "2.3.1"), "POST /charge", SpanKind::Server,
             start + 320'000'000, 1600, withErrors ? StatusCode::Error : StatusCode::Ok);
    charging.attributesJson = R"({"http.method":"POST","http.status_code":500,"retry":true,"ratio":0.25,)"
                              R"("tags":["a","b"],"card.brand":"visa"})";
    if (withErrors) {
        charging.statusMessage = "charge failed";
        charging.eventsJson =
            "[{\"t\":" + std::to_string(start + 330'000'000) +
            R"j(,"name":"exception","attributes":{"exception.type":"CardDeclined",)j"
            R"j("exception.message":"card declined by issuer",)j"
            R"j("exception.stacktrace":"CardDeclined: card declined by issuer\n  at charge (pay.js:12)"}}])j";
    }
    charging.scope = "payments-instrumentation";
    b.spans.push_back(charging);
    b.spans.push_back(span(trace, kQuery, kCharge, backend("payments", "2.3.1"), "SELECT FOR UPDATE",
                           SpanKind::Client, start + 340'000'000, 100));
    if (withErrors) {
        LogRecordRow log;
        log.time = start + 500'000'000;
        log.severityNumber = 17;
        log.severityText = "ERROR";
        log.body = "payment provider said no";
        log.attributesJson = R"({"provider":"acme"})";
        log.traceId = trace;
        log.spanId = kCharge;
        log.service = backend("payments", "2.3.1");
        b.logs.push_back(log);
        LogRecordRow info = log;
        info.time = start + 400'000'000;
        info.severityNumber = 9;
        info.severityText = "INFO";
        info.body = "charging card";
        b.logs.push_back(info);

        RumErrorRecord js;
        js.key = "js-" + std::to_string(n);
        js.pageLoadKey = "page-" + std::to_string(n);
        js.sessionKey = "session-" + std::to_string(n);
        js.time = start + 100'000'000;
        js.type = "TypeError";
        js.message = "cart is undefined";
        js.source = "source";
        b.rumErrors.push_back(js);
    }
    return b;
}

QTreeWidgetItem* findItem(QTreeWidget* tree, const QString& key)
{
    for (QTreeWidgetItemIterator it(tree); *it; ++it)
        if ((*it)->text(0) == key)
            return *it;
    return nullptr;
}

QTreeWidgetItem* findSection(QTreeWidget* tree, const QString& prefix)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0).startsWith(prefix))
            return tree->topLevelItem(i);
    return nullptr;
}

} // namespace

class TestSpanDetails : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    qint64 m_page1 = 0;
    qint64 m_trace1 = 0;
    qint64 m_fetch1 = 0;

    Database db() { return store::openForReading(m_path.toStdString()); }

    /// Selects page 1 with its trace, as the linked views do once the trace loader has answered.
    void selectPage1(Investigation& inv)
    {
        inv.selectPageLoad(m_page1);
        inv.setSelectedTraces({m_trace1});
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("details.seam"));
        {
            StoreWriter w(m_path.toStdString());
            w.submit(0, page(1, true, true));
            w.submit(0, page(2, false, false));
            w.submit(0, page(3, true, false));
            w.submit(0, page(4, false, false));
            QVERIFY(w.flush());
        }
        Database d = db();
        m_page1 = d.queryInt("SELECT id FROM page_loads WHERE key = 'page-1'");
        m_fetch1 = d.queryInt("SELECT id FROM resources WHERE key = 'fetch-1'");
        m_trace1 = d.queryInt(
            "SELECT l.trace FROM links l WHERE l.resource_id = (SELECT id FROM resources WHERE key "
            "= 'fetch-1')");
        QVERIFY(m_page1 > 0);
        QVERIFY(m_trace1 > 0);
        QCOMPARE(d.queryInt("SELECT count(*) FROM links"), 3);
    }

    void parsesTypedAttributes()
    {
        const auto attrs =
            SpanDetails::parseAttributes(R"({"z":"s","a":1,"b":1.5,"c":false,"d":[1,2],"e":null,)"
                                         R"("big":9007199254740993})");
        QCOMPARE(attrs.size(), std::size_t(7));
        QCOMPARE(attrs[0].key, QStringLiteral("a"));
        QCOMPARE(attrs[0].type, QStringLiteral("int"));
        QCOMPARE(attrs[1].type, QStringLiteral("b") == attrs[1].key ? QStringLiteral("double") : QString());
        QCOMPARE(attrs[2].key, QStringLiteral("big"));
        QCOMPARE(attrs[2].text(), QStringLiteral("9007199254740993")); // beyond a double's 53 bits
        QCOMPARE(attrs[3].text(), QStringLiteral("false"));
        QCOMPARE(attrs[4].text(), QStringLiteral("[1,2]"));
        QCOMPARE(attrs[5].type, QStringLiteral("null"));
        QCOMPARE(attrs[6].text(), QStringLiteral("s"));
        const auto bad = SpanDetails::parseAttributes("{not json");
        QCOMPARE(bad.size(), std::size_t(1));
        QCOMPARE(bad[0].text(), QStringLiteral("{not json"));
    }

    void panelShowsTheSelectedSpan()
    {
        Investigation inv;
        SpanDetailsPanel panel(m_path, &inv);
        panel.resize(600, 500);
        panel.show();
        QVERIFY(panel.tree()->topLevelItemCount() == 0);

        selectPage1(inv);
        inv.selectSpan(kCharge);
        QTRY_VERIFY(!panel.isLoading() && panel.details()->what == SpanDetails::What::Span);
        const SpanDetails& d = *panel.details();
        QCOMPARE(d.spanId, qint64(kCharge));
        QCOMPARE(d.parentOperation, QStringLiteral("gateway · POST /api/checkout"));
        QCOMPARE(d.durationNs, qint64(1'600'000'000));
        QVERIFY(d.traceShare() > 0.8 && d.traceShare() <= 1.0);

        QVERIFY(panel.header()->text().startsWith(QStringLiteral("payments · POST /charge")));
        QVERIFY(panel.header()->text().contains(QStringLiteral("1.6 s")));
        QCOMPARE(panel.statusLabel()->text(), QStringLiteral("error"));
        QVERIFY(panel.pageLoadsButton()->isEnabled());

        QTreeWidget* tree = panel.tree();
        QCOMPARE(findItem(tree, QStringLiteral("service"))->text(1), QStringLiteral("payments 2.3.1"));
        QCOMPARE(findItem(tree, QStringLiteral("status"))->text(1), QStringLiteral("error: charge failed"));
        QCOMPARE(findItem(tree, QStringLiteral("kind"))->text(1), QStringLiteral("server"));
        QCOMPARE(findItem(tree, QStringLiteral("scope"))->text(1),
                 QStringLiteral("payments-instrumentation"));
        QCOMPARE(findItem(tree, QStringLiteral("trace id"))->text(1).size(), 32);

        // Attributes, sorted, with their types.
        QTreeWidgetItem* attributes = findSection(tree, QStringLiteral("Attributes (6)"));
        QVERIFY(attributes);
        QCOMPARE(attributes->child(0)->text(0), QStringLiteral("card.brand"));
        QCOMPARE(findItem(tree, QStringLiteral("http.method"))->text(1), QStringLiteral("POST"));
        QCOMPARE(findItem(tree, QStringLiteral("http.status_code"))->text(1), QStringLiteral("500"));
        QCOMPARE(findItem(tree, QStringLiteral("http.status_code"))->toolTip(0),
                 QStringLiteral("http.status_code (int)"));
        QCOMPARE(findItem(tree, QStringLiteral("retry"))->text(1), QStringLiteral("true"));
        QCOMPARE(findItem(tree, QStringLiteral("ratio"))->text(1), QStringLiteral("0.25"));

        // The exception event, readable, 10 ms into the span.
        QTreeWidgetItem* events = findSection(tree, QStringLiteral("Events (1)"));
        QVERIFY(events);
        QTreeWidgetItem* exception = events->child(0);
        QCOMPARE(exception->text(0), QStringLiteral("+10.0 ms  exception"));
        QCOMPARE(exception->text(1), QStringLiteral("CardDeclined: card declined by issuer"));
        QVERIFY(exception->isExpanded());
        QCOMPARE(exception->child(0)->text(1), QStringLiteral("CardDeclined"));
        QTreeWidgetItem* stack = findItem(tree, QStringLiteral("stacktrace"));
        QVERIFY(stack);
        QVERIFY(!stack->text(1).contains(QLatin1Char('\n'))); // one line in the cell...
        QVERIFY(
            stack->toolTip(1).contains(QStringLiteral("\n  at charge (pay.js:12)"))); // ...whole in the tip

        // The span's own logs, in time order.
        QTreeWidgetItem* logs = findSection(tree, QStringLiteral("Logs (2)"));
        QVERIFY(logs);
        QCOMPARE(logs->child(0)->text(1), QStringLiteral("charging card"));
        QCOMPARE(logs->child(1)->text(0), QStringLiteral("+180 ms  ERROR"));
        QCOMPARE(logs->child(1)->text(1), QStringLiteral("payment provider said no"));
        QCOMPARE(logs->child(1)->child(0)->text(0), QStringLiteral("provider"));

        // Ctrl+C copies the selected rows as key=value.
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        tree->setFocus();
        tree->clearSelection();
        findItem(tree, QStringLiteral("http.method"))->setSelected(true);
        findItem(tree, QStringLiteral("retry"))->setSelected(true);
        QCOMPARE(panel.selectedText(), QStringLiteral("http.method=POST\nretry=true"));
        QApplication::clipboard()->clear();
        QTest::keyClick(tree, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("http.method=POST\nretry=true"));

        // A span without logs of its own shows its trace's logs around it.
        inv.selectSpan(kQuery);
        QTRY_VERIFY(!panel.isLoading() && panel.details()->spanId == qint64(kQuery));
        QVERIFY(panel.details()->logsAreFromTrace);
        QVERIFY(findSection(tree, QStringLiteral("Logs of the trace around this span (2)")));
        QCOMPARE(panel.statusLabel()->text(), QStringLiteral("unset"));

        // Nothing selected: an empty tree and a hint.
        inv.selectPageLoad(0);
        QTRY_VERIFY(panel.details()->what == SpanDetails::What::Nothing);
        QCOMPARE(tree->topLevelItemCount(), 0);
        QVERIFY(!panel.pageLoadsButton()->isEnabled());
    }

    void panelFollowsTheLatestSelectionAndThePalette()
    {
        Investigation inv;
        SpanDetailsPanel panel(m_path, &inv);
        selectPage1(inv);
        std::vector<qint64> shownSpans;
        connect(&panel, &SpanDetailsPanel::detailsShown, this, [&] {
            if (panel.details()->what == SpanDetails::What::Span)
                shownSpans.push_back(panel.details()->spanId);
        });
        // Clicking through quickly: only the last selection is shown.
        inv.selectSpan(kGateway);
        inv.selectSpan(kQuery);
        inv.selectSpan(kCharge);
        QTRY_VERIFY(!panel.isLoading());
        QCOMPARE(panel.details()->spanId, qint64(kCharge));
        QTest::qWait(50);
        QCOMPARE(panel.details()->spanId, qint64(kCharge));
        QCOMPARE(shownSpans, std::vector<qint64>{qint64(kCharge)}); // the superseded ones never showed

        const QColor light = panel.statusLabel()->palette().color(QPalette::WindowText);
        QPalette dark = panel.palette();
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::Window, QColor(40, 40, 40));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        panel.setPalette(dark);
        const QColor onDark = panel.statusLabel()->palette().color(QPalette::WindowText);
        QVERIFY(onDark != light);
        QVERIFY(onDark.lightness() > light.lightness()); // still red, but readable on dark
        QVERIFY(onDark.red() > onDark.green());
        QVERIFY(findSection(panel.tree(), QStringLiteral("Attributes (6)"))); // rebuilt, not lost
    }

    void panelShowsAResourceWithoutSpan()
    {
        Investigation inv;
        SpanDetailsPanel panel(m_path, &inv);
        selectPage1(inv);
        inv.selectResource(m_fetch1);
        QTRY_VERIFY(!panel.isLoading() && panel.details()->what == SpanDetails::What::Resource);
        const SpanDetails& d = *panel.details();
        QCOMPARE(d.url, QStringLiteral("https://shop.example/api/checkout"));
        QCOMPARE(d.method, QStringLiteral("POST"));
        QCOMPARE(d.httpStatus, 200);
        QCOMPARE(d.resourceOffsetNs, qint64(300'000'000));
        QCOMPARE(d.linkMethod, QStringLiteral("trace"));
        QCOMPARE(d.linkConfidence, 1.0);
        QCOMPARE(findItem(panel.tree(), QStringLiteral("url"))->text(1),
                 QStringLiteral("https://shop.example/api/checkout"));
        QCOMPARE(findItem(panel.tree(), QStringLiteral("confidence"))->text(1), QStringLiteral("1.00"));
        QCOMPARE(panel.statusLabel()->text(), QStringLiteral("200"));
        QVERIFY(!panel.pageLoadsButton()->isEnabled());
    }

    void errorListInTimeOrderAndNavigates()
    {
        Investigation inv;
        ErrorListPanel panel(m_path, &inv);
        QAbstractItemModelTester tester(panel.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.resize(700, 300);
        panel.show();
        QCOMPARE(panel.model()->rowCount(), 0);

        selectPage1(inv);
        QTRY_VERIFY(!panel.isLoading() && panel.model()->rowCount() == 3);
        ErrorListModel* m = panel.model();
        auto cell = [m](int row, int column) { return m->index(row, column).data().toString(); };
        QCOMPARE(cell(0, ErrorListModel::TimeColumn), QStringLiteral("+100 ms"));
        QCOMPARE(cell(0, ErrorListModel::SideColumn), QStringLiteral("browser"));
        QCOMPARE(cell(0, ErrorListModel::WhereColumn), QStringLiteral("/checkout"));
        QCOMPARE(cell(0, ErrorListModel::WhatColumn), QStringLiteral("TypeError"));
        QCOMPARE(cell(0, ErrorListModel::MessageColumn), QStringLiteral("cart is undefined"));
        QCOMPARE(cell(1, ErrorListModel::TimeColumn), QStringLiteral("+320 ms"));
        QCOMPARE(cell(1, ErrorListModel::SideColumn), QStringLiteral("backend"));
        QCOMPARE(cell(1, ErrorListModel::WhereColumn), QStringLiteral("payments"));
        QCOMPARE(cell(1, ErrorListModel::WhatColumn), QStringLiteral("POST /charge"));
        QCOMPARE(cell(1, ErrorListModel::MessageColumn),
                 QStringLiteral("charge failed (CardDeclined: card declined by issuer)"));
        QCOMPARE(cell(2, ErrorListModel::TimeColumn), QStringLiteral("+500 ms"));
        QCOMPARE(cell(2, ErrorListModel::WhatColumn), QStringLiteral("ERROR"));
        QCOMPARE(cell(2, ErrorListModel::MessageColumn), QStringLiteral("payment provider said no"));
        QVERIFY(panel.header()->text().contains(QStringLiteral("1 in the browser, 2 in the backend")));
        for (int r = 1; r < m->rowCount(); ++r)
            QVERIFY(m->index(r, 0).data(ErrorListModel::TimeNsRole).toLongLong() >=
                    m->index(r - 1, 0).data(ErrorListModel::TimeNsRole).toLongLong());

        // Enter on the failed span selects it.
        QCOMPARE(inv.selectedSpan(), 0);
        panel.view()->setFocus();
        panel.view()->setCurrentIndex(m->index(1, 0));
        QTest::keyClick(panel.view(), Qt::Key_Return);
        QCOMPARE(inv.selectedSpan(), qint64(kCharge));
        QCOMPARE(inv.selectedPageLoad(), m_page1);

        // A span selected elsewhere makes its error row current.
        panel.view()->setCurrentIndex(m->index(2, 0));
        inv.selectSpan(kGateway);
        inv.selectSpan(kCharge);
        QCOMPARE(panel.view()->currentIndex().row(), 1);

        // The browser error goes to its page load (a new history entry, span cleared).
        panel.view()->setCurrentIndex(m->index(0, 0));
        QTest::keyClick(panel.view(), Qt::Key_Return);
        QCOMPARE(inv.selectedPageLoad(), m_page1);
        QCOMPARE(inv.selectedSpan(), 0);

        // A page without errors says so.
        const qint64 page2 = db().queryInt("SELECT id FROM page_loads WHERE key = 'page-2'");
        inv.selectPageLoad(page2);
        QTRY_VERIFY(!panel.isLoading() && m->pageLoadId() == page2);
        QCOMPARE(m->rowCount(), 0);
        QCOMPARE(panel.header()->text(), QStringLiteral("No errors around this page load."));
    }

    void errorListIsCapped()
    {
        // Many errors on one page load: the list keeps kCap and counts the rest.
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("many.seam")).toStdString();
        {
            StoreWriter w(path);
            RecordBatch b = page(1, true, true);
            for (int i = 0; i < ErrorList::kCap + 20; ++i) {
                RumErrorRecord e = b.rumErrors.front();
                e.key = "many-" + std::to_string(i);
                e.time += i * 1000;
                b.rumErrors.push_back(e);
            }
            w.submit(0, std::move(b));
            QVERIFY(w.flush());
        }
        Database d = store::openForReading(path);
        const qint64 pageId = d.queryInt("SELECT id FROM page_loads");
        const qint64 trace = d.queryInt("SELECT trace FROM links");
        const ErrorList list = ErrorList::load(d, pageId, {trace});
        QCOMPARE(int(list.entries.size()), ErrorList::kCap);
        // 521 browser errors (20 + 1 beyond the cap) + 2 backend ones, 500 shown.
        QCOMPARE(list.more, qint64(ErrorList::kCap + 21 + 2 - ErrorList::kCap));
        QVERIFY(std::is_sorted(list.entries.begin(), list.entries.end(),
                               [](const ErrorEntry& a, const ErrorEntry& b) { return a.timeNs < b.timeNs; }));
    }

    void buttonFiltersPageLoadsThatHitTheOperation()
    {
        Investigation inv;
        inv.setFilterText(QStringLiteral("route:/checkout"));
        SpanDetailsPanel panel(m_path, &inv);
        selectPage1(inv);
        inv.selectSpan(kCharge);
        QTRY_VERIFY(!panel.isLoading() && panel.details()->what == SpanDetails::What::Span);
        QSignalSpy changes(&inv, &Investigation::changed);
        panel.pageLoadsButton()->click();
        QCOMPARE(inv.filterText(), QStringLiteral("route:/checkout operation:\"payments:POST /charge\""));
        QCOMPARE(changes.size(), 1);
        panel.pageLoadsButton()->click(); // already there: unchanged
        QCOMPARE(inv.filterText(), QStringLiteral("route:/checkout operation:\"payments:POST /charge\""));
        QCOMPARE(changes.size(), 1);

        const PageLoadFilter filter = PageLoadFilter::parse(inv.filterText());
        QVERIFY2(filter.isValid(), qPrintable(filter.error().message));
        Database d = db();
        auto st =
            d.prepare("SELECT p.key FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id WHERE " +
                      filter.sql() + " ORDER BY p.key");
        filter.bind(st);
        QStringList keys;
        while (st.step())
            keys << QString::fromStdString(std::string(st.text(0)));
        QCOMPARE(keys, (QStringList{QStringLiteral("page-1"), QStringLiteral("page-3")}));

        QCOMPARE(SpanDetailsPanel::filterWithOperation(QStringLiteral("duration>"), QStringLiteral("a"),
                                                       QStringLiteral("b")),
                 QStringLiteral("operation:a:b")); // an invalid filter is replaced
        QCOMPARE(SpanDetailsPanel::filterWithOperation(QString(), QStringLiteral("a"), QStringLiteral("b c")),
                 QStringLiteral("operation:\"a:b c\""));
    }
};

QTEST_MAIN(TestSpanDetails)
#include "tst_spandetails.moc"
