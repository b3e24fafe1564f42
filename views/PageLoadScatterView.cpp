#include "PageLoadScatterView.h"

#include "Format.h"
#include "PageLoadScatterLoader.h"
#include "TimeAxisScale.h"

#include <QApplication>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsRectItem>
#include <QKeyEvent>
#include <QLegendMarker>
#include <QLocale>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QScatterSeries>
#include <QToolTip>
#include <cmath>

namespace seam {
namespace {

// Load times below this (ns) are drawn on it: the log axis has no zero.
constexpr double kMinDurationNs = 1e6;
constexpr qreal kMarkerSize = 6;
constexpr qreal kSelectedMarkerSize = 15;

QColor okColour(bool dark)
{
    return dark ? QColor(0x64, 0xa8, 0xf0, 170) : QColor(0x1f, 0x6f, 0xc5, 150);
}
QColor slowColour(bool dark)
{
    return dark ? QColor(0xff, 0xb0, 0x3b, 220) : QColor(0xe6, 0x7e, 0x00, 220);
}
QColor errorColour(bool dark)
{
    return dark ? QColor(0xff, 0x5c, 0x5c) : QColor(0xc6, 0x28, 0x28);
}

/// A round marker drawn by the series without a graphics item per point (Qt Charts' light markers).
QImage markerImage(const QColor& colour, qreal size, qreal dpr)
{
    const int px = int(std::ceil(size * dpr));
    QImage image(px, px, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(0.5, 0.5, px - 1.0, px - 1.0));
    return image;
}

QScatterSeries* makeSeries(const QString& name)
{
    auto* series = new QScatterSeries;
    series->setName(name);
    series->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    series->setMarkerSize(kMarkerSize);
    series->setPen(Qt::NoPen);
    return series;
}

QString timeText(qint64 ns, const QString& format)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(format);
}

} // namespace

PageLoadScatterView::PageLoadScatterView(const QString& cachePath, Investigation* investigation,
                                         QWidget* parent)
    : QChartView(parent), m_investigation(investigation),
      m_loader(new PageLoadScatterLoader(cachePath, this)), m_ok(makeSeries(tr("OK"))),
      m_slow(makeSeries(tr("Slow"))), m_errors(makeSeries(tr("With errors"))), m_selected(new QScatterSeries),
      m_noted(new QScatterSeries), m_x(new QDateTimeAxis), m_y(new QLogValueAxis),
      m_shading(new QGraphicsRectItem)
{
    auto* chart = new QChart;
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    // QChartView(QWidget*) made a default chart; setChart() releases it without deleting it.
    QChart* defaultChart = this->chart();
    setChart(chart);
    delete defaultChart;
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::NoRubberBand);
    setDragMode(QGraphicsView::NoDrag);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumHeight(160);

    m_x->setTitleText(tr("Start"));
    m_y->setTitleText(tr("Load time (ms)"));
    m_y->setBase(10);
    m_y->setLabelFormat(QStringLiteral("%g"));
    m_y->setMinorTickCount(-1);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);

    m_selected->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    m_selected->setMarkerSize(kSelectedMarkerSize);
    m_selected->setBrush(Qt::NoBrush);
    // A small star above each noted load's point: visible on any colour, without hiding the point.
    m_noted->setName(tr("Noted"));
    m_noted->setMarkerShape(QScatterSeries::MarkerShapeStar);
    m_noted->setMarkerSize(kMarkerSize + 4);
    m_noted->setPen(Qt::NoPen);
    // Errors drawn last: on top of the rest.
    for (QScatterSeries* series : {m_ok, m_slow, m_errors, m_selected, m_noted}) {
        chart->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    }
    for (QLegendMarker* marker : chart->legend()->markers(m_selected))
        marker->setVisible(false);

    m_shading->setPen(Qt::NoPen);
    m_shading->setZValue(1000);
    m_shading->hide();
    scene()->addItem(m_shading);
    connect(chart, &QChart::plotAreaChanged, this, [this] { updateShading(); });

    applyPalette();
    updateAxes();
    updateTitle();

    m_loader->onLoaded(this, [this](std::shared_ptr<const PageLoadScatterData> data) { setData(data); });
    connect(m_loader, &PageLoadScatterLoader::located, this, &PageLoadScatterView::showSelected);
    connect(m_loader, &PageLoadScatterLoader::failed, this, [this](const QString& message) {
        m_error = message;
        updateTitle();
    });
    connect(m_investigation, &Investigation::changed, this, &PageLoadScatterView::investigationChanged);
    refresh();
}

