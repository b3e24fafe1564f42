#include "PageLoadsPanel.h"

#include "PageLoadFilter.h"
#include "PageLoadTableModel.h"
#include "Sqlite.h"
#include "Store.h"

#include <QCompleter>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QStringListModel>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace seam {
namespace {

// Long enough to skip the intermediate states of a word being typed, short enough to feel live.
constexpr int kApplyDelayMs = 250;

} // namespace

PageLoadsPanel::PageLoadsPanel(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation), m_model(new PageLoadTableModel(cachePath, this)),
      m_filterEdit(new QLineEdit), m_filterError(new QLabel), m_timeRangeChip(new QToolButton),
      m_table(new QTableView), m_completer(new QCompleter(this)), m_completions(new QStringListModel(this)),
      m_applyTimer(new QTimer(this))
{
    try {
        m_db = std::make_unique<Database>(store::openForReading(cachePath.toStdString()));
    } catch (const SqliteError&) {
        // Completion then offers field names only; the table reports the problem itself.
    }

    m_filterEdit->setPlaceholderText(tr("Filter: route:/checkout duration>2s browser:Safari -country:US"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setToolTip(
        tr("Terms are ANDed: field:value, field:~text, field>2s, a bare word (route or URL), -term to "
           "negate; OR and (parentheses) for alternatives. Tab or Ctrl+Space completes fields and values. "
           "Help > Filter Syntax lists the fields."));

    m_filterError->setWordWrap(true);
    QPalette errorPalette = m_filterError->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_filterError->setPalette(errorPalette);
    m_filterError->hide();

    // The completer completes the term under the cursor, not the whole line, so it is attached with
    // setWidget() and fed by hand; the filter already returns only what fits the term.
    m_completer->setModel(m_completions);
    m_completer->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setWidget(m_filterEdit);
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this,
            &PageLoadsPanel::insertCompletion);
    connect(m_filterEdit, &QLineEdit::textEdited, this, &PageLoadsPanel::updateCompletions);

    m_applyTimer->setSingleShot(true);
    m_applyTimer->setInterval(kApplyDelayMs);
    connect(m_applyTimer, &QTimer::timeout, this, &PageLoadsPanel::applyFilter);
    connect(m_filterEdit, &QLineEdit::textChanged, m_applyTimer, qOverload<>(&QTimer::start));
    connect(m_filterEdit, &QLineEdit::returnPressed, this, &PageLoadsPanel::applyFilter);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures rows that are not loaded yet.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // The load time within reach of a laptop's narrow pane: the long URL goes last, where it stretches.
    m_table->setColumnWidth(PageLoadTableModel::Route, 140);
    m_table->setColumnWidth(PageLoadTableModel::Url, 220);
    m_table->setColumnWidth(PageLoadTableModel::Start, 150);
    m_table->horizontalHeader()->moveSection(
        m_table->horizontalHeader()->visualIndex(PageLoadTableModel::Url),
        PageLoadTableModel::ColumnCount - 1);
    // Tab leaves the table for the next control (arrows move in it); Ctrl+Tab and F6 go to the next pane.
    m_table->setTabKeyNavigation(false);
    m_table->setSortingEnabled(true);
    // The slowest first: that is what one opens the tool for.
    m_table->sortByColumn(PageLoadTableModel::LoadTime, Qt::DescendingOrder);
    // A click sets the current row before selecting it, so both signals lead to the same check.
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &PageLoadsPanel::currentRowChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &PageLoadsPanel::currentRowChanged);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &PageLoadsPanel::syncSelection);
    connect(m_model, &QAbstractItemModel::modelReset, this, &PageLoadsPanel::syncSelection);
    // An empty result says so in the table, rather than leave one wondering whether it is still loading.
    m_emptyMessage = new QLabel(m_table->viewport());
    m_emptyMessage->setAlignment(Qt::AlignCenter);
    m_emptyMessage->setWordWrap(true);
    m_emptyMessage->setForegroundRole(QPalette::PlaceholderText);
    m_emptyMessage->hide();
    m_table->viewport()->installEventFilter(this);
    connect(m_model, &PageLoadTableModel::countFinished, this, &PageLoadsPanel::updateEmptyMessage);
    connect(m_model, &QAbstractItemModel::modelReset, this, &PageLoadsPanel::updateEmptyMessage);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &PageLoadsPanel::updateEmptyMessage);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(0, 0, 0, 0);
    filterRow->setSpacing(4);
    filterRow->addWidget(m_filterEdit, 1);
    filterRow->addWidget(m_timeRangeChip);
    layout->addLayout(filterRow);
    layout->addWidget(m_filterError);
    layout->addWidget(m_table, 1);

    m_timeRangeChip->setAutoRaise(false);
    m_timeRangeChip->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_timeRangeChip->setToolTip(tr("Only page loads that started in this time range are listed. Click to "
                                   "show all."));
    m_timeRangeChip->hide();
    connect(m_timeRangeChip, &QToolButton::clicked, this,
            [this] { m_investigation->setTimeRange(std::nullopt); });

    connect(m_investigation, &Investigation::changed, this, &PageLoadsPanel::investigationChanged);
    if (m_investigation->timeRange())
        applyTimeRange();
    if (!m_investigation->filterText().isEmpty()) {
        m_filterEdit->setText(m_investigation->filterText());
        applyFilter();
    }
}

PageLoadsPanel::~PageLoadsPanel() = default;

