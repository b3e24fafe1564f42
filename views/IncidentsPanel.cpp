#include "IncidentsPanel.h"

#include "ConversionDialog.h"
#include "Format.h"
#include "IncidentTimeline.h"
#include "Store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QScrollArea>
#include <QStackedWidget>
#include <QThreadPool>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <cmath>

namespace seam {
namespace {

enum Column
{
    ServiceColumn,
    WhatColumn,
    WhenColumn,
    HowBadColumn,
    SessionsColumn,
    ConversionsColumn,
    ColumnCount
};

constexpr int kServiceColumnMax = 170;

QString timeText(qint64 ns, const QString& format)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(format);
}

} // namespace

IncidentsPanel::IncidentsPanel(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_cachePath(cachePath), m_investigation(investigation),
      m_loader(new IncidentsLoader(cachePath, this)), m_title(new QLabel(tr("Incidents"))),
      m_summary(new QLabel), m_conversionButton(new QToolButton), m_collapse(new QToolButton),
      m_body(new QWidget), m_stack(new QStackedWidget), m_message(new QLabel),
      m_timeline(new IncidentTimeline), m_timelineScroll(new QScrollArea), m_list(new QTreeWidget),
      m_pendingRead(new QTimer(this))
{
    m_pendingRead->setSingleShot(true);
    connect(m_pendingRead, &QTimer::timeout, this, &IncidentsPanel::reload);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long summary is cut, never widens the column (1366 px screens).
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_summary->setMinimumWidth(40);
    m_conversionButton->setText(tr("Conversion…"));
    m_conversionButton->setToolTip(tr("What counts as a conversion, for lost conversions (saved in the "
                                      "investigation)"));
    m_conversionButton->setAutoRaise(true);
    m_collapse->setAutoRaise(true);
    m_collapse->setArrowType(Qt::DownArrow);
    m_collapse->setToolTip(tr("Show or hide the incidents"));
    m_collapse->setAccessibleName(tr("Collapse incidents"));

    auto* header = new QWidget;
    auto* headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(6, 2, 6, 2);
    headerLayout->setSpacing(6);
    headerLayout->addWidget(m_collapse);
    headerLayout->addWidget(m_title);
    headerLayout->addWidget(m_summary, 1);
    headerLayout->addWidget(m_conversionButton);

    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels(
        {tr("Service"), tr("What"), tr("When"), tr("How bad"), tr("Sessions hit"), tr("Conversions lost")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setAllColumnsShowFocus(true);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->header()->setStretchLastSection(true);
    m_list->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_list->setToolTip(tr("Click or press Enter to open an incident: its window and page loads"));

    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    auto* page = new QWidget;
    auto* pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    pageLayout->setSpacing(2);
    // Many services would make the timeline as tall as the pane: past kVisibleLanes lanes it scrolls
    // (the list below keeps its room), with half a lane showing that there is more.
    m_timelineScroll->setWidget(m_timeline);
    m_timelineScroll->setWidgetResizable(true);
    m_timelineScroll->setFrameShape(QFrame::NoFrame);
    m_timelineScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_timelineScroll->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    pageLayout->addWidget(m_timelineScroll);
    pageLayout->addWidget(m_list, 1);
    m_stack->addWidget(m_message);
    m_stack->addWidget(page);
    auto* bodyLayout = new QVBoxLayout(m_body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addWidget(m_stack);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(header);
    layout->addWidget(m_body, 1);

    connect(m_collapse, &QToolButton::clicked, this, [this] { setCollapsed(!m_collapsed); });
    connect(m_conversionButton, &QToolButton::clicked, this, &IncidentsPanel::editConversion);
    connect(m_list, &QTreeWidget::clicked, this, [this](const QModelIndex& i) { openIncident(i.row()); });
    connect(m_list, &QTreeWidget::activated, this, [this](const QModelIndex& i) { openIncident(i.row()); });
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        m_timeline->setCurrentRow(item ? m_list->indexOfTopLevelItem(item) : -1);
    });
    connect(m_timeline, &IncidentTimeline::rowClicked, this, [this](int row) {
        m_list->setCurrentItem(m_list->topLevelItem(row));
        openIncident(row);
    });
    m_loader->onLoaded(this, [this](std::shared_ptr<const IncidentsData> d) { showData(std::move(d)); });
    connect(m_loader, &IncidentsLoader::failed, this,
            [this](const QString& error) { showMessage(tr("Could not look for incidents: %1").arg(error)); });
    if (m_investigation)
        connect(m_investigation, &Investigation::changed, this, &IncidentsPanel::onInvestigationChanged);
    reload();
}

IncidentsPanel::~IncidentsPanel() = default;

bool IncidentsPanel::isLoading() const
{
    return m_loader->isLoading();
}

QString IncidentsPanel::message() const
{
    return m_stack->currentIndex() == 0 ? m_message->text() : QString();
}

void IncidentsPanel::setCollapsed(bool collapsed)
{
    m_collapsed = collapsed;
    m_body->setVisible(!collapsed);
    m_collapse->setArrowType(collapsed ? Qt::RightArrow : Qt::DownArrow);
    // Collapsed, the panel is its header line: a splitter cannot give it more.
    setMaximumHeight(collapsed ? layout()->itemAt(0)->widget()->sizeHint().height() : QWIDGETSIZE_MAX);
}

void IncidentsPanel::refresh()
{
    const qint64 since = m_sinceRead.isValid() ? m_sinceRead.elapsed() : m_minimumIntervalMs;
    if (since < m_minimumIntervalMs) {
        if (!m_pendingRead->isActive())
            m_pendingRead->start(int(m_minimumIntervalMs - since));
        return;
    }
    reload();
}

void IncidentsPanel::reload()
{
    m_pendingRead->stop();
    m_sinceRead.start();
    ++m_readsStarted;
    ++m_generation;
    m_loader->load({m_generation, false, nullptr});
    if (!m_data)
        showMessage(tr("Looking for incidents…"));
}

void IncidentsPanel::showMessage(const QString& text)
{
    m_message->setText(text);
    m_stack->setCurrentIndex(0);
}

void IncidentsPanel::fillRow(QTreeWidgetItem* item, const IncidentRow& row) const
{
    const AnomalyWindow& w = row.window;
    QString service = QString::fromStdString(w.service);
    if (!w.version.empty())
        service += QLatin1Char(' ') + QString::fromStdString(w.version);
    item->setText(ServiceColumn, service);
    QString what = row.whatText();
    if (w.metrics.size() > 1)
        what += QStringLiteral(" +%1").arg(w.metrics.size() - 1);
    item->setText(WhatColumn, what);
    const bool sameDay = m_data && QDateTime::fromMSecsSinceEpoch(m_data->from / 1'000'000).date() ==
                                       QDateTime::fromMSecsSinceEpoch(m_data->to / 1'000'000).date();
    const QString format = sameDay ? QStringLiteral("HH:mm:ss") : QStringLiteral("yyyy-MM-dd HH:mm");
    item->setText(WhenColumn,
                  QStringLiteral("%1 · %2").arg(timeText(w.start, format), formatDuration(w.end - w.start)));
    item->setText(HowBadColumn, row.howBadText());
    QStringList tip{service, tr("Incident #%1, origin rank %2").arg(w.incident).arg(w.originRank)};
    if (!w.explainedBy.empty())
        tip << tr("explained by %1").arg(QString::fromStdString(w.explainedBy));
    if (!m_data || !m_data->withImpact) {
        item->setText(SessionsColumn, tr("…"));
        item->setText(ConversionsColumn, tr("…"));
    } else {
        item->setText(SessionsColumn, QString::number(row.affectedSessions));
        tip << tr("%1 sessions affected of %2 that reached %3; %4 page loads affected")
                   .arg(row.affectedSessions)
                   .arg(row.reachedSessions)
                   .arg(QString::fromStdString(w.service))
                   .arg(row.affectedPageLoads);
        if (row.lostConversions)
            item->setText(ConversionsColumn, QStringLiteral("%1 [%2, %3]")
                                                 .arg(std::max(0.0, *row.lostConversions), 0, 'f', 0)
                                                 .arg(std::max(0.0, row.lostLow), 0, 'f', 0)
                                                 .arg(std::max(0.0, row.lostHigh), 0, 'f', 0));
        else
            item->setText(ConversionsColumn, m_data->conversion ? tr("n/a") : tr("no conversion defined"));
        for (const std::string& n : row.impactNotes)
            tip << QString::fromStdString(n);
    }
    for (int c = 0; c < ColumnCount; ++c)
        item->setToolTip(c, tip.join(QLatin1Char('\n')));
    if (w.originRank == 1) {
        QFont f = item->font(ServiceColumn);
        f.setBold(true);
        item->setFont(ServiceColumn, f);
    }
}

void IncidentsPanel::showData(std::shared_ptr<const IncidentsData> data)
{
    const bool firstStage = !data->withImpact;
    if (data->withImpact)
        m_lastImpact = data;
    m_data = std::move(data);
    const IncidentsData& d = *m_data;
    m_timeline->setData(m_data);
    const int lanes = m_timeline->laneCount();
    m_timelineScroll->setVerticalScrollBarPolicy(
        lanes > IncidentTimeline::kVisibleLanes ? Qt::ScrollBarAlwaysOn : Qt::ScrollBarAlwaysOff);
    m_timelineScroll->setFixedHeight(lanes > IncidentTimeline::kVisibleLanes
                                         ? IncidentTimeline::laneTop(IncidentTimeline::kVisibleLanes) +
                                               IncidentTimeline::kLaneHeight / 2
                                         : m_timeline->sizeHint().height());
    const int current = m_list->currentIndex().isValid() ? m_list->currentIndex().row() : -1;
    m_list->clear();
    for (const IncidentRow& row : d.rows) {
        auto* item = new QTreeWidgetItem;
        fillRow(item, row);
        m_list->addTopLevelItem(item);
    }
    if (current >= 0 && current < m_list->topLevelItemCount())
        m_list->setCurrentItem(m_list->topLevelItem(current));
    for (const int c : {ServiceColumn, WhatColumn, WhenColumn, HowBadColumn, SessionsColumn})
        m_list->resizeColumnToContents(c);
    // A long service name is elided (its tooltip has it whole) rather than pushing the figures away.
    m_list->setColumnWidth(ServiceColumn, std::min(m_list->columnWidth(ServiceColumn), kServiceColumnMax));

    int incidents = 0;
    for (const IncidentRow& r : d.rows)
        incidents = std::max(incidents, r.window.incident);
    QString conversion = d.conversion
                             ? tr("conversion: %1").arg(QString::fromStdString(d.conversion->definition))
                             : tr("no conversion defined");
    if (d.rows.empty()) {
        m_summary->setText(conversion);
        const QString span = formatDuration(d.to - d.from);
        showMessage(
            d.to > d.from
                ? tr("No incidents: every backend service stayed within its normal error rate, latency "
                     "and traffic over these %1.")
                          .arg(span) +
                      (d.notes.empty() ? QString()
                                       : tr(" (%n service(s) had too little traffic to judge.)", nullptr,
                                            int(d.notes.size())))
                : tr("No incidents: this investigation has no backend traffic to judge."));
    } else {
        m_summary->setText(tr("%n incident(s), %1 windows · %2", nullptr, incidents)
                               .arg(d.rows.size())
                               .arg(firstStage ? tr("reading impact…") : conversion));
        m_stack->setCurrentIndex(1);
    }
    emit dataShown();
    // The windows are on screen: now what they cost (the slower read), unless a newer request came.
    if (firstStage && !d.rows.empty() && d.generation == m_generation)
        m_loader->load({m_generation, true, m_lastImpact});
}

void IncidentsPanel::openIncident(int row)
{
    if (!m_data || row < 0 || row >= int(m_data->rows.size()) || !m_investigation)
        return;
    const IncidentRow& r = m_data->rows[size_t(row)];
    m_timeline->setCurrentRow(row);
    m_investigation->setTimeRange(Investigation::TimeRange{r.window.start, r.window.end});
    m_investigation->setFilterText(r.filterTerm());
    emit whyRequested();
}

void IncidentsPanel::editConversion()
{
    ConversionDialog dialog(m_data ? m_data->conversion : std::nullopt,
                            m_data ? m_data->suggestion : std::nullopt, this);
    if (dialog.exec() == QDialog::Accepted)
        saveConversion(dialog.conversion());
}

void IncidentsPanel::saveConversion(const SavedConversion& conversion)
{
    // A short write transaction, on a worker: another writer (an import, Live) may hold the lock.
    QPointer<IncidentsPanel> self(this);
    const std::string path = m_cachePath.toStdString();
    QThreadPool::globalInstance()->start([self, path, conversion] {
        QString error;
        try {
            Database db = store::openForWriting(path);
            seam::saveConversion(db, conversion);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, error] {
                if (!self)
                    return;
                if (error.isEmpty())
                    self->reload(); // the user's change: now
                emit self->conversionSaved(error);
            },
            Qt::QueuedConnection);
    });
}

void IncidentsPanel::onInvestigationChanged(Investigation::Changes changes)
{
    if (!(changes & Investigation::TimeRangeChanged))
        return;
    const auto& range = m_investigation->timeRange();
    m_timeline->setRange(range ? std::optional(std::pair{range->from, range->to}) : std::nullopt);
}

} // namespace seam
