#include "ServiceRatesPanel.h"

#include "PanelHeader.h"
#include "ServiceColours.h"
#include "ServiceRatesLoader.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTimer>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <functional>

namespace seam {
namespace {

constexpr int kRowHeight = 104;
constexpr int kInfoWidth = 200;
constexpr qint64 kMinuteNs = 60LL * 1'000'000'000;
constexpr qint64 kWindows[] = {5 * kMinuteNs, 15 * kMinuteNs, 60 * kMinuteNs};
constexpr int kDefaultWindow = 1;
constexpr int kMaxVersionLines = 4;

/// A chart view that reports when it has painted (to measure data arrival -> pixels).
class RateChartView : public QChartView
{
public:
    RateChartView(QChart* chart, std::function<void()> painted)
        : QChartView(chart), m_painted(std::move(painted))
    {
        setRenderHint(QPainter::Antialiasing);
        setFrameShape(QFrame::NoFrame);
        setMinimumWidth(160);
    }

protected:
    void paintEvent(QPaintEvent* event) override
    {
        QChartView::paintEvent(event);
        if (m_painted)
            m_painted();
    }

private:
    std::function<void()> m_painted;
};

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

double tickInterval(qint64 windowNs)
{
    const double minutes = double(windowNs) / double(kMinuteNs);
    if (minutes <= 5)
        return 2;
    if (minutes <= 15)
        return 5;
    if (minutes <= 30)
        return 10;
    return 20;
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

} // namespace

/// One service: its caption on the left, its error-rate and latency charts on the right.
struct ServiceRatesPanel::Row
{
    QWidget* widget = nullptr;
    QWidget* info = nullptr;
    QLabel* swatch = nullptr;
    QLabel* title = nullptr;
    QLabel* detail = nullptr;
    QChart* errChart = nullptr;
    QChart* latChart = nullptr;
    QChartView* errView = nullptr;
    QChartView* latView = nullptr;
    QValueAxis* errX = nullptr;
    QValueAxis* errY = nullptr;
    QValueAxis* latX = nullptr;
    QValueAxis* latY = nullptr;
    QLineSeries* errRate = nullptr;
    std::vector<QLineSeries*> versionRates;
    QLineSeries* p50 = nullptr;
    QLineSeries* p95 = nullptr;
    QScatterSeries* thisRequest = nullptr;
    QScatterSeries* thisRequestErrors = nullptr;
    // The load's moment (a line) and its duration (shaded), on both charts.
    QLineSeries* errMarker = nullptr;
    QLineSeries* latMarker = nullptr;
    QAreaSeries* errShade = nullptr;
    QAreaSeries* latShade = nullptr;
    QString service;
    bool flagged = false;
    QString reason;
    // What styleRow() last applied, so that a row showing the same service again is not restyled.
    QString styledService;
    int styledFlagged = -1;
};

ServiceRatesPanel::ServiceRatesPanel(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation), m_loader(new ServiceRatesLoader(cachePath, this)),
      m_header(makePanelHeader()), m_window(new QComboBox), m_stack(new QStackedWidget),
      m_message(new QLabel), m_scroll(new QScrollArea), m_rowsLayout(nullptr)
{
    for (const qint64 w : kWindows)
        m_window->addItem(tr("±%1 min").arg(w / kMinuteNs), w);
    m_window->setCurrentIndex(kDefaultWindow);
    m_window->setToolTip(tr("Time shown before and after the page load"));

    auto* top = new QWidget;
    auto* topLayout = new QHBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 6, 0);
    topLayout->setSpacing(4);
    topLayout->addWidget(m_header, 1);
    topLayout->addWidget(m_window);

