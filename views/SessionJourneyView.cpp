#include "SessionJourneyView.h"

#include "Format.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>

namespace seam {
namespace {

constexpr int kMarginPx = 6;      // around the strip
constexpr int kGapPx = 6;         // between page view segments
constexpr int kPadPx = 6;         // inside a segment, left and right of its text and glyphs
constexpr int kMinSegmentPx = 96; // a page view is never narrower than this: its route stays readable
constexpr int kGlyphGapPx = 3;    // between two glyphs

using Kind = JourneyStep::Kind;

QString clock(qint64 ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("HH:mm:ss.zzz"));
}

QColor mix(const QColor& a, const QColor& b, double share) // share of b
{
    return QColor::fromRgbF(float(a.redF() * (1 - share) + b.redF() * share),
                            float(a.greenF() * (1 - share) + b.greenF() * share),
                            float(a.blueF() * (1 - share) + b.blueF() * share));
}

} // namespace

SessionJourneyView::SessionJourneyView(QWidget* parent) : QAbstractScrollArea(parent)
{
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setFocusPolicy(Qt::StrongFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    viewport()->setMouseTracking(true);
    updateColours();
}

SessionJourneyView::~SessionJourneyView() = default;

void SessionJourneyView::setJourney(std::shared_ptr<const SessionJourney> journey)
{
    m_journey = std::move(journey);
    m_current = -1;
    m_highlightedPageLoad = 0;
    m_highlightedResource = 0;
    horizontalScrollBar()->setValue(0);
    relayout();
    viewport()->update();
}

int SessionJourneyView::glyphSize() const
{
    return std::max(10, fontMetrics().height() * 3 / 4);
}

int SessionJourneyView::boxHeight() const
{
    return 2 * fontMetrics().height() + 10;
}

int SessionJourneyView::contentHeight() const
{
    return kMarginPx + boxHeight() + 6 + glyphSize() + kMarginPx;
}

QSize SessionJourneyView::sizeHint() const
{
    const int frame = 2 * frameWidth();
    return QSize(600, contentHeight() + horizontalScrollBar()->sizeHint().height() + frame);
}

QSize SessionJourneyView::minimumSizeHint() const
{
    return QSize(200, sizeHint().height());
}

QString SessionJourneyView::omittedText(bool before) const
{
    if (!m_journey)
        return {};
    const int n = before ? m_journey->omittedPageViewsBefore : m_journey->omittedPageViewsAfter;
    if (n <= 0)
        return {};
    return before ? tr("… %n earlier page view(s)", nullptr, n) : tr("%n later page view(s) …", nullptr, n);
}

void SessionJourneyView::relayout()
{
    m_rects.clear();
    m_contentWidth = 0;
    if (!m_journey || m_journey->steps.empty()) {
        updateScrollBar();
        return;
    }
    const auto& steps = m_journey->steps;
    m_rects.resize(steps.size());
    const int glyph = glyphSize();
    const int glyphStep = glyph + kGlyphGapPx;
    const QFontMetrics fm = fontMetrics();

    struct Segment
    {
        int step;   // its page view step
        int events; // steps after it that belong to it
        qint64 start;
        qint64 end;
        int minWidth;
        int width;
    };
    std::vector<Segment> segments;
    for (int i = 0; i < int(steps.size()); ++i) {
        if (steps[std::size_t(i)].kind == Kind::PageView) {
            segments.push_back({i, 0, steps[std::size_t(i)].time, m_journey->pageViewEnd(i), 0, 0});
        } else if (!segments.empty()) {
            ++segments.back().events;
        }
    }

    // Widths: every segment gets its minimum (readable, room for its glyphs); what the viewport has
    // left is shared by time spent on each page.
    const QString leading = omittedText(true);
    const QString trailing = omittedText(false);
    const int leadingWidth = leading.isEmpty() ? 0 : fm.horizontalAdvance(leading) + kGapPx * 2;
    const int trailingWidth = trailing.isEmpty() ? 0 : fm.horizontalAdvance(trailing) + kGapPx * 2;
    int fixed = 2 * kMarginPx + leadingWidth + trailingWidth + kGapPx * std::max(0, int(segments.size()) - 1);
    qint64 totalTime = 0;
    for (Segment& s : segments) {
        s.minWidth = std::max(kMinSegmentPx, 2 * kPadPx + s.events * glyphStep);
        fixed += s.minWidth;
        totalTime += std::max<qint64>(0, s.end - s.start);
    }
    const int extra = std::max(0, viewport()->width() - fixed);
    int given = 0;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        Segment& s = segments[i];
        const double share = totalTime > 0 ? double(std::max<qint64>(0, s.end - s.start)) / double(totalTime)
                                           : 1.0 / double(segments.size());
        const int more = i + 1 == segments.size() ? extra - given : int(extra * share);
        s.width = s.minWidth + std::max(0, more);
        given += std::max(0, more);
    }

    const int boxTop = kMarginPx;
    const int glyphTop = boxTop + boxHeight() + 6;
    int x = kMarginPx + leadingWidth;
    for (const Segment& s : segments) {
        m_rects[std::size_t(s.step)] = QRect(x, boxTop, s.width, boxHeight());
        // Glyphs at their time on the segment, pushed apart to never overlap, kept inside it.
        const int left = x + kPadPx;
        const int right = x + s.width - kPadPx - glyph; // the last glyph's left edge at most
        const qint64 span = std::max<qint64>(1, s.end - s.start);
        std::vector<int> xs(std::size_t(s.events));
        for (int e = 0; e < s.events; ++e) {
            const qint64 t = std::clamp(steps[std::size_t(s.step + 1 + e)].time, s.start, s.end);
            xs[std::size_t(e)] =
                left + int(double(t - s.start) * double(std::max(0, right - left)) / double(span));
            if (e > 0)
                xs[std::size_t(e)] = std::max(xs[std::size_t(e)], xs[std::size_t(e - 1)] + glyphStep);
        }
        for (int e = s.events - 1; e >= 0; --e) {
            const int limit = e + 1 < s.events ? xs[std::size_t(e + 1)] - glyphStep : right;
            xs[std::size_t(e)] = std::max(left, std::min(xs[std::size_t(e)], limit));
        }
        for (int e = 0; e < s.events; ++e)
            m_rects[std::size_t(s.step + 1 + e)] = QRect(xs[std::size_t(e)], glyphTop, glyph, glyph);
        x += s.width + kGapPx;
    }
    m_contentWidth = x - kGapPx + trailingWidth + kMarginPx;
    updateScrollBar();
}

