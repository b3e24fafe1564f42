#include "ServiceRateRow.h"

#include "Format.h"
#include "RateChartView.h"
#include "ServiceColours.h"
#include "ServiceRatesData.h"
#include "TimeAxisScale.h"

#include <QAreaSeries>
#include <QChart>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace seam {
namespace {

constexpr int kMaxVersionLines = 4;

/// Rounds up to 1, 2 or 5 times a power of ten, so axis ticks read well.
double niceCeil(double v)
{
    if (v <= 0)
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (v <= m * p)
            return m * p;
    return 10 * p;
}

/// The colour of the n-th version of a service on its error-rate chart (not red: red is the service's
/// own error rate when it runs one version).
QColor versionColour(size_t n, bool dark)
{
    static const QColor light[] = {QColor(31, 100, 170), QColor(220, 110, 0), QColor(40, 140, 60),
                                   QColor(130, 80, 170)};
    const QColor c = light[n % std::size(light)];
    return dark ? c.lighter(160) : c;
}

QValueAxis* makeAxis(Qt::Alignment alignment, QChart* chart)
{
    auto* axis = new QValueAxis(chart);
    chart->addAxis(axis, alignment);
    return axis;
}

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

} // namespace

ServiceRateRow::ServiceRateRow(const std::function<void()>& painted)
{
    m_widget = new QWidget;
    m_widget->setFixedHeight(kHeight);
    auto* layout = new QHBoxLayout(m_widget);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->setSpacing(4);

    m_info = new QWidget;
    m_info->setFixedWidth(kInfoWidth);
    m_info->setAutoFillBackground(true);
    auto* infoLayout = new QVBoxLayout(m_info);
    infoLayout->setContentsMargins(4, 4, 4, 4);
    infoLayout->setSpacing(2);
    auto* titleLine = new QHBoxLayout;
    titleLine->setSpacing(4);
    m_swatch = new QLabel;
    m_swatch->setFixedSize(10, 10);
    m_swatch->setAutoFillBackground(true);
    m_title = new QLabel;
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    titleLine->addWidget(m_swatch);
    titleLine->addWidget(m_title, 1);
    infoLayout->addLayout(titleLine);
    m_detail = new QLabel;
    m_detail->setTextFormat(Qt::RichText);
    m_detail->setWordWrap(true);
    m_detail->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont small = m_detail->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_detail->setFont(small);
    infoLayout->addWidget(m_detail, 1);
    layout->addWidget(m_info);

    auto makeChart = [](QChart*& chart) {
        chart = new QChart;
        chart->legend()->hide();
        chart->setMargins(QMargins(0, 2, 2, 0));
        chart->layout()->setContentsMargins(0, 0, 0, 0);
        chart->setBackgroundRoundness(0);
    };
    makeChart(m_errChart);
    makeChart(m_latChart);
    m_errX = makeAxis(Qt::AlignBottom, m_errChart);
    m_errY = makeAxis(Qt::AlignLeft, m_errChart);
    m_latX = makeAxis(Qt::AlignBottom, m_latChart);
    m_latY = makeAxis(Qt::AlignLeft, m_latChart);

    auto add = [](QChart* chart, QAbstractSeries* s, QValueAxis* x, QValueAxis* y, const char* name) {
        s->setObjectName(QLatin1String(name));
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    };
    auto shade = [&](QChart* chart, QValueAxis* x, QValueAxis* y) {
        auto* upper = new QLineSeries(chart);
        auto* lower = new QLineSeries(chart);
        auto* area = new QAreaSeries(upper, lower);
        add(chart, area, x, y, "loadDuration");
        return area;
    };
    // Drawn in insertion order: the incident windows and the load's shading first, the data over them,
    // the marker on top.
    m_errIncidents = shade(m_errChart, m_errX, m_errY);
    m_errIncidents->setObjectName(QStringLiteral("incidents"));
    m_latIncidents = shade(m_latChart, m_latX, m_latY);
    m_latIncidents->setObjectName(QStringLiteral("incidents"));
    m_errShade = shade(m_errChart, m_errX, m_errY);
    m_latShade = shade(m_latChart, m_latX, m_latY);
    m_errRate = new QLineSeries;
    add(m_errChart, m_errRate, m_errX, m_errY, "errorRate");
    for (int v = 0; v < kMaxVersionLines; ++v) {
        auto* s = new QLineSeries;
        add(m_errChart, s, m_errX, m_errY, "versionErrorRate");
        s->setVisible(false);
        m_versionRates.push_back(s);
    }
    m_p50 = new QLineSeries;
    add(m_latChart, m_p50, m_latX, m_latY, "p50");
    m_p95 = new QLineSeries;
    add(m_latChart, m_p95, m_latX, m_latY, "p95");
    m_thisRequest = new QScatterSeries;
    add(m_latChart, m_thisRequest, m_latX, m_latY, "thisRequest");
    m_thisRequestErrors = new QScatterSeries;
    add(m_latChart, m_thisRequestErrors, m_latX, m_latY, "thisRequestErrors");
    m_errMarker = new QLineSeries;
    add(m_errChart, m_errMarker, m_errX, m_errY, "loadMarker");
    m_latMarker = new QLineSeries;
    add(m_latChart, m_latMarker, m_latX, m_latY, "loadMarker");

    m_errView = new RateChartView(m_errChart, painted);
    m_latView = new RateChartView(m_latChart, painted);
    layout->addWidget(m_errView, 1);
    layout->addWidget(m_latView, 1);
}

