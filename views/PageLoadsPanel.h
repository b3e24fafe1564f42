#pragma once

#include "Investigation.h"

#include <QWidget>
#include <memory>

class QCompleter;
class QLabel;
class QLineEdit;
class QStringListModel;
class QTableView;
class QTimer;
class QToolButton;

namespace seam {

class Database;
class PageLoadTableModel;

/// The page loads of the cache: a filter line (with completion of fields and the cache's values,
/// errors shown in place) over the sortable, lazily paged table. It writes the selected page load and
/// the applied filter into the Investigation and follows the Investigation when something else (back,
/// forward, another view) selects a page load. The Investigation's time range (brushed in the scatter
/// chart) restricts the table too; a chip beside the filter shows it and clears it.
class PageLoadsPanel : public QWidget
{
    Q_OBJECT

public:
    PageLoadsPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~PageLoadsPanel() override;

    PageLoadTableModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    /// Shows why the filter text is invalid; hidden while it is valid.
    QLabel* filterError() const { return m_filterError; }
    /// The Investigation's time range ("09:12:00–09:18:30 ×"); hidden without one, a click clears it.
    QToolButton* timeRangeChip() const { return m_timeRangeChip; }
    /// "No page loads match …" over the empty table; empty while there are rows or they are counted.
    QString emptyText() const;

public slots:
    /// Puts the keyboard in the filter line, its text selected (Ctrl+F).
    void focusFilter();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyFilter();
    void updateEmptyMessage();
    void updateCompletions();
    void insertCompletion(const QString& completion);
    void currentRowChanged();
    void investigationChanged(Investigation::Changes changes);
    /// Selects the Investigation's page load if its row is known (it may arrive later: rows stream in).
    void syncSelection();
    /// Restricts the table to the Investigation's time range and shows it in the chip.
    void applyTimeRange();

    Investigation* m_investigation;
    PageLoadTableModel* m_model;
    QLineEdit* m_filterEdit;
    QLabel* m_filterError;
    QToolButton* m_timeRangeChip;
    QTableView* m_table;
    QLabel* m_emptyMessage = nullptr;
    QCompleter* m_completer;
    QStringListModel* m_completions;
    QTimer* m_applyTimer;
    std::unique_ptr<Database> m_db; // completion values; bounded queries, fine on the GUI thread
    bool m_syncing = false;         // selecting a row for the Investigation: do not echo it back
};

} // namespace seam
