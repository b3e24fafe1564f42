#include "ErrorListModel.h"

#include "Format.h"
#include "ModelRoles.h"
#include "QtText.h"
#include "SpanDetails.h"
#include "Sqlite.h"
#include "Store.h"

#include <algorithm>

namespace seam {
namespace {

QString textOrEmpty(const Statement& st, int col)
{
    return st.isNull(col) ? QString() : qs(st.text(col));
}

/// Steps `st` (bound with its LIMIT at kCap + 1) into `out`; returns true when the cap was hit.
template<typename Read> bool readCapped(Statement& st, std::vector<ErrorEntry>& out, Read read)
{
    int n = 0;
    while (st.step()) {
        if (++n > ErrorList::kCap)
            return true;
        out.push_back(read(st));
    }
    return false;
}

ErrorEntry jsError(const Statement& st)
{
    // e.page_load_id, e.time_ns, e.type, e.message, e.source, e.resource_url, e.resource_status, page
    ErrorEntry e;
    e.kind = ErrorEntry::Kind::JsError;
    e.pageLoadId = st.isNull(0) ? 0 : st.int64(0);
    e.timeNs = st.int64(1);
    e.what = textOrEmpty(st, 2);
    if (e.what.isEmpty())
        e.what = textOrEmpty(st, 4);
    e.message = textOrEmpty(st, 3);
    const QString resourceUrl = textOrEmpty(st, 5);
    if (!resourceUrl.isEmpty()) {
        const qint64 status = st.isNull(6) ? 0 : st.int64(6);
        const QString request = status > 0
                                    ? QStringLiteral("%1 → %2").arg(resourceUrl, QString::number(status))
                                    : QStringLiteral("%1 → network error").arg(resourceUrl);
        e.message =
            e.message.isEmpty() ? request : e.message + QStringLiteral(" (") + request + QLatin1Char(')');
    }
    e.where = textOrEmpty(st, 7);
    return e;
}

constexpr const char* kJsErrorColumns =
    "SELECT e.page_load_id, e.time_ns, e.type, e.message, e.source, e.resource_url, e.resource_status, "
    "coalesce(p.route, p.url) FROM rum_errors e LEFT JOIN page_loads p ON p.id = e.page_load_id ";

} // namespace

ErrorList ErrorList::load(Database& db, qint64 pageLoadId, const std::vector<qint64>& traceRowIds)
{
    ErrorList list;
    list.pageLoadId = pageLoadId;
    if (pageLoadId == 0)
        return list;
    qint64 sessionId = 0;
    {
        auto st = db.prepare("SELECT start_ns, session_id FROM page_loads WHERE id = ?1");
        st.bind(1, pageLoadId);
        if (!st.step()) {
            list.pageLoadId = 0; // gone from the cache
            return list;
        }
        list.pageLoadStartNs = st.int64(0);
        sessionId = st.isNull(1) ? 0 : st.int64(1);
    }
    std::vector<ErrorEntry>& out = list.entries;

    // The page load's own errors (rum_errors_by_page_load).
    {
        auto st = db.prepare(std::string(kJsErrorColumns) +
                             "WHERE e.page_load_id = ?1 ORDER BY e.time_ns LIMIT ?2");
        st.bind(1, pageLoadId).bind(2, kCap + 1);
        if (readCapped(st, out, jsError)) {
            auto count = db.prepare("SELECT count(*) FROM rum_errors WHERE page_load_id = ?1");
            count.bind(1, pageLoadId);
            count.step();
            list.more += count.int64(0) - kCap;
        }
    }
    // The session's errors in the minutes before it, from other page loads (rum_errors_by_session):
    // what the user ran into on the way here.
    if (sessionId != 0) {
        auto st = db.prepare(std::string(kJsErrorColumns) +
                             "WHERE e.session_id = ?1 AND e.time_ns >= ?2 AND e.time_ns < ?3 "
                             "AND e.page_load_id IS NOT ?4 ORDER BY e.time_ns DESC LIMIT ?5");
        st.bind(1, sessionId)
            .bind(2, list.pageLoadStartNs - kSessionLookbackNs)
            .bind(3, list.pageLoadStartNs)
            .bind(4, pageLoadId)
            .bind(5, kCap + 1);
        if (readCapped(st, out, jsError))
            ++list.more; // at least one: counting them all is not worth a second range scan
    }
    // Failed backend spans of the traces: the primary key's (trace) prefix, status checked per row.
    {
        auto st = db.prepare(
            "SELECT sp.span_id, sp.start_ns, v.name, o.name, pl.status_message, span_events(pl.events) "
            "FROM spans sp LEFT JOIN services v ON v.id = sp.service_id "
            "LEFT JOIN operations o ON o.id = sp.operation_id LEFT JOIN span_payloads pl ON "
            "pl.id = sp.payload "
            "WHERE sp.trace = ?1 AND sp.status_code = 2 AND coalesce(v.is_browser, 0) = 0 "
            "ORDER BY sp.start_ns LIMIT ?2");
        for (const qint64 trace : traceRowIds) {
            st.reset();
            st.bind(1, trace).bind(2, kCap + 1);
            if (readCapped(st, out, [trace](const Statement& row) {
                    ErrorEntry e;
                    e.kind = ErrorEntry::Kind::ErrorSpan;
                    e.traceRowId = trace;
                    e.spanId = row.int64(0);
                    e.timeNs = row.int64(1);
                    e.where = textOrEmpty(row, 2);
                    e.what = textOrEmpty(row, 3);
                    e.message = textOrEmpty(row, 4);
                    if (!row.isNull(5)) {
                        // The exception recorded on the span says more than an empty status message.
                        for (const SpanEventDetail& ev : SpanDetails::parseEvents(row.text(5), e.timeNs)) {
                            if (!ev.isException)
                                continue;
                            const QString exception =
                                ev.exceptionType.isEmpty() ? ev.exceptionMessage
                                : ev.exceptionMessage.isEmpty()
                                    ? ev.exceptionType
                                    : ev.exceptionType + QStringLiteral(": ") + ev.exceptionMessage;
                            if (e.message.isEmpty())
                                e.message = exception;
                            else if (!exception.isEmpty() && !e.message.contains(ev.exceptionMessage))
                                e.message += QStringLiteral(" (") + exception + QLatin1Char(')');
                            break;
                        }
                    }
                    return e;
                }))
                ++list.more;
        }
    }
    // Error logs of the traces (logs_by_trace).
    {
        auto st = db.prepare("SELECT l.time_ns, l.span_id, l.severity_text, l.severity, l.body, v.name "
                             "FROM logs l LEFT JOIN services v ON v.id = l.service_id "
                             "WHERE l.trace = ?1 AND l.severity >= 17 ORDER BY l.time_ns LIMIT ?2");
        for (const qint64 trace : traceRowIds) {
            st.reset();
            st.bind(1, trace).bind(2, kCap + 1);
            if (readCapped(st, out, [trace](const Statement& row) {
                    ErrorEntry e;
                    e.kind = ErrorEntry::Kind::ErrorLog;
                    e.traceRowId = trace;
                    e.timeNs = row.int64(0);
                    e.spanId = row.isNull(1) ? 0 : row.int64(1);
                    e.what = textOrEmpty(row, 2);
                    if (e.what.isEmpty())
                        e.what = row.int64(3) >= 21 ? QStringLiteral("FATAL") : QStringLiteral("ERROR");
                    e.message = textOrEmpty(row, 4);
                    e.where = textOrEmpty(row, 5);
                    return e;
                }))
                ++list.more;
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const ErrorEntry& a, const ErrorEntry& b) { return a.timeNs < b.timeNs; });
    if (out.size() > std::size_t(kCap)) {
        list.more += qint64(out.size()) - kCap;
        out.resize(std::size_t(kCap));
    }
    return list;
}

ErrorListModel::ErrorListModel(const QString& cachePath, Investigation* investigation, QObject* parent)
    : QAbstractTableModel(parent), m_investigation(investigation),
      m_list(std::make_shared<const ErrorList>()), m_loader(new ErrorListLoader(cachePath, this))
{
    m_loader->onLoaded(this, [this](std::shared_ptr<const ErrorList> list) { show(std::move(list)); });
    connect(m_loader, &ErrorListLoader::failed, this, &ErrorListModel::failed);
    if (investigation) {
        connect(investigation, &Investigation::changed, this, &ErrorListModel::investigationChanged);
        if (investigation->selectedPageLoad() != 0)
            load(investigation->selectedPageLoad(), investigation->selectedTraces());
    }
}

ErrorListModel::~ErrorListModel() = default;

void ErrorListModel::investigationChanged(Investigation::Changes changes)
{
    if (!(changes & (Investigation::PageLoadChanged | Investigation::TracesChanged)))
        return;
    // The traces follow the page load a moment later: the page's own errors show at once, the
    // backend's join them when the traces are known.
    load(m_investigation->selectedPageLoad(), m_investigation->selectedTraces());
}

void ErrorListModel::load(qint64 pageLoadId, std::vector<qint64> traceRowIds)
{
    if (pageLoadId == 0) {
        m_loader->cancel();
        show(std::make_shared<const ErrorList>());
        return;
    }
    m_loader->load(ErrorListRequest{pageLoadId, std::move(traceRowIds)});
}

void ErrorListModel::show(std::shared_ptr<const ErrorList> list)
{
    beginResetModel();
    m_list = std::move(list);
    endResetModel();
    emit loaded();
}

int ErrorListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_list->entries.size());
}

int ErrorListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ErrorListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ErrorEntry& e = m_list->entries[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return formatOffset(e.timeNs - m_list->pageLoadStartNs);
        case SideColumn:
            return e.isBackend() ? tr("backend") : tr("browser");
        case WhereColumn:
            return e.where;
        case WhatColumn:
            return e.what;
        case MessageColumn: {
            // One line: a stack or multi-line log body continues in the tooltip.
            const qsizetype newline = e.message.indexOf(QLatin1Char('\n'));
            return newline < 0 ? e.message : e.message.left(newline) + QStringLiteral(" …");
        }
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn || index.column() == WhereColumn || index.column() == WhatColumn)
            return index.column() == MessageColumn ? e.message
                   : index.column() == WhereColumn ? e.where
                                                   : e.what;
        if (index.column() == SideColumn)
            return e.kind == ErrorEntry::Kind::JsError ? tr("JavaScript or network error seen by the browser")
                   : e.kind == ErrorEntry::Kind::ErrorSpan ? tr("Backend span with status error")
                                                           : tr("Backend log of severity ERROR or worse");
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == TimeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RawValueRole: // the CSV export: the offset in ns, the whole message
        if (index.column() == TimeColumn)
            return e.timeNs - m_list->pageLoadStartNs;
        if (index.column() == MessageColumn)
            return e.message;
        return {};
    case TimeNsRole:
        return e.timeNs;
    case IsBackendRole:
        return e.isBackend();
    case IsErrorSpanRole:
        return e.kind == ErrorEntry::Kind::ErrorSpan;
    }
    return {};
}

QVariant ErrorListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case SideColumn:
        return tr("Side");
    case WhereColumn:
        return tr("Where");
    case WhatColumn:
        return tr("What");
    case MessageColumn:
        return tr("Message");
    }
    return {};
}

void ErrorListModel::activate(int row)
{
    if (!m_investigation || row < 0 || row >= rowCount())
        return;
    const ErrorEntry e = m_list->entries[std::size_t(row)];
    if (e.isBackend()) {
        // Its trace is one of the selected page load's: stay on it, select the span.
        if (e.spanId != 0 && m_investigation->selectedPageLoad() == m_list->pageLoadId)
            m_investigation->selectSpan(e.spanId);
    } else if (e.pageLoadId != 0) {
        m_investigation->navigate({e.pageLoadId, 0, 0});
    }
}

} // namespace seam