    // Column captions, laid out like the rows below so they sit over their charts.
    auto* captions = new QWidget;
    auto* capLayout = new QHBoxLayout(captions);
    capLayout->setContentsMargins(6, 0, 6, 0);
    capLayout->setSpacing(4);
    auto caption = [](const QString& text) {
        auto* l = new QLabel(text);
        QFont f = l->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        l->setFont(f);
        l->setForegroundRole(QPalette::PlaceholderText);
        return l;
    };
    QLabel* serviceCaption = caption(tr("Service (misbehaving first)"));
    serviceCaption->setFixedWidth(kInfoWidth);
    capLayout->addWidget(serviceCaption);
    capLayout->addWidget(caption(tr("Error rate · minutes from the load")), 1);
    capLayout->addWidget(caption(tr("Latency p50 (thin) · p95 (bold) · ● this request")), 1);

    auto* rows = new QWidget;
    m_rowsLayout = new QVBoxLayout(rows);
    m_rowsLayout->setContentsMargins(0, 0, 0, 0);
    m_rowsLayout->setSpacing(1);
    m_rowsLayout->addStretch(1);
    m_scroll->setWidget(rows);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->verticalScrollBar()->setSingleStep(kRowHeight / 4);

    auto* chartsPage = new QWidget;
    auto* chartsLayout = new QVBoxLayout(chartsPage);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(0);
    chartsLayout->addWidget(captions);
    chartsLayout->addWidget(m_scroll, 1);

    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_message);
    m_stack->addWidget(chartsPage);
    layOutPanel(this, top, m_stack);

