#include "PageLoadTableModel.h"

#include "Format.h"
#include "QtText.h"
#include "Store.h"

#include <QDateTime>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <sqlite3.h>
#include <thread>

namespace seam {
namespace {

constexpr const char* kJoins = " FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id"
                               " LEFT JOIN services v ON v.id = p.app_service_id";

// Scans yield to page requests this often, so scrolling stays served while a big count runs.
constexpr int kScanSlice = 4096;
// Ids reach the GUI in few, large chunks (each is one rowsInserted) except the first, which is sent as
// soon as it fills a page so that something shows at once.
constexpr std::size_t kIdChunk = 65536;
constexpr auto kIdChunkInterval = std::chrono::milliseconds(100);
// Requests beyond this are for rows the user has long scrolled past.
constexpr std::size_t kMaxQueuedPages = 32;

std::optional<qint64> optionalInt(const Statement& st, int col)
{
    return st.isNull(col) ? std::nullopt : std::optional<qint64>(st.int64(col));
}

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

std::string pageQuery()
{
    std::string sql =
        "SELECT p.id, p.route, p.url, p.start_ns, p.duration_ns, p.ttfb_ns, p.lcp_ns, p.error_count, "
        "p.backend_ns, p.services, s.browser, s.country, coalesce(s.app_version, v.version)";
    sql += kJoins;
    sql += " WHERE p.id IN (";
    for (int i = 1; i <= PageLoadTableModel::kPageSize; ++i)
        sql += (i > 1 ? ",?" : "?") + std::to_string(i);
    return sql + ")";
}

} // namespace

/// The loader thread: owns the read-only connection, runs the id scan in slices and serves page
/// requests (newest first) between them.
class PageLoadTableModel::Loader
{
public:
    Loader(PageLoadTableModel* model, std::string path) : m_model(model), m_path(std::move(path))
    {
        m_thread = std::thread([this] { run(); });
    }

    ~Loader()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_generation.store(0); // interrupts a running statement
        m_wake.notify_one();
        m_thread.join();
    }

    /// Everything of older generations is abandoned; then the scan starts.
    /// Takes the condition as SQL and values only: nothing implicitly shared crosses the thread.
    void startScan(quint64 generation, std::string where, std::vector<PageLoadFilter::Value> values,
                   std::string orderBy)
    {
        {
            std::lock_guard lock(m_mutex);
            m_generation.store(generation);
            m_scanRequest = ScanRequest{generation, std::move(where), std::move(values), std::move(orderBy)};
            m_pageRequests.clear();
        }
        m_wake.notify_one();
    }

    /// Abandons older generations without a new scan (the model reordered what it had).
    void setGeneration(quint64 generation)
    {
        std::lock_guard lock(m_mutex);
        m_generation.store(generation);
        m_pageRequests.clear();
    }

    void requestPage(quint64 generation, int page, std::vector<qint64> ids)
    {
        {
            std::lock_guard lock(m_mutex);
            m_pageRequests.push_back(PageRequest{generation, page, std::move(ids)});
            while (m_pageRequests.size() > kMaxQueuedPages) {
                post([g = m_pageRequests.front().generation,
                      p = m_pageRequests.front().page](PageLoadTableModel* m) { m->pageDropped(g, p); });
                m_pageRequests.pop_front();
            }
        }
        m_wake.notify_one();
    }

private:
    struct ScanRequest
    {
        quint64 generation = 0;
        std::string where;
        std::vector<PageLoadFilter::Value> values;
        std::string orderBy;
    };
    struct PageRequest
    {
        quint64 generation = 0;
        int page = 0;
        std::vector<qint64> ids;
    };
    struct Scan
    {
        quint64 generation = 0;
        std::vector<PageLoadFilter::Value>
            values; // bound without a copy to the statement: declared before it
        Statement statement;
        std::vector<qint64> ids;
        bool sentFirst = false;
        std::chrono::steady_clock::time_point lastSent;
    };

    template<typename F> void post(F&& f)
    {
        PageLoadTableModel* model = m_model;
        QMetaObject::invokeMethod(
            model, [model, f = std::forward<F>(f)]() mutable { f(model); }, Qt::QueuedConnection);
    }

