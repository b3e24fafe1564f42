#include "PaneHost.h"

#include "PaneFrame.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>

namespace seam {

PaneHost::PaneHost(QWidget* parent)
    : QMainWindow(parent), m_nextPane(new QAction(tr("&Next Pane"), this)),
      m_previousPane(new QAction(tr("&Previous Pane"), this))
{
    // A QMainWindow inside the main window, for its dock layout: a widget, not a window.
    setWindowFlags(Qt::Widget);
    setDockNestingEnabled(true);
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks | GroupedDragging);
    setTabPosition(Qt::AllDockWidgetAreas, QTabWidget::North);

    // Ctrl+Tab as well as F6: what people try first, and a table or a text field would otherwise keep it.
    m_nextPane->setShortcuts({QKeySequence(Qt::Key_F6), QKeySequence(Qt::CTRL | Qt::Key_Tab)});
    m_previousPane->setShortcuts({QKeySequence(Qt::SHIFT | Qt::Key_F6),
                                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab),
                                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab)});
    for (QAction* action : {m_nextPane, m_previousPane}) {
        action->setShortcutContext(Qt::WindowShortcut);
        addAction(action);
    }
    connect(m_nextPane, &QAction::triggered, this, [this] { focusNextPane(1); });
    connect(m_previousPane, &QAction::triggered, this, [this] { focusNextPane(-1); });
    m_focusConnection = connect(qApp, &QApplication::focusChanged, this,
                                [this](QWidget*, QWidget* now) { focusChanged(now); });
}

PaneHost::~PaneHost()
{
    // Deleting the panes moves the focus: the frames must not hear of it half destroyed.
    disconnect(m_focusConnection);
}

QDockWidget* PaneHost::addPane(const QString& id, const QString& title, QWidget* widget,
                               Qt::DockWidgetArea area, const QString& tabWith, QWidget* focusWidget)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(id); // saveState() identifies docks by object name
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                      QDockWidget::DockWidgetFloatable);
    auto* frame = new PaneFrame(widget, focusWidget);
    dock->setWidget(frame);
    if (QDockWidget* host = pane(tabWith))
        tabifyDockWidget(host, dock);
    else
        addDockWidget(area, dock, Qt::Vertical);
    m_panes.append(dock);
    m_frames.append(frame);
    m_placements.append({area, tabWith});

    const int number = int(m_panes.size());
    auto* focus = new QAction(title, this);
    if (number <= 9)
        focus->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_0 + number)));
    focus->setShortcutContext(Qt::WindowShortcut);
    addAction(focus);
    connect(focus, &QAction::triggered, this, [this, dock] { focusPane(dock); });
    m_focusActions.append(focus);
    dock->toggleViewAction()->setText(title);
    return dock;
}

QDockWidget* PaneHost::pane(const QString& id) const
{
    if (id.isEmpty())
        return nullptr;
    for (QDockWidget* dock : m_panes)
        if (dock->objectName() == id)
            return dock;
    return nullptr;
}

QList<QAction*> PaneHost::paneToggleActions() const
{
    QList<QAction*> actions;
    for (QDockWidget* dock : m_panes)
        actions.append(dock->toggleViewAction());
    return actions;
}

QDockWidget* PaneHost::focusedPane() const
{
    for (qsizetype i = 0; i < m_frames.size(); ++i)
        if (m_frames[i] == m_framed)
            return m_panes[i];
    return nullptr;
}

void PaneHost::focusPane(QDockWidget* dock)
{
    const qsizetype i = m_panes.indexOf(dock);
    if (i < 0)
        return;
    dock->show();
    dock->raise(); // the front tab when it is tabbed with others
    m_frames[i]->focusTarget()->setFocus(Qt::ShortcutFocusReason);
}

void PaneHost::focusNextPane(int step)
{
    // Hidden panes and the back tabs of a tab group are skipped: the user sees where the focus lands.
    QList<QDockWidget*> visible;
    for (QDockWidget* dock : m_panes)
        if (dock->isVisible() && !dock->visibleRegion().isEmpty())
            visible.append(dock);
    if (visible.isEmpty())
        return;
    const qsizetype at = visible.indexOf(focusedPane());
    const qsizetype n = visible.size();
    const qsizetype next = at < 0 ? (step > 0 ? 0 : n - 1) : ((at + step) % n + n) % n;
    focusPane(visible[next]);
}

void PaneHost::resetPaneLayout()
{
    for (qsizetype i = 0; i < m_panes.size(); ++i) {
        QDockWidget* dock = m_panes[i];
        dock->setFloating(false);
        // Adding a dock already in the window moves it (out of any tab group it was put in).
        if (QDockWidget* host = pane(m_placements[i].tabWith))
            tabifyDockWidget(host, dock);
        else
            addDockWidget(m_placements[i].area, dock, Qt::Vertical);
        dock->show();
    }
    applyDefaultSizes();
}

QByteArray PaneHost::savePaneLayout(int version) const
{
    return saveState(version);
}

bool PaneHost::restorePaneLayout(const QByteArray& state, int version)
{
    return !state.isEmpty() && restoreState(state, version);
}

void PaneHost::focusChanged(QWidget* now)
{
    PaneFrame* framed = nullptr;
    for (PaneFrame* frame : m_frames)
        if (now && (frame == now || frame->isAncestorOf(now)))
            framed = frame;
    // Focus that leaves for a menu or a dialog keeps the frame where the user will come back to.
    if (!framed && now && now->window() != window())
        return;
    if (m_framed)
        m_framed->setFramed(false);
    m_framed = framed;
    if (m_framed)
        m_framed->setFramed(true);
}

} // namespace seam
