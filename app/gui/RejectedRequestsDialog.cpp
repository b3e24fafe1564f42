#include "RejectedRequestsDialog.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace seam {

RejectedRequestsDialog::RejectedRequestsDialog(std::function<std::vector<LiveRejection>()> source,
                                               QWidget* parent)
    : QDialog(parent), m_source(std::move(source)), m_list(new QTreeWidget)
{
    setWindowTitle(tr("Rejected by Live Mode"));
    m_list->setObjectName(QStringLiteral("rejections"));
    m_list->setColumnCount(4);
    m_list->setHeaderLabels({tr("Time"), tr("Request"), tr("Reason"), tr("Count")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);

    auto* note = new QLabel(tr("The latest refused requests and rejected records, newest first. Senders get "
                               "the same reason in their response."));
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton* again = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
    connect(again, &QPushButton::clicked, this, &RejectedRequestsDialog::refresh);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(820, 380);
    refresh();
}

void RejectedRequestsDialog::refresh()
{
    m_list->clear();
    const std::vector<LiveRejection> rejections = m_source();
    for (auto it = rejections.rbegin(); it != rejections.rend(); ++it) {
        auto* item = new QTreeWidgetItem(m_list);
        item->setText(0, QDateTime::fromMSecsSinceEpoch(it->atMs).toString(QStringLiteral("HH:mm:ss")));
        item->setText(1, QString::fromUtf8(it->request));
        item->setText(2, it->reason);
        item->setToolTip(2, it->reason);
        item->setText(3, QString::number(it->count));
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
    }
    for (int c : {0, 1, 3})
        m_list->resizeColumnToContents(c);
}

} // namespace seam
