#pragma once

#include "CompareData.h"
#include "InvestigationState.h"
#include "NotesData.h"

#include <QSet>
#include <QWidget>
#include <memory>

class QAction;
class QComboBox;
class QLabel;
class QPushButton;
class QTableView;
class QUndoStack;

namespace seam {

class Investigation;
class NoteDialog;
class NoteWriter;
class NotesModel;

/// The notes and bookmarks of the investigation: when, who, about what, tags and text, filtered by a
/// tag. Activating one (double-click, Enter) puts the window back where the note was taken: filter,
/// time range, selection and pane (or, for a note made on the command line, its target). Add (the
/// window's Ctrl+M: addNoteForSelection), Edit and Delete write through a NoteWriter off the GUI thread
/// and re-read the list; a deletion can be undone (Ctrl+Z, Edit > Undo). Two selected notes of the
/// same kind (two traces, two page loads, two cohorts or time ranges) can be compared side by side.
class NotesPanel : public QWidget
{
    Q_OBJECT

public:
    NotesPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~NotesPanel() override;

    NotesModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QComboBox* tagFilter() const { return m_tagFilter; }
    NoteWriter* writer() const { return m_writer; }
    /// The dialog open for adding or editing, nullptr when none (tests fill it in).
    NoteDialog* dialog() const { return m_dialog; }
    bool isLoading() const;

    /// Opens the note dialog on the current selection (the most specific thing selected: span,
    /// resource, page load, else the time range and filter), remembering `pane` in its focus. Says in
    /// the header when nothing is selected.
    void addNoteForSelection(const QString& pane);
    void editNote(int row);
    void deleteNote(int row);
    /// Restores the focus of the note in `row` (see the class comment).
    void activateNote(int row);

    /// The comparison of the two selected notes, or nullopt with `why` saying why they cannot be
    /// compared (not two notes, or not two of the same comparable kind).
    std::optional<CompareRequest> selectedComparison(QString* why = nullptr) const;
    /// "Compare These Two" (Ctrl+D in the list, its context menu and the Compare button).
    QAction* compareAction() const { return m_compareAction; }
    QPushButton* compareButton() const { return m_compare; }
    /// Undo and redo of deletions.
    QUndoStack* undoStack() const { return m_undo; }
    QAction* undoAction() const { return m_undoAction; }

public slots:
    void reload();

signals:
    /// The page loads that carry a note changed (the scatter marks them).
    void notedPageLoadsChanged(const QSet<qint64>& pageLoads);
    /// The resources and spans that carry a note changed (the waterfall marks them).
    void notedRowsChanged(const QSet<qint64>& resources, const QSet<qint64>& spans);
    /// A restored note was taken with `pane` focused.
    void paneRequested(const QString& pane);
    /// The user asked to compare two notes' targets.
    void compareRequested(const CompareRequest& request);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void loaded(std::shared_ptr<const NotesData> data);
    void openDialog(const QString& about, const notes::Note& note, std::function<void(notes::Note)> done);
    void updateButtons();

    Investigation* m_investigation;
    NotesLoader* m_loader;
    NoteWriter* m_writer;
    NotesModel* m_model;
    QLabel* m_header;
    QComboBox* m_tagFilter;
    QPushButton* m_add;
    QPushButton* m_edit;
    QPushButton* m_delete;
    QPushButton* m_compare;
    QAction* m_compareAction;
    QUndoStack* m_undo;
    QAction* m_undoAction;
    QTableView* m_table;
    NoteDialog* m_dialog = nullptr;
    quint64 m_generation = 0;
};

} // namespace seam
