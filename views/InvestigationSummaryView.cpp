#include "InvestigationSummaryView.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace seam {
namespace {

QTableWidgetItem* numberItem(double value, int decimals = 0)
{
    auto* item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole,
                  decimals ? QVariant(QString::number(value, 'f', decimals)) : QVariant(qint64(value)));
    item->setData(Qt::UserRole, value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget* makeTable(const QStringList& headers)
{
    auto* t = new QTableWidget(0, int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSortingEnabled(true);
    return t;
}

} // namespace

InvestigationSummaryView::InvestigationSummaryView(QWidget* parent) : QWidget(parent)
{
    m_title = new QLabel;
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    m_title->setFont(f);
    // Wrapped: a long landing or error message must not set the window's minimum width (a laptop).
    m_title->setWordWrap(true);
    m_stats = new QLabel;
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stats->setWordWrap(true);
    m_pageLoads = makeTable({tr("Route"), tr("Start (UTC)"), tr("Load ms"), tr("Backend ms (view)"),
                             tr("Errors"), tr("Browser"), tr("Country"), tr("Services")});
    m_services = makeTable({tr("Service"), tr("Requests"), tr("Error rate %"), tr("p50 ms"), tr("p95 ms"),
                            tr("p99 ms"), tr("Versions")});
    auto* split = new QSplitter(Qt::Vertical);
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(new QLabel(tr("<b>Slowest page loads</b>")));
    topLayout->addWidget(m_pageLoads);
    auto* bottom = new QWidget;
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(new QLabel(tr("<b>Backend services</b> (entry spans, whole investigation)")));
    bottomLayout->addWidget(m_services);
    split->addWidget(top);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_stats);
    layout->addWidget(split, 1);
}

void InvestigationSummaryView::setLoading(const QString& message)
{
    m_title->setText(message);
    m_stats->clear();
    m_pageLoads->setRowCount(0);
    m_services->setRowCount(0);
}

QString InvestigationSummaryView::loadingText() const
{
    return m_title->text();
}

void InvestigationSummaryView::setData(const QString& title, const QJsonObject& stats,
                                       const QJsonArray& slowest, const QJsonObject& services)
{
    m_title->setText(title);
    auto n = [&](const char* key) {
        return QLocale().toString(qint64(stats[QLatin1String(key)].toDouble()));
    };
    m_stats->setText(
        tr("%1 page loads in %2 sessions · %3 resources (%4 linked to backend traces) · %5 JS errors · "
           "%6 spans in %7 traces across %8 services (%9 error spans)")
            .arg(n("page_loads"), n("sessions"), n("resources"), n("linked_resources"), n("rum_errors"),
                 n("spans"), n("traces"), n("services"), n("error_spans")));

    m_pageLoads->setSortingEnabled(false);
    m_pageLoads->setRowCount(int(slowest.size()));
    for (int row = 0; row < slowest.size(); ++row) {
        const QJsonObject p = slowest[row].toObject();
        const QJsonObject s = p[QStringLiteral("session")].toObject();
        m_pageLoads->setItem(row, 0, new QTableWidgetItem(p[QStringLiteral("route")].toString()));
        m_pageLoads->setItem(row, 1, new QTableWidgetItem(p[QStringLiteral("start")].toString()));
        m_pageLoads->setItem(row, 2, numberItem(p[QStringLiteral("duration_ms")].toDouble()));
        m_pageLoads->setItem(row, 3, numberItem(p[QStringLiteral("backend_ms")].toDouble()));
        m_pageLoads->setItem(row, 4, numberItem(p[QStringLiteral("error_count")].toDouble()));
        m_pageLoads->setItem(row, 5,
                             new QTableWidgetItem(s[QStringLiteral("browser")].toString() + QLatin1Char(' ') +
                                                  s[QStringLiteral("browser_version")].toString()));
        m_pageLoads->setItem(row, 6, new QTableWidgetItem(s[QStringLiteral("country")].toString()));
        m_pageLoads->setItem(
            row, 7,
            new QTableWidgetItem(
                p[QStringLiteral("services")].toVariant().toStringList().join(QStringLiteral(", "))));
    }
    m_pageLoads->setSortingEnabled(true);
    m_pageLoads->sortByColumn(2, Qt::DescendingOrder);
    m_pageLoads->resizeColumnsToContents();

    const QJsonArray list = services[QStringLiteral("services")].toArray();
    m_services->setSortingEnabled(false);
    m_services->setRowCount(int(list.size()));
    for (int row = 0; row < list.size(); ++row) {
        const QJsonObject s = list[row].toObject();
        m_services->setItem(row, 0, new QTableWidgetItem(s[QStringLiteral("name")].toString()));
        m_services->setItem(row, 1, numberItem(s[QStringLiteral("requests")].toDouble()));
        m_services->setItem(row, 2, numberItem(100 * s[QStringLiteral("error_rate")].toDouble(), 2));
        m_services->setItem(row, 3, numberItem(s[QStringLiteral("p50_ms")].toDouble(), 1));
        m_services->setItem(row, 4, numberItem(s[QStringLiteral("p95_ms")].toDouble(), 1));
        m_services->setItem(row, 5, numberItem(s[QStringLiteral("p99_ms")].toDouble(), 1));
        m_services->setItem(
            row, 6,
            new QTableWidgetItem(
                s[QStringLiteral("versions")].toVariant().toStringList().join(QStringLiteral(", "))));
    }
    m_services->setSortingEnabled(true);
    m_services->sortByColumn(2, Qt::DescendingOrder);
    m_services->resizeColumnsToContents();
}

} // namespace seam