void ServiceRateRow::style(const QPalette& pal, const QFont& font, const QString& service, bool flagged)
{
    m_styledService = service;
    m_styledFlagged = flagged ? 1 : 0;
    const bool dark = isDark(pal);
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor grid = pal.color(QPalette::Mid);
    const QColor error = dark ? QColor(255, 110, 100) : QColor(200, 30, 30);
    const QColor serviceColor = serviceColour(service, dark);
    const QColor line = dark ? serviceColor.lighter(150) : serviceColor.darker(190);
    QColor markerColor = text;
    markerColor.setAlpha(170);
    QColor shadeColor = text;
    shadeColor.setAlpha(40);

    QPalette infoPal = pal;
    if (flagged) {
        QColor tint = error;
        tint.setAlpha(dark ? 60 : 35);
        const QColor bg =
            QColor::fromRgbF(base.redF() * (1 - tint.alphaF()) + tint.redF() * tint.alphaF(),
                             base.greenF() * (1 - tint.alphaF()) + tint.greenF() * tint.alphaF(),
                             base.blueF() * (1 - tint.alphaF()) + tint.blueF() * tint.alphaF());
        infoPal.setColor(QPalette::Window, bg);
        infoPal.setColor(QPalette::WindowText, text);
    } else {
        infoPal.setColor(QPalette::Window, base);
    }
    m_info->setPalette(infoPal);
    QPalette swatchPal = pal;
    swatchPal.setColor(QPalette::Window, serviceColor);
    m_swatch->setPalette(swatchPal);
    QPalette titlePal = infoPal;
    if (flagged)
        titlePal.setColor(QPalette::WindowText, error);
    m_title->setPalette(titlePal);

    QFont axisFont = font;
    axisFont.setPointSizeF(std::max(6.0, axisFont.pointSizeF() * 0.75));
    for (QChart* chart : {m_errChart, m_latChart}) {
        if (chart->theme() != (dark ? QChart::ChartThemeDark : QChart::ChartThemeLight))
            chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        chart->setBackgroundBrush(base);
        chart->setBackgroundPen(Qt::NoPen);
        chart->setPlotAreaBackgroundVisible(false);
    }
    for (QValueAxis* axis : {m_errX, m_errY, m_latX, m_latY}) {
        axis->setLabelsFont(axisFont);
        axis->setLabelsColor(text);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(grid);
        axis->setMinorGridLineVisible(false);
        axis->setTitleVisible(false);
    }
    m_errRate->setPen(QPen(error, 2));
    for (size_t v = 0; v < m_versionRates.size(); ++v)
        m_versionRates[v]->setPen(QPen(versionColour(v, dark), 1.8));
    m_p50->setPen(QPen(line, 1.2));
    m_p95->setPen(QPen(line, 2.4));
    for (QScatterSeries* s : {m_thisRequest, m_thisRequestErrors}) {
        s->setMarkerSize(8);
        s->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        s->setPen(QPen(base, 1));
    }
    m_thisRequest->setBrush(text);
    m_thisRequestErrors->setBrush(error);
    for (QLineSeries* m : {m_errMarker, m_latMarker})
        m->setPen(QPen(markerColor, 1.5, Qt::DashLine));
    for (QAreaSeries* a : {m_errShade, m_latShade}) {
        a->setBrush(shadeColor);
        a->setPen(Qt::NoPen);
    }
    QColor incidentColor = error;
    incidentColor.setAlpha(dark ? 55 : 30);
    for (QAreaSeries* a : {m_errIncidents, m_latIncidents}) {
        a->setBrush(incidentColor);
        a->setPen(Qt::NoPen);
    }
}

