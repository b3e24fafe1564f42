#pragma once

#include "PageLoadFilter.h"
#include "PageLoadTableModel.h"
#include "Sqlite.h"

#include <QtGlobal>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace seam {

/// The loader thread of a PageLoadTableModel: owns the read-only connection, runs the id scan in
/// slices and serves page requests (newest first) between them, posting results to the model.
///
/// Not a BackgroundLoader: those serve one latest request with one result, while the table streams a
/// scan's ids in chunks and serves many page requests while it runs. Same rules otherwise: work of an
/// older generation is abandoned (inside SQLite too) and its results are dropped by the model.
class PageLoadTableLoader
{
public:
    PageLoadTableLoader(PageLoadTableModel* model, std::string path);
    /// Interrupts a running statement and joins the thread.
    ~PageLoadTableLoader();
    PageLoadTableLoader(const PageLoadTableLoader&) = delete;
    PageLoadTableLoader& operator=(const PageLoadTableLoader&) = delete;

    /// Everything of older generations is abandoned; then the scan starts.
    /// Takes the condition as SQL and values only: nothing implicitly shared crosses the thread.
    void startScan(quint64 generation, std::string where, std::vector<PageLoadFilter::Value> values,
                   int column, bool descending);
    /// Abandons older generations without a new scan (the model reordered what it had).
    void setGeneration(quint64 generation);
    void requestPage(quint64 generation, int page, std::vector<qint64> ids);

    /// The ordered id scan: `SELECT p.id ... WHERE <where> ORDER BY <column's key>, p.id`, ties broken by
    /// id in the sort's direction. With `sortKeys` (a v4 cache) every column's key has an index (the
    /// session's and the reports' values through page_loads.sort_*), so no sort runs before the first
    /// row; without (an older cache read as it is) the keys are the joined columns themselves.
    static std::string scanSql(const std::string& where, int column, bool descending, bool sortKeys);

private:
    struct ScanRequest
    {
        quint64 generation = 0;
        std::string where;
        std::vector<PageLoadFilter::Value> values;
        int column = 0;
        bool descending = false;
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

    template<typename F> void post(F&& f);
    bool isStale(quint64 generation) const { return generation != m_generation.load(); }
    static int progress(void* self);

    void run();
    std::optional<Scan> startScan(Database& db, ScanRequest&& request);
    /// Steps the scan by one slice; false when it is finished, failed or abandoned.
    bool continueScan(Scan& scan);
    void loadPage(Statement& st, const PageRequest& request);

    PageLoadTableModel* const m_model;
    const std::string m_path;
    std::thread m_thread;
    bool m_sortKeys = false; // loader thread only: the cache has page_loads.sort_*

    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::optional<ScanRequest> m_scanRequest;
    std::deque<PageRequest> m_pageRequests;

    std::atomic<quint64> m_generation{0}; // the newest generation the model asked for
    std::atomic<quint64> m_running{0};    // the generation of the statement being stepped
};

} // namespace seam
