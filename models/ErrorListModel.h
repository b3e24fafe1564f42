#pragma once

#include "BackgroundLoader.h"
#include "Investigation.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QString>
#include <memory>
#include <string>
#include <vector>

namespace seam {

class Database;

/// One error around the selection: a JavaScript / network error the browser saw, a backend span
/// that failed (status error) or a backend log of severity ERROR or worse.
struct ErrorEntry
{
    enum class Kind
    {
        JsError,
        ErrorSpan,
        ErrorLog,
    };
    Kind kind = Kind::JsError;
    qint64 timeNs = 0;
    QString where;         ///< the page's route (or URL) for browser errors, the service for backend ones
    QString what;          ///< the error type, or the span's operation, or the log's severity
    QString message;       ///< full text; views elide it
    qint64 pageLoadId = 0; ///< browser errors: their page load (0: none known)
    qint64 traceRowId = 0; ///< backend errors: traces.id
    qint64 spanId = 0;     ///< backend errors: the failed span / the span the log belongs to (0: none)

    bool isBackend() const { return kind != Kind::JsError; }
};

/// What an ErrorList is read for.
struct ErrorListRequest
{
    qint64 pageLoadId = 0;
    std::vector<qint64> traceRowIds;

    friend bool operator==(const ErrorListRequest&, const ErrorListRequest&) = default;
};

/// Everything the error list shows for one page load, in time order.
struct ErrorList
{
    qint64 pageLoadId = 0;
    qint64 pageLoadStartNs = 0;
    std::vector<ErrorEntry> entries;
    /// Errors left out: each source is capped at kCap rows, and the merged list at kCap too.
    qint64 more = 0;

    static constexpr int kCap = 500;
    /// How far before the page load the session's earlier JavaScript errors are shown.
    static constexpr qint64 kSessionLookbackNs = 5LL * 60 * 1'000'000'000;

    /// The page load's JavaScript errors and its session's during kSessionLookbackNs before it,
    /// the failed spans and error logs (severity >= 17) of `traceRowIds`. Index seeks only
    /// (rum_errors_by_page_load / _by_session, spans' primary key, logs_by_trace). Throws SqliteError.
    static ErrorList load(Database& db, qint64 pageLoadId, const std::vector<qint64>& traceRowIds);
    static ErrorList load(Database& db, const ErrorListRequest& request)
    {
        return load(db, request.pageLoadId, request.traceRowIds);
    }
};

/// Reads an ErrorList off the GUI thread (ErrorListRequest{} cancels).
using ErrorListLoader = BackgroundLoader<ErrorList, ErrorListRequest>;

/// "Errors around the selection" as a table: time (relative to the page load's start), side
/// (browser / backend), where, what, message. Follows an Investigation: reloads on a worker thread
/// (own read-only connection, stale results dropped) when the page load or its traces change, and
/// navigates it when a row is activated.
class ErrorListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        TimeColumn,
        SideColumn,
        WhereColumn,
        WhatColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        TimeNsRole = Qt::UserRole + 1, ///< qint64 ns since the epoch
        IsBackendRole,                 ///< bool
        IsErrorSpanRole,               ///< bool: activating the row selects a span
    };

    /// `investigation` may be null (then load() is driven by hand and activate() only navigates nothing).
    ErrorListModel(const QString& cachePath, Investigation* investigation, QObject* parent = nullptr);
    ~ErrorListModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Loads the errors around `pageLoadId` and `traceRowIds` (0: empties the list).
    void load(qint64 pageLoadId, std::vector<qint64> traceRowIds);
    bool isLoading() const { return m_loader->isLoading(); }

    const ErrorEntry& entry(int row) const { return m_list->entries[std::size_t(row)]; }
    qint64 pageLoadId() const { return m_list->pageLoadId; }
    /// Errors not shown (beyond the cap).
    qint64 moreCount() const { return m_list->more; }

    /// What activating `row` does: a backend row with a span selects that span (its trace belongs to
    /// the selected page load); a browser error goes to its page load.
    void activate(int row);

signals:
    /// A new list is shown (after a reload); the panel updates its header.
    void loaded();
    void failed(const QString& message);

private:
    void investigationChanged(Investigation::Changes changes);
    void show(std::shared_ptr<const ErrorList> list);

    QPointer<Investigation> m_investigation;
    std::shared_ptr<const ErrorList> m_list;
    ErrorListLoader* m_loader; // a child: its thread stops when QObject deletes it
};

} // namespace seam
