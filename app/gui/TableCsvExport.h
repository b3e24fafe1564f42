#pragma once
// "Export to CSV…" on every table and list of the window: each item view gets the item in its context
// menu, and File > Export Table as CSV… exports the one that last had the keyboard focus. One exporter
// (report::writeItemModelCsv) over the view's model as the view shows it: its sort and filter, its
// visible columns in their on-screen order, raw values (RawValueRole) where a cell has one. The
// page-load table is not one of them: it pages lazily, so its export reads SQLite (ExportActions).

#include <QAbstractItemView>
#include <QObject>
#include <QPointer>

class QAction;
class QWidget;

namespace seam {

class MainWindow;

class TableCsvExport : public QObject
{
    Q_OBJECT

public:
    explicit TableCsvExport(MainWindow* window);

    /// Gives every item view of the window (but `skip`) its context-menu item; views that already
    /// have theirs are left as they are. Cheap: call it whenever views may have been added.
    void attachAll(QWidget* skip);
    /// File > Export Table as CSV…: enabled once an item view has had the focus (the owner connects
    /// it: the page-load table's export is another).
    QAction* fileAction() const { return m_fileAction; }
    /// The view File > Export Table as CSV… exports, nullptr when none.
    QAbstractItemView* currentView() const { return m_lastView; }

    /// Writes `view`'s rows as CSV to `path`; false (with `error`) when it could not.
    static bool writeCsv(QAbstractItemView* view, const QString& path, QString* error);
    /// Asks for a file and writes `view` to it.
    void exportView(QAbstractItemView* view);

private:
    void attach(QAbstractItemView* view);
    void focusChanged(QWidget* now);

    MainWindow* m_window;
    QAction* m_fileAction;
    QPointer<QAbstractItemView> m_lastView;
    QPointer<QWidget> m_skip;
};

} // namespace seam
