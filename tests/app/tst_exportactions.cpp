// The main window's exports: enabled only with an investigation open, the page-load table's context
// menu, the table as CSV (every row of its filter, RFC 4180), panes saved as PNG and SVG, and any
// other table (notes, errors, span details) as CSV through its context menu and the save dialog.

#include "ContextMenuExport.h"
#include "CsvRecords.h"
#include "ErrorListPanel.h"
#include "ExportActions.h"
#include "FlameGraphPanel.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "Notes.h"
#include "NotesModel.h"
#include "NotesPanel.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "RecordFactory.h"
#include "SpanDetailsPanel.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TableCsvExport.h"

#include <QAction>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using namespace seam;

class TestExportActions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("seam-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_exportactions"));
        using namespace seam::test;
        m_cache = m_dir.filePath(QStringLiteral("open.seam"));
        StoreWriter writer(m_cache.toStdString());
        writer.submit(0, browserBatch(0, traceId(0), 0x42, kT0));
        writer.submit(0, backendBatch(traceId(0), 0x42, kT0));
        QVERIFY(writer.flush());
    }

    void exportsFollowTheOpenInvestigation()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        ExportActions* exports = window.exports();
        QVERIFY(exports);
        QVERIFY(!exports->reportAction()->isEnabled());
        QVERIFY(!exports->extractAction()->isEnabled());
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(m_cache);
        QVERIFY(opened.wait(10000));
        QTRY_COMPARE(window.linkedViews()->pageLoads()->model()->rowCount(), 1);
        QVERIFY(exports->reportAction()->isEnabled());
        QVERIFY(exports->extractAction()->isEnabled());
        // The table's context menu offers the CSV export.
        QTableView* table = window.linkedViews()->pageLoads()->table();
        QCOMPARE(table->contextMenuPolicy(), Qt::ActionsContextMenu);
        QVERIFY(table->actions().contains(exports->csvAction()));

        const QString csv = m_dir.filePath(QStringLiteral("loads.csv"));
        QString error;
        QVERIFY2(exports->writePageLoadsCsv(csv, &error), qPrintable(error));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 3); // header, one page load, the empty rest after the last CRLF
        QVERIFY(lines[0].startsWith("id,key,url,route,"));
        QVERIFY(lines[0].endsWith('\r'));
        QVERIFY(lines[2].isEmpty());

        // A pane as PNG at its on-screen size, and as SVG where Qt SVG is built in.
        QWidget* pane = window.linkedViews()->flameGraph();
        const QString png = m_dir.filePath(QStringLiteral("flame.png"));
        QVERIFY2(ExportActions::savePaneImage(pane, png, &error), qPrintable(error));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), pane->size() * pane->devicePixelRatioF());
        const QString svg = m_dir.filePath(QStringLiteral("flame.svg"));
        const bool saved = ExportActions::savePaneImage(pane, svg, &error);
        QCOMPARE(saved, ExportActions::svgSupported());
        if (saved) {
            QFile f(svg);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.readAll().contains("<svg"));
        } else {
            QVERIFY(error.contains(QLatin1String("PNG")));
        }

        window.closeInvestigation();
        QVERIFY(!exports->reportAction()->isEnabled());
    }

    void anyTableExportsThroughItsContextMenu()
    {
        using namespace seam::test;
        const QString cache = m_dir.filePath(QStringLiteral("tables.seam"));
        {
            StoreWriter writer(cache.toStdString());
            writer.submit(0, browserBatch(0, traceId(0), 0x42, kT0));
            writer.submit(0, backendBatch(traceId(0), 0x42, kT0));
            const TimeNs later = kT0 + 60'000'000'000LL;
            writer.submit(0, browserBatch(1, traceId(1), 0x42, later));
            writer.submit(0, backendBatch(traceId(1), 0x42, later, StatusCode::Error));
            QVERIFY(writer.flush());
        }
        {
            Database db = store::openForWriting(cache.toStdString());
            notes::Note note;
            note.target = {notes::TargetKind::TimeRange, 0, {}, {}, {}, kT0, kT0 + 1'000'000'000};
            note.text = "waits, \"on\" payments";
            note.author = "reviewer";
            notes::addNote(db, note);
        }
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(cache);
        QVERIFY(opened.wait(10000));
        LinkedViews* views = window.linkedViews();
        QTRY_COMPARE(views->pageLoads()->model()->rowCount(), 2);
        const auto read = [](const QString& path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? csvRecords(QString::fromUtf8(f.readAll()))
                                               : QList<QStringList>();
        };

        // The notes: header and the note's text, quoted and read back whole.
        NotesPanel* notes = views->notes();
        views->detailsTabs()->setCurrentWidget(notes);
        QTRY_COMPARE(notes->model()->rowCount(), 1);
        QVERIFY(contextMenuTexts(notes->table()).contains(QStringLiteral("Export to CSV…")));
        const QString notesCsv = m_dir.filePath(QStringLiteral("notes.csv"));
        QVERIFY(exportByContextMenu(notes->table(), notesCsv));
        QList<QStringList> records = read(notesCsv);
        QCOMPARE(records.size(), 2);
        QCOMPARE(records[0].size(), int(NotesModel::ColumnCount));
        QCOMPARE(records[0][NotesModel::TextColumn], QStringLiteral("Note"));
        QCOMPARE(records[1][NotesModel::TextColumn], QStringLiteral("waits, \"on\" payments"));
        QCOMPARE(records[1][NotesModel::AuthorColumn], QStringLiteral("reviewer"));

        // The errors of the failed page load: times as numbers (ns from the load's start), not "+0.31 s".
        qint64 failed = 0;
        {
            Database db(cache.toStdString(), Database::Mode::ReadOnly);
            failed = db.queryInt("SELECT id FROM page_loads WHERE key = 'page-1'");
        }
        QVERIFY(failed != 0);
        window.investigation()->navigate({failed, 0, 0});
        ErrorListPanel* errors = views->errors();
        views->detailsTabs()->setCurrentWidget(errors);
        QTRY_VERIFY(errors->view()->model()->rowCount() >= 2);
        const int errorRows = errors->view()->model()->rowCount();
        const QString errorsCsv = m_dir.filePath(QStringLiteral("errors.csv"));
        QVERIFY(exportByContextMenu(errors->view(), errorsCsv));
        records = read(errorsCsv);
        QCOMPARE(records.size(), errorRows + 1);
        QCOMPARE(records[0].front(), QStringLiteral("Time"));
        const int side = int(records[0].indexOf(QStringLiteral("Side")));
        QVERIFY(side > 0);
        for (qsizetype i = 1; i < records.size(); ++i) {
            QVERIFY2(QRegularExpression(QStringLiteral("^\\d+$")).match(records[i].front()).hasMatch(),
                     qPrintable(records[i].front()));
            QCOMPARE(records[i][side], QStringLiteral("backend"));
        }
        QVERIFY(records[1].front().toLongLong() >= 310'000'000); // the gateway span starts 310 ms in

        // A span's details (a tree with a menu of its own): its attributes, sections before their rows.
        window.investigation()->selectSpan(0x101);
        SpanDetailsPanel* details = views->spanDetails();
        views->detailsTabs()->setCurrentWidget(details);
        QTRY_VERIFY(details->tree()->topLevelItemCount() > 0);
        const QStringList menu = contextMenuTexts(details->tree());
        QVERIFY(menu.size() >= 2); // its own items, then the export
        QCOMPARE(menu.back(), QStringLiteral("Export to CSV…"));
        const QString detailsCsv = m_dir.filePath(QStringLiteral("span.csv"));
        QVERIFY(exportByContextMenu(details->tree(), detailsCsv));
        records = read(detailsCsv);
        bool route = false;
        for (const QStringList& r : records)
            route |= r.size() >= 2 && r[0] == QStringLiteral("http.route") &&
                     r[1] == QStringLiteral("POST /charge");
        QVERIFY2(route, qPrintable(QString::number(records.size())));

        // The page-load table keeps its own export (every row of its filter, from the cache).
        QVERIFY(!contextMenuTexts(views->pageLoads()->table()).contains(QStringLiteral("Export to CSV…")));
        // File > Export Table as CSV… follows the table that has the focus.
        TableCsvExport* tables = window.exports()->tables();
        views->detailsTabs()->setCurrentWidget(notes);
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        notes->table()->setFocus();
        QTRY_COMPARE(tables->currentView(), static_cast<QAbstractItemView*>(notes->table()));
        QVERIFY(tables->fileAction()->isEnabled());
    }
};

QTEST_MAIN(TestExportActions)
#include "tst_exportactions.moc"
