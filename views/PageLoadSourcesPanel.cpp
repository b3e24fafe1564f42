#include "PageLoadSourcesPanel.h"

#include "Format.h"
#include "Investigation.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace seam {
namespace {

QTableWidget* makeTable(const QStringList& headers)
{
    auto* table = new QTableWidget(0, int(headers.size()));
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QString duration(const std::optional<std::int64_t>& ns)
{
    return ns ? formatDuration(*ns) : QStringLiteral("–");
}

void put(QTableWidget* table, int row, int column, const QString& text, const QString& tip = {})
{
    auto* item = new QTableWidgetItem(text);
    if (!tip.isEmpty())
        item->setToolTip(tip);
    table->setItem(row, column, item);
}

} // namespace

PageLoadSourcesPanel::PageLoadSourcesPanel(const QString& cachePath, Investigation* investigation,
                                           QWidget* parent)
    : QWidget(parent), m_investigation(investigation),
      m_sourcesLoader(new PageLoadSourcesLoader(cachePath, this)),
      m_propagationLoader(new PropagationHealthLoader(cachePath, this)), m_summary(new QLabel),
      m_sources(makeTable({tr("Source"), tr("Load"), tr("TTFB"), tr("FCP"), tr("LCP"), tr("CLS"),
                           tr("Matched by"), tr("Key")})),
      m_calls(makeTable({tr("Call"), tr("Type"), tr("Start"), tr("Reported by"), tr("Status")})),
      m_propagation(makeTable({tr("App version"), tr("Origin"), tr("Route"), tr("Calls"), tr("By id"),
                               tr("Inferred"), tr("Unlinked"), tr("Why"), tr("Fix")}))
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_sources);
    layout->addWidget(new QLabel(tr("<b>Calls</b>: which sources reported each request of this load")));
    layout->addWidget(m_calls);
    layout->addWidget(
        new QLabel(tr("<b>Propagation health</b>: browser calls that reach the backend by id")));
    layout->addWidget(m_propagation);
    m_sources->setObjectName(QStringLiteral("sourcesTable"));
    m_calls->setObjectName(QStringLiteral("callsTable"));
    m_propagation->setObjectName(QStringLiteral("propagationTable"));
    m_summary->setWordWrap(true);
    m_summary->setText(tr("Select a page load to see which sources reported it."));

    m_sourcesLoader->onLoaded(this,
                              [this](std::shared_ptr<const PageLoadSourcesData> d) { showSources(*d); });
    m_propagationLoader->onLoaded(
        this, [this](std::shared_ptr<const PropagationHealthData> d) { showPropagation(*d); });
    connect(m_investigation, &Investigation::changed, this, [this](Investigation::Changes changes) {
        if (changes & Investigation::PageLoadChanged)
            pageLoadChanged();
    });
    pageLoadChanged();
    refresh();
}

void PageLoadSourcesPanel::refresh()
{
    m_propagationLoader->load(++m_generation);
}

void PageLoadSourcesPanel::pageLoadChanged()
{
    const qint64 id = m_investigation->selectedPageLoad();
    if (id == 0) {
        m_sourcesLoader->load(0);
        m_sources->setRowCount(0);
        m_calls->setRowCount(0);
        m_summary->setText(tr("Select a page load to see which sources reported it."));
        return;
    }
    m_sourcesLoader->load(id);
}

void PageLoadSourcesPanel::showSources(const PageLoadSourcesData& data)
{
    if (data.pageLoadId != m_investigation->selectedPageLoad())
        return; // an answer for an earlier selection
    m_summary->setText(tr("Reported by %n source(s); errors: %1 JS, %2 network (failed calls).", nullptr,
                          int(data.reports.size()))
                           .arg(data.jsErrors)
                           .arg(data.networkErrors));
    m_sources->setRowCount(int(data.reports.size()));
    for (int row = 0; row < int(data.reports.size()); ++row) {
        const PageLoadReport& r = data.reports[std::size_t(row)];
        put(m_sources, row, 0, QString::fromStdString(r.format) + (r.canonical ? tr(" (shown)") : QString()),
            QString::fromStdString(r.source));
        put(m_sources, row, 1, duration(r.durationNs));
        put(m_sources, row, 2, duration(r.ttfbNs));
        put(m_sources, row, 3, duration(r.fcpNs));
        put(m_sources, row, 4, duration(r.lcpNs));
        put(m_sources, row, 5, r.cls ? QString::number(*r.cls, 'f', 3) : QStringLiteral("–"));
        put(m_sources, row, 6,
            r.matchedBy.empty() ? tr("first report") : QString::fromStdString(r.matchedBy));
        put(m_sources, row, 7, QString::fromStdString(r.key));
    }
    m_calls->setRowCount(int(data.calls.size()));
    for (int row = 0; row < int(data.calls.size()); ++row) {
        const PageLoadCall& c = data.calls[std::size_t(row)];
        // One line per call; each source with the duration and status it gave (they differ: a HAR's
        // time includes queueing, an SDK's the Resource Timing entry), trace ids in the tooltip.
        QStringList by, statuses, tips;
        for (const CallReport& r : c.reports) {
            const QString source = r.source.empty() ? tr("unknown") : QString::fromStdString(r.source);
            by << QStringLiteral("%1 %2").arg(source, duration(r.durationNs));
            const QString status = !r.status        ? QStringLiteral("–")
                                   : *r.status == 0 ? tr("failed")
                                                    : QString::number(*r.status);
            if (!statuses.contains(status))
                statuses << status;
            tips << QStringLiteral("%1: %2").arg(
                source, r.traceId.empty() ? tr("no trace id") : QString::fromStdString(r.traceId));
        }
        const QString call =
            (c.method.empty() ? QString() : QString::fromStdString(c.method) + QLatin1Char(' ')) +
            QString::fromStdString(c.url);
        put(m_calls, row, 0, call, call);
        put(m_calls, row, 1, QString::fromStdString(c.type));
        put(m_calls, row, 2, formatOffset(c.offsetNs));
        put(m_calls, row, 3, by.join(QStringLiteral(", ")), tips.join(QLatin1Char('\n')));
        put(m_calls, row, 4, statuses.join(QLatin1Char('/')));
    }
}

void PageLoadSourcesPanel::showPropagation(const PropagationHealthData& data)
{
    m_propagation->setRowCount(int(data.groups.size()));
    for (int row = 0; row < int(data.groups.size()); ++row) {
        const PropagationGroup& g = data.groups[std::size_t(row)];
        QStringList why;
        for (const auto& [reason, n] : g.reasons)
            why << QStringLiteral("%1 %2").arg(QLatin1String(propagationReasonName(reason))).arg(n);
        put(m_propagation, row, 0, QString::fromStdString(g.appVersion));
        put(m_propagation, row, 1, QString::fromStdString(g.origin));
        put(m_propagation, row, 2, QString::fromStdString(g.route));
        put(m_propagation, row, 3, QString::number(g.calls));
        put(m_propagation, row, 4, QString::number(g.linkedById));
        put(m_propagation, row, 5, QString::number(g.linkedInferred));
        put(m_propagation, row, 6, QString::number(g.unlinked));
        put(m_propagation, row, 7, why.join(QStringLiteral(", ")));
        put(m_propagation, row, 8, QString::fromStdString(g.advice), QString::fromStdString(g.advice));
    }
}

} // namespace seam
