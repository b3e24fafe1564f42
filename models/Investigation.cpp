#include "Investigation.h"

#include <algorithm>

namespace seam {

Investigation::Investigation(QObject* parent) : QObject(parent) {}

void Investigation::setTimeRange(std::optional<TimeRange> range)
{
    if (range == m_timeRange)
        return;
    m_timeRange = range;
    emit changed(TimeRangeChanged);
}

void Investigation::setFilterText(const QString& text)
{
    if (text == m_filterText)
        return;
    m_filterText = text;
    emit changed(FilterChanged);
}

void Investigation::selectPageLoad(qint64 pageLoadId)
{
    if (pageLoadId == m_selection.pageLoad)
        return;
    apply({pageLoadId, 0, 0}, true);
}

void Investigation::navigate(Selection selection)
{
    if (selection == m_selection)
        return;
    apply(selection, true);
}

void Investigation::selectResource(qint64 resourceId, qint64 spanId)
{
    if (resourceId == m_selection.resource && spanId == m_selection.span)
        return;
    apply({m_selection.pageLoad, resourceId, spanId}, true);
}

void Investigation::setSelectedTraces(std::vector<qint64> traceRowIds)
{
    if (traceRowIds == m_traces)
        return;
    m_traces = std::move(traceRowIds);
    emit changed(TracesChanged);
}

void Investigation::selectSpan(qint64 spanId)
{
    if (spanId == m_selection.span)
        return;
    apply({m_selection.pageLoad, m_selection.resource, spanId}, true);
}

void Investigation::setPinnedCauses(const QStringList& causes)
{
    if (causes == m_pinnedCauses)
        return;
    m_pinnedCauses = causes;
    emit changed(PinnedCausesChanged);
}

void Investigation::pinCause(const QString& cause)
{
    if (!m_pinnedCauses.contains(cause))
        setPinnedCauses(m_pinnedCauses + QStringList{cause});
}

void Investigation::unpinCause(const QString& cause)
{
    QStringList causes = m_pinnedCauses;
    causes.removeAll(cause);
    setPinnedCauses(causes);
}

void Investigation::restoreHistory(std::vector<Selection> history, int index)
{
    if (int(history.size()) > kMaxHistory)
        history.erase(history.begin(), history.end() - kMaxHistory);
    m_history = std::move(history);
    if (m_history.empty()) {
        m_current = -1;
        apply({}, false);
        return;
    }
    m_current = std::clamp(index, 0, int(m_history.size()) - 1);
    apply(m_history[std::size_t(m_current)], false);
}

void Investigation::goBack()
{
    if (canGoBack())
        goTo(m_current - 1);
}

void Investigation::goForward()
{
    if (canGoForward())
        goTo(m_current + 1);
}

void Investigation::goTo(int index)
{
    m_current = index;
    apply(m_history[std::size_t(index)], false);
}

void Investigation::apply(Selection selection, bool record)
{
    Changes changes;
    if (selection.pageLoad != m_selection.pageLoad) {
        changes |= PageLoadChanged;
        // The traces were resolved for the old page load: stale until the loader answers again.
        if (!m_traces.empty()) {
            m_traces.clear();
            changes |= TracesChanged;
        }
    }
    if (selection.resource != m_selection.resource)
        changes |= ResourceChanged;
    if (selection.span != m_selection.span)
        changes |= SpanChanged;
    m_selection = selection;

    if (record) {
        const bool couldGoBack = canGoBack(), couldGoForward = canGoForward();
        // Going somewhere new from the middle of the history forgets the way forward, as browsers do.
        m_history.erase(m_history.begin() + (m_current + 1), m_history.end());
        if (m_history.empty() || m_history.back() != selection)
            m_history.push_back(selection);
        if (int(m_history.size()) > kMaxHistory)
            m_history.erase(m_history.begin());
        m_current = int(m_history.size()) - 1;
        if (couldGoBack != canGoBack() || couldGoForward != canGoForward())
            changes |= HistoryChanged;
    } else {
        changes |= HistoryChanged; // moving through the history always moves one of the ends
    }
    if (changes)
        emit changed(changes);
}

} // namespace seam
