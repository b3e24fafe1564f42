#include "WhyStoreSection.h"

#include "Format.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace seam {
namespace {

enum Column
{
    TermColumn,
    ShareColumn,
    CountColumn,
    QColumn,
};

QString describe(const WhyStoreSection::Scope& s)
{
    return QObject::tr("%1, %2 to %3, slow above %4")
        .arg(s.route.isEmpty() ? QObject::tr("all routes") : s.route, isoTime(s.from), isoTime(s.to),
             formatDuration(s.slowNs));
}

} // namespace

WhyStoreSection::WhyStoreSection(QWidget* parent)
    : QWidget(parent), m_summary(new QLabel), m_check(new QPushButton(tr("Check the store"))),
      m_cancel(new QPushButton(tr("Cancel"))), m_terms(new QTreeWidget)
{
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_check->setToolTip(tr("Count slow and normal page loads per term across the cache and the store it "
                           "was pulled from (the store counts what no pull brought)"));
    m_cancel->hide();
    m_terms->setColumnCount(4);
    m_terms->setHeaderLabels({tr("Across the store"), tr("Slow / normal"), tr("n"), tr("q")});
    m_terms->setRootIsDecorated(false);
    m_terms->setUniformRowHeights(true);
    m_terms->setAlternatingRowColors(true);
    m_terms->setMaximumHeight(160);
    QHeaderView* h = m_terms->header();
    h->setStretchLastSection(false);
    h->setSectionResizeMode(TermColumn, QHeaderView::Stretch);
    h->resizeSection(ShareColumn, 110);
    h->resizeSection(CountColumn, 64);
    h->resizeSection(QColumn, 64);
    m_terms->hide();

    auto* top = new QHBoxLayout;
    top->setContentsMargins(6, 0, 4, 0);
    top->addWidget(m_summary, 1);
    top->addWidget(m_check, 0, Qt::AlignTop);
    top->addWidget(m_cancel, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_terms);

    connect(m_check, &QPushButton::clicked, this, [this] {
        if (!m_scope)
            return;
        setRunning(true);
        m_summary->setText(tr("Asking the store: %1…").arg(describe(*m_scope)));
        emit checkRequested(*m_scope);
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        setRunning(false);
        m_summary->setText(tr("Store check cancelled."));
        emit cancelRequested();
    });
    setVisible(false);
}

void WhyStoreSection::setAvailable(bool available)
{
    m_available = available;
    setVisible(available);
}

void WhyStoreSection::setScope(std::optional<Scope> scope, const QString& whyNot)
{
    if (scope == m_scope && scope)
        return;
    // A running check of the old scope is no longer wanted: its answer would describe other loads.
    if (m_cancel->isVisible())
        emit cancelRequested();
    setRunning(false);
    m_scope = std::move(scope);
    m_terms->clear();
    m_terms->hide();
    m_check->setEnabled(m_scope.has_value());
    m_summary->setText(m_scope ? tr("Across the store: %1").arg(describe(*m_scope)) : whyNot);
}

void WhyStoreSection::setRunning(bool running)
{
    m_check->setVisible(!running);
    m_cancel->setVisible(running);
}

void WhyStoreSection::showCounts(const Scope& scope, const CohortCounts& counts, const QString& note)
{
    if (!m_scope || scope != *m_scope)
        return;
    setRunning(false);
    m_summary->setText(tr("Across the store (%1): %2 slow, %3 normal page loads%4")
                           .arg(describe(scope))
                           .arg(counts.loads.slow)
                           .arg(counts.loads.normal)
                           .arg(note.isEmpty() ? QString() : QStringLiteral(" · ") + note));
    m_terms->clear();
    for (const TermShare& t : cohortTermShares(counts)) {
        auto* item = new QTreeWidgetItem;
        const QString term =
            QString::fromStdString(t.field) + QLatin1Char('=') + QString::fromStdString(t.value);
        item->setText(TermColumn, term);
        item->setToolTip(TermColumn, term);
        item->setText(ShareColumn,
                      formatPercent(t.slowShare) + QStringLiteral(" / ") + formatPercent(t.normalShare));
        item->setToolTip(ShareColumn, tr("%1 of %2 slow loads, %3 of %4 normal loads")
                                          .arg(t.loads.slow)
                                          .arg(counts.loads.slow)
                                          .arg(t.loads.normal)
                                          .arg(counts.loads.normal));
        item->setText(CountColumn, QString::number(t.loads.slow + t.loads.normal));
        item->setTextAlignment(CountColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(QColumn, t.q < 0.001 ? QStringLiteral("<0.001") : QString::number(t.q, 'g', 2));
        item->setToolTip(QColumn, tr("q-value (Benjamini-Hochberg across these terms) %1, p %2")
                                      .arg(QString::number(t.q, 'g', 3), QString::number(t.p, 'g', 3)));
        item->setTextAlignment(QColumn, Qt::AlignRight | Qt::AlignVCenter);
        m_terms->addTopLevelItem(item);
    }
    m_terms->setVisible(m_terms->topLevelItemCount() > 0);
}

void WhyStoreSection::showError(const Scope& scope, const QString& message)
{
    if (!m_scope || scope != *m_scope)
        return;
    setRunning(false);
    m_summary->setText(tr("The store check failed: %1").arg(message));
}

} // namespace seam
