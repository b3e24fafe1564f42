#include "PageLoadTableModel.h"

#include "Format.h"
#include "PageLoadTableLoader.h"

#include <algorithm>

namespace seam {
namespace {

QVariant variant(const std::optional<qint64>& v)
{
    return v ? QVariant(*v) : QVariant();
}

QVariant textOrNothing(const QString& s)
{
    return s.isNull() ? QVariant() : QVariant(s);
}

bool isNumeric(int column)
{
    using C = PageLoadTableModel::Column;
    return column == C::LoadTime || column == C::Ttfb || column == C::Lcp || column == C::Errors ||
           column == C::Backend;
}

} // namespace

PageLoadTableModel::PageLoadTableModel(const QString& cachePath, QObject* parent)
    : QAbstractTableModel(parent),
      m_loader(std::make_unique<PageLoadTableLoader>(this, cachePath.toStdString()))
{
    restart();
}

PageLoadTableModel::~PageLoadTableModel() = default;

int PageLoadTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

int PageLoadTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void PageLoadTableModel::setFilter(const PageLoadFilter& filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    restart();
}

void PageLoadTableModel::setTimeRange(std::optional<std::pair<qint64, qint64>> range)
{
    if (range == m_timeRange)
        return;
    m_timeRange = range;
    restart();
}

void PageLoadTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < -1 || column >= ColumnCount || (column == m_sortColumn && order == m_sortOrder))
        return;
    const bool reverse = column == m_sortColumn && !m_counting && !m_failed;
    m_sortColumn = column;
    m_sortOrder = order;
    if (!reverse) {
        restart();
        return;
    }
    // Ties are broken by id in the sort's direction and NULLs come first ascending, last descending,
    // as in SQLite: the reversed result is exactly what the query in the other direction returns.
    beginResetModel();
    std::reverse(m_ids.begin(), m_ids.end());
    m_pages.clear();
    m_pending.clear();
    m_loader->setGeneration(++m_generation);
    endResetModel();
}

void PageLoadTableModel::refresh()
{
    restart();
}

void PageLoadTableModel::restart()
{
    beginResetModel();
    m_ids = {};
    m_pages.clear();
    m_pending.clear();
    m_counting = true;
    m_failed = false;
    std::string where = m_filter.sql();
    std::vector<PageLoadFilter::Value> values = m_filter.values();
    if (m_timeRange) {
        // The filter's placeholders come first; these two take the next indexes.
        where = "(" + where + ") AND p.start_ns >= ? AND p.start_ns < ?";
        values.emplace_back(std::int64_t(m_timeRange->first));
        values.emplace_back(std::int64_t(m_timeRange->second));
    }
    m_loader->startScan(++m_generation, std::move(where), std::move(values), m_sortColumn,
                        m_sortOrder == Qt::DescendingOrder);
    endResetModel();
}

qint64 PageLoadTableModel::pageLoadIdAt(int row) const
{
    return row >= 0 && std::size_t(row) < m_ids.size() ? m_ids[std::size_t(row)] : -1;
}

int PageLoadTableModel::rowOfPageLoad(qint64 id) const
{
    const auto it = std::find(m_ids.begin(), m_ids.end(), id);
    return it == m_ids.end() ? -1 : int(it - m_ids.begin());
}

const PageLoadTableModel::Row* PageLoadTableModel::rowAt(int row) const
{
    const int page = row / kPageSize;
    const std::size_t slot = std::size_t(row % kPageSize);
    const auto it = m_pages.find(page);
    if (it != m_pages.end()) {
        if (slot < it->second.rows.size()) {
            it->second.lastUsed = ++m_useClock;
            return &it->second.rows[slot];
        }
        // Loaded while the scan had counted only part of this page.
        m_pages.erase(it);
    }
    requestPage(page);
    return nullptr;
}

void PageLoadTableModel::requestPage(int page) const
{
    const std::size_t first = std::size_t(page) * kPageSize;
    if (first >= m_ids.size() || m_pending.count(page))
        return;
    const std::size_t last = std::min(first + kPageSize, m_ids.size());
    m_pending.insert(page);
    m_loader->requestPage(
        m_generation, page,
        std::vector<qint64>(m_ids.begin() + qsizetype(first), m_ids.begin() + qsizetype(last)));
}

void PageLoadTableModel::idsArrived(quint64 generation, std::vector<qint64> ids, bool done)
{
    if (generation != m_generation)
        return; // a result of a filter or sort that is no longer current
    if (!ids.empty()) {
        const int first = int(m_ids.size());
        beginInsertRows({}, first, first + int(ids.size()) - 1);
        m_ids.insert(m_ids.end(), ids.begin(), ids.end());
        endInsertRows();
        if (first == 0)
            requestPage(0); // what every view shows first
    }
    if (done) {
        m_counting = false;
        emit countFinished(rowCount());
    }
}