    bool isStale(quint64 generation) const { return generation != m_generation.load(); }

    // SQLite calls this every few thousand VM steps: a big sort of an abandoned query stops here.
    static int progress(void* self)
    {
        auto* loader = static_cast<Loader*>(self);
        return loader->isStale(loader->m_running) ? 1 : 0;
    }

    void run()
    {
        Database db;
        Statement pageStatement;
        try {
            db = store::openForReading(m_path);
            pageStatement = db.prepare(pageQuery());
        } catch (const SqliteError& e) {
            post([message = QString::fromStdString(e.what())](PageLoadTableModel* m) {
                m->loaderFailed(0, message);
            });
            db = Database();
        }
        if (db.isOpen())
            sqlite3_progress_handler(db.handle(), 1000, &Loader::progress, this);

        std::optional<Scan> scan;
        for (;;) {
            std::optional<ScanRequest> scanRequest;
            std::optional<PageRequest> pageRequest;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [&] {
                    return m_stop || m_scanRequest || !m_pageRequests.empty() ||
                           (scan && !isStale(scan->generation));
                });
                if (m_stop)
                    break;
                scanRequest.swap(m_scanRequest);
                if (!m_pageRequests.empty()) {
                    // Newest first: it is what the view shows now.
                    pageRequest = std::move(m_pageRequests.back());
                    m_pageRequests.pop_back();
                }
            }
            if (scan && isStale(scan->generation))
                scan.reset();
            if (!db.isOpen()) {
                if (scanRequest)
                    post([g = scanRequest->generation](PageLoadTableModel* m) {
                        m->loaderFailed(g, QStringLiteral("The cache could not be opened."));
                    });
                continue;
            }
            if (scanRequest)
                scan = startScan(db, std::move(*scanRequest));
            if (pageRequest && !isStale(pageRequest->generation))
                loadPage(pageStatement, *pageRequest);
            if (scan && !continueScan(*scan))
                scan.reset();
        }
    }

    std::optional<Scan> startScan(Database& db, ScanRequest&& request)
    {
        std::optional<Scan> scan(std::in_place);
        scan->generation = request.generation;
        scan->values = std::move(request.values);
        try {
            scan->statement = db.prepare("SELECT p.id" + std::string(kJoins) + " WHERE " + request.where +
                                         " ORDER BY " + request.orderBy);
            PageLoadFilter::bind(scan->statement, scan->values);
        } catch (const SqliteError& e) {
            post([g = request.generation, message = QString::fromStdString(e.what())](PageLoadTableModel* m) {
                m->loaderFailed(g, message);
            });
            return std::nullopt;
        }
        scan->lastSent = std::chrono::steady_clock::now();
        return scan;
    }

    /// Steps the scan by one slice; false when it is finished, failed or abandoned.
    bool continueScan(Scan& scan)
    {
        m_running = scan.generation;
        bool done = false;
        try {
            for (int i = 0; i < kScanSlice; ++i) {
                if (!scan.statement.step()) {
                    done = true;
                    break;
                }
                scan.ids.push_back(scan.statement.int64(0));
                if (!scan.sentFirst && scan.ids.size() >= std::size_t(kPageSize))
                    break;
            }
        } catch (const SqliteError& e) {
            if (!isStale(scan.generation))
                post([g = scan.generation, message = QString::fromStdString(e.what())](
                         PageLoadTableModel* m) { m->loaderFailed(g, message); });
            return false;
        }
        const auto now = std::chrono::steady_clock::now();
        if (done || !scan.sentFirst || scan.ids.size() >= kIdChunk ||
            now - scan.lastSent >= kIdChunkInterval) {
            post([g = scan.generation, ids = std::move(scan.ids), done](PageLoadTableModel* m) mutable {
                m->idsArrived(g, std::move(ids), done);
            });
            scan.ids = {};
            scan.sentFirst = true;
            scan.lastSent = now;
        }
        return !done;
    }

    void loadPage(Statement& st, const PageRequest& request)
    {
        m_running = request.generation;
        auto rows = std::make_shared<std::vector<Row>>(request.ids.size());
        std::unordered_map<qint64, std::size_t> slot;
        for (std::size_t i = 0; i < request.ids.size(); ++i) {
            (*rows)[i].id = request.ids[i];
            slot.emplace(request.ids[i], i);
        }
        try {
            st.reset();
            for (int i = 0; i < kPageSize; ++i) {
                if (std::size_t(i) < request.ids.size())
                    st.bindInt64(i + 1, request.ids[std::size_t(i)]);
                else
                    st.bindNull(i + 1);
            }
            while (st.step()) {
                const auto it = slot.find(st.int64(0));
                if (it == slot.end())
                    continue;
                Row& r = (*rows)[it->second];
                r.loaded = true;
                r.route = qs(st.text(1));
                r.url = qs(st.text(2));
                r.startNs = st.int64(3);
                r.startText = QDateTime::fromMSecsSinceEpoch(r.startNs / 1'000'000)
                                  .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
                r.duration = optionalInt(st, 4);
                r.ttfb = optionalInt(st, 5);
                r.lcp = optionalInt(st, 6);
                r.errors = st.int64(7);
                r.backend = optionalInt(st, 8);
                if (!st.isNull(9))
                    r.services = qs(st.text(9));
                if (!st.isNull(10))
                    r.browser = qs(st.text(10));
                if (!st.isNull(11))
                    r.country = qs(st.text(11));
                if (!st.isNull(12))
                    r.appVersion = qs(st.text(12));
            }
            st.reset();
        } catch (const SqliteError&) {
            st.reset();
            post([g = request.generation, p = request.page](PageLoadTableModel* m) { m->pageDropped(g, p); });
            return;
        }
        post([g = request.generation, p = request.page, rows](PageLoadTableModel* m) {
            m->pageArrived(g, p, rows);
        });
    }

    PageLoadTableModel* const m_model;
    const std::string m_path;
    std::thread m_thread;

    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::optional<ScanRequest> m_scanRequest;
    std::deque<PageRequest> m_pageRequests;

    std::atomic<quint64> m_generation{0}; // the newest generation the model asked for
    std::atomic<quint64> m_running{0};    // the generation of the statement being stepped
};

