#pragma once
// The File menu's exports: the incident report (HTML or PDF), a smaller investigation (extract), the
// page-load table as CSV (also from the table's context menu), any other table as CSV
// (TableCsvExport) and any pane as an image (PNG, SVG when Qt SVG is built in). The work is models/report;
// this wires dialogs, a worker thread and messages.

#include <QObject>
#include <QPointer>
#include <QThread>
#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace seam {

class MainWindow;
class TableCsvExport;

class ExportActions : public QObject
{
    Q_OBJECT

public:
    explicit ExportActions(MainWindow* window);
    ~ExportActions() override;

    /// Adds the export items to `file` (the File menu).
    void addTo(QMenu* file);
    /// Enables the items that need an open investigation.
    void setInvestigationOpen(bool open);

    /// The actions, for tests and the table's context menu.
    QAction* reportAction() const { return m_report; }
    QAction* extractAction() const { return m_extract; }
    QAction* csvAction() const { return m_csv; }
    /// Any other table or list as CSV (context menus, File > Export Table as CSV…).
    TableCsvExport* tables() const { return m_tables; }

    /// Writes the page loads the table shows (its filter and time range, every row, not only the
    /// rows paged in) to `path`; false (with `error`) when it could not.
    bool writePageLoadsCsv(const QString& path, QString* error) const;
    /// Saves `pane` as PNG (or SVG when the path ends in .svg and Qt SVG is built in).
    static bool savePaneImage(QWidget* pane, const QString& path, QString* error);
    static bool svgSupported();

private:
    void exportReport();
    void exportInvestigation();
    void exportCsv();
    void savePane(QWidget* pane, const QString& name);
    void fillPanesMenu();
    void attachTableMenu();
    /// Runs `work` on a worker thread, then `done` on the GUI thread (dropped if the window is gone).
    void runInBackground(const QString& what, std::function<QString()> work,
                         std::function<void(const QString&)> done);

    MainWindow* m_window;
    QAction* m_report = nullptr;
    QAction* m_extract = nullptr;
    QAction* m_csv = nullptr;
    TableCsvExport* m_tables = nullptr;
    QMenu* m_panes = nullptr;
    QPointer<QWidget> m_tableWithMenu;
    QPointer<QThread> m_thread;
    bool m_busy = false;
};

} // namespace seam