void ServiceRateRow::fill(const ServiceRatesData& d, const ServiceRateSeries& s, const QPalette& palette,
                          const QFont& font)
{
    // x: time from the load in the unit that suits the window's span (ms for a short capture, days
    // for a long one), so tick labels stay whole and distinct.
    const RelativeTimeScale scale = relativeTimeScale(d.to - d.from);
    const double t0 = double(d.loadStart);
    const double unitNs = double(scale.unitNs);
    auto units = [t0, unitNs](qint64 t) { return (double(t) - t0) / unitNs; };
    const double xMin = units(d.from);
    const double xMax = units(d.to);
    const double half = double(d.step) / 2.0;

    m_service = s.name;
    m_flagged = s.misbehaving;
    m_reason = s.reason;
    m_title->setText(s.misbehaving ? QStringLiteral("⚠ ") + s.name : s.name);
    // Versions: one line per version on the error-rate chart when several ran in the window, keyed
    // here by colour, with each version's error rate over the window.
    const bool dark = isDark(palette);
    QStringList lines;
    if (s.perVersion.empty()) {
        if (!s.versions.isEmpty())
            lines << tr("version %1").arg(s.versions.join(QStringLiteral(", ")).toHtmlEscaped());
    } else {
        QStringList parts;
        for (size_t v = 0; v < s.perVersion.size(); ++v) {
            const ServiceRateVersion& ver = s.perVersion[v];
            const QString rateText =
                formatPercent(ver.requests ? double(ver.errors) / double(ver.requests) : 0.0);
            const QString key =
                v < m_versionRates.size()
                    ? QStringLiteral("<span style=\"color:%1\">■</span> ").arg(versionColour(v, dark).name())
                    : QString();
            parts << key + tr("%1: %2 errors").arg(ver.version.toHtmlEscaped(), rateText);
        }
        lines << parts.join(QStringLiteral(", "));
    }
    lines << s.reason.toHtmlEscaped();
    m_detail->setText(lines.join(QStringLiteral("<br>")));
    m_widget->setToolTip(
        tr("%1\n%2 requests around the load, %3 errors; normally (outside incidents) %4 requests, %5 errors")
            .arg(s.name)
            .arg(s.around.requests)
            .arg(s.around.errors)
            .arg(s.normal.requests)
            .arg(s.normal.errors));

    // Error rate, %: points at step centres; steps without requests are left out.
    QList<QPointF> rate;
    rate.reserve(qsizetype(s.points.size()));
    double rateMax = 0;
    double latMaxNs = 0;
    for (const ServiceRatePoint& p : s.points) {
        if (p.requests == 0)
            continue;
        const double x = units(p.t) + half / unitNs;
        rate.append(QPointF(x, p.errorRate * 100.0));
        rateMax = std::max(rateMax, p.errorRate * 100.0);
        latMaxNs = std::max(latMaxNs, double(p.p95));
    }
    m_errRate->replace(rate);
    m_errRate->setVisible(s.perVersion.empty()); // else the versions' lines say it all
    for (size_t v = 0; v < m_versionRates.size(); ++v) {
        QLineSeries* line = m_versionRates[v];
        if (v >= s.perVersion.size()) {
            line->setVisible(false);
            line->clear();
            continue;
        }
        QList<QPointF> pts;
        const auto& rates = s.perVersion[v].errorRate;
        for (size_t i = 0; i < rates.size(); ++i) {
            if (rates[i] < 0)
                continue;
            pts.append(QPointF(units(s.points[i].t) + half / unitNs, rates[i] * 100.0));
            rateMax = std::max(rateMax, rates[i] * 100.0);
        }
        line->replace(pts);
        line->setName(s.perVersion[v].version);
        line->setVisible(true);
    }
    for (const ServiceRateSpan& sp : s.spans)
        latMaxNs = std::max(latMaxNs, double(sp.duration));

    // Latency in ms or s, whichever reads better at this row's scale.
    const double topMs = niceCeil(std::max(latMaxNs / 1e6 * 1.1, 1.0));
    const bool seconds = topMs >= 1000;
    const double unit = seconds ? 1e9 : 1e6;
    QList<QPointF> p50, p95;
    for (const ServiceRatePoint& p : s.points) {
        if (p.requests == 0)
            continue;
        const double x = units(p.t) + half / unitNs;
        p50.append(QPointF(x, double(p.p50) / unit));
        p95.append(QPointF(x, double(p.p95) / unit));
    }
    m_p50->replace(p50);
    m_p95->replace(p95);
    QList<QPointF> mine, mineErrors;
    for (const ServiceRateSpan& sp : s.spans)
        (sp.error ? mineErrors : mine).append(QPointF(units(sp.start), double(sp.duration) / unit));
    m_thisRequest->replace(mine);
    m_thisRequestErrors->replace(mineErrors);

    // Percent tops that split into whole-number ticks.
    double errTop = 100;
    for (const double top : {2.0, 4.0, 10.0, 20.0, 40.0, 60.0, 100.0})
        if (rateMax * 1.1 <= top) {
            errTop = top;
            break;
        }
    const double latTop = seconds ? topMs / 1000 : topMs;
    m_errY->setRange(0, errTop);
    m_errY->setTickCount(3);
    m_errY->setLabelFormat(QStringLiteral("%.0f%%"));
    m_latY->setRange(0, latTop);
    m_latY->setTickCount(3);
    m_latY->setLabelFormat(seconds ? QStringLiteral("%.3g s") : QStringLiteral("%.3g ms"));
    for (QValueAxis* x : {m_errX, m_latX}) {
        x->setRange(xMin, xMax);
        x->setTickType(QValueAxis::TicksDynamic);
        x->setTickAnchor(0);
        x->setTickInterval(scale.tickInterval);
        x->setLabelFormat(scale.labelFormat());
    }

    // The service's incident windows, clipped to the chart: one area stepping up over each window.
    QList<QPointF> errUpper, latUpper;
    for (const ServiceRateIncident& w : s.incidents) {
        const double a = std::max(xMin, units(w.from)), b = std::min(xMax, units(w.to));
        if (b <= a)
            continue;
        errUpper << QPointF(a, 0) << QPointF(a, errTop) << QPointF(b, errTop) << QPointF(b, 0);
        latUpper << QPointF(a, 0) << QPointF(a, latTop) << QPointF(b, latTop) << QPointF(b, 0);
    }
    m_errIncidents->upperSeries()->replace(errUpper);
    m_latIncidents->upperSeries()->replace(latUpper);
    const QList<QPointF> floor{QPointF(xMin, 0), QPointF(xMax, 0)};
    m_errIncidents->lowerSeries()->replace(errUpper.isEmpty() ? QList<QPointF>() : floor);
    m_latIncidents->lowerSeries()->replace(latUpper.isEmpty() ? QList<QPointF>() : floor);
    m_errIncidents->setVisible(!errUpper.isEmpty());
    m_latIncidents->setVisible(!latUpper.isEmpty());

    // The load: its moment as a line, its duration shaded (at least a few pixels wide, so a 2 s load in
    // a 30 min window is still visible).
    const double loadEnd = std::max(units(d.loadStart + d.loadDuration), (xMax - xMin) / 150.0);
    m_errMarker->replace({QPointF(0, 0), QPointF(0, errTop)});
    m_latMarker->replace({QPointF(0, 0), QPointF(0, latTop)});
    m_errShade->upperSeries()->replace({QPointF(0, errTop), QPointF(loadEnd, errTop)});
    m_errShade->lowerSeries()->replace({QPointF(0, 0), QPointF(loadEnd, 0)});
    m_latShade->upperSeries()->replace({QPointF(0, latTop), QPointF(loadEnd, latTop)});
    m_latShade->lowerSeries()->replace({QPointF(0, 0), QPointF(loadEnd, 0)});

    if (m_styledService != s.name || m_styledFlagged != (s.misbehaving ? 1 : 0))
        style(palette, font, s.name, s.misbehaving); // palette changes restyle every row (the panel)
}

} // namespace seam