PageLoadScatterView::~PageLoadScatterView() = default;

bool PageLoadScatterView::isLoading() const
{
    return m_loader->isLoading();
}

void PageLoadScatterView::refresh()
{
    m_loader->load(PageLoadFilter::parse(m_investigation->filterText()));
    updateTitle();
}

void PageLoadScatterView::investigationChanged(Investigation::Changes changes)
{
    if (changes & Investigation::FilterChanged)
        refresh();
    if (changes & Investigation::TimeRangeChanged) {
        updateShading();
        updateTitle();
    }
    if (changes & Investigation::PageLoadChanged)
        updateSelected();
}

double PageLoadScatterView::yValue(qint64 durationNs) const
{
    return std::max(kMinDurationNs, double(durationNs)) / m_yUnitNs;
}

void PageLoadScatterView::setData(std::shared_ptr<const PageLoadScatterData> data)
{
    m_data = std::move(data);
    m_error.clear();
    m_yUnitNs = m_data->maxDuration > 1'000'000'000 ? 1e9 : 1e6;
    m_y->setTitleText(m_yUnitNs == 1e9 ? tr("Load time (s)") : tr("Load time (ms)"));
    QList<QPointF> ok, slow, errors;
    for (const PageLoadScatterPoint& p : m_data->points) {
        const QPointF point(double(p.start) / 1e6, yValue(p.duration));
        if (p.error)
            errors.append(point);
        else if (m_data->isSlow(p))
            slow.append(point);
        else
            ok.append(point);
    }
    m_ok->replace(ok);
    m_slow->replace(slow);
    m_errors->replace(errors);
    m_slow->setName(m_data->slowThreshold > 0
                        ? tr("Slower than p95 (%1)").arg(formatDuration(m_data->slowThreshold))
                        : tr("Slow"));
    updateAxes();
    updateTitle();
    updateSelected();
    updateNoted();
    updateShading();
    emit loaded();
}

