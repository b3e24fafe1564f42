#include "WhyPanel.h"

#include "Format.h"
#include "PanelHeader.h"
#include "WhyCauseTerm.h"
#include "WhySideBars.h"
#include "WhyStoreSection.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace seam {
namespace {

enum Column
{
    CauseColumn,
    ShareColumn,
    ExplainsColumn,
    QColumn,
};
constexpr int kTermRole = Qt::UserRole;
constexpr int kSelectionShareRole = Qt::UserRole + 1;
constexpr int kBaselineShareRole = Qt::UserRole + 2;

/// The evidence of a cause at a glance: how common it is among the selected loads (coloured bar) and
/// among the baseline (grey bar), with both percentages.
class ShareDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem o = option;
        initStyleOption(&o, index);
        o.text.clear();
        o.widget->style()->drawControl(QStyle::CE_ItemViewItem, &o, painter, o.widget);
        const double selection = index.data(kSelectionShareRole).toDouble();
        const double baseline = index.data(kBaselineShareRole).toDouble();
        const QRect r = option.rect.adjusted(3, 3, -3, -3);
        const QString text = formatPercent(selection) + QStringLiteral(" / ") + formatPercent(baseline);
        const int textWidth = option.fontMetrics.horizontalAdvance(QStringLiteral("100% / 100%")) + 6;
        const int barWidth = std::max(10, r.width() - textWidth);
        const int h = std::max(2, (r.height() - 1) / 2);
        painter->save();
        painter->fillRect(QRectF(r.left(), r.top(), barWidth * std::clamp(selection, 0.0, 1.0), h),
                          option.palette.color(QPalette::Highlight));
        painter->fillRect(QRectF(r.left(), r.top() + h + 1, barWidth * std::clamp(baseline, 0.0, 1.0), h),
                          option.palette.color(QPalette::Mid));
        painter->setPen(option.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText
                                                                                   : QPalette::Text));
        painter->drawText(QRect(r.left() + barWidth + 4, option.rect.top(), textWidth, option.rect.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, text);
        painter->restore();
    }
};

QString fromStd(const std::string& s)
{
    return QString::fromStdString(s);
}

QString ms(double value)
{
    return formatDuration(qint64(value * 1e6));
}

/// A filter that asks for failed loads: the "failed loads" answer is the one wanted then.
bool asksForErrors(const QString& filter)
{
    static const QRegularExpression errors(
        QStringLiteral(R"((^|\s)(errors\s*(:|>|>=|=)\s*[1-9]|errors>0|status:error))"),
        QRegularExpression::CaseInsensitiveOption);
    return errors.match(filter).hasMatch();
}

QTreeWidgetItem* causeItem(const WhyCause& c)
{
    auto* item = new QTreeWidgetItem;
    item->setText(CauseColumn, fromStd(c.text));
    item->setToolTip(CauseColumn, fromStd(c.text));
    item->setData(CauseColumn, kTermRole, causeFilterTerm(c));
    item->setData(ShareColumn, kSelectionShareRole, c.selectionShare);
    item->setData(ShareColumn, kBaselineShareRole, c.baselineShare);
    item->setToolTip(ShareColumn, QObject::tr("%1 of the selected loads, %2 of the baseline")
                                      .arg(formatPercent(c.selectionShare), formatPercent(c.baselineShare)));
    item->setText(ExplainsColumn, ms(c.deltaMs));
    item->setTextAlignment(ExplainsColumn, Qt::AlignRight | Qt::AlignVCenter);
    item->setToolTip(ExplainsColumn, QObject::tr("The part of the p75 gap that goes away without this"));
    // Below 0.001 the digits say nothing more to a reader (the tooltip keeps them).
    item->setText(QColumn, c.qValue < 0.001 ? QStringLiteral("<0.001") : QString::number(c.qValue, 'g', 2));
    item->setToolTip(QColumn, QObject::tr("q-value (Benjamini-Hochberg) %1, p %2")
                                  .arg(QString::number(c.qValue, 'g', 3), QString::number(c.pValue, 'g', 3)));
    item->setTextAlignment(QColumn, Qt::AlignRight | Qt::AlignVCenter);
    const QString term = causeFilterTerm(c);
    if (!term.isEmpty())
        item->setStatusTip(CauseColumn, QObject::tr("Click to filter: %1").arg(term));
    return item;
}

} // namespace

