// The window chrome on a laptop: the main window fits 1280x800 and 1366x768 with an investigation
// open, every pane is on screen or one action away, the keyboard moves between panes (F6, Ctrl+Tab,
// Alt+N) and out of the table (Tab), the focused pane is framed, the Help menu's pages say what the
// code does, and the landing page follows the demo's generation.

#include "AppIdentity.h"
#include "DemoInvestigation.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "HelpPages.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "PageLoadFilter.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "PaneFrame.h"
#include "SortArrowStyle.h"
#include "Theme.h"

#include <QAction>
#include <QApplication>
#include <QCommonStyle>
#include <QDialog>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStyleOptionHeader>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace seam;

namespace {

/// The pane holding `widget`, or nullptr.
QDockWidget* paneOf(const QWidget* widget)
{
    for (const QWidget* w = widget; w; w = w->parentWidget())
        if (auto* dock = qobject_cast<QDockWidget*>(const_cast<QWidget*>(w)))
            return dock;
    return nullptr;
}

/// Remembers the sort arrow it is asked to draw.
class RecordingStyle : public QCommonStyle
{
public:
    mutable QStyleOptionHeader::SortIndicator arrow = QStyleOptionHeader::None;
    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget) const override
    {
        if (element == PE_IndicatorHeaderArrow)
            arrow = qstyleoption_cast<const QStyleOptionHeader*>(option)->sortIndicator;
        QCommonStyle::drawPrimitive(element, option, painter, widget);
    }
};

/// On screen: shown, not behind another tab, and with room to be read.
bool onScreen(const QDockWidget* pane)
{
    return pane->isVisible() && !pane->visibleRegion().isEmpty() && pane->width() >= 150 &&
           pane->height() >= 80;
}

} // namespace