void SessionJourneyView::updateScrollBar()
{
    QScrollBar* bar = horizontalScrollBar();
    bar->setRange(0, std::max(0, m_contentWidth - viewport()->width()));
    bar->setPageStep(viewport()->width());
    bar->setSingleStep(std::max(8, glyphSize() * 2));
}

void SessionJourneyView::updateColours()
{
    const QPalette& p = palette();
    m_darkPalette = p.color(QPalette::Base).lightness() < 128;
    m_error = m_darkPalette ? QColor(240, 96, 96) : QColor(200, 30, 30);
    m_slow = m_darkPalette ? QColor(235, 175, 60) : QColor(205, 125, 0);
    m_frustration = m_darkPalette ? QColor(255, 150, 60) : QColor(230, 110, 0);
    m_action = mix(p.color(QPalette::Base), p.color(QPalette::Text), 0.6);
    viewport()->update();
}

QRect SessionJourneyView::stepRect(int index) const
{
    if (index < 0 || index >= int(m_rects.size()))
        return {};
    return m_rects[std::size_t(index)].translated(-horizontalScrollBar()->value(), 0);
}

int SessionJourneyView::stepAt(QPoint pos) const
{
    const QPoint p = pos + QPoint(horizontalScrollBar()->value(), 0);
    int pageView = -1;
    for (int i = 0; i < int(m_rects.size()); ++i) {
        // Glyphs are small: a few pixels of slack make them easy to hit.
        const bool isPageView = m_journey->steps[std::size_t(i)].kind == Kind::PageView;
        const QRect r = isPageView ? m_rects[std::size_t(i)] : m_rects[std::size_t(i)].adjusted(-1, -3, 1, 3);
        if (!r.contains(p))
            continue;
        if (!isPageView)
            return i;
        pageView = i;
    }
    return pageView;
}

void SessionJourneyView::setSelection(qint64 pageLoadId, qint64 resourceId)
{
    m_highlightedPageLoad = pageLoadId;
    m_highlightedResource = resourceId;
    if (!m_journey) {
        m_current = -1;
        return;
    }
    const bool keep = m_current >= 0 && m_journey->steps[std::size_t(m_current)].pageLoadId == pageLoadId &&
                      m_journey->steps[std::size_t(m_current)].resourceId == resourceId;
    if (!keep) {
        const int resource = m_journey->resourceStep(resourceId);
        m_current = resource >= 0 && m_journey->steps[std::size_t(resource)].pageLoadId == pageLoadId
                        ? resource
                        : m_journey->pageViewStep(pageLoadId);
    }
    const int view = m_journey->pageViewStep(pageLoadId);
    if (view >= 0)
        ensureVisible(view);
    if (m_current >= 0)
        ensureVisible(m_current);
    viewport()->update();
}