void PageLoadScatterView::updateAxes()
{
    const bool empty = !m_data || m_data->points.empty();
    if (empty && (!m_data || m_data->cacheLastStart == 0)) {
        // Nothing in the cache at all: any hour will do.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_x->setRange(QDateTime::fromMSecsSinceEpoch(now - 3'600'000), QDateTime::fromMSecsSinceEpoch(now));
        m_y->setRange(1, 10'000);
        return;
    }
    // A filter matching nothing keeps the chart on the data's time (the whole cache's), not today's.
    const qint64 first = empty ? m_data->cacheFirstStart : m_data->firstStart;
    const qint64 last = empty ? m_data->cacheLastStart : m_data->lastStart;
    const qint64 spanMs = std::max<qint64>((last - first) / 1'000'000, 60'000);
    const qint64 pad = spanMs / 50;
    const qint64 fromMs = first / 1'000'000 - pad;
    const qint64 toMs = last / 1'000'000 + pad + 1;
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
    m_x->setFormat(dateTimeAxisFormat(fromMs, toMs, m_x->tickCount()));
    if (empty) {
        m_y->setRange(1, 10'000);
        return;
    }
    double lo = yValue(m_data->maxDuration);
    for (const PageLoadScatterPoint& p : m_data->points)
        lo = std::min(lo, yValue(p.duration));
    const double hi = yValue(m_data->maxDuration);
    // Whole decades; the bottom a hair below its power of ten so that the axis labels it (0.1 is not
    // exactly a power of ten in binary).
    m_y->setRange(std::pow(10.0, std::floor(std::log10(lo))) * (1 - 1e-9),
                  std::pow(10.0, std::ceil(std::log10(hi * 1.0001))));
}

void PageLoadScatterView::updateTitle()
{
    QString title;
    const QLocale locale;
    if (!m_error.isEmpty()) {
        title = tr("Page loads could not be read: %1").arg(m_error);
    } else if (!m_data) {
        title = tr("Reading page loads…");
    } else if (m_data->matched == 0) {
        title = tr("No page load with a load time matches the filter");
    } else if (m_data->isDecimated()) {
        title = tr("%1 of %2 page loads shown (the slowest of every stretch of time, %3 of %4 with "
                   "errors, a sample of the rest)")
                    .arg(locale.toString(qint64(m_data->points.size())), locale.toString(m_data->matched),
                         locale.toString(m_data->errorsShown), locale.toString(m_data->errors));
    } else {
        title = tr("%1 page loads, %2 with errors")
                    .arg(locale.toString(m_data->matched), locale.toString(m_data->errors));
    }
    if (m_data && m_data->withoutDuration > 0)
        title += tr("; %1 without a load time").arg(locale.toString(m_data->withoutDuration));
    if (m_data && m_data->matched > 0 && m_investigation->timeRange()) {
        // What the table below lists: the brushed range's share, exact however points are decimated.
        const Investigation::TimeRange& range = *m_investigation->timeRange();
        title = tr("%1 of %2 page loads in the brushed range")
                    .arg(locale.toString(m_data->countStartingIn(range.from, range.to)),
                         locale.toString(m_data->matched));
    }
    if (m_loader->isLoading() && m_data)
        title += tr(" (updating…)");
    chart()->setTitle(title);
}

void PageLoadScatterView::applyPalette()
{
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    QChart* chart = this->chart();
    chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    // The theme sets everything; then the parts that should follow the application's palette exactly.
    chart->setBackgroundBrush(pal.color(QPalette::Base));
    chart->setBackgroundPen(Qt::NoPen);
    chart->setTitleBrush(pal.color(QPalette::Text));
    chart->legend()->setLabelColor(pal.color(QPalette::Text));
    QFont titleFont = font();
    chart->setTitleFont(titleFont);
    const QColor grid = pal.color(QPalette::Mid);
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(m_x), static_cast<QAbstractAxis*>(m_y)}) {
        axis->setLabelsBrush(pal.color(QPalette::Text));
        axis->setTitleBrush(pal.color(QPalette::Text));
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(QColor(grid.red(), grid.green(), grid.blue(), 60));
        axis->setLinePenColor(grid);
    }
    const qreal dpr = devicePixelRatioF();
    const std::pair<QScatterSeries*, QColor> colours[] = {
        {m_ok, okColour(dark)}, {m_slow, slowColour(dark)}, {m_errors, errorColour(dark)}};
    for (const auto& [series, colour] : colours) {
        series->setColor(colour); // the legend's swatch
        series->setBorderColor(colour);
        series->setPen(Qt::NoPen);
        series->setLightMarker(markerImage(colour, kMarkerSize, dpr));
    }
    m_selected->setBrush(Qt::NoBrush);
    m_selected->setPen(QPen(pal.color(QPalette::Text), 2));
    m_noted->setColor(pal.color(QPalette::Text)); // a star in the text colour reads on every point colour
    m_noted->setPen(Qt::NoPen);
    QColor shade = pal.color(QPalette::Highlight);
    shade.setAlpha(60);
    m_shading->setBrush(shade);
}

void PageLoadScatterView::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyPalette();
}

