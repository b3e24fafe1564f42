// The main window's exports: enabled only with an investigation open, the page-load table's context
// menu, the table as CSV (every row of its filter, RFC 4180), and panes saved as PNG and SVG.

#include "ExportActions.h"
#include "FlameGraphPanel.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "RecordFactory.h"
#include "StoreWriter.h"

#include <QAction>
#include <QFile>
#include <QImage>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

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
};

QTEST_MAIN(TestExportActions)
#include "tst_exportactions.moc"