WhyPanel::WhyPanel(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation), m_loader(new WhyLoader(cachePath, this)),
      m_header(makePanelHeader()), m_verdict(new QLabel), m_sides(new WhySideBars),
      m_cohortVerdict(new QLabel), m_causes(new QTreeWidget), m_criterion(new QComboBox),
      m_compare(new QPushButton(tr("Compare"))), m_progress(new QProgressBar), m_store(new WhyStoreSection),
      m_progressDelay(new QTimer(this))
{
    m_criterion->addItem(tr("Slow loads"));
    m_criterion->addItem(tr("Failed loads"));
    m_criterion->setToolTip(tr("Explain the loads slower than their route's p90, or the failed ones"));
    m_compare->setToolTip(tr("Compare the selection (or the chosen cause) with the rest"));
    m_compare->setEnabled(false);
    m_progress->setRange(0, 0); // busy: the analysis has no meaningful fraction to report
    m_progress->setMaximumWidth(120);
    m_progress->setMaximumHeight(m_header->sizeHint().height() - 6);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_progressDelay->setSingleShot(true);
    m_progressDelay->setInterval(kProgressDelayMs);
    for (QLabel* label : {m_verdict, m_cohortVerdict}) {
        label->setWordWrap(true);
        label->setTextFormat(Qt::PlainText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setContentsMargins(6, 2, 6, 2);
        label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    }
    m_causes->setColumnCount(4);
    m_causes->setHeaderLabels({tr("Cause"), tr("Selected / baseline"), tr("Explains"), tr("q")});
    m_causes->setItemDelegateForColumn(ShareColumn, new ShareDelegate(m_causes));
    m_causes->setUniformRowHeights(true);
    m_causes->setAlternatingRowColors(true);
    m_causes->setTextElideMode(Qt::ElideRight);
    m_causes->setAllColumnsShowFocus(true);
    QHeaderView* h = m_causes->header();
    h->setStretchLastSection(false);
    h->setSectionResizeMode(CauseColumn, QHeaderView::Stretch);
    h->resizeSection(ShareColumn, 150);
    h->resizeSection(ExplainsColumn, 64);
    h->resizeSection(QColumn, 64);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 4, 0);
    top->addWidget(m_header, 1);
    top->addWidget(m_progress);
    top->addWidget(m_criterion);
    top->addWidget(m_compare);
    auto* summary = new QHBoxLayout;
    summary->setContentsMargins(0, 0, 4, 0);
    summary->addWidget(m_verdict, 1);
    summary->addWidget(m_sides, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addLayout(summary);
    layout->addWidget(m_cohortVerdict);
    layout->addWidget(m_causes, 1);
    layout->addWidget(m_store);

    connect(m_progressDelay, &QTimer::timeout, this, [this] {
        if (m_loader->isLoading())
            m_progress->show();
    });
    m_loader->onLoaded(this, [this](std::shared_ptr<const WhyData> data) { showData(std::move(data)); });
    connect(m_loader, &WhyLoader::failed, this, [this](const QString& message) {
        setBusy(false);
        m_verdict->setText(tr("The answer could not be read: %1").arg(message));
    });
    connect(m_causes, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) { applyCause(item); });
    connect(m_compare, &QPushButton::clicked, this, &WhyPanel::compare);
    connect(m_criterion, &QComboBox::currentIndexChanged, this, [this] { reload(); });
    connect(m_investigation, &Investigation::changed, this, &WhyPanel::investigationChanged);
    m_header->setText(tr("Why?"));
}

bool WhyPanel::isLoading() const
{
    return m_loader->isLoading();
}

QString WhyPanel::termOf(const QTreeWidgetItem* item)
{
    return item ? item->data(CauseColumn, kTermRole).toString() : QString();
}

