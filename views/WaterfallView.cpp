#include "WaterfallView.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QScrollBar>
#include <QToolTip>
#include <QUrl>
#include <algorithm>
#include <unordered_map>

namespace seam {
namespace {

constexpr int kMarginPx = 8;         // right of the time axis, so the last bar's end stays visible
constexpr int kMaxLabelPx = 360;     // the label column never takes more than this...
constexpr double kLabelShare = 0.38; // ...nor more than this share of the width

} // namespace

WaterfallView::WaterfallView(QWidget* parent) : QAbstractScrollArea(parent)
{
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    updateColours();
}

WaterfallView::~WaterfallView() = default;

void WaterfallView::setData(std::shared_ptr<const WaterfallData> data)
{
    m_data = std::move(data);
    m_selected = -1;
    m_pageHost = m_data ? QUrl(m_data->url).host() : QString();
    m_viewStart = m_data ? m_data->start : 0;
    m_viewEnd = m_data ? std::max(m_data->start + 1, m_data->ownEnd()) : 1;
    rebuildRows();
    verticalScrollBar()->setValue(0);
    updateScrollBar();
    viewport()->update();
}

void WaterfallView::rebuildRows()
{
    m_rows.clear();
    if (!m_data)
        return;
    for (int i = 0; i < int(m_data->resources.size()); ++i) {
        m_rows.push_back({RowKind::Resource, i, -1});
        const WaterfallResource& r = m_data->resources[std::size_t(i)];
        for (int s = 0; s < int(r.spans.size()); ++s)
            m_rows.push_back({RowKind::Span, i, s});
    }
    if (!m_data->longTasks.empty())
        m_rows.push_back({RowKind::LongTasks});
    if (!m_data->errors.empty())
        m_rows.push_back({RowKind::Errors});
    // Which rows the critical path passes through: a resource's own phases, a span's own time.
    m_criticalByRow.assign(m_rows.size(), {});
    std::unordered_map<qint64, int> rowOfSpanId;
    std::unordered_map<int, int> rowOfResourceIndex;
    for (int i = 0; i < int(m_rows.size()); ++i) {
        const Row& row = m_rows[std::size_t(i)];
        if (row.kind == RowKind::Resource)
            rowOfResourceIndex.emplace(row.resource, i);
        else if (row.kind == RowKind::Span)
            rowOfSpanId.emplace(
                m_data->resources[std::size_t(row.resource)].spans[std::size_t(row.span)].spanId, i);
    }
    for (int i = 0; i < int(m_data->criticalPath.size()); ++i) {
        const WaterfallCriticalSegment& s = m_data->criticalPath[std::size_t(i)];
        int row = -1;
        if (s.spanId != 0) {
            const auto it = rowOfSpanId.find(s.spanId);
            row = it != rowOfSpanId.end() ? it->second : -1;
        } else if (s.resource >= 0) {
            const auto it = rowOfResourceIndex.find(s.resource);
            row = it != rowOfResourceIndex.end() ? it->second : -1;
        }
        if (row >= 0)
            m_criticalByRow[std::size_t(row)].push_back(i);
    }
}

bool WaterfallView::isRowOnCriticalPath(int row) const
{
    return row >= 0 && row < int(m_criticalByRow.size()) && !m_criticalByRow[std::size_t(row)].empty();
}

void WaterfallView::setCriticalPathShown(bool shown)
{
    if (m_showCritical == shown)
        return;
    m_showCritical = shown;
    updateScrollBar();
    viewport()->update();
}

int WaterfallView::rowHeight() const
{
    return fontMetrics().height() + 6;
}

int WaterfallView::labelWidth() const
{
    return std::min(kMaxLabelPx, int(viewport()->width() * kLabelShare));
}

QRect WaterfallView::timelineRect() const
{
    const int left = labelWidth() + 4;
    return QRect(left, 0, std::max(1, viewport()->width() - left - kMarginPx), viewport()->height());
}

QRect WaterfallView::rowRect(int row) const
{
    return QRect(0, rulerHeight() + row * rowHeight() - verticalScrollBar()->value(), viewport()->width(),
                 rowHeight());
}

int WaterfallView::rowAt(QPoint pos) const
{
    const int y = pos.y() - rulerHeight();
    if (y < 0)
        return -1;
    const int row = (y + verticalScrollBar()->value()) / rowHeight();
    return row < rowCount() ? row : -1;
}

int WaterfallView::rowOfResource(qint64 resourceId) const
{
    for (int i = 0; i < rowCount(); ++i) {
        const Row& row = m_rows[std::size_t(i)];
        if (row.kind == RowKind::Resource && m_data->resources[std::size_t(row.resource)].id == resourceId)
            return i;
    }
    return -1;
}

int WaterfallView::rowOfSpan(qint64 spanId) const
{
    for (int i = 0; i < rowCount(); ++i) {
        const Row& row = m_rows[std::size_t(i)];
        if (row.kind == RowKind::Span &&
            m_data->resources[std::size_t(row.resource)].spans[std::size_t(row.span)].spanId == spanId)
            return i;
    }
    return -1;
}

void WaterfallView::selectSpan(qint64 spanId)
{
    if (!m_data)
        return;
    if (m_selected >= 0) {
        const Row& current = m_rows[std::size_t(m_selected)];
        if (current.kind == RowKind::Resource &&
            m_data->resources[std::size_t(current.resource)].entrySpanId == spanId && spanId != 0)
            return;
    }
    const int row = spanId != 0 ? rowOfSpan(spanId) : -1;
    select(row, false);
}

void WaterfallView::selectResource(qint64 resourceId)
{
    if (!m_data)
        return;
    if (resourceId != 0) {
        select(rowOfResource(resourceId), false);
    } else if (m_selected >= 0 && m_rows[std::size_t(m_selected)].kind == RowKind::Resource) {
        select(-1, false);
    }
}

void WaterfallView::select(int row, bool notify)
{
    if (row >= 0)
        ensureVisible(row);
    if (row != m_selected) {
        m_selected = row;
        viewport()->update();
    }
    if (!notify || row < 0)
        return;
    const Row& r = m_rows[std::size_t(row)];
    const WaterfallResource& resource = m_data->resources[std::size_t(std::max(0, r.resource))];
    if (r.kind == RowKind::Resource)
        emit resourceSelected(resource.id, resource.traceRowId);
    else if (r.kind == RowKind::Span)
        emit spanSelected(resource.spans[std::size_t(r.span)].spanId);
}

void WaterfallView::ensureVisible(int row)
{
    const int top = row * rowHeight();
    const int visible = viewport()->height() - rulerHeight();
    QScrollBar* bar = verticalScrollBar();
    if (top < bar->value())
        bar->setValue(top);
    else if (top + rowHeight() > bar->value() + visible)
        bar->setValue(top + rowHeight() - visible);
}

void WaterfallView::updateScrollBar()
{
    const int visible = std::max(0, viewport()->height() - rulerHeight());
    verticalScrollBar()->setRange(0, std::max(0, rowCount() * rowHeight() - visible));
    verticalScrollBar()->setPageStep(visible);
    verticalScrollBar()->setSingleStep(rowHeight());
}

void WaterfallView::updateColours()
{
    m_darkPalette = palette().color(QPalette::Base).lightness() < 128;
    m_serviceColours.clear();
    viewport()->update();
}

void WaterfallView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBar();
}