void PageLoadScatterView::resizeEvent(QResizeEvent* event)
{
    // A short chart (a laptop's stacked panes) has no height to spare for a legend row under the plot:
    // QtCharts would elide the axis labels to "…" instead. The legend goes to the right there.
    const Qt::Alignment legendAt = height() < 300 ? Qt::AlignRight : Qt::AlignBottom;
    if (chart()->legend()->alignment() != legendAt)
        chart()->legend()->setAlignment(legendAt);
    QChartView::resizeEvent(event);
    updateShading();
}

QPointF PageLoadScatterView::toViewport(QPointF chartValue) const
{
    const QPointF inChart = chart()->mapToPosition(chartValue, m_ok);
    return mapFromScene(chart()->mapToScene(inChart));
}

QPointF PageLoadScatterView::positionOf(qint64 startNs, qint64 durationNs) const
{
    return toViewport(QPointF(double(startNs) / 1e6, yValue(durationNs)));
}

qint64 PageLoadScatterView::timeAt(qreal x) const
{
    const QPointF inChart = chart()->mapFromScene(mapToScene(QPoint(0, 0)) + QPointF(x, 0));
    const QPointF value = chart()->mapToValue(inChart, m_ok);
    return qint64(std::llround(value.x() * 1e6));
}

QRectF PageLoadScatterView::plotRect() const
{
    const QRectF area = chart()->plotArea();
    return QRectF(mapFromScene(chart()->mapToScene(area.topLeft())),
                  mapFromScene(chart()->mapToScene(area.bottomRight())));
}

qint64 PageLoadScatterView::pageLoadAt(QPointF pos) const
{
    const int index = pointAt(pos);
    return index < 0 ? 0 : m_data->points[std::size_t(index)].id;
}

int PageLoadScatterView::pointAt(QPointF pos) const
{
    if (!m_data || m_data->points.empty())
        return -1;
    // Candidates: the points within the radius horizontally, found by binary search on start time.
    const qint64 from = timeAt(pos.x() - kPickRadius);
    const qint64 to = timeAt(pos.x() + kPickRadius);
    const auto& points = m_data->points;
    int best = -1;
    qreal bestDistance = qreal(kPickRadius * kPickRadius) + 0.01;
    for (std::size_t i = m_data->lowerBound(from); i < points.size() && points[i].start <= to; ++i) {
        const QPointF d = positionOf(points[i].start, points[i].duration) - pos;
        const qreal distance = QPointF::dotProduct(d, d);
        // Errors and slow loads are drawn on top: on a tie they are what the user sees.
        const bool onTop = points[i].error || m_data->isSlow(points[i]);
        if (distance < bestDistance || (distance == bestDistance && onTop)) {
            bestDistance = distance;
            best = int(i);
        }
    }
    return best;
}

void PageLoadScatterView::updateSelected()
{
    const qint64 id = m_investigation->selectedPageLoad();
    const int index = m_data && id != 0 ? m_data->indexOf(id) : -1;
    if (index >= 0) {
        m_loader->locate(0);
        showSelected(m_data->points[std::size_t(index)]);
        return;
    }
    m_selected->clear();
    // Left out by the decimation (or not loaded yet): ask for its point alone. Without decimation it is
    // not there because it does not match the filter.
    m_loader->locate(!m_data || m_data->isDecimated() ? id : 0);
}

void PageLoadScatterView::setNotedPageLoads(const QSet<qint64>& pageLoads)
{
    m_notedIds = pageLoads;
    updateNoted();
}

void PageLoadScatterView::updateNoted()
{
    // Drawn over the points shown; a noted load the decimation left out has no point to mark.
    QList<QPointF> glyphs;
    if (m_data)
        for (const qint64 id : m_notedIds)
            if (const int index = m_data->indexOf(id); index >= 0) {
                const PageLoadScatterPoint& p = m_data->points[std::size_t(index)];
                glyphs.append(QPointF(double(p.start) / 1e6, yValue(p.duration)));
            }
    m_noted->replace(glyphs);
}