PageLoadTableModel::PageLoadTableModel(const QString& cachePath, QObject* parent)
    : QAbstractTableModel(parent), m_loader(std::make_unique<Loader>(this, cachePath.toStdString()))
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
    m_loader->startScan(++m_generation, std::move(where), std::move(values), orderBy());
    endResetModel();
}

std::string PageLoadTableModel::orderBy() const
{
    const char* keys = "";
    switch (m_sortColumn) {
    case Route:
        keys = "p.route|p.start_ns";
        break; // the order of page_loads_by_route
    case Url:
        keys = "p.url";
        break;
    case Start:
        keys = "p.start_ns";
        break;
    case LoadTime:
        keys = "p.duration_ns";
        break;
    case Ttfb:
        keys = "p.ttfb_ns";
        break;
    case Lcp:
        keys = "p.lcp_ns";
        break;
    case Errors:
        keys = "p.error_count";
        break;
    case Backend:
        keys = "p.backend_ns";
        break;
    case Services:
        keys = "p.services";
        break;
    case Browser:
        keys = "s.browser";
        break;
    case Country:
        keys = "s.country";
        break;
    case AppVersion:
        keys = "coalesce(s.app_version, v.version)";
        break;
    default:
        break;
    }
    // The id is the tie-breaker, in the same direction: (key, id) is the order of the key's index
    // scanned either way, and it keeps the order total, so a reversed result is the opposite query.
    const char* direction = m_sortOrder == Qt::AscendingOrder ? "" : " DESC";
    std::string sql;
    for (const QByteArray& key : QByteArray(keys).split('|'))
        if (!key.isEmpty())
            sql += key.toStdString() + direction + ", ";
    return sql + "p.id" + direction;
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
        return row.errors;
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
    default:
        return {};
    }
}

} // namespace seam
