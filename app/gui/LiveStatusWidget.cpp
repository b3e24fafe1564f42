#include "LiveStatusWidget.h"

#include "LiveController.h"
#include "RejectedRequestsDialog.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QUrl>

namespace seam {

LiveStatusWidget::LiveStatusWidget(LiveController* live, QWidget* parent)
    : QWidget(parent), m_live(live), m_badge(new QLabel), m_counters(new QLabel), m_rejected(new QPushButton)
{
    m_badge->setObjectName(QStringLiteral("liveBadge"));
    // A fixed signal colour in both themes: this is the one thing that must not be overlooked.
    m_badge->setStyleSheet(QStringLiteral("QLabel { background: #c62828; color: white; font-weight: bold; "
                                          "border-radius: 3px; padding: 1px 6px; }"));
    m_rejected->setObjectName(QStringLiteral("liveRejected"));
    m_rejected->setFlat(true);
    m_rejected->setCursor(Qt::PointingHandCursor);
    m_rejected->setToolTip(tr("List the rejected requests and records with their reasons"));
    connect(m_rejected, &QPushButton::clicked, this, &LiveStatusWidget::showRejections);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_badge);
    layout->addWidget(m_counters);
    layout->addWidget(m_rejected);
    hide();
    connect(m_live, &LiveController::statusChanged, this, &LiveStatusWidget::update);
}

void LiveStatusWidget::update()
{
    if (!m_live->isRunning()) {
        hide();
        return;
    }
    const LiveStats& s = m_live->stats();
    const QLocale locale;
    m_badge->setText(tr("● LIVE  %1").arg(QUrl(m_live->listenUrl()).authority()));
    m_badge->setToolTip(
        tr("Receiving OTLP/HTTP and browser RUM at %1 (Live menu to stop)").arg(m_live->listenUrl()));
    m_counters->setText(tr("%1 spans/s · %2 records · queue %3")
                            .arg(locale.toString(qint64(s.spansPerSecond)),
                                 locale.toString(qulonglong(s.acceptedRecords)),
                                 locale.toString(qulonglong(s.queuedRecords))));
    const std::uint64_t rejected = s.rejectedRecords + s.failedRequests;
    m_rejected->setText(tr("%1 rejected").arg(locale.toString(qulonglong(rejected))));
    m_rejected->setEnabled(rejected > 0);
    show();
}

void LiveStatusWidget::showRejections()
{
    auto* existing = findChild<RejectedRequestsDialog*>();
    if (existing) {
        existing->refresh();
        existing->raise();
        return;
    }
    QPointer<LiveController> live(m_live);
    auto* dialog = new RejectedRequestsDialog(
        [live] { return live ? live->rejections() : std::vector<LiveRejection>(); }, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

} // namespace seam
