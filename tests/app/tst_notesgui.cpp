// Incident review in the window, driven with QTest events on a real cache: Ctrl+M on a selected page
// load adds a note through the dialog; closing saves the investigation's state in the file; a new window
// on the same file shows the note, restores filter, time range, selection and history exactly, and
// double-clicking the note goes back to where it was taken. The scatter stars the noted page load.

#include "Investigation.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "NoteDialog.h"
#include "NotesModel.h"
#include "NotesPanel.h"
#include "PageLoadScatterView.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "RecordFactory.h"
#include "StoreWriter.h"
#include "WaterfallPanel.h"
#include "WaterfallView.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScatterSeries>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

class TestNotesGui : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;

    static void openIn(MainWindow& window, const QString& cache)
    {
        window.resize(1400, 900);
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(cache);
        QVERIFY(opened.wait(10000));
        QTRY_COMPARE(window.linkedViews()->pageLoads()->model()->rowCount(), 3);
    }

    static void clickPageLoad(MainWindow& window, qint64 id)
    {
        QTableView* table = window.linkedViews()->pageLoads()->table();
        const int row = window.linkedViews()->pageLoads()->model()->rowOfPageLoad(id);
        QVERIFY(row >= 0);
        const QRect cell = table->visualRect(table->model()->index(row, 0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QTRY_COMPARE(window.investigation()->selectedPageLoad(), id);
    }

    static qint64 pageLoadIdAtRow(MainWindow& window, int row)
    {
        return window.linkedViews()->pageLoads()->model()->pageLoadIdAt(row);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("seam-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_notesgui"));
        qputenv("USER", "reviewer");

        using namespace seam::test;
        m_cache = m_dir.filePath(QStringLiteral("review.seam"));
        StoreWriter writer(m_cache.toStdString());
        for (int i = 0; i < 3; ++i) {
            const TimeNs start = kT0 + i * 60'000'000'000LL;
            writer.submit(0, browserBatch(i, traceId(i), 0x42, start));
            writer.submit(0, backendBatch(traceId(i), 0x42, start));
        }
        QVERIFY(writer.flush());
    }

    void aNoteSurvivesReopeningAndRestoresItsFocus()
    {
        qint64 noted = 0, last = 0;
        Investigation::TimeRange range;
        std::vector<Investigation::Selection> history;
        {
            MainWindow window;
            openIn(window, m_cache);
            Investigation* investigation = window.investigation();
            investigation->setFilterText(QStringLiteral("route:/checkout"));
            range = {seam::test::kT0 - 1'000'000'000, seam::test::kT0 + 3'600'000'000'000LL};
            investigation->setTimeRange(range);
            QTRY_COMPARE(window.linkedViews()->pageLoads()->model()->rowCount(), 3);
            noted = pageLoadIdAtRow(window, 1);
            clickPageLoad(window, noted);

            // Ctrl+M where the user is (the table): the dialog, filled in and accepted with the mouse.
            QTableView* table = window.linkedViews()->pageLoads()->table();
            table->setFocus();
            QTest::keyClick(table, Qt::Key_M, Qt::ControlModifier);
            NotesPanel* notes = window.linkedViews()->notes();
            QTRY_VERIFY(notes->dialog() != nullptr);
            NoteDialog* dialog = notes->dialog();
            QCOMPARE(dialog->authorEdit()->text(), QStringLiteral("reviewer"));
            QTest::keyClicks(dialog->textEdit(), QStringLiteral("checkout waits on payments"));
            QTest::keyClicks(dialog->tagsEdit(), QStringLiteral("db-lock, #Payments"));
            QPushButton* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
            QVERIFY(ok->isEnabled());
            QTest::mouseClick(ok, Qt::LeftButton);
            QTRY_COMPARE(notes->model()->rowCount(), 1);
            QCOMPARE(notes->model()->noteAt(0)->target.kind, notes::TargetKind::PageLoad);
            QCOMPARE(notes->model()->noteAt(0)->target.id, noted);
            // The scatter stars the noted page load once its points are there.
            QTRY_COMPARE(window.linkedViews()->scatter()->notedSeries()->count(), 1);

            last = pageLoadIdAtRow(window, 2);
            clickPageLoad(window, last);
            history = investigation->history();
            QVERIFY(window.close()); // saves the state into the file
        }
        QVERIFY(noted != last);

        MainWindow window;
        openIn(window, m_cache);
        Investigation* investigation = window.investigation();
        QCOMPARE(investigation->filterText(), QStringLiteral("route:/checkout"));
        QVERIFY(investigation->timeRange() && *investigation->timeRange() == range);
        QCOMPARE(investigation->selectedPageLoad(), last);
        QCOMPARE(investigation->history(), history);
        QVERIFY(investigation->canGoBack());

        NotesPanel* notes = window.linkedViews()->notes();
        window.linkedViews()->detailsTabs()->setCurrentWidget(notes);
        QTRY_COMPARE(notes->model()->rowCount(), 1);
        const QAbstractItemModel* model = notes->table()->model();
        QCOMPARE(model->index(0, NotesModel::AuthorColumn).data().toString(), QStringLiteral("reviewer"));
        QCOMPARE(model->index(0, NotesModel::TagsColumn).data().toString(),
                 QStringLiteral("#db-lock #payments"));
        QCOMPARE(model->index(0, NotesModel::TextColumn).data().toString(),
                 QStringLiteral("checkout waits on payments"));

        // Somewhere else first, so that going back to the note is visible.
        investigation->setFilterText(QString());
        investigation->setTimeRange(std::nullopt);
        const QRect cell = notes->table()->visualRect(model->index(0, NotesModel::TextColumn));
        QTest::mouseClick(notes->table()->viewport(), Qt::LeftButton, {}, cell.center());
        QTest::mouseDClick(notes->table()->viewport(), Qt::LeftButton, {}, cell.center());
        QTRY_COMPARE(investigation->selectedPageLoad(), noted);
        QCOMPARE(investigation->filterText(), QStringLiteral("route:/checkout"));
        QVERIFY(investigation->timeRange() && *investigation->timeRange() == range);
        // The pane it was taken in has the keyboard focus again.
        QTRY_VERIFY(window.linkedViews()->pageLoads()->table()->hasFocus());
    }

    void aNoteOnALinkedCallStarsItsSpanInTheWaterfall()
    {
        MainWindow window;
        openIn(window, m_cache);
        clickPageLoad(window, pageLoadIdAtRow(window, 0));
        WaterfallView* waterfall = window.linkedViews()->waterfall()->view();
        QTRY_VERIFY(waterfall->data() && !waterfall->data()->resources.empty());
        const int row = waterfall->rowOfResource(waterfall->data()->resources.front().id);
        QVERIFY(row >= 0);
        QVERIFY(!waterfall->isNoted(row));
        QTest::mouseClick(waterfall->viewport(), Qt::LeftButton, {}, waterfall->rowRect(row).center());
        QTRY_COMPARE(window.investigation()->selectedResource(), waterfall->data()->resources.front().id);
        // The call's backend span is selected with it; the note is taken once the views have settled
        // (on a loaded machine the graphs may still be arriving).
        QTRY_VERIFY(window.investigation()->selectedSpan() != 0);
        QTRY_VERIFY(!window.linkedViews()->isLoading());
        window.linkedViews()->addNoteAction()->trigger(); // what Ctrl+M does
        NotesPanel* notes = window.linkedViews()->notes();
        QTRY_VERIFY(notes->dialog() != nullptr);
        QTest::keyClicks(notes->dialog()->textEdit(), QStringLiteral("this call"));
        notes->dialog()->accept();
        QTRY_COMPARE(notes->model()->rowCount(), 2);
        // A linked call selects the backend span that served it too: the note is on that span, the
        // most specific thing selected, and the waterfall stars the span's row.
        const WaterfallResource& call = waterfall->data()->resources.front();
        QCOMPARE(notes->model()->noteAt(1)->target.kind, notes::TargetKind::Span);
        QCOMPARE(notes->model()->noteAt(1)->target.spanId, std::string("0000000000000100"));
        QVERIFY(call.entrySpanId == 0x100);
        QTRY_VERIFY(waterfall->isNoted(waterfall->rowOfSpan(call.entrySpanId)));
        QVERIFY(!waterfall->isNoted(row));
    }

    void editingFilteringAndDeleting()
    {
        MainWindow window;
        openIn(window, m_cache);
        NotesPanel* notes = window.linkedViews()->notes();
        window.linkedViews()->detailsTabs()->setCurrentWidget(notes);
        QTRY_COMPARE(notes->model()->rowCount(), 2);
        // The call's note goes first, with the Delete key.
        notes->table()->selectRow(1);
        notes->table()->setFocus();
        QTest::keyClick(notes->table(), Qt::Key_Delete);
        QTRY_COMPARE(notes->model()->rowCount(), 1);

        // Edit: the button opens the dialog on the note; the new text and tag are listed.
        notes->table()->selectRow(0);
        QPushButton* edit = notes->findChild<QPushButton*>(QStringLiteral("editNote"));
        QVERIFY(edit && edit->isEnabled());
        QTest::mouseClick(edit, Qt::LeftButton);
        QTRY_VERIFY(notes->dialog() != nullptr);
        QCOMPARE(notes->dialog()->textEdit()->toPlainText(), QStringLiteral("checkout waits on payments"));
        notes->dialog()->textEdit()->setPlainText(QStringLiteral("row lock on payment_accounts"));
        notes->dialog()->tagsEdit()->setText(QStringLiteral("db-lock payments resolved"));
        notes->dialog()->accept();
        QTRY_COMPARE(notes->model()->index(0, NotesModel::TextColumn).data().toString(),
                     QStringLiteral("row lock on payment_accounts"));
        QVERIFY(notes->model()->noteAt(0)->updatedNs.has_value());
        QTRY_COMPARE(notes->tagFilter()->count(), 4); // all, db-lock, payments, resolved
        notes->tagFilter()->setCurrentIndex(notes->tagFilter()->findText(QStringLiteral("payments")));
        QCOMPARE(notes->model()->rowCount(), 1);
        notes->model()->setTagFilter(QStringLiteral("nothing"));
        QCOMPARE(notes->model()->rowCount(), 0);
        notes->tagFilter()->setCurrentIndex(0);
        QCOMPARE(notes->model()->rowCount(), 1);
        notes->table()->selectRow(0);
        notes->table()->setFocus();
        QTest::keyClick(notes->table(), Qt::Key_Delete);
        QTRY_COMPARE(notes->model()->rowCount(), 0);
        QTRY_COMPARE(window.linkedViews()->scatter()->notedSeries()->count(), 0);
    }
};

QTEST_MAIN(TestNotesGui)
#include "tst_notesgui.moc"
