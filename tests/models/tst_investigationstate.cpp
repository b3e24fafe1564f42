// models/InvestigationState (+ the file it lives in) and the Investigation's restore and pin API: the
// saved state reads back exactly, malformed pieces fall back to defaults, a v1 cache has none.

#include "Investigation.h"
#include "InvestigationState.h"
#include "InvestigationStateFile.h"
#include "Sqlite.h"
#include "StateTable.h"
#include "Store.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

class TestInvestigationState : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static InvestigationState sample()
    {
        InvestigationState s;
        s.focus = {QStringLiteral("route:/checkout duration>2s"), Investigation::TimeRange{100, 900},
                   Investigation::Selection{4711, 3, 0x7fffffffffffff01LL}, QStringLiteral("flameGraph")};
        s.history = {{1, 0, 0}, {4711, 0, 0}, {4711, 3, 0x7fffffffffffff01LL}};
        s.historyIndex = 2;
        s.pinnedCauses = {QStringLiteral("payments SELECT payment_accounts"),
                          QStringLiteral("hero image, Safari")};
        s.layout = QByteArray("\x00\x01\xff layout", 10);
        return s;
    }

private slots:
    void keyValuesRoundTrip()
    {
        const InvestigationState s = sample();
        const auto values = s.toKeyValues();
        QCOMPARE(values.size(), std::size_t(4));
        const auto back = InvestigationState::fromKeyValues(values);
        QVERIFY(back);
        QVERIFY(*back == s);
        QVERIFY(!InvestigationState::fromKeyValues({}));
    }

    void focusJsonIsCompactAndTolerant()
    {
        InvestigationFocus f;
        f.selection.pageLoad = 5;
        QCOMPARE(f.toJson(), QStringLiteral("{\"page_load\":5}"));
        QVERIFY(!InvestigationFocus::fromJson(QStringLiteral("not json")));
        const auto newer = InvestigationFocus::fromJson(QStringLiteral("{\"page_load\":5,\"zoom\":3}"));
        QVERIFY(newer && *newer == f);
    }

    void malformedKeysKeepTheirDefaults()
    {
        auto values = sample().toKeyValues();
        values["history"] = "{broken";
        values["pinned_causes"] = "[1, \"kept\"]";
        const auto back = InvestigationState::fromKeyValues(values);
        QVERIFY(back);
        QVERIFY(back->history.empty());
        QCOMPARE(back->historyIndex, -1);
        QCOMPARE(back->pinnedCauses, QStringList{QStringLiteral("kept")});
        QCOMPARE(back->focus, sample().focus);
    }

    void applyingRestoresTheInvestigationExactly()
    {
        Investigation investigation;
        QSignalSpy changed(&investigation, &Investigation::changed);
        sample().applyTo(investigation);
        QCOMPARE(investigation.filterText(), sample().focus.filter);
        QCOMPARE(*investigation.timeRange(), *sample().focus.timeRange);
        QCOMPARE(investigation.selection(), sample().history[2]);
        QCOMPARE(investigation.history(), sample().history);
        QCOMPARE(investigation.historyIndex(), 2);
        QCOMPARE(investigation.pinnedCauses(), sample().pinnedCauses);
        QVERIFY(investigation.canGoBack() && !investigation.canGoForward());
        investigation.goBack();
        QCOMPARE(investigation.selectedResource(), 0);
        QCOMPARE(investigation.selectedPageLoad(), 4711);
        // Captured again, it is what was applied (after the step back, the index says so).
        const InvestigationState again =
            InvestigationState::capture(investigation, QStringLiteral("flameGraph"), sample().layout);
        QCOMPARE(again.historyIndex, 1);
        QCOMPARE(again.history, sample().history);
    }

    void pinnedCausesSignalOnce()
    {
        Investigation investigation;
        QSignalSpy changed(&investigation, &Investigation::changed);
        investigation.pinCause(QStringLiteral("a"));
        investigation.pinCause(QStringLiteral("a"));
        investigation.pinCause(QStringLiteral("b"));
        investigation.unpinCause(QStringLiteral("a"));
        QCOMPARE(investigation.pinnedCauses(), QStringList{QStringLiteral("b")});
        QCOMPARE(changed.size(), 3);
        QVERIFY(changed.last().at(0).value<Investigation::Changes>() & Investigation::PinnedCausesChanged);
    }

    void theFileKeepsTheState()
    {
        const QString path = m_dir.filePath(QStringLiteral("state.seam"));
        store::openForWriting(path.toStdString());
        QVERIFY(!loadInvestigationState(path));
        QCOMPARE(saveInvestigationState(path, sample()), QString());
        const auto back = loadInvestigationState(path);
        QVERIFY(back && *back == sample());
        // A second save replaces the first whole.
        InvestigationState other;
        other.focus.filter = QStringLiteral("browser:Safari");
        QCOMPARE(saveInvestigationState(path, other), QString());
        QVERIFY(*loadInvestigationState(path) == other);
        QVERIFY(!saveInvestigationState(m_dir.filePath(QStringLiteral("missing/x.seam")), other).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestInvestigationState)
#include "tst_investigationstate.moc"
