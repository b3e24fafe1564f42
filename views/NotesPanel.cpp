#include "NotesPanel.h"

#include "Investigation.h"
#include "NoteDialog.h"
#include "NoteFocus.h"
#include "NoteWriter.h"
#include "NotesModel.h"
#include "PanelHeader.h"

#include <QAction>
#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QUndoStack>

namespace seam {
namespace {

/// What a note on the current selection is about; the span is resolved by the writer (it needs the
/// trace's hex id), with the resource or page load as the fallback target.
NoteDraft draftForSelection(const Investigation& investigation, bool& any)
{
    using notes::TargetKind;
    NoteDraft draft;
    notes::Target& t = draft.note.target;
    const Investigation::Selection& s = investigation.selection();
    const auto& range = investigation.timeRange();
    any = true;
    if (s.resource != 0)
        t = {TargetKind::Resource, s.resource};
    else if (s.pageLoad != 0)
        t = {TargetKind::PageLoad, s.pageLoad};
    else if (!investigation.filterText().trimmed().isEmpty()) {
        t = {TargetKind::Cohort};
        t.name = investigation.filterText().trimmed().toStdString();
    } else if (range)
        t = {TargetKind::TimeRange};
    else
        any = false;
    if (range && (t.kind == TargetKind::Cohort || t.kind == TargetKind::TimeRange)) {
        t.from = range->from;
        t.to = range->to;
    }
    if (s.span != 0 && !investigation.selectedTraces().empty()) {
        draft.spanId = s.span;
        draft.traceRows = investigation.selectedTraces();
    }
    return draft;
}

/// Deleting a note, undoable: undo writes it back whole (same id, time, author, tags and focus).
class DeleteNoteCommand : public QUndoCommand
{
public:
    DeleteNoteCommand(NoteWriter* writer, notes::Note note) : m_writer(writer), m_note(std::move(note))
    {
        setText(QCoreApplication::translate("seam::NotesPanel", "Delete Note"));
    }
    void redo() override { m_writer->remove(m_note.id); }
    void undo() override { m_writer->restore(m_note); }

private:
    NoteWriter* m_writer;
    notes::Note m_note;
};

/// One side of a comparison from a note, and its family (sides compare only within one family).
enum class Family
{
    None,
    PageLoad,
    Trace,
    Cohort
};

Family familyOf(const notes::Target& t)
{
    using notes::TargetKind;
    switch (t.kind) {
    case TargetKind::PageLoad:
        return Family::PageLoad;
    case TargetKind::Trace:
        return Family::Trace;
    case TargetKind::Cohort:
    case TargetKind::TimeRange:
    case TargetKind::Incident:
        return Family::Cohort;
    default:
        return Family::None;
    }
}

/// "page load", "time range": a target kind in words.
QString kindWords(notes::TargetKind kind)
{
    return QString::fromLatin1(notes::targetKindName(kind)).replace(QLatin1Char('_'), QLatin1Char(' '));
}

/// The filter of a cohort-like note: its filter, its service (an incident window), or every load.
QString cohortFilter(const notes::Target& t)
{
    if (t.kind == notes::TargetKind::Cohort)
        return QString::fromStdString(t.name);
    if (t.kind == notes::TargetKind::Incident)
        return notes::serviceFilter(t.name);
    return {};
}

} // namespace

NotesPanel::NotesPanel(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation), m_loader(new NotesLoader(cachePath, this)),
      m_writer(new NoteWriter(cachePath, this)), m_model(new NotesModel(this)), m_header(makePanelHeader()),
      m_tagFilter(new QComboBox), m_add(new QPushButton(tr("&Add…"))), m_edit(new QPushButton(tr("Edit…"))),
      m_delete(new QPushButton(tr("Delete"))), m_compare(new QPushButton(tr("Compare"))),
      m_compareAction(new QAction(tr("&Compare These Two"), this)), m_undo(new QUndoStack(this)),
      m_undoAction(m_undo->createUndoAction(this, tr("&Undo"))), m_table(new QTableView)
{
    m_add->setObjectName(QStringLiteral("addNote"));
    m_edit->setObjectName(QStringLiteral("editNote"));
    m_delete->setObjectName(QStringLiteral("deleteNote"));
    m_add->setToolTip(tr("Add a note to the current selection (Ctrl+M)"));
    m_tagFilter->setToolTip(tr("Show the notes with this tag"));
    m_tagFilter->addItem(tr("All tags"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Two at a time for a comparison (Ctrl+click); Edit and Delete act on the current one.
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->installEventFilter(this);
    m_compare->setObjectName(QStringLiteral("compareNotes"));
    m_compareAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_compareAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_compareAction);
    // The list's context menu: the comparison (an export joins it, ExportActions).
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->addAction(m_compareAction);
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_undoAction);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 4, 0);
    bar->addWidget(m_header, 1);
    for (QWidget* w : std::initializer_list<QWidget*>{m_tagFilter, m_add, m_edit, m_delete, m_compare})
        bar->addWidget(w);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    m_loader->onLoaded(this, [this](std::shared_ptr<const NotesData> data) { loaded(std::move(data)); });
    connect(m_loader, &NotesLoader::failed, this, [this](const QString& message) {
        m_header->setText(tr("The notes could not be read: %1").arg(message));
    });
    connect(m_writer, &NoteWriter::written, this, &NotesPanel::reload);
    connect(m_writer, &NoteWriter::failed, this, [this](const QString& message) {
        m_header->setText(tr("The note was not saved: %1").arg(message));
    });
    connect(m_tagFilter, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_model->setTagFilter(index > 0 ? m_tagFilter->itemText(index) : QString());
        updateButtons();
    });
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex& index) { activateNote(index.row()); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &NotesPanel::updateButtons);
    connect(m_add, &QPushButton::clicked, this, [this] { addNoteForSelection(QStringLiteral("notes")); });
    connect(m_edit, &QPushButton::clicked, this, [this] { editNote(m_table->currentIndex().row()); });
    connect(m_delete, &QPushButton::clicked, this, [this] { deleteNote(m_table->currentIndex().row()); });
    const auto compare = [this] {
        if (const auto request = selectedComparison())
            emit compareRequested(*request);
    };
    connect(m_compare, &QPushButton::clicked, this, compare);
    connect(m_compareAction, &QAction::triggered, this, compare);
    updateButtons();
    reload();
}