    connect(m_window, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    m_loader->onLoaded(this,
                       [this](std::shared_ptr<const ServiceRatesData> data) { showData(std::move(data)); });
    connect(m_loader, &ServiceRatesLoader::failed, this, [this](const QString& error) {
        showMessage(tr("Could not read the service rates: %1").arg(error));
    });
    if (m_investigation)
        connect(m_investigation, &Investigation::changed, this, &ServiceRatesPanel::onInvestigationChanged);
    refresh();
}

ServiceRatesPanel::~ServiceRatesPanel() = default;

qint64 ServiceRatesPanel::windowNs() const
{
    return m_window->currentData().toLongLong();
}

void ServiceRatesPanel::setWindowNs(qint64 ns)
{
    int best = 0;
    for (int i = 1; i < m_window->count(); ++i)
        if (std::llabs(m_window->itemData(i).toLongLong() - ns) <
            std::llabs(m_window->itemData(best).toLongLong() - ns))
            best = i;
    m_window->setCurrentIndex(best);
}

QString ServiceRatesPanel::message() const
{
    return m_stack->currentIndex() == 0 ? m_message->text() : QString();
}

bool ServiceRatesPanel::isLoading() const
{
    return m_loader->isLoading();
}

QString ServiceRatesPanel::rowService(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->service : QString();
}

bool ServiceRatesPanel::rowFlagged(int row) const
{
    return row >= 0 && row < m_shownRows && m_rows[size_t(row)]->flagged;
}

QString ServiceRatesPanel::rowReason(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->reason : QString();
}

QChart* ServiceRatesPanel::errorChart(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->errChart : nullptr;
}

QChart* ServiceRatesPanel::latencyChart(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->latChart : nullptr;
}

QWidget* ServiceRatesPanel::rowWidget(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->widget : nullptr;
}

void ServiceRatesPanel::onInvestigationChanged(Investigation::Changes changes)
{
    if (changes & (Investigation::PageLoadChanged | Investigation::TracesChanged))
        refresh();
}

void ServiceRatesPanel::refresh()
{
    const qint64 pageLoad = m_investigation ? m_investigation->selectedPageLoad() : 0;
    if (pageLoad == 0) {
        m_loader->load({});
        m_data.reset();
        m_header->setText(tr("Service rates"));
        showMessage(tr("Select a page load to see the error rates and latency of the services it reached."));
        return;
    }
    if (m_investigation->selectedTraces().empty()) {
        m_loader->load({});
        m_data.reset();
        m_header->setText(tr("Service rates"));
        showMessage(tr("No backend traces for this page load."));
        return;
    }
    ServiceRatesRequest request;
    request.pageLoadId = pageLoad;
    request.traces = m_investigation->selectedTraces();
    request.windowNs = windowNs();
    m_loader->load(std::move(request));
    // Charts of the same page load stay up while another window loads; anything else says so.
    if (m_data && m_data->pageLoadId == pageLoad && m_stack->currentIndex() == 1)
        m_header->setText(m_header->text().section(QStringLiteral("  ·  "), 0, 0) + QStringLiteral("  ·  ") +
                          tr("loading…"));
    else
        showMessage(tr("Loading…"));
}

void ServiceRatesPanel::showMessage(const QString& text)
{
    m_message->setText(text);
    m_stack->setCurrentIndex(0);
    m_awaitingPaint = false;
}

bool ServiceRatesPanel::darkPalette() const
{
    return palette().color(QPalette::Window).lightness() < 128;
}

ServiceRatesPanel::Row& ServiceRatesPanel::row(int index)
{
    while (int(m_rows.size()) <= index) {
        auto r = std::make_unique<Row>();
        r->widget = new QWidget;
        r->widget->setFixedHeight(kRowHeight);
        auto* layout = new QHBoxLayout(r->widget);
        layout->setContentsMargins(6, 0, 6, 0);
        layout->setSpacing(4);

        r->info = new QWidget;
        r->info->setFixedWidth(kInfoWidth);
        r->info->setAutoFillBackground(true);
        auto* infoLayout = new QVBoxLayout(r->info);
        infoLayout->setContentsMargins(4, 4, 4, 4);
        infoLayout->setSpacing(2);
        auto* titleLine = new QHBoxLayout;
        titleLine->setSpacing(4);
        r->swatch = new QLabel;
        r->swatch->setFixedSize(10, 10);
        r->swatch->setAutoFillBackground(true);
        r->title = new QLabel;
        r->title->setTextFormat(Qt::PlainText);
        QFont bold = r->title->font();
        bold.setBold(true);
        r->title->setFont(bold);
        titleLine->addWidget(r->swatch);
        titleLine->addWidget(r->title, 1);
        infoLayout->addLayout(titleLine);
        r->detail = new QLabel;
        r->detail->setTextFormat(Qt::RichText);
        r->detail->setWordWrap(true);
        r->detail->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        r->detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
        QFont small = r->detail->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        r->detail->setFont(small);
        infoLayout->addWidget(r->detail, 1);
        layout->addWidget(r->info);

        auto makeChart = [](QChart*& chart) {
            chart = new QChart;
            chart->legend()->hide();
            chart->setMargins(QMargins(0, 2, 2, 0));
            chart->layout()->setContentsMargins(0, 0, 0, 0);
            chart->setBackgroundRoundness(0);
        };
        makeChart(r->errChart);
        makeChart(r->latChart);
        r->errX = makeAxis(Qt::AlignBottom, r->errChart);
        r->errY = makeAxis(Qt::AlignLeft, r->errChart);
        r->latX = makeAxis(Qt::AlignBottom, r->latChart);
        r->latY = makeAxis(Qt::AlignLeft, r->latChart);

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
        // Drawn in insertion order: the load's shading first, the data over it, the marker on top.
        r->errShade = shade(r->errChart, r->errX, r->errY);
        r->latShade = shade(r->latChart, r->latX, r->latY);
        r->errRate = new QLineSeries;
        add(r->errChart, r->errRate, r->errX, r->errY, "errorRate");
        for (int v = 0; v < kMaxVersionLines; ++v) {
            auto* s = new QLineSeries;
            add(r->errChart, s, r->errX, r->errY, "versionErrorRate");
            s->setVisible(false);
            r->versionRates.push_back(s);
        }
        r->p50 = new QLineSeries;
        add(r->latChart, r->p50, r->latX, r->latY, "p50");
        r->p95 = new QLineSeries;
        add(r->latChart, r->p95, r->latX, r->latY, "p95");
        r->thisRequest = new QScatterSeries;
        add(r->latChart, r->thisRequest, r->latX, r->latY, "thisRequest");
        r->thisRequestErrors = new QScatterSeries;
        add(r->latChart, r->thisRequestErrors, r->latX, r->latY, "thisRequestErrors");
        r->errMarker = new QLineSeries;
        add(r->errChart, r->errMarker, r->errX, r->errY, "loadMarker");
        r->latMarker = new QLineSeries;
        add(r->latChart, r->latMarker, r->latX, r->latY, "loadMarker");

        auto painted = [this] { chartPainted(); };
        r->errView = new RateChartView(r->errChart, painted);
        r->latView = new RateChartView(r->latChart, painted);
        layout->addWidget(r->errView, 1);
        layout->addWidget(r->latView, 1);

        m_rowsLayout->insertWidget(int(m_rows.size()), r->widget);
        m_rows.push_back(std::move(r));
        styleRow(*m_rows.back(), QString(), false);
    }
    return *m_rows[size_t(index)];
}

void ServiceRatesPanel::styleRow(Row& r, const QString& service, bool flagged)
{
    r.styledService = service;
    r.styledFlagged = flagged ? 1 : 0;
    const bool dark = darkPalette();
    const QPalette pal = palette();
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
    r.info->setPalette(infoPal);
    QPalette swatchPal = pal;
    swatchPal.setColor(QPalette::Window, serviceColor);
    r.swatch->setPalette(swatchPal);
    QPalette titlePal = infoPal;
    if (flagged)
        titlePal.setColor(QPalette::WindowText, error);
    r.title->setPalette(titlePal);

    QFont axisFont = font();
    axisFont.setPointSizeF(std::max(6.0, axisFont.pointSizeF() * 0.75));
    for (QChart* chart : {r.errChart, r.latChart}) {
        if (chart->theme() != (dark ? QChart::ChartThemeDark : QChart::ChartThemeLight))
            chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        chart->setBackgroundBrush(base);
        chart->setBackgroundPen(Qt::NoPen);
        chart->setPlotAreaBackgroundVisible(false);
    }
    for (QValueAxis* axis : {r.errX, r.errY, r.latX, r.latY}) {
        axis->setLabelsFont(axisFont);
        axis->setLabelsColor(text);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(grid);
        axis->setMinorGridLineVisible(false);
        axis->setTitleVisible(false);
    }
    r.errRate->setPen(QPen(error, 2));
    for (size_t v = 0; v < r.versionRates.size(); ++v)
        r.versionRates[v]->setPen(QPen(versionColour(v, dark), 1.8));
    r.p50->setPen(QPen(line, 1.2));
    r.p95->setPen(QPen(line, 2.4));
    for (QScatterSeries* s : {r.thisRequest, r.thisRequestErrors}) {
        s->setMarkerSize(8);
        s->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        s->setPen(QPen(base, 1));
    }
    r.thisRequest->setBrush(text);
    r.thisRequestErrors->setBrush(error);
    for (QLineSeries* m : {r.errMarker, r.latMarker})
        m->setPen(QPen(markerColor, 1.5, Qt::DashLine));
    for (QAreaSeries* a : {r.errShade, r.latShade}) {
        a->setBrush(shadeColor);
        a->setPen(Qt::NoPen);
    }
}

void ServiceRatesPanel::restyleAll()
{
    for (int i = 0; i < int(m_rows.size()); ++i)
        styleRow(*m_rows[size_t(i)], m_rows[size_t(i)]->service, m_rows[size_t(i)]->flagged);
}

void ServiceRatesPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        restyleAll();
}

