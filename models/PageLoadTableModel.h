#pragma once

#include "PageLoadFilter.h"

#include <QAbstractTableModel>
#include <QString>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace seam {

class PageLoadTableLoader;

/// The page loads of a cache as a sortable, filterable table that stays smooth with millions of rows.
///
/// How it pages: a filter or sort change runs one ordered scan of page-load ids (`SELECT p.id ...
/// WHERE <filter> ORDER BY <column>, p.id`) on a loader thread (PageLoadTableLoader) with its own
/// read-only connection. The
/// ids stream in (rowCount() grows in chunks; countFinished() says when it is exact) and give every
/// row a position, so any page of 256 rows is one primary-key lookup of its ids, wherever the view
/// scrolls: no OFFSET, no cost that grows with the depth of the row. The scan is also the count, done
/// once per filter/sort change. Loaded pages sit in a small LRU cache; data() of a row not loaded yet
/// returns nothing, asks for its page and dataChanged() follows when it arrives.
///
/// Every reset bumps a generation: the loader abandons (even mid-statement) work of older ones and
/// results that were already on their way are dropped on arrival.
class PageLoadTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Route,
        Url,
        Start,
        LoadTime,
        Ttfb,
        Lcp,
        Errors,
        Backend,
        Services,
        Browser,
        Country,
        AppVersion,
        Sources, // the formats that reported the page load (otel, datadog, faro, har)
        ColumnCount
    };
    enum Role
    {
        /// page_loads.id (qint64). Known for every row as soon as it is counted, loaded or not.
        PageLoadIdRole = Qt::UserRole + 1
    };
    static constexpr int kPageSize = 256;

    /// Opens its own read-only connection to the cache at `cachePath` (on the loader thread) and starts
    /// loading all page loads by start time.
    explicit PageLoadTableModel(const QString& cachePath, QObject* parent = nullptr);
    ~PageLoadTableModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    /// DisplayRole: formatted ("3.8 s", "120 ms", local time); Qt::UserRole: the raw value (ns, counts,
    /// text; invalid when unknown); PageLoadIdRole; ToolTipRole for URL and services; alignment.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Re-queries, ties broken by id in the same direction. Reversing the current order of a complete
    /// result reverses it in place. column -1: cache order (by id).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    /// Re-queries with `filter` (an invalid filter shows no rows; check isValid() before). The same
    /// filter text again is a no-op: refresh() re-runs the query.
    void setFilter(const PageLoadFilter& filter);
    const PageLoadFilter& filter() const { return m_filter; }
    /// Re-queries with only the page loads starting in [from, to) (ns since the epoch), as a bound
    /// `p.start_ns >= ? AND p.start_ns < ?` ANDed to the filter; nullopt: any time. The same range again
    /// is a no-op.
    void setTimeRange(std::optional<std::pair<qint64, qint64>> range);
    const std::optional<std::pair<qint64, qint64>>& timeRange() const { return m_timeRange; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    /// Runs the query again (e.g. after an import committed more page loads).
    void refresh();

    /// True while ids are still arriving: rowCount() only grows until countFinished().
    bool isCounting() const { return m_counting; }
    qint64 pageLoadIdAt(int row) const;
    /// The row showing page load `id`, or -1 when it is not in the (counted part of the) result.
    /// A linear search of the ids: about a millisecond per million rows.
    int rowOfPageLoad(qint64 id) const;

signals:
    /// The scan is done: rowCount() is exact for the current filter and sort.
    void countFinished(int rows);
    void queryFailed(const QString& message);

private:
    friend class PageLoadTableLoader; // builds rows and posts the callbacks below

    struct Row
    {
        qint64 id = 0;
        bool loaded = false; // false: the page load vanished between the scan and the page query
        QString route, url, startText, services, browser, country, appVersion;
        qint64 startNs = 0;
        std::optional<qint64> duration, ttfb, lcp, backend;
        qint64 errors = 0;        // JS + network
        qint64 networkErrors = 0; // failed calls (HTTP >= 500) and network error events
        QString sources;          // "otel,har"
    };
    struct Page
    {
        std::vector<Row> rows;
        quint64 lastUsed = 0;
    };

    void restart();
    const Row* rowAt(int row) const;
    void requestPage(int page) const;
    QVariant display(const Row& row, int column) const;
    QVariant raw(const Row& row, int column) const;

    // Called on the GUI thread with results posted by the loader.
    void idsArrived(quint64 generation, std::vector<qint64> ids, bool done);
    void pageArrived(quint64 generation, int page, std::shared_ptr<std::vector<Row>> rows);
    void pageDropped(quint64 generation, int page);
    void loaderFailed(quint64 generation, const QString& message);

    PageLoadFilter m_filter;
    std::optional<std::pair<qint64, qint64>> m_timeRange;
    int m_sortColumn = Start;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    quint64 m_generation = 0;
    bool m_counting = false;
    bool m_failed = false;     // m_ids may be a partial result
    std::vector<qint64> m_ids; // the result, in display order

    // The page cache, touched from const data(): it is a cache, not state a caller can observe.
    static constexpr std::size_t kCachedPages = 64;
    mutable std::unordered_map<int, Page> m_pages;
    mutable std::unordered_set<int> m_pending;
    mutable quint64 m_useClock = 0;

    std::unique_ptr<PageLoadTableLoader> m_loader; // last: its thread stops before the rest goes away
};

} // namespace seam