NotesPanel::~NotesPanel() = default;

bool NotesPanel::isLoading() const
{
    return m_loader->isLoading() || m_writer->pending() > 0;
}

void NotesPanel::reload()
{
    m_loader->load(NotesRequest{++m_generation});
}

void NotesPanel::loaded(std::shared_ptr<const NotesData> data)
{
    const QString tag = m_model->tagFilter();
    const qint64 current = m_table->currentIndex().data(NotesModel::IdRole).toLongLong();
    {
        const QSignalBlocker block(m_tagFilter); // the model keeps its filter across the refill
        m_tagFilter->clear();
        m_tagFilter->addItem(tr("All tags"));
        m_tagFilter->addItems(data->tags);
        m_tagFilter->setCurrentIndex(std::max(0, int(data->tags.indexOf(tag)) + 1));
    }
    const QSet<qint64> noted = data->notedPageLoads;
    const QSet<qint64> resources = data->notedResources, spans = data->notedSpans;
    m_model->setData(std::move(data));
    m_header->setText(tr("%n note(s)", nullptr, int(m_model->notesData()->notes.size())));
    if (const int row = m_model->rowOf(current); row >= 0)
        m_table->selectRow(row);
    m_table->resizeColumnsToContents();
    updateButtons();
    emit notedPageLoadsChanged(noted);
    emit notedRowsChanged(resources, spans);
}

void NotesPanel::updateButtons()
{
    const bool one = m_model->noteAt(m_table->currentIndex().row()) != nullptr &&
                     m_table->selectionModel()->hasSelection();
    m_edit->setEnabled(one);
    m_delete->setEnabled(one);
    QString why;
    const bool comparable = selectedComparison(&why).has_value();
    const QString tip = comparable ? tr("Open the two selected notes side by side in the comparison (Ctrl+D)")
                                   : tr("Cannot compare: %1").arg(why);
    m_compareAction->setEnabled(comparable);
    m_compareAction->setToolTip(tip);
    m_compare->setEnabled(comparable);
    m_compare->setToolTip(tip);
}