void PageLoadsPanel::focusFilter()
{
    m_filterEdit->setFocus(Qt::ShortcutFocusReason);
    m_filterEdit->selectAll();
}

void PageLoadsPanel::applyFilter()
{
    m_applyTimer->stop();
    const PageLoadFilter filter = PageLoadFilter::parse(m_filterEdit->text());
    if (!filter.isValid()) {
        // Keep showing the last valid result: a half-typed term should not blank the table.
        m_filterError->setText(filter.error().message);
        m_filterError->show();
        return;
    }
    m_filterError->hide();
    m_model->setFilter(filter);
    m_investigation->setFilterText(filter.text());
}

void PageLoadsPanel::updateCompletions()
{
    const QString text = m_filterEdit->text();
    const int cursor = m_filterEdit->cursorPosition();
    const int start = PageLoadFilter::completionStart(text, cursor);
    const QStringList completions = PageLoadFilter::completions(text, cursor, m_db.get());
    // Nothing typed for this term, or it is complete already: a popup would only be in the way.
    if (cursor == start || completions.isEmpty() ||
        (completions.size() == 1 && completions.front() == text.mid(start, cursor - start))) {
        m_completer->popup()->hide();
        return;
    }
    m_completions->setStringList(completions);
    m_completer->complete();
}

void PageLoadsPanel::insertCompletion(const QString& completion)
{
    QString text = m_filterEdit->text();
    const int cursor = m_filterEdit->cursorPosition();
    const int start = PageLoadFilter::completionStart(text, cursor);
    text.replace(start, cursor - start, completion);
    m_filterEdit->setText(text);
    m_filterEdit->setCursorPosition(start + int(completion.size()));
}

void PageLoadsPanel::currentRowChanged()
{
    if (m_syncing)
        return;
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    // A reset (sort, filter) clears the current index: that is not the user deselecting. Focus
    // arriving (window activation, Tab) makes a row current without selecting it: not a choice either.
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row()))
        return;
    m_investigation->selectPageLoad(m_model->pageLoadIdAt(current.row()));
}

void PageLoadsPanel::investigationChanged(Investigation::Changes changes)
{
    if (changes & Investigation::FilterChanged && m_investigation->filterText() != m_filterEdit->text()) {
        m_filterEdit->setText(m_investigation->filterText());
        applyFilter();
    }
    if (changes & Investigation::TimeRangeChanged)
        applyTimeRange();
    if (changes & Investigation::PageLoadChanged)
        syncSelection();
}

void PageLoadsPanel::applyTimeRange()
{
    const auto& range = m_investigation->timeRange();
    if (!range) {
        m_model->setTimeRange(std::nullopt);
        m_timeRangeChip->hide();
        return;
    }
    m_model->setTimeRange(std::pair(range->from, range->to));
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(range->from / 1'000'000);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(range->to / 1'000'000);
    // Seconds unless the range is shorter than a few of them; the date when it is not today's.
    const bool shortRange = range->to - range->from < 10'000'000'000;
    const QString time = shortRange ? QStringLiteral("HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss");
    const QString fromFormat =
        from.date() == QDate::currentDate() ? time : QStringLiteral("yyyy-MM-dd ") + time;
    const QString toFormat = to.date() == from.date() ? time : QStringLiteral("yyyy-MM-dd ") + time;
    m_timeRangeChip->setText(tr("%1 – %2  ✕").arg(from.toString(fromFormat), to.toString(toFormat)));
    m_timeRangeChip->show();
}

QString PageLoadsPanel::emptyText() const
{
    return m_emptyMessage->isHidden() ? QString() : m_emptyMessage->text();
}

void PageLoadsPanel::updateEmptyMessage()
{
    const bool empty = !m_model->isCounting() && m_model->rowCount() == 0;
    if (!empty) {
        m_emptyMessage->hide();
        return;
    }
    const QString filter = m_model->filter().text().trimmed();
    const bool ranged = m_investigation->timeRange().has_value();
    QString text;
    if (!filter.isEmpty() && ranged)
        text = tr("No page loads match “%1” in the brushed time range.").arg(filter);
    else if (!filter.isEmpty())
        text = tr("No page loads match “%1”.").arg(filter);
    else if (ranged)
        text = tr("No page loads started in the brushed time range.");
    else
        text = tr("This investigation has no page loads.");
    m_emptyMessage->setText(text);
    m_emptyMessage->setGeometry(m_table->viewport()->rect().adjusted(8, 8, -8, -8));
    m_emptyMessage->show();
}

bool PageLoadsPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        m_emptyMessage->setGeometry(m_table->viewport()->rect().adjusted(8, 8, -8, -8));
    return QWidget::eventFilter(watched, event);
}

void PageLoadsPanel::syncSelection()
{
    const qint64 id = m_investigation->selectedPageLoad();
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (current.isValid() && id != 0 && m_model->pageLoadIdAt(current.row()) == id)
        return;
    const int row = id != 0 ? m_model->rowOfPageLoad(id) : -1;
    if (row < 0 && !current.isValid())
        return; // not counted yet, or filtered out: rowsInserted brings us back
    m_syncing = true;
    if (row < 0) {
        m_table->selectionModel()->clear();
    } else {
        const QModelIndex index = m_model->index(row, PageLoadTableModel::Route);
        m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                              QItemSelectionModel::Rows);
        m_table->scrollTo(index);
    }
    m_syncing = false;
}

} // namespace seam