void WaterfallView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        updateColours();
    else if (event->type() == QEvent::FontChange)
        updateScrollBar();
    QAbstractScrollArea::changeEvent(event);
}

bool WaterfallView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = rowAt(help->pos());
        QString text = row >= 0 ? toolTipFor(row, help->pos().x()) : QString();
        if (criticalStripRect().adjusted(0, -2, 0, 2).contains(help->pos()))
            text = criticalToolTip(help->pos().x());
        else if (laterIndicatorRect().contains(help->pos()))
            text = tr("Calls after the page load's own extent: click to show everything");
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport(), row >= 0 ? rowRect(row) : QRect());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void WaterfallView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !m_data) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    if (laterIndicatorRect().contains(event->position().toPoint())) {
        showAll();
        return;
    }
    const int row = rowAt(event->position().toPoint());
    if (row >= 0)
        select(row, true);
}

void WaterfallView::mouseReleaseEvent(QMouseEvent* event)
{
    // The press selected; the release of that click is ours too, not the parent's.
    event->setAccepted(event->button() == Qt::LeftButton && m_data);
}

void WaterfallView::keyPressEvent(QKeyEvent* event)
{
    if (m_data && rowCount() > 0 && (event->key() == Qt::Key_Up || event->key() == Qt::Key_Down)) {
        const int step = event->key() == Qt::Key_Up ? -1 : 1;
        select(std::clamp(m_selected < 0 ? 0 : m_selected + step, 0, rowCount() - 1), true);
        return;
    }
    if (axisKey(event))
        return;
    QAbstractScrollArea::keyPressEvent(event);
}

void WaterfallView::setNotedItems(const QSet<qint64>& resources, const QSet<qint64>& spans)
{
    m_notedResources = resources;
    m_notedSpans = spans;
    viewport()->update();
}

bool WaterfallView::isNoted(int row) const
{
    if (row < 0 || row >= rowCount() || !m_data)
        return false;
    const Row& r = m_rows[std::size_t(row)];
    const WaterfallResource* resource =
        r.resource >= 0 ? &m_data->resources[std::size_t(r.resource)] : nullptr;
    if (r.kind == RowKind::Resource)
        return m_notedResources.contains(resource->id);
    if (r.kind == RowKind::Span)
        return m_notedSpans.contains(resource->spans[std::size_t(r.span)].spanId);
    return false;
}

} // namespace seam