void PageLoadScatterView::showSelected(const PageLoadScatterPoint& point)
{
    if (point.id != m_investigation->selectedPageLoad())
        return;
    m_selected->replace(QList<QPointF>{QPointF(double(point.start) / 1e6, yValue(point.duration))});
}

void PageLoadScatterView::shade(qreal x0, qreal x1)
{
    const QRectF plot = chart()->plotArea();
    const qreal origin = chart()->mapFromScene(mapToScene(QPoint(0, 0))).x();
    const qreal left = std::clamp(std::min(x0, x1) + origin, plot.left(), plot.right());
    const qreal right = std::clamp(std::max(x0, x1) + origin, plot.left(), plot.right());
    m_shading->setRect(chart()->mapRectToScene(QRectF(left, plot.top(), right - left, plot.height())));
    m_shading->setVisible(right > left || (right == left && x0 != x1));
}

void PageLoadScatterView::updateShading()
{
    if (m_brushing)
        return; // the drag in progress is what is shaded
    const auto& range = m_investigation->timeRange();
    if (!range) {
        m_shading->hide();
        return;
    }
    const qreal x0 = positionOf(range->from, 1'000'000).x();
    const qreal x1 = positionOf(range->to, 1'000'000).x();
    // A range narrower than a pixel still shows.
    shade(x0, std::max(x1, x0 + 1));
}

void PageLoadScatterView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !plotRect().contains(event->position())) {
        QChartView::mousePressEvent(event);
        return;
    }
    m_pressed = true;
    m_brushing = false;
    m_pressPos = event->position();
    QToolTip::hideText();
    event->accept();
}

void PageLoadScatterView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_pressed && (event->buttons() & Qt::LeftButton)) {
        if (!m_brushing &&
            std::abs(event->position().x() - m_pressPos.x()) >= QApplication::startDragDistance())
            m_brushing = true;
        if (m_brushing) {
            shade(m_pressPos.x(), event->position().x());
            setCursor(Qt::SizeHorCursor);
        }
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
    if (event->buttons() != Qt::NoButton)
        return;
    const int index = pointAt(event->position());
    if (index < 0) {
        QToolTip::hideText();
        return;
    }
    const PageLoadScatterPoint& p = m_data->points[std::size_t(index)];
    QString text = tr("%1\nLoad time %2\n%3")
                       .arg(p.route.isEmpty() ? tr("(no route)") : p.route, formatDuration(p.duration),
                            timeText(p.start, QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    if (p.error)
        text += tr("\nWith errors");
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void PageLoadScatterView::mouseReleaseEvent(QMouseEvent* event)
{
    if (!m_pressed || event->button() != Qt::LeftButton) {
        QChartView::mouseReleaseEvent(event);
        return;
    }
    m_pressed = false;
    event->accept();
    if (m_brushing) {
        m_brushing = false;
        unsetCursor();
        const QRectF plot = plotRect();
        const qreal x0 =
            std::clamp(std::min(m_pressPos.x(), event->position().x()), plot.left(), plot.right());
        const qreal x1 =
            std::clamp(std::max(m_pressPos.x(), event->position().x()), plot.left(), plot.right());
        if (x1 > x0)
            m_investigation->setTimeRange(Investigation::TimeRange{timeAt(x0), timeAt(x1)});
        updateShading();
        return;
    }
    if (const qint64 id = pageLoadAt(event->position()))
        m_investigation->selectPageLoad(id);
}

void PageLoadScatterView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        m_investigation->setTimeRange(std::nullopt);
        event->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void PageLoadScatterView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape) {
        if (m_brushing) {
            m_pressed = m_brushing = false;
            unsetCursor();
            updateShading();
        } else {
            m_investigation->setTimeRange(std::nullopt);
        }
        event->accept();
        return;
    }
    QChartView::keyPressEvent(event);
}

} // namespace seam