void ServiceRatesPanel::fillRow(Row& r, const ServiceRateSeries& s)
{
    const ServiceRatesData& d = *m_data;
    const double t0 = double(d.loadStart);
    auto minutes = [t0](qint64 t) { return (double(t) - t0) / double(kMinuteNs); };
    const double xMin = minutes(d.from);
    const double xMax = minutes(d.to);
    const double half = double(d.step) / 2.0;

    r.service = s.name;
    r.flagged = s.misbehaving;
    r.reason = s.reason;
    r.title->setText(s.misbehaving ? QStringLiteral("⚠ ") + s.name : s.name);
    // Versions: one line per version on the error-rate chart when several ran in the window, keyed
    // here by colour, with each version's error rate over the window.
    const bool dark = darkPalette();
    QStringList lines;
    if (s.perVersion.empty()) {
        if (!s.versions.isEmpty())
            lines << tr("version %1").arg(s.versions.join(QStringLiteral(", ")).toHtmlEscaped());
    } else {
        QStringList parts;
        for (size_t v = 0; v < s.perVersion.size(); ++v) {
            const ServiceRateVersion& ver = s.perVersion[v];
            const QString rateText =
                ServiceRatesData::formatRate(ver.requests ? double(ver.errors) / double(ver.requests) : 0.0);
            const QString key =
                v < r.versionRates.size()
                    ? QStringLiteral("<span style=\"color:%1\">■</span> ").arg(versionColour(v, dark).name())
                    : QString();
            parts << key + tr("%1: %2 errors").arg(ver.version.toHtmlEscaped(), rateText);
        }
        lines << parts.join(QStringLiteral(", "));
    }
    lines << s.reason.toHtmlEscaped();
    r.detail->setText(lines.join(QStringLiteral("<br>")));
    r.widget->setToolTip(tr("%1\n%2 requests around the load, %3 errors; baseline %4 requests, %5 errors")
                             .arg(s.name)
                             .arg(s.around.requests)
                             .arg(s.around.errors)
                             .arg(s.baseline.requests)
                             .arg(s.baseline.errors));

    // Error rate, %: points at step centres; steps without requests are left out.
    QList<QPointF> rate;
    rate.reserve(qsizetype(s.points.size()));
    double rateMax = 0;
    double latMaxNs = 0;
    for (const ServiceRatePoint& p : s.points) {
        if (p.requests == 0)
            continue;
        const double x = minutes(p.t) + half / double(kMinuteNs);
        rate.append(QPointF(x, p.errorRate * 100.0));
        rateMax = std::max(rateMax, p.errorRate * 100.0);
        latMaxNs = std::max(latMaxNs, double(p.p95));
    }
    r.errRate->replace(rate);
    r.errRate->setVisible(s.perVersion.empty()); // else the versions' lines say it all
    for (size_t v = 0; v < r.versionRates.size(); ++v) {
        QLineSeries* line = r.versionRates[v];
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
            pts.append(QPointF(minutes(s.points[i].t) + half / double(kMinuteNs), rates[i] * 100.0));
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
        const double x = minutes(p.t) + half / double(kMinuteNs);
        p50.append(QPointF(x, double(p.p50) / unit));
        p95.append(QPointF(x, double(p.p95) / unit));
    }
    r.p50->replace(p50);
    r.p95->replace(p95);
    QList<QPointF> mine, mineErrors;
    for (const ServiceRateSpan& sp : s.spans)
        (sp.error ? mineErrors : mine).append(QPointF(minutes(sp.start), double(sp.duration) / unit));
    r.thisRequest->replace(mine);
    r.thisRequestErrors->replace(mineErrors);

    // Percent tops that split into whole-number ticks.
    double errTop = 100;
    for (const double top : {2.0, 4.0, 10.0, 20.0, 40.0, 60.0, 100.0})
        if (rateMax * 1.1 <= top) {
            errTop = top;
            break;
        }
    const double latTop = seconds ? topMs / 1000 : topMs;
    r.errY->setRange(0, errTop);
    r.errY->setTickCount(3);
    r.errY->setLabelFormat(QStringLiteral("%.0f%%"));
    r.latY->setRange(0, latTop);
    r.latY->setTickCount(3);
    r.latY->setLabelFormat(seconds ? QStringLiteral("%.3g s") : QStringLiteral("%.3g ms"));
    for (QValueAxis* x : {r.errX, r.latX}) {
        x->setRange(xMin, xMax);
        x->setTickType(QValueAxis::TicksDynamic);
        x->setTickAnchor(0);
        x->setTickInterval(tickInterval(d.windowNs));
        x->setLabelFormat(QStringLiteral("%+.0f"));
    }

    // The load: its moment as a line, its duration shaded (at least a few pixels wide, so a 2 s load in
    // a 30 min window is still visible).
    const double loadEnd = std::max(minutes(d.loadStart + d.loadDuration), (xMax - xMin) / 150.0);
    r.errMarker->replace({QPointF(0, 0), QPointF(0, errTop)});
    r.latMarker->replace({QPointF(0, 0), QPointF(0, latTop)});
    r.errShade->upperSeries()->replace({QPointF(0, errTop), QPointF(loadEnd, errTop)});
    r.errShade->lowerSeries()->replace({QPointF(0, 0), QPointF(loadEnd, 0)});
    r.latShade->upperSeries()->replace({QPointF(0, latTop), QPointF(loadEnd, latTop)});
    r.latShade->lowerSeries()->replace({QPointF(0, 0), QPointF(loadEnd, 0)});

    if (r.styledService != s.name || r.styledFlagged != (s.misbehaving ? 1 : 0))
        styleRow(r, s.name, s.misbehaving); // palette changes restyle every row (changeEvent)
}