void SessionJourneyView::ensureVisible(int index)
{
    const QRect r = m_rects[std::size_t(index)].adjusted(-kMarginPx, 0, kMarginPx, 0);
    QScrollBar* bar = horizontalScrollBar();
    const int width = viewport()->width();
    if (r.width() >= width || r.left() < bar->value())
        bar->setValue(r.left());
    else if (r.right() > bar->value() + width)
        bar->setValue(r.right() - width + 1);
}

void SessionJourneyView::activate(int index)
{
    if (!m_journey || index < 0 || index >= stepCount())
        return;
    m_current = index;
    ensureVisible(index);
    viewport()->update();
    const JourneyStep& s = m_journey->steps[std::size_t(index)];
    emit stepActivated(s.pageLoadId, s.resourceId);
}

void SessionJourneyView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
    const int view = m_journey ? m_journey->pageViewStep(m_highlightedPageLoad) : -1;
    if (view >= 0)
        ensureVisible(view);
}

void SessionJourneyView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        updateColours();
    else if (event->type() == QEvent::FontChange)
        relayout();
    QAbstractScrollArea::changeEvent(event);
}

bool SessionJourneyView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int step = m_journey ? stepAt(help->pos()) : -1;
        const QString text = step >= 0 ? toolTipFor(step) : QString();
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport(), stepRect(step));
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void SessionJourneyView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !m_journey) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const int step = stepAt(event->position().toPoint());
    if (step >= 0)
        activate(step);
}

void SessionJourneyView::mouseMoveEvent(QMouseEvent* event)
{
    // Every step is clickable: say so where there is one.
    const bool overStep = m_journey && stepAt(event->position().toPoint()) >= 0;
    if (overStep)
        viewport()->setCursor(Qt::PointingHandCursor);
    else
        viewport()->unsetCursor();
    QAbstractScrollArea::mouseMoveEvent(event);
}

void SessionJourneyView::mouseReleaseEvent(QMouseEvent* event)
{
    // The press activated; the release of that click is ours too, not the parent's.
    event->setAccepted(event->button() == Qt::LeftButton && m_journey);
}