WhyRequest WhyPanel::currentRequest() const
{
    WhyRequest r;
    if (m_investigation->selectedPageLoad() != 0) {
        r.mode = WhyRequest::Mode::PageLoad;
        r.pageLoadId = m_investigation->selectedPageLoad();
        return r;
    }
    r.mode = WhyRequest::Mode::Cohort;
    if (const auto& range = m_investigation->timeRange()) {
        r.from = range->from;
        r.to = range->to;
    }
    r.filter = m_investigation->filterText().trimmed();
    r.failed = m_criterion->currentIndex() == 1;
    return r;
}

void WhyPanel::investigationChanged(Investigation::Changes changes)
{
    if (!(changes &
          (Investigation::PageLoadChanged | Investigation::TimeRangeChanged | Investigation::FilterChanged)))
        return;
    if (changes & Investigation::FilterChanged) {
        // Follows the filter once, when it starts or stops asking for errors; the user may change it.
        const QSignalBlocker block(m_criterion);
        m_criterion->setCurrentIndex(asksForErrors(m_investigation->filterText()) ? 1 : 0);
    }
    reload();
}

void WhyPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        reload();
}

void WhyPanel::reload()
{
    const WhyRequest request = currentRequest();
    m_criterion->setEnabled(request.mode == WhyRequest::Mode::Cohort);
    if (!isVisible()) {
        // A hidden tab costs nothing per click: the answer is read when the pane is shown.
        m_stale = true;
        m_loader->cancel();
        setBusy(false);
        return;
    }
    m_stale = false;
    if (m_data && m_data->request == request && !m_loader->isLoading())
        return;
    m_loader->load(request);
    setBusy(true);
}

void WhyPanel::setBusy(bool busy)
{
    if (busy) {
        m_progressDelay->start();
        return;
    }
    m_progressDelay->stop();
    m_progress->hide();
}

void WhyPanel::showData(std::shared_ptr<const WhyData> data)
{
    // The loader hands over the latest request's answer only; one for another focus (a request made
    // while this one was read) is not ours to show.
    if (data->request != currentRequest())
        return;
    setBusy(false);
    m_data = std::move(data);
    const WhyData& d = *m_data;
    m_sides->clear();
    m_cohortVerdict->clear();
    m_cohortVerdict->hide();
    if (!d.error.isEmpty()) {
        m_header->setText(tr("Why?"));
        m_verdict->setText(tr("The filter cannot be used: %1").arg(d.error));
        m_causes->clear();
        m_compare->setEnabled(false);
        return;
    }
    if (d.request.mode == WhyRequest::Mode::PageLoad) {
        if (!d.pageLoadFound) {
            m_header->setText(tr("Why?"));
            m_verdict->setText(tr("This page load is no longer in the cache."));
            m_causes->clear();
            m_compare->setEnabled(false);
            return;
        }
        const LoadVerdict& v = d.loadVerdict;
        m_header->setText(
            tr("Why? %1 load, %2 (normal %3)")
                .arg(d.route.isEmpty() ? tr("(no route)") : d.route, ms(v.loadMs), ms(v.normalLoadMs)));
        m_verdict->setText(fromStd(v.text));
        if (v.normalLoads >= WhyData::kMinGroupLoads)
            m_sides->setValues({v.ownMs[0], v.ownMs[1], v.ownMs[2]},
                               {v.normalMs[0], v.normalMs[1], v.normalMs[2]}, tr("this load"),
                               tr("normal (median)"));
        m_cohortVerdict->setText(tr("Slow loads of %1 (%2) against the others (%3): %4")
                                     .arg(d.route)
                                     .arg(d.cohort.selection.pageLoads)
                                     .arg(d.cohort.baseline.pageLoads)
                                     .arg(fromStd(d.cohort.verdict.text)));
        m_cohortVerdict->show();
    } else {
        const QString what = d.cohortFailed ? tr("Failed loads") : tr("Slow loads");
        const QString scope = d.cohortFilter.isEmpty() ? tr("all routes") : d.cohortFilter;
        m_header->setText(tr("Why? %1 (%2) against the others (%3) · %4")
                              .arg(what)
                              .arg(d.cohort.selection.pageLoads)
                              .arg(d.cohort.baseline.pageLoads)
                              .arg(scope));
        m_verdict->setText(fromStd(d.cohort.verdict.text));
        if (!d.tooLittleData()) {
            const WhyVerdict& v = d.cohort.verdict;
            m_sides->setValues({v.selectionMedianMs[0], v.selectionMedianMs[1], v.selectionMedianMs[2]},
                               {v.baselineMedianMs[0], v.baselineMedianMs[1], v.baselineMedianMs[2]},
                               tr("selected (median)"), tr("baseline (median)"));
        }
    }
    m_sides->setVisible(m_sides->hasValues());
    showCauses(d);
    m_compare->setEnabled(!d.compareSelection.isEmpty());
    updateStoreScope();
}

