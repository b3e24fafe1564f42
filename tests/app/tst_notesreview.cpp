// Compare from the review, undo, and notes made on the command line, in the window with QTest events:
// two bookmarked page loads, traces or cohorts selected in the Notes pane open side by side in the
// comparison (button, Ctrl+D, context menu); other pairs leave it disabled with the reason in its
// tooltip; a deleted note comes back with Ctrl+Z or Edit > Undo; Ctrl+M is in the Edit menu; a note
// that `seam note add` made on a span selects that span in its page load, one on a service filters
// the page loads to it.

#include "ComparePanel.h"
#include "ContextMenuExport.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "NotesModel.h"
#include "NotesPanel.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QLabel>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

class TestNotesReview : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;
    qint64 m_loads[3] = {};

    static QString traceHex(int n) { return QString::fromStdString(seam::test::traceId(n).hex()); }

    /// `seam note --db CACHE add ARGS... --text TEXT`, as a user types it.
    bool note(const QStringList& args, const QString& text)
    {
        QProcess p;
        p.start(seam::test::seamBinary(),
                QStringList{QStringLiteral("note"), QStringLiteral("--db"), m_cache, QStringLiteral("add")} +
                    args + QStringList{QStringLiteral("--text"), text});
        if (!p.waitForFinished(60000) || p.exitCode() != 0) {
            qWarning("%s", p.readAllStandardError().constData());
            return false;
        }
        return true;
    }

    void openIn(MainWindow& window)
    {
        window.resize(1400, 900);
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(m_cache);
        QVERIFY(opened.wait(10000));
        QTRY_COMPARE(window.linkedViews()->pageLoads()->model()->rowCount(), 3);
        NotesPanel* notes = window.linkedViews()->notes();
        window.linkedViews()->detailsTabs()->setCurrentWidget(notes);
        QTRY_VERIFY(notes->model()->rowCount() > 0);
    }

    /// The row of the note whose text is `text`, -1 when none.
    static int rowOf(NotesPanel* notes, const QString& text)
    {
        for (int r = 0; r < notes->model()->rowCount(); ++r)
            if (QString::fromStdString(notes->model()->noteAt(r)->text) == text)
                return r;
        return -1;
    }

    /// Click the first note, Ctrl+click the second: the selection a user makes.
    static void selectTwo(NotesPanel* notes, const QString& a, const QString& b)
    {
        QTableView* table = notes->table();
        const auto click = [&](const QString& text, Qt::KeyboardModifiers modifiers) {
            const int row = rowOf(notes, text);
            QVERIFY2(row >= 0, qPrintable(text));
            const QRect cell = table->visualRect(table->model()->index(row, NotesModel::TextColumn));
            QTest::mouseClick(table->viewport(), Qt::LeftButton, modifiers, cell.center());
        };
        click(a, {});
        click(b, Qt::ControlModifier);
        QCOMPARE(table->selectionModel()->selectedRows().size(), 2);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("seam-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_notesreview"));

        using namespace seam::test;
        m_cache = m_dir.filePath(QStringLiteral("review.seam"));
        {
            StoreWriter writer(m_cache.toStdString());
            for (int i = 0; i < 3; ++i) {
                const TimeNs start = kT0 + i * 60'000'000'000LL;
                writer.submit(0, browserBatch(i, traceId(i), 0x42, start));
                writer.submit(0, backendBatch(traceId(i), 0x42, start));
            }
            QVERIFY(writer.flush());
        }
        {
            Database db(m_cache.toStdString(), Database::Mode::ReadOnly);
            Statement st = db.prepare("SELECT id FROM page_loads ORDER BY start_ns");
            for (qint64& id : m_loads) {
                QVERIFY(st.step());
                id = st.int64(0);
            }
        }
        QVERIFY(
            note({QStringLiteral("--page-load"), QString::number(m_loads[0])}, QStringLiteral("first load")));
        QVERIFY(
            note({QStringLiteral("--page-load"), QString::number(m_loads[2])}, QStringLiteral("last load")));
        QVERIFY(note({QStringLiteral("--trace"), traceHex(0)}, QStringLiteral("first trace")));
        QVERIFY(note({QStringLiteral("--trace"), traceHex(1)}, QStringLiteral("second trace")));
        QVERIFY(note({QStringLiteral("--span"), traceHex(2) + QStringLiteral(":0000000000000101")},
                     QStringLiteral("the charge")));
        QVERIFY(note({QStringLiteral("--service"), QStringLiteral("payments")}, QStringLiteral("payments")));
        // Two cohorts: the first minute and the last one.
        const auto iso = [](qint64 ns) {
            return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, Qt::UTC).toString(Qt::ISODateWithMs);
        };
        const qint64 minute = 60'000'000'000LL;
        QVERIFY(note({QStringLiteral("--filter"), QStringLiteral("route:/checkout"), QStringLiteral("--from"),
                      iso(seam::test::kT0 - 1'000'000'000), QStringLiteral("--to"),
                      iso(seam::test::kT0 + minute / 2)},
                     QStringLiteral("before")));
        QVERIFY(note({QStringLiteral("--filter"), QStringLiteral("route:/checkout"), QStringLiteral("--from"),
                      iso(seam::test::kT0 + 2 * minute - 1'000'000'000), QStringLiteral("--to"),
                      iso(seam::test::kT0 + 3 * minute)},
                     QStringLiteral("after")));
    }

    void twoNotedPageLoadsOpenSideBySide()
    {
        MainWindow window;
        openIn(window);
        NotesPanel* notes = window.linkedViews()->notes();
        QPushButton* compare = notes->findChild<QPushButton*>(QStringLiteral("compareNotes"));
        QVERIFY(compare);
        QVERIFY(!compare->isEnabled()); // nothing selected yet
        selectTwo(notes, QStringLiteral("first load"), QStringLiteral("last load"));
        QVERIFY(compare->isEnabled());
        QTest::mouseClick(compare, Qt::LeftButton);
        QTRY_VERIFY(window.linkedViews()->comparePanel() != nullptr);
        ComparePanel* panel = window.linkedViews()->comparePanel();
        QCOMPARE(window.linkedViews()->detailsTabs()->currentWidget(), panel);
        QTRY_VERIFY(panel->data() != nullptr);
        const QString header = panel->header()->text();
        QVERIFY2(header.contains(QStringLiteral("A: page load %1").arg(m_loads[0])), qPrintable(header));
        QVERIFY2(header.contains(QStringLiteral("B: page load %1").arg(m_loads[2])), qPrintable(header));
        QVERIFY(!panel->data()->result.nodes.empty());
    }

    void twoBookmarkedTracesWithTheShortcut()
    {
        MainWindow window;
        openIn(window);
        NotesPanel* notes = window.linkedViews()->notes();
        selectTwo(notes, QStringLiteral("first trace"), QStringLiteral("second trace"));
        notes->table()->setFocus();
        QTest::keyClick(notes->table(), Qt::Key_D, Qt::ControlModifier);
        QTRY_VERIFY(window.linkedViews()->comparePanel() && window.linkedViews()->comparePanel()->data());
        const QString header = window.linkedViews()->comparePanel()->header()->text();
        QVERIFY2(header.contains(QStringLiteral("A: trace ") + traceHex(0)), qPrintable(header));
        QVERIFY2(header.contains(QStringLiteral("B: trace ") + traceHex(1)), qPrintable(header));
    }

    void twoCohortsFromTheContextMenu()
    {
        MainWindow window;
        openIn(window);
        NotesPanel* notes = window.linkedViews()->notes();
        selectTwo(notes, QStringLiteral("before"), QStringLiteral("after"));
        QVERIFY(seam::test::contextMenuTexts(notes->table()).contains(QStringLiteral("&Compare These Two")));
        QVERIFY(notes->compareAction()->isEnabled());
        notes->compareAction()->trigger(); // the context menu's item
        QTRY_VERIFY(window.linkedViews()->comparePanel() && window.linkedViews()->comparePanel()->data());
        const CompareData& data = *window.linkedViews()->comparePanel()->data();
        // Each side its own window: one page load in each, not all three in both.
        QCOMPARE(data.result.a.pageLoads, std::int64_t(1));
        QCOMPARE(data.result.b.pageLoads, std::int64_t(1));
        const QString header = window.linkedViews()->comparePanel()->header()->text();
        QVERIFY2(header.count(QStringLiteral("route:/checkout")) == 2, qPrintable(header));
    }

    void otherPairsSayWhyTheyDoNotCompare()
    {
        MainWindow window;
        openIn(window);
        NotesPanel* notes = window.linkedViews()->notes();
        QPushButton* compare = notes->findChild<QPushButton*>(QStringLiteral("compareNotes"));
        selectTwo(notes, QStringLiteral("first load"), QStringLiteral("first trace"));
        QVERIFY(!compare->isEnabled());
        QVERIFY(!notes->compareAction()->isEnabled());
        QVERIFY2(compare->toolTip().contains(QLatin1String("do not compare")),
                 qPrintable(compare->toolTip()));
        selectTwo(notes, QStringLiteral("payments"), QStringLiteral("the charge"));
        QVERIFY(!compare->isEnabled());
        QVERIFY2(compare->toolTip().contains(QLatin1String("only traces, page loads and cohorts")),
                 qPrintable(compare->toolTip()));
        // Ctrl+D does nothing then: no comparison opens.
        QTest::keyClick(notes->table(), Qt::Key_D, Qt::ControlModifier);
        QTest::qWait(100);
        QVERIFY(window.linkedViews()->comparePanel() == nullptr);
    }

    void commandLineNotesOpenOnTheirSpanAndService()
    {
        MainWindow window;
        openIn(window);
        NotesPanel* notes = window.linkedViews()->notes();
        Investigation* investigation = window.investigation();
        const auto activate = [&](const QString& text) {
            const int row = rowOf(notes, text);
            QVERIFY(row >= 0);
            const QRect cell =
                notes->table()->visualRect(notes->table()->model()->index(row, NotesModel::TextColumn));
            QTest::mouseClick(notes->table()->viewport(), Qt::LeftButton, {}, cell.center());
            QTest::mouseDClick(notes->table()->viewport(), Qt::LeftButton, {}, cell.center());
        };
        // The span of the third trace: its page load, the span selected in it.
        activate(QStringLiteral("the charge"));
        QTRY_COMPARE(investigation->selectedPageLoad(), m_loads[2]);
        QTRY_COMPARE(investigation->selectedSpan(), qint64(0x101));
        // The service: the page loads that called it.
        activate(QStringLiteral("payments"));
        QTRY_COMPARE(investigation->filterText(), QStringLiteral("service:payments"));
    }

    void deletingANoteCanBeUndone()
    {
        MainWindow window;
        openIn(window);
        NotesPanel* notes = window.linkedViews()->notes();
        const int before = notes->model()->rowCount();
        const int row = rowOf(notes, QStringLiteral("first trace"));
        const notes::Note original = *notes->model()->noteAt(row);
        notes->table()->selectRow(row);
        notes->table()->setFocus();
        QTest::keyClick(notes->table(), Qt::Key_Delete);
        QTRY_COMPARE(notes->model()->rowCount(), before - 1);
        QCOMPARE(rowOf(notes, QStringLiteral("first trace")), -1);
        QTRY_VERIFY(notes->undoAction()->isEnabled());
        // Ctrl+Z brings it back whole: same id, author, time and target.
        QTest::keyClick(notes->table(), Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(notes->model()->rowCount(), before);
        const notes::Note* back = notes->model()->noteAt(rowOf(notes, QStringLiteral("first trace")));
        QVERIFY(back);
        QCOMPARE(back->id, original.id);
        QCOMPARE(back->createdNs, original.createdNs);
        QCOMPARE(back->author, original.author);
        QCOMPARE(back->target, original.target);

        // The Edit menu: Undo (after a Delete-button deletion), and Ctrl+M's Add Note.
        QMenu* edit = nullptr;
        for (QAction* a : window.menuBar()->actions())
            if (a->text() == QStringLiteral("&Edit"))
                edit = a->menu();
        QVERIFY(edit);
        emit edit->aboutToShow();
        QVERIFY(edit->actions().contains(window.linkedViews()->addNoteAction()));
        QCOMPARE(window.linkedViews()->addNoteAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_M));
        QVERIFY(edit->actions().contains(notes->undoAction()));
        notes->table()->selectRow(rowOf(notes, QStringLiteral("second trace")));
        QTest::mouseClick(notes->findChild<QPushButton*>(QStringLiteral("deleteNote")), Qt::LeftButton);
        QTRY_COMPARE(notes->model()->rowCount(), before - 1);
        QTRY_VERIFY(notes->undoAction()->isEnabled());
        notes->undoAction()->trigger(); // Edit > Undo
        QTRY_COMPARE(notes->model()->rowCount(), before);
        QVERIFY(rowOf(notes, QStringLiteral("second trace")) >= 0);
    }
};

QTEST_MAIN(TestNotesReview)
#include "tst_notesreview.moc"
