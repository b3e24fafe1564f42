#pragma once

#include <QFlags>
#include <QObject>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace seam {

/// The focus of an investigation: what every view shows and what every view may change. Views never
/// call each other; they observe this object and write to it, which is what links them (KCachegrind's
/// TraceItemView, Hotspot's filter-and-zoom stack).
///
/// One signal, changed(), carries a bitmask of what changed, so a view that shows several properties
/// updates once per user action. A setter given the current value changes nothing and emits nothing.
///
/// Selections (a page load, a span in it) are kept in a back/forward history like a browser's: a new
/// selection after going back drops the forward entries, and the same selection twice in a row is one
/// entry. The time range, filter and traces are not history: they follow from the selection or are
/// edited in place.
class Investigation : public QObject
{
    Q_OBJECT

public:
    enum Change
    {
        TimeRangeChanged = 0x01,
        FilterChanged = 0x02,
        PageLoadChanged = 0x04,
        TracesChanged = 0x08,
        SpanChanged = 0x10,
        HistoryChanged = 0x20, ///< canGoBack() or canGoForward() may differ
        ResourceChanged = 0x40,
        PinnedCausesChanged = 0x80,
    };
    Q_DECLARE_FLAGS(Changes, Change)
    Q_FLAG(Changes)

    struct TimeRange
    {
        qint64 from = 0; ///< ns since the epoch
        qint64 to = 0;
        friend bool operator==(const TimeRange&, const TimeRange&) = default;
    };

    /// One history entry. 0 means none for any id.
    struct Selection
    {
        qint64 pageLoad = 0; ///< page_loads.id
        qint64 resource = 0; ///< resources.id of a resource of that page load
        qint64 span = 0;     ///< span id within the page load's backend traces
        friend bool operator==(const Selection&, const Selection&) = default;
    };

    /// Older entries are forgotten beyond this: a long session must not grow without bound.
    static constexpr int kMaxHistory = 200;

    explicit Investigation(QObject* parent = nullptr);

    const std::optional<TimeRange>& timeRange() const { return m_timeRange; }
    const QString& filterText() const { return m_filterText; }
    /// page_loads.id, 0 when none.
    qint64 selectedPageLoad() const { return m_selection.pageLoad; }
    /// traces.id of the selected page load's backend traces, as the loader found them.
    const std::vector<qint64>& selectedTraces() const { return m_traces; }
    /// resources.id of the selected resource (a fetch, script, the document) of the page load, 0 when none.
    qint64 selectedResource() const { return m_selection.resource; }
    /// Span id within selectedTraces(), 0 when none.
    qint64 selectedSpan() const { return m_selection.span; }
    const Selection& selection() const { return m_selection; }

    void setTimeRange(std::optional<TimeRange> range);
    void setFilterText(const QString& text);
    /// Selects a page load (0: none), clears the resource, the span and the traces (they belong to the
    /// old one) and records the selection in the history.
    void selectPageLoad(qint64 pageLoadId);
    /// Goes to a whole selection in one history step: what a view that lists things from many page
    /// loads (the session journey, the error list) does when one is clicked.
    void navigate(Selection selection);
    /// Set by whoever resolved the selected page load's traces; not history.
    void setSelectedTraces(std::vector<qint64> traceRowIds);
    /// Selects a resource of the current page load (0: none) and, with it, the backend span that served
    /// it (0: none); records it in the history.
    void selectResource(qint64 resourceId, qint64 spanId = 0);
    /// Selects a span of the current page load (0: none), keeping the resource, and records it in the
    /// history.
    void selectSpan(qint64 spanId);

    /// Causes the user pinned while reviewing (their text as the "Why?" pane shows it), in pin order.
    /// Saved with the investigation (InvestigationState); not history.
    const QStringList& pinnedCauses() const { return m_pinnedCauses; }
    void setPinnedCauses(const QStringList& causes);
    /// Adds `cause` at the end unless it is pinned already.
    void pinCause(const QString& cause);
    void unpinCause(const QString& cause);

    /// Puts back a saved history and shows its entry `index` (clamped into range; -1 or an empty
    /// history: no selection), in one changed() signal: reopening an investigation, not navigating.
    void restoreHistory(std::vector<Selection> history, int index);

    bool canGoBack() const { return m_current > 0; }
    bool canGoForward() const { return m_current + 1 < int(m_history.size()); }
    /// The recorded selections, oldest first, and the index of the current one (-1: none yet).
    const std::vector<Selection>& history() const { return m_history; }
    int historyIndex() const { return m_current; }

public slots:
    void goBack();
    void goForward();

signals:
    void changed(seam::Investigation::Changes changes);

private:
    /// Applies `selection` and, if `record`, appends it to the history. Emits once.
    void apply(Selection selection, bool record);
    void goTo(int index);

    std::optional<TimeRange> m_timeRange;
    QString m_filterText;
    Selection m_selection;
    std::vector<qint64> m_traces;
    std::vector<Selection> m_history;
    QStringList m_pinnedCauses;
    int m_current = -1; // index into m_history of the shown selection; -1 before the first one
};

} // namespace seam

Q_DECLARE_OPERATORS_FOR_FLAGS(seam::Investigation::Changes)