void PageLoadTableModel::pageArrived(quint64 generation, int page, std::shared_ptr<std::vector<Row>> rows)
{
    if (generation != m_generation)
        return;
    m_pending.erase(page);
    if (m_pages.size() >= kCachedPages) {
        const auto oldest =
            std::min_element(m_pages.begin(), m_pages.end(), [](const auto& a, const auto& b) {
                return a.second.lastUsed < b.second.lastUsed;
            });
        m_pages.erase(oldest);
    }
    const int count = int(rows->size());
    m_pages[page] = Page{std::move(*rows), ++m_useClock};
    if (count > 0)
        emit dataChanged(index(page * kPageSize, 0), index(page * kPageSize + count - 1, ColumnCount - 1));
}

void PageLoadTableModel::pageDropped(quint64 generation, int page)
{
    if (generation == m_generation)
        m_pending.erase(page);
}

void PageLoadTableModel::loaderFailed(quint64 generation, const QString& message)
{
    if (generation != 0 && generation != m_generation)
        return;
    m_counting = false;
    m_failed = true;
    emit queryFailed(message);
}

QVariant PageLoadTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    switch (role) {
    case PageLoadIdRole:
        return pageLoadIdAt(index.row());
    case Qt::TextAlignmentRole:
        return int(Qt::AlignVCenter | (isNumeric(index.column()) ? Qt::AlignRight : Qt::AlignLeft));
    case Qt::DisplayRole:
    case Qt::UserRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }
    const Row* row = rowAt(index.row());
    if (!row || !row->loaded)
        return {};
    if (role == Qt::UserRole)
        return raw(*row, index.column());
    if (role == Qt::ToolTipRole) {
        if (index.column() == Url)
            return row->url;
        if (index.column() == Services && !row->services.isEmpty())
            return row->services.split(QLatin1Char(',')).join(QLatin1Char('\n'));
        return {};
    }
    return display(*row, index.column());
}

QVariant PageLoadTableModel::display(const Row& row, int column) const
{
    const auto duration = [](const std::optional<qint64>& ns) {
        return ns ? formatDuration(*ns) : QString();
    };
    switch (column) {
    case Route:
        return row.route;
    case Url:
        return row.url;
    case Start:
        return row.startText;
    case LoadTime:
        return duration(row.duration);
    case Ttfb:
        return duration(row.ttfb);
    case Lcp:
        return duration(row.lcp);
    case Errors:
        // The split stays visible: JS errors and failed calls are different fixes.
        if (row.networkErrors == 0)
            return row.errors;
        return tr("%1 (%2 JS, %3 network)")
            .arg(row.errors)
            .arg(row.errors - row.networkErrors)
            .arg(row.networkErrors);
    case Backend:
        return duration(row.backend);
    case Services:
        return QString(row.services).replace(QLatin1Char(','), QLatin1String(", "));
    case Browser:
        return row.browser;
    case Country:
        return row.country;
    case AppVersion:
        return row.appVersion;
    case Sources:
        return QString(row.sources).replace(QLatin1Char(','), QLatin1String(", "));
    default:
        return {};
    }
}

QVariant PageLoadTableModel::raw(const Row& row, int column) const
{
    switch (column) {
    case Route:
        return row.route;
    case Url:
        return row.url;
    case Start:
        return row.startNs;
    case LoadTime:
        return variant(row.duration);
    case Ttfb:
        return variant(row.ttfb);
    case Lcp:
        return variant(row.lcp);
    case Errors:
        return row.errors;
    case Backend:
        return variant(row.backend);
    case Services:
        return textOrNothing(row.services);
    case Browser:
        return textOrNothing(row.browser);
    case Country:
        return textOrNothing(row.country);
    case AppVersion:
        return textOrNothing(row.appVersion);
    case Sources:
        return textOrNothing(row.sources);
    default:
        return {};
    }
}

QVariant PageLoadTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignVCenter | (isNumeric(section) ? Qt::AlignRight : Qt::AlignLeft));
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LoadTime:
            return tr("Until the load event ended");
        case Ttfb:
            return tr("Time to first byte of the document");
        case Lcp:
            return tr("Largest contentful paint");
        case Backend:
            return tr("Time spent in linked backend traces (their union)");
        case Services:
            return tr("Backend services the page load reached");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Route:
        return tr("Route");
    case Url:
        return tr("URL");
    case Start:
        return tr("Start");
    case LoadTime:
        return tr("Load time");
    case Ttfb:
        return tr("TTFB");
    case Lcp:
        return tr("LCP");
    case Errors:
        return tr("Errors");
    case Backend:
        return tr("Backend");
    case Services:
        return tr("Services");
    case Browser:
        return tr("Browser");
    case Country:
        return tr("Country");
    case AppVersion:
        return tr("App version");
    case Sources:
        return tr("Source(s)");
    default:
        return {};
    }
}

} // namespace seam
