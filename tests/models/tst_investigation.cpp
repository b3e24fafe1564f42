#include "Investigation.h"

#include <QSignalSpy>
#include <QTest>

using namespace seam;

namespace {

Investigation::Changes changesAt(const QSignalSpy& spy, int i)
{
    return spy.at(i).at(0).value<Investigation::Changes>();
}

} // namespace

class TestInvestigation : public QObject
{
    Q_OBJECT

private slots:
    void settersEmitOncePerChange()
    {
        Investigation inv;
        QSignalSpy spy(&inv, &Investigation::changed);

        inv.setFilterText(QStringLiteral("route:/checkout"));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(changesAt(spy, 0), Investigation::Changes(Investigation::FilterChanged));
        inv.setFilterText(QStringLiteral("route:/checkout"));
        QCOMPARE(spy.count(), 1); // same value: nothing changed

        inv.setTimeRange(Investigation::TimeRange{10, 20});
        QCOMPARE(spy.count(), 2);
        QCOMPARE(changesAt(spy, 1), Investigation::Changes(Investigation::TimeRangeChanged));
        inv.setTimeRange(Investigation::TimeRange{10, 20});
        QCOMPARE(spy.count(), 2);
        inv.setTimeRange(std::nullopt);
        QCOMPARE(spy.count(), 3);
        QVERIFY(!inv.timeRange());

        inv.selectPageLoad(7);
        QCOMPARE(spy.count(), 4);
        // The first selection is not something to go back from: canGoBack() stays false.
        QCOMPARE(changesAt(spy, 3), Investigation::Changes(Investigation::PageLoadChanged));
        inv.selectPageLoad(7);
        QCOMPARE(spy.count(), 4);

        inv.setSelectedTraces({3, 4});
        QCOMPARE(spy.count(), 5);
        QCOMPARE(changesAt(spy, 4), Investigation::Changes(Investigation::TracesChanged));
        inv.setSelectedTraces({3, 4});
        QCOMPARE(spy.count(), 5);

        inv.selectSpan(0x101);
        QCOMPARE(spy.count(), 6);
        QCOMPARE(changesAt(spy, 5), Investigation::SpanChanged | Investigation::HistoryChanged);
        QCOMPARE(inv.selectedSpan(), 0x101);
    }

    void newPageLoadClearsSpanAndTraces()
    {
        Investigation inv;
        inv.selectPageLoad(1);
        inv.setSelectedTraces({10});
        inv.selectSpan(5);
        QSignalSpy spy(&inv, &Investigation::changed);
        inv.selectPageLoad(2);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(changesAt(spy, 0),
                 Investigation::PageLoadChanged | Investigation::TracesChanged | Investigation::SpanChanged);
        QCOMPARE(inv.selectedSpan(), 0);
        QVERIFY(inv.selectedTraces().empty());
    }

    void backAndForward()
    {
        Investigation inv;
        QVERIFY(!inv.canGoBack());
        QVERIFY(!inv.canGoForward());
        inv.goBack(); // nothing to go back to: a no-op
        QCOMPARE(inv.selectedPageLoad(), 0);

        inv.selectPageLoad(1);
        inv.selectPageLoad(2);
        inv.selectSpan(20);
        QCOMPARE(inv.history().size(), std::size_t(3));
        QVERIFY(inv.canGoBack());

        QSignalSpy spy(&inv, &Investigation::changed);
        inv.goBack();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(changesAt(spy, 0), Investigation::SpanChanged | Investigation::HistoryChanged);
        QCOMPARE(inv.selectedPageLoad(), 2);
        QCOMPARE(inv.selectedSpan(), 0);
        QVERIFY(inv.canGoForward());

        inv.goBack();
        QCOMPARE(inv.selectedPageLoad(), 1);
        QVERIFY(!inv.canGoBack());
        QCOMPARE(spy.count(), 2);

        inv.goForward();
        inv.goForward();
        QCOMPARE(inv.selectedPageLoad(), 2);
        QCOMPARE(inv.selectedSpan(), 20);
        QVERIFY(!inv.canGoForward());
        QCOMPARE(inv.history().size(), std::size_t(3)); // moving through it records nothing
    }

    void newSelectionDropsTheForwardBranch()
    {
        Investigation inv;
        inv.selectPageLoad(1);
        inv.selectPageLoad(2);
        inv.selectPageLoad(3);
        inv.goBack();
        inv.goBack();
        QCOMPARE(inv.selectedPageLoad(), 1);
        inv.selectPageLoad(4);
        QVERIFY(!inv.canGoForward());
        const std::vector<Investigation::Selection> expected{{1, 0}, {4, 0}};
        QCOMPARE(inv.history(), expected);
        inv.goBack();
        QCOMPARE(inv.selectedPageLoad(), 1);
    }

    void noDuplicateConsecutiveEntries()
    {
        Investigation inv;
        inv.selectPageLoad(1);
        inv.selectSpan(5);
        inv.goBack(); // at {1, 0}
        // Selecting the entry that follows drops the forward branch but re-records the same selection
        // once, never twice.
        inv.selectSpan(5);
        QCOMPARE(inv.history().size(), std::size_t(2));
        inv.selectSpan(0);
        inv.selectSpan(0);
        QCOMPARE(inv.history().size(), std::size_t(3));
        inv.selectPageLoad(1); // unchanged: not recorded
        QCOMPARE(inv.history().size(), std::size_t(3));
    }

    void historyIsBounded()
    {
        Investigation inv;
        for (int i = 1; i <= Investigation::kMaxHistory + 50; ++i)
            inv.selectPageLoad(i);
        QCOMPARE(int(inv.history().size()), Investigation::kMaxHistory);
        QCOMPARE(inv.historyIndex(), Investigation::kMaxHistory - 1);
        QCOMPARE(inv.history().front().pageLoad, 51);
    }
};

QTEST_GUILESS_MAIN(TestInvestigation)
#include "tst_investigation.moc"
