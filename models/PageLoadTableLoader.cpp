#include "PageLoadTableLoader.h"

#include "PageLoadReports.h"
#include "PageLoadSortKeys.h"
#include "QtText.h"
#include "Store.h"

#include <QDateTime>
#include <sqlite3.h>
#include <unordered_map>

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
constexpr int kPageSize = PageLoadTableModel::kPageSize;

std::optional<qint64> optionalInt(const Statement& st, int col)
{
    return st.isNull(col) ? std::nullopt : std::optional<qint64>(st.int64(col));
}

std::string pageQuery()
{
    std::string sql =
        "SELECT p.id, p.route, p.url, p.start_ns, p.duration_ns, p.ttfb_ns, p.lcp_ns, p.error_count, "
        "p.backend_ns, p.services, s.browser, s.country, coalesce(s.app_version, v.version), "
        "p.network_error_count, " +
        pageLoadSourcesSql("p.id");
    sql += kJoins;
    sql += " WHERE p.id IN (";
    for (int i = 1; i <= kPageSize; ++i)
        sql += (i > 1 ? ",?" : "?") + std::to_string(i);
    return sql + ")";
}

} // namespace

PageLoadTableLoader::PageLoadTableLoader(PageLoadTableModel* model, std::string path)
    : m_model(model), m_path(std::move(path))
{
    m_thread = std::thread([this] { run(); });
}

PageLoadTableLoader::~PageLoadTableLoader()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_generation.store(0); // interrupts a running statement
    m_wake.notify_one();
    m_thread.join();
}

template<typename F> void PageLoadTableLoader::post(F&& f)
{
    PageLoadTableModel* model = m_model;
    QMetaObject::invokeMethod(
        model, [model, f = std::forward<F>(f)]() mutable { f(model); }, Qt::QueuedConnection);
}

// SQLite calls this every few thousand VM steps: a big sort of an abandoned query stops here.
int PageLoadTableLoader::progress(void* self)
{
    auto* loader = static_cast<PageLoadTableLoader*>(self);
    return loader->isStale(loader->m_running) ? 1 : 0;
}

void PageLoadTableLoader::startScan(quint64 generation, std::string where,
                                    std::vector<PageLoadFilter::Value> values, int column, bool descending)
{
    {
        std::lock_guard lock(m_mutex);
        m_generation.store(generation);
        m_scanRequest = ScanRequest{generation, std::move(where), std::move(values), column, descending};
        m_pageRequests.clear();
    }
    m_wake.notify_one();
}

void PageLoadTableLoader::setGeneration(quint64 generation)
{
    std::lock_guard lock(m_mutex);
    m_generation.store(generation);
    m_pageRequests.clear();
}

void PageLoadTableLoader::requestPage(quint64 generation, int page, std::vector<qint64> ids)
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

void PageLoadTableLoader::run()
{
    Database db;
    Statement pageStatement;
    try {
        db = store::openForReading(m_path);
        pageStatement = db.prepare(pageQuery());
        m_sortKeys = schema::hasPageLoadSortKeys(db);
    } catch (const SqliteError& e) {
        post([message = QString::fromStdString(e.what())](PageLoadTableModel* m) {
            m->loaderFailed(0, message);
        });
        db = Database();
    }
    if (db.isOpen())
        sqlite3_progress_handler(db.handle(), 1000, &PageLoadTableLoader::progress, this);

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

std::optional<PageLoadTableLoader::Scan> PageLoadTableLoader::startScan(Database& db, ScanRequest&& request)
{
    std::optional<Scan> scan(std::in_place);
    scan->generation = request.generation;
    scan->values = std::move(request.values);
    try {
        scan->statement = db.prepare(scanSql(request.where, request.column, request.descending, m_sortKeys));
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

bool PageLoadTableLoader::continueScan(Scan& scan)
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
            post([g = scan.generation, message = QString::fromStdString(e.what())](PageLoadTableModel* m) {
                m->loaderFailed(g, message);
            });
        return false;
    }
    const auto now = std::chrono::steady_clock::now();
    if (done || !scan.sentFirst || scan.ids.size() >= kIdChunk || now - scan.lastSent >= kIdChunkInterval) {
        post([g = scan.generation, ids = std::move(scan.ids), done](PageLoadTableModel* m) mutable {
            m->idsArrived(g, std::move(ids), done);
        });
        scan.ids = {};
        scan.sentFirst = true;
        scan.lastSent = now;
    }
    return !done;
}

std::string PageLoadTableLoader::scanSql(const std::string& where, int column, bool descending, bool sortKeys)
{
    using C = PageLoadTableModel::Column;
    std::string keys;
    switch (column) {
    case C::Route:
        keys = "p.route|p.start_ns"; // the order of page_loads_by_route
        break;
    case C::Url:
        keys = "p.url";
        break;
    case C::Start:
        keys = "p.start_ns";
        break;
    case C::LoadTime:
        keys = "p.duration_ns";
        break;
    case C::Ttfb:
        keys = "p.ttfb_ns";
        break;
    case C::Lcp:
        keys = "p.lcp_ns";
        break;
    case C::Errors:
        keys = "p.error_count";
        break;
    case C::Backend:
        keys = "p.backend_ns";
        break;
    case C::Services:
        keys = "p.services";
        break;
    case C::Browser:
        keys = sortKeys ? "p.sort_browser" : "s.browser";
        break;
    case C::Country:
        keys = sortKeys ? "p.sort_country" : "s.country";
        break;
    case C::AppVersion:
        keys = sortKeys ? "p.sort_app_version" : "coalesce(s.app_version, v.version)";
        break;
    case C::Sources:
        keys = sortKeys ? std::string("p.sort_sources") : pageLoadSourcesSql("p.id");
        break;
    default:
        break;
    }
    // The id is the tie-breaker, in the same direction: (key, id) is the order of the key's index
    // scanned either way, and it keeps the order total, so a reversed result is the opposite query.
    const char* direction = descending ? " DESC" : "";
    std::string orderBy;
    std::size_t from = 0;
    while (!keys.empty() && from <= keys.size()) {
        const std::size_t bar = std::min(keys.find('|', from), keys.size());
        orderBy += keys.substr(from, bar - from) + direction + ", ";
        from = bar + 1;
    }
    return "SELECT p.id" + std::string(kJoins) + " WHERE " + where + " ORDER BY " + orderBy + "p.id" +
           direction;
}

void PageLoadTableLoader::loadPage(Statement& st, const PageRequest& request)
{
    using Row = PageLoadTableModel::Row;
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
            r.networkErrors = st.int64(13);
            if (!st.isNull(14))
                r.sources = qs(st.text(14));
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

} // namespace seam