class TestWindowChrome : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;

    /// A window of `size` with the small demo open and its first page load selected.
    std::unique_ptr<MainWindow> openWindow(QSize size)
    {
        auto window = std::make_unique<MainWindow>();
        window->resize(size);
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return nullptr;
        QSignalSpy opened(window.get(), &MainWindow::investigationOpened);
        window->openCache(m_demo);
        if (!opened.wait(20000))
            return nullptr;
        PageLoadTableModel* model = window->linkedViews()->pageLoads()->model();
        if (!QTest::qWaitFor([&] { return model->rowCount() > 0 && !model->isCounting(); }, 20000))
            return nullptr;
        window->investigation()->selectPageLoad(model->pageLoadIdAt(0));
        if (!QTest::qWaitFor([&] { return !window->linkedViews()->isLoading(); }, 20000))
            return nullptr;
        return window;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("seam-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_windowchrome"));
        // The demo, smaller: the same panes, routes, errors and traces, in a second.
        m_demo = m_dir.filePath(QStringLiteral("demo.seam"));
        DemoOptions options;
        options.sessions = 120;
        QVERIFY(writeDemoInvestigation(m_demo.toStdString(), options).finished);
    }

    void cleanup() { QSettings().clear(); }

    void fitsALaptopScreen()
    {
        // Was ~1610 px: panel headers, captions and the landing line set the minimum width.
        auto window = openWindow({1920, 1080});
        QVERIFY(window);
        const QSize minimum = window->minimumSizeHint();
        QVERIFY2(minimum.width() <= 1280, qPrintable(QString::number(minimum.width())));
        QVERIFY2(minimum.height() <= 760, qPrintable(QString::number(minimum.height())));
        // At 1920x1080 every pane shows at once.
        for (QDockWidget* pane : window->linkedViews()->panes())
            QVERIFY2(onScreen(pane), qPrintable(pane->objectName()));
    }

    void everyPaneIsVisibleOrOneActionAwayAt1366x768()
    {
        auto window = openWindow({1366, 768});
        QVERIFY(window);
        QCOMPARE(window->frameGeometry().width() <= 1366 || window->width() <= 1366, true);
        LinkedViews* views = window->linkedViews();
        const QRect inside = window->rect();
        for (QDockWidget* pane : views->panes()) {
            if (onScreen(pane)) {
                // Wholly inside the window: nothing off its right or bottom edge.
                const QRect r(pane->mapTo(window.get(), QPoint(0, 0)), pane->size());
                QVERIFY2(inside.contains(r), qPrintable(pane->objectName()));
                continue;
            }
            // Behind a tab: one action (its Alt+N) brings it to the front, readable.
            const qsizetype i = views->panes().indexOf(pane);
            views->paneFocusActions().at(i)->trigger();
            QVERIFY2(onScreen(pane), qPrintable(pane->objectName()));
        }
    }

    void tabLeavesTheTableAndF6CyclesThePanes()
    {
        auto window = openWindow({1920, 1080});
        QVERIFY(window);
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        LinkedViews* views = window->linkedViews();
        QTableView* table = views->pageLoads()->table();
        table->setFocus();
        QTRY_COMPARE(QApplication::focusWidget(), table);

        // Tab: out of the table (it used to walk its cells forever).
        QTest::keyClick(table, Qt::Key_Tab);
        QVERIFY(QApplication::focusWidget() != table);

        // F6 / Shift+F6: the next / previous pane, framed.
        table->setFocus();
        QCOMPARE(views->focusedPane(), views->pane(QStringLiteral("pageLoads")));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
        QCOMPARE(views->focusedPane(), views->pane(QStringLiteral("serviceRates")));
        auto* frame = qobject_cast<PaneFrame*>(views->focusedPane()->widget());
        QVERIFY(frame && frame->isFramed());
        QVERIFY(!qobject_cast<PaneFrame*>(views->pane(QStringLiteral("pageLoads"))->widget())->isFramed());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6, Qt::ShiftModifier);
        QCOMPARE(views->focusedPane(), views->pane(QStringLiteral("pageLoads")));

        // Ctrl+Tab from inside the table goes to the next pane too.
        table->setFocus();
        QTest::keyClick(table, Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(views->focusedPane(), views->pane(QStringLiteral("serviceRates")));

        // Around the end: the last pane's F6 is the first pane.
        views->focusPane(views->panes().back());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
        QCOMPARE(views->focusedPane(), views->panes().front());
    }

    void altNumberFocusesAPaneAndShowsItWhenHidden()
    {
        auto window = openWindow({1920, 1080});
        QVERIFY(window);
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        LinkedViews* views = window->linkedViews();
        QDockWidget* flame = views->pane(QStringLiteral("flameGraph"));
        const int number = int(views->panes().indexOf(flame)) + 1;
        // Hidden through View > Panes, it is skipped by F6 and brought back by its Alt+N.
        flame->toggleViewAction()->trigger();
        QVERIFY(!flame->isVisible());
        views->focusPane(views->pane(QStringLiteral("waterfall")));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
        QVERIFY(views->focusedPane() != flame);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key(Qt::Key_0 + number), Qt::AltModifier);
        QVERIFY(flame->isVisible());
        QCOMPARE(views->focusedPane(), flame);
        QCOMPARE(paneOf(QApplication::focusWidget()), flame);
        // The View menu lists the panes with their shortcuts.
        QCOMPARE(views->paneFocusActions().at(number - 1)->shortcut(),
                 QKeySequence(Qt::ALT | Qt::Key(Qt::Key_0 + number)));
    }

    void ctrlFSearchesTheFlamegraphWhenItHasTheFocus()
    {
        auto window = openWindow({1920, 1080});
        QVERIFY(window);
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        LinkedViews* views = window->linkedViews();
        FlameGraphPanel* flame = views->flameGraph();
        views->focusPane(views->pane(QStringLiteral("flameGraph")));
        QCOMPARE(QApplication::focusWidget(), flame->view());
        QTest::keyClick(flame->view(), Qt::Key_F, Qt::ControlModifier);
        QVERIFY(flame->searchEdit()->isVisible());
        QCOMPARE(QApplication::focusWidget(), flame->searchEdit());
        // Elsewhere Ctrl+F is still the page-load filter.
        QTableView* table = views->pageLoads()->table();
        table->setFocus();
        QTest::keyClick(table, Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget(), views->pageLoads()->filterEdit());
    }

    void aPaneAddedAfterASavedLayoutStillShows()
    {
        // Another pane arriving in a later version must not be lost to an older saved layout.
        QByteArray state;
        {
            Investigation investigation;
            LinkedViews views(m_demo, &investigation);
            views.resize(1600, 900);
            views.show();
            QVERIFY(QTest::qWaitForWindowExposed(&views));
            state = views.saveState();
        }
        Investigation investigation;
        LinkedViews views(m_demo, &investigation);
        auto* notes = new QLabel(QStringLiteral("notes"));
        QDockWidget* pane =
            views.addPane(QStringLiteral("notes"), QStringLiteral("Notes"), notes, Qt::RightDockWidgetArea);
        QVERIFY(views.restoreState(state));
        views.resize(1600, 900);
        views.show();
        QVERIFY(QTest::qWaitForWindowExposed(&views));
        QVERIFY(pane->isVisible());
        QVERIFY(notes->isVisible());
        QCOMPARE(views.paneFocusActions().size(), views.panes().size());
    }

    void resetLayoutBringsEveryPaneBack()
    {
        auto window = openWindow({1920, 1080});
        QVERIFY(window);
        LinkedViews* views = window->linkedViews();
        QDockWidget* rates = views->pane(QStringLiteral("serviceRates"));
        QDockWidget* flame = views->pane(QStringLiteral("flameGraph"));
        rates->toggleViewAction()->trigger(); // hidden
        views->tabifyDockWidget(views->pane(QStringLiteral("waterfall")), flame);
        views->pane(QStringLiteral("waterfall"))->raise(); // the flamegraph behind a tab
        QVERIFY(!onScreen(rates));
        QTRY_VERIFY(!onScreen(flame));
        views->resetPaneLayout();
        for (QDockWidget* pane : views->panes())
            QTRY_VERIFY2(onScreen(pane), qPrintable(pane->objectName()));
    }

    void helpPagesSayWhatTheCodeDoes()
    {
        const QString syntax = filterSyntaxHtml();
        for (const QString& field : PageLoadFilter::fieldNames())
            QVERIFY2(syntax.contains(QStringLiteral("<code>%1</code>").arg(field)), qPrintable(field));
        QVERIFY(syntax.contains(QLatin1String("OR")));
        for (const auto& help : PageLoadFilter::fieldHelp())
            QVERIFY2(PageLoadFilter::parse(help.example).isValid(), qPrintable(help.example));

        MainWindow window;
        window.show();
        const QString keys = shortcutsHtml(&window);
        QVERIFY(keys.contains(QLatin1String("Ctrl+F")));
        QVERIFY(keys.contains(QLatin1String("Ctrl+Wheel")));
        const QString about = aboutHtml();
        QVERIFY(about.contains(QString::fromLatin1(qVersion())));
        QVERIFY(about.contains(QString::fromLatin1(sqlite3_libversion())));
        QVERIFY(about.contains(QLatin1String("protobuf")));

        // The Help menu opens each page in a window of its own.
        QMenu* help = nullptr;
        for (QAction* a : window.menuBar()->actions())
            if (a->text() == QLatin1String("&Help"))
                help = a->menu();
        QVERIFY(help);
        int pages = 0;
        for (QAction* a : help->actions()) {
            if (a->isSeparator())
                continue;
            a->trigger();
            ++pages;
        }
        QCOMPARE(pages, 4);
        QCOMPARE(window.findChildren<QDialog*>().size(), 4);
    }

    void paneShortcutsAreInTheShortcutsPage()
    {
        auto window = openWindow({1920, 1080});
        QVERIFY(window);
        const QString keys = shortcutsHtml(window.get());
        QVERIFY(keys.contains(QLatin1String("F6")));
        QVERIFY(keys.contains(QLatin1String("Alt+1")));
        QVERIFY(keys.contains(QLatin1String("Flamegraph")));
    }

    void theLandingPageFollowsTheDemosGeneration()
    {
        MainWindow window;
        QVERIFY(!window.landingText().contains(QLatin1String("start the demo")));
        window.openDemo();
        // Until it opens, the page says what is going on (the destructor cancels the generation).
        QVERIFY2(window.landingText().startsWith(QLatin1String("Generating the demo")),
                 qPrintable(window.landingText()));
    }

    void sortArrowsPointUpForAscending()
    {
        // Qt's header asks for SortDown on an ascending column; Fusion would draw that as a down arrow.
        auto* recording = new RecordingStyle;
        SortArrowStyle style(recording);
        QStandardItemModel model(3, 1);
        for (int i = 0; i < 3; ++i)
            model.setItem(i, new QStandardItem(QString::number(i)));
        QTableView table;
        table.setModel(&model);
        table.horizontalHeader()->setStyle(&style);
        table.setSortingEnabled(true);
        table.sortByColumn(0, Qt::AscendingOrder);
        table.show();
        QVERIFY(QTest::qWaitForWindowExposed(&table));
        table.horizontalHeader()->grab();
        QCOMPARE(recording->arrow, QStyleOptionHeader::SortUp);
        table.sortByColumn(0, Qt::DescendingOrder);
        table.horizontalHeader()->grab();
        QCOMPARE(recording->arrow, QStyleOptionHeader::SortDown);
        table.horizontalHeader()->setStyle(nullptr);

        // The light and dark themes (Fusion) get the proxy; the application's style is one.
        applyTheme(Theme::Light);
        QVERIFY(qobject_cast<SortArrowStyle*>(QApplication::style()));
        applyTheme(Theme::System);
    }

    void investigationsGoToOneFolderNamedAfterTheApplication()
    {
        const QString folder = dataFolder();
        QVERIFY(folder.endsWith(QLatin1String("/tst_windowchrome")));
        QVERIFY(!folder.contains(QLatin1String("seam-test/tst_windowchrome")));
    }
};

QTEST_MAIN(TestWindowChrome)
#include "tst_windowchrome.moc"