void WhyPanel::updateStoreScope()
{
    // The store counts page-load terms only: it can be asked for a route (or all routes), a brushed
    // range and a slow threshold, not for the filter language or failed loads.
    const WhyData* d = m_data.get();
    const auto& range = m_investigation->timeRange();
    if (!d || !d->error.isEmpty() || (d->request.mode == WhyRequest::Mode::PageLoad && !d->pageLoadFound)) {
        m_store->setScope(std::nullopt, tr("Across the store: nothing selected."));
        return;
    }
    if (!range) {
        m_store->setScope(std::nullopt, tr("Across the store: brush a time range to count it in the store."));
        return;
    }
    if (d->cohortFailed || d->slowThresholdNs < 0) {
        m_store->setScope(std::nullopt, tr("Across the store: only slow loads can be counted there."));
        return;
    }
    if (d->request.mode == WhyRequest::Mode::Cohort && !d->cohortFilter.isEmpty()) {
        m_store->setScope(
            std::nullopt,
            tr("Across the store: the filter cannot be asked of the store; clear it to count."));
        return;
    }
    WhyStoreSection::Scope scope;
    scope.from = range->from;
    scope.to = range->to;
    scope.route = d->request.mode == WhyRequest::Mode::PageLoad ? d->route : QString();
    // Whole milliseconds, as the comparison's filter and `seam why --slow-ms` say it: the threshold is
    // one load's own duration, so a fraction of a ms decides on which side that load counts.
    scope.slowNs = (d->slowThresholdNs + 999'999) / 1'000'000 * 1'000'000;
    m_store->setScope(scope);
}

void WhyPanel::showCauses(const WhyData& d)
{
    m_causes->clear();
    if (d.tooLittleData()) {
        // No rows below the guards: an empty list would read as "nothing stands out".
        auto* item = new QTreeWidgetItem({tr("Too little data for causes: %1 selected and %2 other loads "
                                             "(each group needs %3)")
                                              .arg(d.cohort.selection.pageLoads)
                                              .arg(d.cohort.baseline.pageLoads)
                                              .arg(WhyData::kMinGroupLoads)});
        item->setFlags(Qt::ItemIsEnabled);
        m_causes->addTopLevelItem(item);
        return;
    }
    if (d.cohort.causes.empty()) {
        auto* item = new QTreeWidgetItem({tr("No attribute, operation or phase stands out (q ≤ 0.05)")});
        item->setFlags(Qt::ItemIsEnabled);
        m_causes->addTopLevelItem(item);
        return;
    }
    for (const WhyCause& c : d.cohort.causes) {
        QTreeWidgetItem* item = causeItem(c);
        for (const WhyCause& consequence : c.consequences)
            item->addChild(causeItem(consequence));
        m_causes->addTopLevelItem(item);
    }
}

void WhyPanel::applyCause(QTreeWidgetItem* item)
{
    const QString term = termOf(item);
    if (term.isEmpty())
        return;
    m_investigation->setFilterText(withFilterTerm(m_investigation->filterText(), term));
}

void WhyPanel::compare()
{
    if (!m_data)
        return;
    // A chosen cause is compared with its absence inside the cohort; otherwise selection and baseline.
    const QString term = termOf(m_causes->currentItem());
    if (!term.isEmpty()) {
        emit compareRequested(withFilterTerm(m_data->cohortFilter, term),
                              withFilterTerm(m_data->cohortFilter, QLatin1Char('-') + term));
        return;
    }
    emit compareRequested(m_data->compareSelection, m_data->compareBaseline);
}

} // namespace seam
