#include "ServiceRatesPanel.h"

#include "PanelHeader.h"
#include "ServiceBaselineCache.h"
#include "ServiceRateRow.h"
#include "ServiceRatesLoader.h"
#include "TimeAxisScale.h"

#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace seam {
namespace {

constexpr qint64 kMinuteNs = 60LL * 1'000'000'000;
constexpr qint64 kWindows[] = {5 * kMinuteNs, 15 * kMinuteNs, 60 * kMinuteNs};
constexpr int kDefaultWindow = 1;

} // namespace

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
        // Cut rather than widen the window (a laptop screen); the rows below say the same.
        l->setMinimumWidth(1);
        QFont f = l->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        l->setFont(f);
        l->setForegroundRole(QPalette::PlaceholderText);
        return l;
    };
    QLabel* serviceCaption = caption(tr("Service (misbehaving first)"));
    serviceCaption->setFixedWidth(ServiceRateRow::kInfoWidth);
    capLayout->addWidget(serviceCaption);
    m_errorCaption = caption(tr("Error rate · minutes from the load"));
    capLayout->addWidget(m_errorCaption, 1);
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
    m_scroll->verticalScrollBar()->setSingleStep(ServiceRateRow::kHeight / 4);

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

    connect(m_window, &QComboBox::currentIndexChanged, this, [this] { reload(); });
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
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->service() : QString();
}

bool ServiceRatesPanel::rowFlagged(int row) const
{
    return row >= 0 && row < m_shownRows && m_rows[size_t(row)]->flagged();
}

QString ServiceRatesPanel::rowReason(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->reason() : QString();
}

QChart* ServiceRatesPanel::errorChart(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->errorChart() : nullptr;
}

QChart* ServiceRatesPanel::latencyChart(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->latencyChart() : nullptr;
}

QWidget* ServiceRatesPanel::rowWidget(int row) const
{
    return row >= 0 && row < m_shownRows ? m_rows[size_t(row)]->widget() : nullptr;
}

void ServiceRatesPanel::onInvestigationChanged(Investigation::Changes changes)
{
    if (changes & (Investigation::PageLoadChanged | Investigation::TracesChanged))
        reload();
}

void ServiceRatesPanel::refresh()
{
    m_baselines = std::make_shared<ServiceBaselineCache>();
    reload();
}

void ServiceRatesPanel::reload()
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
    request.baselines = m_baselines;
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

ServiceRateRow& ServiceRatesPanel::row(int index)
{
    while (int(m_rows.size()) <= index) {
        auto r = std::make_unique<ServiceRateRow>([this] { chartPainted(); });
        m_rowsLayout->insertWidget(int(m_rows.size()), r->widget());
        m_rows.push_back(std::move(r));
        m_rows.back()->style(palette(), font(), QString(), false);
    }
    return *m_rows[size_t(index)];
}

void ServiceRatesPanel::restyleAll()
{
    for (const auto& r : m_rows)
        r->style(palette(), font(), r->service(), r->flagged());
}

void ServiceRatesPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        restyleAll();
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
    const RelativeTimeScale scale = relativeTimeScale(d.to - d.from);
    m_errorCaption->setText(tr("Error rate · %1 from the load · shaded: incidents").arg(scale.unitWords));

    m_scroll->widget()->setUpdatesEnabled(false);
    const int n = int(d.services.size());
    for (int i = 0; i < n; ++i) {
        ServiceRateRow& r = row(i);
        r.fill(d, d.services[size_t(i)], palette(), font());
        r.widget()->setVisible(true);
    }
    for (int i = n; i < int(m_rows.size()); ++i)
        m_rows[size_t(i)]->widget()->setVisible(false);
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