void SessionJourneyView::keyPressEvent(QKeyEvent* event)
{
    const int n = stepCount();
    if (n > 0) {
        switch (event->key()) {
        case Qt::Key_Left:
            activate(m_current < 0 ? 0 : std::max(0, m_current - 1));
            return;
        case Qt::Key_Right:
            activate(m_current < 0 ? 0 : std::min(n - 1, m_current + 1));
            return;
        case Qt::Key_Home:
            activate(0);
            return;
        case Qt::Key_End:
            activate(n - 1);
            return;
        default:
            break;
        }
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void SessionJourneyView::wheelEvent(QWheelEvent* event)
{
    // The strip only scrolls sideways: an ordinary wheel does that too.
    const QPoint delta = event->angleDelta();
    const int d = std::abs(delta.x()) > std::abs(delta.y()) ? delta.x() : delta.y();
    QScrollBar* bar = horizontalScrollBar();
    bar->setValue(bar->value() - d * bar->singleStep() * 3 / 120);
    event->accept();
}

QString SessionJourneyView::toolTipFor(int index) const
{
    if (!m_journey || index < 0 || index >= stepCount())
        return {};
    const JourneyStep& s = m_journey->steps[std::size_t(index)];
    QStringList lines;
    switch (s.kind) {
    case Kind::PageView: {
        lines << tr("Page view %1").arg(s.label.isEmpty() ? tr("(no route)") : s.label);
        if (!s.detail.isEmpty())
            lines << s.detail;
        lines << tr("Started %1").arg(clock(s.time));
        if (s.duration)
            lines << (m_journey->isSlow(index) ? tr("Load time %1 (slow)") : tr("Load time %1"))
                         .arg(formatDuration(*s.duration));
        if (s.errorCount > 0)
            lines << tr("%n error(s)", nullptr, s.errorCount);
        int actions = 0, failed = 0, errors = 0;
        for (std::size_t i = std::size_t(index) + 1; i < m_journey->steps.size(); ++i) {
            const Kind k = m_journey->steps[i].kind;
            if (k == Kind::PageView)
                break;
            actions += k == Kind::Action;
            failed += k == Kind::FailedResource;
            errors += k == Kind::JsError;
        }
        if (actions + failed + errors > 0)
            lines << tr("%n action(s)", nullptr, actions) + QStringLiteral(", ") +
                         tr("%n failed request(s)", nullptr, failed) + QStringLiteral(", ") +
                         tr("%n JS error(s)", nullptr, errors);
        break;
    }
    case Kind::Action:
        lines << tr("Action: %1 %2").arg(s.detail.isEmpty() ? tr("action") : s.detail, s.label);
        if (!s.frustration.isEmpty())
            lines << tr("Frustration: %1")
                         .arg(QString(s.frustration).replace(QLatin1Char('_'), QLatin1Char(' ')));
        break;
    case Kind::FailedResource:
        lines << tr("Failed %1: %2 %3")
                     .arg(s.detail, s.method.isEmpty() ? QString() : s.method, s.label)
                     .simplified();
        lines << (s.status > 0 ? tr("Status %1").arg(s.status)
                               : tr("No response (network error, CORS or aborted)"));
        break;
    case Kind::JsError:
        lines << tr("JS error: %1").arg(s.detail.isEmpty() ? tr("Error") : s.detail);
        if (!s.label.isEmpty())
            lines << s.label.left(300);
        break;
    }
    if (s.kind != Kind::PageView) {
        const JourneyStep& view = m_journey->steps[std::size_t(std::max(0, s.pageView))];
        lines << tr("%1 (%2 into %3)")
                     .arg(clock(s.time), formatDuration(std::max<qint64>(0, s.time - view.time)), view.label);
        if (s.duration)
            lines << tr("Took %1").arg(formatDuration(*s.duration));
    }
    return lines.join(QLatin1Char('\n'));
}

void SessionJourneyView::paintEvent(QPaintEvent*)
{
    QPainter painter(viewport());
    const QPalette& p = palette();
    painter.fillRect(viewport()->rect(), p.color(QPalette::Base));
    if (!m_journey || m_journey->steps.empty())
        return;
    painter.setRenderHint(QPainter::Antialiasing);
    const int scroll = horizontalScrollBar()->value();
    const QRect visible = viewport()->rect().translated(scroll, 0);

    painter.setPen(mix(p.color(QPalette::Base), p.color(QPalette::Text), 0.55));
    const QString leading = omittedText(true);
    if (!leading.isEmpty())
        painter.drawText(QRect(kMarginPx - scroll, kMarginPx,
                               fontMetrics().horizontalAdvance(leading) + kGapPx, boxHeight()),
                         Qt::AlignLeft | Qt::AlignVCenter, leading);
    const QString trailing = omittedText(false);
    if (!trailing.isEmpty())
        painter.drawText(
            QRect(m_contentWidth - kMarginPx - fontMetrics().horizontalAdvance(trailing) - kGapPx - scroll,
                  kMarginPx, fontMetrics().horizontalAdvance(trailing) + kGapPx, boxHeight()),
            Qt::AlignRight | Qt::AlignVCenter, trailing);

    // Segments first, then glyphs over whatever they touch. Steps are in x order per segment, and
    // segments are in x order: the visible range is a contiguous run.
    const auto& steps = m_journey->steps;
    for (int i = 0; i < int(steps.size()); ++i) {
        const QRect& r = m_rects[std::size_t(i)];
        if (steps[std::size_t(i)].kind == Kind::PageView) {
            if (r.left() > visible.right())
                break;
            if (r.right() >= visible.left())
                paintPageView(painter, i, r.translated(-scroll, 0));
        } else if (r.intersects(visible)) {
            paintGlyph(painter, steps[std::size_t(i)], r.translated(-scroll, 0));
        }
    }

    if (m_current >= 0 && m_current < int(steps.size())) {
        const QRect r = stepRect(m_current).adjusted(-2, -2, 2, 2);
        QPen pen(p.color(QPalette::Highlight), 1.5, hasFocus() ? Qt::DashLine : Qt::SolidLine);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
    }
}

void SessionJourneyView::paintPageView(QPainter& painter, int index, const QRect& box)
{
    const QPalette& p = palette();
    const JourneyStep& s = m_journey->steps[std::size_t(index)];
    const bool selected = s.pageLoadId == m_highlightedPageLoad && m_highlightedPageLoad != 0;
    const bool slow = m_journey->isSlow(index);
    const bool errors = s.errorCount > 0;

    const QColor base = p.color(QPalette::Base);
    const QColor fill = selected ? mix(base, p.color(QPalette::Highlight), m_darkPalette ? 0.45 : 0.28)
                                 : mix(base, p.color(QPalette::Text), m_darkPalette ? 0.12 : 0.06);
    painter.setPen(selected ? QPen(p.color(QPalette::Highlight), 2)
                            : QPen(mix(base, p.color(QPalette::Text), 0.25), 1));
    painter.setBrush(fill);
    painter.drawRoundedRect(QRectF(box).adjusted(1, 1, -1, -1), 4, 4);

    // Marks: a red band on top for errors, an amber one at the bottom for a slow load.
    if (errors)
        painter.fillRect(QRect(box.left() + 3, box.top() + 2, box.width() - 6, 3), m_error);
    if (slow)
        painter.fillRect(QRect(box.left() + 3, box.bottom() - 4, box.width() - 6, 3), m_slow);

    const QFontMetrics fm = fontMetrics();
    const QRect text = box.adjusted(kPadPx, 5, -kPadPx, -5);
    QFont font = painter.font();
    QFont bold = font;
    bold.setBold(true);
    painter.setFont(selected ? bold : font);
    painter.setPen(p.color(QPalette::Text));
    const QString route = s.label.isEmpty() ? tr("(no route)") : s.label;
    painter.drawText(QRect(text.left(), text.top(), text.width(), fm.height()),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetrics(painter.font()).elidedText(route, Qt::ElideMiddle, text.width()));
    painter.setFont(font);

    // Second line: load time (amber when slow), error count (red).
    int x = text.left();
    const int y = text.top() + fm.height();
    auto part = [&](const QString& t, const QColor& colour) {
        if (x >= text.right())
            return;
        const QString shown = fm.elidedText(t, Qt::ElideRight, text.right() - x);
        painter.setPen(colour);
        painter.drawText(QRect(x, y, text.right() - x, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, shown);
        x += fm.horizontalAdvance(shown) + fm.horizontalAdvance(QLatin1Char(' ')) * 2;
    };
    const QColor dim = mix(base, p.color(QPalette::Text), 0.7);
    if (s.duration)
        part(formatDuration(*s.duration), slow ? m_slow : dim);
    if (errors)
        part(tr("%n error(s)", nullptr, s.errorCount), m_error);
}

QPixmap SessionJourneyView::legendGlyph(JourneyStep::Kind kind, bool variant)
{
    const qreal ratio = devicePixelRatioF();
    const int size = glyphSize();
    QPixmap pixmap(QSize(size, size) * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    JourneyStep step;
    step.kind = kind;
    step.status = variant ? 0 : 500;
    if (variant)
        step.frustration = QStringLiteral("rage_click");
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    paintGlyph(painter, step, QRect(0, 0, size, size));
    return pixmap;
}

void SessionJourneyView::paintGlyph(QPainter& painter, const JourneyStep& s, const QRect& rect)
{
    const QRectF r = QRectF(rect).adjusted(1, 1, -1, -1);
    const bool selected = s.resourceId != 0 && s.resourceId == m_highlightedResource;
    switch (s.kind) {
    case Kind::Action:
        if (s.frustration.isEmpty()) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(m_action);
            painter.drawEllipse(r.adjusted(1, 1, -1, -1));
        } else {
            // A frustrated action: a filled orange dot with a ring around it.
            painter.setPen(QPen(m_frustration, 1.5));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(r);
            painter.setPen(Qt::NoPen);
            painter.setBrush(m_frustration);
            painter.drawEllipse(r.adjusted(3, 3, -3, -3));
        }
        break;
    case Kind::FailedResource:
        // A hollow red square; dashed when no response came at all.
        painter.setPen(QPen(m_error, 1.8, s.status > 0 ? Qt::SolidLine : Qt::DotLine));
        painter.setBrush(selected ? m_error : QColor(Qt::transparent));
        painter.drawRect(r.adjusted(1, 1, -1, -1));
        break;
    case Kind::JsError: {
        QPainterPath triangle;
        triangle.moveTo(r.center().x(), r.top());
        triangle.lineTo(r.right(), r.bottom());
        triangle.lineTo(r.left(), r.bottom());
        triangle.closeSubpath();
        painter.setPen(Qt::NoPen);
        painter.setBrush(m_error);
        painter.drawPath(triangle);
        break;
    }
    case Kind::PageView:
        break;
    }
}

} // namespace seam