void ServiceRatesPanel::showData(std::shared_ptr<const ServiceRatesData> data)
{
    m_arrival.start();
    m_data = std::move(data);
    const ServiceRatesData& d = *m_data;
    if (!d.pageLoadFound) {
        m_header->setText(tr("Service rates"));
        showMessage(tr("The selected page load is not in this cache."));
        return;
    }
    if (d.services.empty()) {
        m_header->setText(tr("Service rates"));
        showMessage(tr("No backend traces for this page load."));
        return;
    }
    const int flagged =
        int(std::count_if(d.services.begin(), d.services.end(), [](const auto& s) { return s.misbehaving; }));
    QStringList head{d.route.isEmpty() ? tr("(no route)") : d.route};
    head << tr("loaded at %1")
                .arg(QDateTime::fromMSecsSinceEpoch(d.loadStart / 1'000'000)
                         .toString(QStringLiteral("HH:mm:ss")));
    head << (d.services.size() == 1 ? tr("1 service") : tr("%1 services").arg(d.services.size()));
    head << (flagged ? tr("%1 misbehaving around the load").arg(flagged) : tr("none misbehaving"));
    m_header->setText(head.join(QStringLiteral("  ·  ")));

    m_scroll->widget()->setUpdatesEnabled(false);
    const int n = int(d.services.size());
    for (int i = 0; i < n; ++i) {
        Row& r = row(i);
        fillRow(r, d.services[size_t(i)]);
        r.widget->setVisible(true);
    }
    for (int i = n; i < int(m_rows.size()); ++i)
        m_rows[size_t(i)]->widget->setVisible(false);
    m_shownRows = n;
    m_scroll->widget()->setUpdatesEnabled(true);
    m_scroll->verticalScrollBar()->setValue(0);
    m_stack->setCurrentIndex(1);
    m_awaitingPaint = true;
    emit dataShown();
}

void ServiceRatesPanel::chartPainted()
{
    if (!m_awaitingPaint)
        return;
    m_awaitingPaint = false;
    // The first chart to paint after new data: the event loop then paints the others of this frame;
    // measure once they are done.
    QTimer::singleShot(0, this, [this] {
        m_lastRenderMs = double(m_arrival.nsecsElapsed()) / 1e6;
        emit rendered(m_lastRenderMs);
    });
}

} // namespace seam
