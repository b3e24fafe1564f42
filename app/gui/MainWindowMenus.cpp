// The main window's menus, toolbar and actions, and when each action is enabled. What the actions do
// is in MainWindow.cpp (and the views); this file only builds and wires them.

#include "ExportActions.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "HelpPages.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "LiveController.h"
#include "LiveHostsPrompt.h"
#include "LiveSettingsPrompts.h"
#include "MainWindow.h"
#include "MainWindowSettings.h"
#include "NotesPanel.h"
#include "PageLoadsPanel.h"
#include "RecentFiles.h"
#include "Theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QMenuBar>
#include <QSettings>
#include <QStyle>
#include <QToolBar>

namespace seam {

using main_window_settings::kThemeKey;

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::openFileDialog)
        ->setStatusTip(tr("Open a Seam cache, or import telemetry files into a new investigation"));
    m_import = file->addAction(tr("&Import into This Investigation…"), this, &MainWindow::importFileDialog);
    m_import->setShortcut(Qt::CTRL | Qt::Key_I);
    file->addAction(tr("Open &Demo Investigation"), this, &MainWindow::openDemo);
    file->addAction(tr("Co&nnect to a Store…"), this, &MainWindow::connectToStore)
        ->setStatusTip(
            tr("Pull a window from ClickHouse or Prometheus, or missing traces from Tempo or Jaeger"));
    m_recent->attach(file->addMenu(tr("Open &Recent")));
    file->addSeparator();
    m_close = file->addAction(tr("&Close Investigation"), QKeySequence::Close, this,
                              &MainWindow::closeInvestigation);
    file->addSeparator();
    m_exports = new ExportActions(this);
    m_exports->addTo(file);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    // The actions are the open investigation's (its notes): filled again with each investigation.
    m_editMenu = menuBar()->addMenu(tr("&Edit"));
    connect(m_editMenu, &QMenu::aboutToShow, this, &MainWindow::fillEditMenu);
    fillEditMenu();

    QMenu* view = menuBar()->addMenu(tr("&View"));
    // The panes of the open investigation: rebuilt each time, as panes come with the investigation.
    QMenu* panes = view->addMenu(tr("&Panes"));
    connect(panes, &QMenu::aboutToShow, this, [this, panes] {
        panes->clear();
        if (!m_linked) {
            panes->addAction(tr("(no investigation open)"))->setEnabled(false);
            return;
        }
        panes->addActions(m_linked->paneToggleActions());
        panes->addSeparator();
        panes->addAction(tr("&Show All Panes"), this, [this] {
            if (m_linked)
                for (QAction* toggle : m_linked->paneToggleActions())
                    if (!toggle->isChecked())
                        toggle->trigger();
        });
        panes->addAction(tr("&Reset Layout"), this, [this] {
            if (m_linked)
                m_linked->resetPaneLayout();
        });
    });
    QMenu* goToPane = view->addMenu(tr("&Go to Pane"));
    connect(goToPane, &QMenu::aboutToShow, this, [this, goToPane] {
        goToPane->clear();
        if (!m_linked) {
            goToPane->addAction(tr("(no investigation open)"))->setEnabled(false);
            return;
        }
        goToPane->addAction(m_linked->nextPaneAction());
        goToPane->addAction(m_linked->previousPaneAction());
        goToPane->addSeparator();
        goToPane->addActions(m_linked->paneFocusActions());
    });
    view->addSeparator();
    // Zoom acts on the flamegraph's time axis: the view with a time axis one explores (the waterfall
    // fits its page); the menu says so, as the fonts and the other panes stay as they are.
    const auto flame = [this](auto member) {
        return [this, member] {
            if (m_linked)
                (m_linked->flameGraph()->view()->*member)();
        };
    };
    m_zoomActions = {
        view->addAction(tr("Zoom Flamegraph &In"), QKeySequence::ZoomIn, this,
                        flame(&FlameGraphView::zoomIn)),
        view->addAction(tr("Zoom Flamegraph &Out"), QKeySequence::ZoomOut, this,
                        flame(&FlameGraphView::zoomOut)),
        view->addAction(tr("&Reset Flamegraph Zoom"), QKeySequence(Qt::CTRL | Qt::Key_0), this,
                        flame(&FlameGraphView::reset)),
    };
    for (QAction* zoom : m_zoomActions)
        zoom->setStatusTip(
            tr("Scales the flamegraph's time axis (Ctrl+wheel over it zooms around the pointer)"));
    view->addSeparator();
    QMenu* themeMenu = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const Theme current = themeFromName(QSettings().value(kThemeKey).toString());
    for (const auto& [theme, label] :
         {std::pair{Theme::System, tr("&System")}, std::pair{Theme::Light, tr("&Light")},
          std::pair{Theme::Dark, tr("&Dark")}}) {
        QAction* action = themeMenu->addAction(label);
        action->setCheckable(true);
        action->setChecked(theme == current);
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [theme] {
            QSettings().setValue(kThemeKey, themeName(theme));
            applyTheme(theme);
        });
    }

    QMenu* live = menuBar()->addMenu(tr("&Live"));
    m_liveAction = live->addAction(tr("&Receive Live Telemetry"));
    m_liveAction->setCheckable(true);
    m_liveAction->setShortcut(Qt::CTRL | Qt::Key_L);
    m_liveAction->setStatusTip(tr("Receive OTLP/HTTP and browser RUM into this investigation"));
    connect(m_liveAction, &QAction::triggered, this, [this](bool on) {
        if (on)
            startLive();
        else
            stopLive();
    });
    // Each prompt saves the Live settings; a running receiver restarts to use them.
    const auto restartLiveIf = [this](bool (*prompt)(QWidget*)) {
        return [this, prompt] {
            if (prompt(this) && m_live->isRunning()) {
                stopLive();
                startLive();
            }
        };
    };
    live->addAction(tr("Listen &Address…"), this, restartLiveIf(&promptLiveAddress));
    live->addAction(tr("Allowed Browser &Origins…"), this, restartLiveIf(&promptLiveOrigins));
    live->addAction(tr("Allowed Host &Names…"), this, restartLiveIf(&promptLiveAllowedHosts));

    // Back and forward walk the Investigation's selection history, as in a browser; they act on
    // whichever Investigation is current, so they are created once and re-targeted per cache.
    QMenu* go = menuBar()->addMenu(tr("&Go"));
    m_back = go->addAction(style()->standardIcon(QStyle::SP_ArrowBack), tr("&Back"), this, [this] {
        if (m_investigation)
            m_investigation->goBack();
    });
    m_back->setShortcuts(QKeySequence::Back);
    m_forward = go->addAction(style()->standardIcon(QStyle::SP_ArrowForward), tr("&Forward"), this, [this] {
        if (m_investigation)
            m_investigation->goForward();
    });
    m_forward->setShortcuts(QKeySequence::Forward);
    go->addSeparator();
    // One Ctrl+F, two meanings: in the flamegraph pane it searches the frames, elsewhere it filters the
    // page loads (two shortcuts on one key would be ambiguous and neither would fire).
    m_find = go->addAction(tr("&Filter Page Loads"), this, [this] {
        if (!m_linked)
            return;
        if (m_linked->flameGraph()->isAncestorOf(QApplication::focusWidget()))
            m_linked->flameGraph()->showSearch();
        else
            m_linked->pageLoads()->focusFilter();
    });
    m_find->setShortcut(QKeySequence::Find);
    m_findInFlameGraph = go->addAction(tr("&Search the Flamegraph"), this, [this] {
        if (m_linked)
            m_linked->flameGraph()->showSearch();
    });
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Filter Syntax"), this,
                    [this] { showHelpPage(this, tr("Seam — Filter Syntax"), filterSyntaxHtml()); });
    help->addAction(tr("&Keyboard Shortcuts"), this,
                    [this] { showHelpPage(this, tr("Seam — Keyboard Shortcuts"), shortcutsHtml(this)); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    help->addAction(
            tr("A First &Investigation"), this,
            [this] { showHelpPage(this, tr("Seam — A First Investigation"), firstInvestigationHtml()); })
        ->setShortcut(QKeySequence::HelpContents);
    help->addSeparator();
    help->addAction(tr("&About Seam"), this, [this] { showHelpPage(this, tr("About Seam"), aboutHtml()); });

    QToolBar* toolBar = addToolBar(tr("Navigation"));
    toolBar->setObjectName(QStringLiteral("navigation"));
    toolBar->setMovable(false);
    toolBar->addAction(m_back);
    toolBar->addAction(m_forward);
    toolBar->addSeparator();
    toolBar->addAction(m_liveAction);
}

void MainWindow::updateActions()
{
    m_back->setEnabled(m_investigation && m_investigation->canGoBack());
    m_forward->setEnabled(m_investigation && m_investigation->canGoForward());
    m_find->setEnabled(m_linked != nullptr);
    m_findInFlameGraph->setEnabled(m_linked != nullptr);
    // One writer per cache: while live data flows in, imports wait.
    m_import->setEnabled(m_linked != nullptr && !m_live->isRunning());
    m_close->setEnabled(m_linked != nullptr);
    if (m_exports)
        m_exports->setInvestigationOpen(m_linked != nullptr);
    for (QAction* zoom : m_zoomActions)
        zoom->setEnabled(m_linked != nullptr);
    fillEditMenu();
}

void MainWindow::fillEditMenu()
{
    if (!m_editMenu)
        return;
    m_editMenu->clear();
    if (!m_linked) {
        m_editMenu->addAction(tr("(no investigation open)"))->setEnabled(false);
        return;
    }
    m_editMenu->addAction(m_linked->notes()->undoAction());
    m_editMenu->addSeparator();
    m_editMenu->addAction(m_linked->addNoteAction());
    m_editMenu->addAction(m_linked->notes()->compareAction());
}

} // namespace seam
