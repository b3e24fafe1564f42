// The main window's menus, toolbar and actions, and when each action is enabled. What the actions do
// is in MainWindow.cpp (and the views); this file only builds and wires them.

#include "ExportActions.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "LiveController.h"
#include "LiveHostsPrompt.h"
#include "LiveSettingsPrompts.h"
#include "MainWindow.h"
#include "MainWindowSettings.h"
#include "PageLoadsPanel.h"
#include "RecentFiles.h"
#include "Theme.h"

#include <QAction>
#include <QActionGroup>
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
    m_recent->attach(file->addMenu(tr("Open &Recent")));
    file->addSeparator();
    m_close = file->addAction(tr("&Close Investigation"), QKeySequence::Close, this,
                              &MainWindow::closeInvestigation);
    file->addSeparator();
    m_exports = new ExportActions(this);
    m_exports->addTo(file);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    // Zoom acts on the flamegraph: the view with a time axis one explores (the waterfall fits its page).
    const auto flame = [this](auto member) {
        return [this, member] {
            if (m_linked)
                (m_linked->flameGraph()->view()->*member)();
        };
    };
    m_zoomActions = {
        view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, this, flame(&FlameGraphView::zoomIn)),
        view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, this, flame(&FlameGraphView::zoomOut)),
        view->addAction(tr("&Reset Zoom"), QKeySequence(Qt::CTRL | Qt::Key_0), this,
                        flame(&FlameGraphView::reset)),
    };
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
    m_find = go->addAction(tr("&Filter Page Loads"), this, [this] {
        if (m_linked)
            m_linked->pageLoads()->focusFilter();
    });
    m_find->setShortcut(QKeySequence::Find);
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
    // One writer per cache: while live data flows in, imports wait.
    m_import->setEnabled(m_linked != nullptr && !m_live->isRunning());
    m_close->setEnabled(m_linked != nullptr);
    if (m_exports)
        m_exports->setInvestigationOpen(m_linked != nullptr);
    for (QAction* zoom : m_zoomActions)
        zoom->setEnabled(m_linked != nullptr);
}

} // namespace seam
