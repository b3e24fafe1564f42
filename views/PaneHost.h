#pragma once

#include <QList>
#include <QMainWindow>

class QAction;
class QDockWidget;

namespace seam {

class PaneFrame;

/// The pane chrome of the linked views: each pane is a QDockWidget the user can hide (View > Panes),
/// drag to another side, tab onto another pane or float, so the views fit a 1280x800 laptop as well as
/// a 1920x1080 monitor. It is a QMainWindow used as a plain widget (docks need one) with no central
/// widget: the panes share the whole area.
///
/// Keyboard: F6 / Shift+F6 (also Ctrl+Tab / Ctrl+Shift+Tab) cycle the keyboard focus through the
/// visible panes, Alt+1..9 focus one pane (showing and raising it first); the focused pane is framed.
///
/// A new pane is one call: `addPane("notes", tr("Notes"), widget, Qt::RightDockWidgetArea)`. Its id
/// names it in the saved layout; panes added later than a saved layout get their default place.
class PaneHost : public QMainWindow
{
    Q_OBJECT

public:
    explicit PaneHost(QWidget* parent = nullptr);
    ~PaneHost() override;

    /// Adds `widget` as a pane in `area`, below the panes already there, or as a tab of the pane
    /// `tabWith` when given. `focusWidget` is what takes the keyboard when the pane is focused (by
    /// default the first widget of the pane that takes Tab focus).
    QDockWidget* addPane(const QString& id, const QString& title, QWidget* widget,
                         Qt::DockWidgetArea area = Qt::RightDockWidgetArea, const QString& tabWith = {},
                         QWidget* focusWidget = nullptr);
    QDockWidget* pane(const QString& id) const;
    const QList<QDockWidget*>& panes() const { return m_panes; }

    /// Show/hide toggles of the panes, in order, for View > Panes.
    QList<QAction*> paneToggleActions() const;
    /// Focus actions (Alt+1..9 for the first nine panes), for View > Go to Pane.
    const QList<QAction*>& paneFocusActions() const { return m_focusActions; }
    QAction* nextPaneAction() const { return m_nextPane; }
    QAction* previousPaneAction() const { return m_previousPane; }

    /// The pane holding the keyboard focus (nullptr when it is outside every pane).
    QDockWidget* focusedPane() const;
    /// Shows and raises `pane`, then gives it the keyboard focus.
    void focusPane(QDockWidget* pane);
    /// Focuses the visible pane `step` places after (or before, when negative) the focused one.
    void focusNextPane(int step);

    /// Every pane back in its default place (as added), shown and floating no more, then
    /// applyDefaultSizes(): View > Panes > Reset Layout.
    void resetPaneLayout();

    /// The panes' places and sizes, versioned; restoring a layout of another version does nothing.
    QByteArray savePaneLayout(int version) const;
    bool restorePaneLayout(const QByteArray& state, int version);

protected:
    /// Default proportions of the panes, once the real size is known (first show, reset).
    virtual void applyDefaultSizes() {}

private:
    void focusChanged(QWidget* now);

    struct Placement
    {
        Qt::DockWidgetArea area;
        QString tabWith;
    };

    QList<QDockWidget*> m_panes;
    QList<PaneFrame*> m_frames;    // parallel to m_panes
    QList<Placement> m_placements; // parallel to m_panes: where addPane put each
    QList<QAction*> m_focusActions;
    QAction* m_nextPane;
    QAction* m_previousPane;
    PaneFrame* m_framed = nullptr; // the pane drawn with the focus frame
    QMetaObject::Connection m_focusConnection;
};

} // namespace seam
