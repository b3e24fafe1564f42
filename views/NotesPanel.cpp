#include "NotesPanel.h"

#include "Investigation.h"
#include "NoteDialog.h"
#include "NoteWriter.h"
#include "NotesModel.h"
#include "PanelHeader.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QTableView>

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

} // namespace

NotesPanel::NotesPanel(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation), m_loader(new NotesLoader(cachePath, this)),
      m_writer(new NoteWriter(cachePath, this)), m_model(new NotesModel(this)), m_header(makePanelHeader()),
      m_tagFilter(new QComboBox), m_add(new QPushButton(tr("&Add…"))), m_edit(new QPushButton(tr("Edit…"))),
      m_delete(new QPushButton(tr("Delete"))), m_table(new QTableView)
{
    m_add->setObjectName(QStringLiteral("addNote"));
    m_edit->setObjectName(QStringLiteral("editNote"));
    m_delete->setObjectName(QStringLiteral("deleteNote"));
    m_add->setToolTip(tr("Add a note to the current selection (Ctrl+M)"));
    m_tagFilter->setToolTip(tr("Show the notes with this tag"));
    m_tagFilter->addItem(tr("All tags"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->installEventFilter(this);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 4, 0);
    bar->addWidget(m_header, 1);
    for (QWidget* w : std::initializer_list<QWidget*>{m_tagFilter, m_add, m_edit, m_delete})
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
        m_writer->remove(n->id);
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