std::optional<CompareRequest> NotesPanel::selectedComparison(QString* why) const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const auto refuse = [why](const QString& reason) -> std::optional<CompareRequest> {
        if (why)
            *why = reason;
        return std::nullopt;
    };
    if (rows.size() != 2)
        return refuse(tr("select two notes (Ctrl+click) of two traces, two page loads or two cohorts"));
    const notes::Note* a = m_model->noteAt(rows[0].row());
    const notes::Note* b = m_model->noteAt(rows[1].row());
    if (!a || !b)
        return refuse(tr("select two notes"));
    if (a->createdNs > b->createdNs || (a->createdNs == b->createdNs && a->id > b->id))
        std::swap(a, b); // A is the earlier note: "before" on the left
    const Family family = familyOf(a->target);
    if (family == Family::None || familyOf(b->target) == Family::None)
        return refuse(tr("only traces, page loads and cohorts (a filter or a time range) compare"));
    if (family != familyOf(b->target))
        return refuse(tr("a %1 and a %2 do not compare; select two of the same kind")
                          .arg(kindWords(a->target.kind), kindWords(b->target.kind)));
    CompareRequest r;
    switch (family) {
    case Family::PageLoad:
        r.kind = CompareRequest::Kind::PageLoads;
        r.pageLoadA = a->target.id;
        r.pageLoadB = b->target.id;
        break;
    case Family::Trace:
        r.kind = CompareRequest::Kind::Traces;
        r.traceA = QString::fromStdString(a->target.traceId);
        r.traceB = QString::fromStdString(b->target.traceId);
        break;
    default:
        // A cohort is named as the notes list names it (filter and window): both may share a filter.
        r.kind = CompareRequest::Kind::Cohorts;
        r.labelA = NotesModel::targetText(a->target);
        r.labelB = NotesModel::targetText(b->target);
        r.filterA = cohortFilter(a->target);
        r.filterB = cohortFilter(b->target);
        r.fromA = a->target.from;
        r.toA = a->target.to;
        r.fromB = b->target.from;
        r.toB = b->target.to;
        break;
    }
    return r;
}

void NotesPanel::openDialog(const QString& about, const notes::Note& note,
                            std::function<void(notes::Note)> done)
{
    delete m_dialog;
    m_dialog = new NoteDialog(about, note, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, [this, done = std::move(done)] { done(m_dialog->note()); });
    connect(m_dialog, &QObject::destroyed, this, [this] { m_dialog = nullptr; });
    m_dialog->open(); // window-modal, without a nested event loop
}

void NotesPanel::addNoteForSelection(const QString& pane)
{
    bool any = false;
    NoteDraft draft = draftForSelection(*m_investigation, any);
    if (!any) {
        m_header->setText(tr("Select a page load, a span or a time range to note it."));
        return;
    }
    draft.note.author = notes::defaultAuthor();
    draft.note.focus = InvestigationFocus::capture(*m_investigation, pane).toJson().toStdString();
    QString about = NotesModel::targetText(draft.note.target);
    if (draft.spanId != 0)
        about = tr("the selected span (%1)").arg(about);
    openDialog(about, draft.note, [this, draft](notes::Note note) mutable {
        draft.note = std::move(note);
        m_writer->add(std::move(draft));
    });
}

void NotesPanel::editNote(int row)
{
    const notes::Note* n = m_model->noteAt(row);
    if (!n)
        return;
    openDialog(NotesModel::targetText(n->target), *n,
               [this](notes::Note note) { m_writer->update(std::move(note)); });
}

void NotesPanel::deleteNote(int row)
{
    if (const notes::Note* n = m_model->noteAt(row))
        m_undo->push(new DeleteNoteCommand(m_writer, *n)); // push runs redo(): the removal
}

void NotesPanel::activateNote(int row)
{
    const notes::Note* n = m_model->noteAt(row);
    if (!n)
        return;
    if (const auto focus = InvestigationFocus::fromJson(QString::fromStdString(n->focus))) {
        focus->applyTo(*m_investigation);
        if (!focus->pane.isEmpty())
            emit paneRequested(focus->pane);
        return;
    }
    // Made on the command line: no focus saved, go to what it is about where the window can.
    using notes::TargetKind;
    const notes::Target& t = n->target;
    if (t.from && t.to)
        m_investigation->setTimeRange(Investigation::TimeRange{*t.from, *t.to});
    if (t.kind == TargetKind::Cohort)
        m_investigation->setFilterText(QString::fromStdString(t.name));
    if (t.kind == TargetKind::Service || t.kind == TargetKind::Incident) {
        m_investigation->setFilterText(notes::serviceFilter(t.name));
        emit paneRequested(QStringLiteral("serviceRates"));
    }
    if (t.kind == TargetKind::PageLoad) {
        m_investigation->navigate({t.id, 0, 0});
        emit paneRequested(QStringLiteral("pageLoads"));
    }
}

bool NotesPanel::eventFilter(QObject* watched, QEvent* event)
{
    // Delete in the list deletes the current note (the table itself has no use for the key).
    if (watched == m_table && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Delete) {
        deleteNote(m_table->currentIndex().row());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace seam
