#include "ErrorListPanel.h"

#include "ErrorListModel.h"
#include "PanelHeader.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <algorithm>
#include <climits>

namespace seam {

ErrorListPanel::ErrorListPanel(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation),
      m_model(new ErrorListModel(cachePath, investigation, this)), m_header(makePanelHeader()),
      m_view(new QTreeView)
{
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setAllColumnsShowFocus(true);
    QHeaderView* h = m_view->header();
    h->setStretchLastSection(true);
    h->resizeSection(ErrorListModel::TimeColumn, 80);
    h->resizeSection(ErrorListModel::SideColumn, 70);
    h->resizeSection(ErrorListModel::WhereColumn, 120);
    h->resizeSection(ErrorListModel::WhatColumn, 140);
    layOutPanel(this, m_header, m_view);
    setFocusProxy(m_view);

    connect(m_view, &QTreeView::activated, this,
            [this](const QModelIndex& index) { m_model->activate(index.row()); });
    connect(m_model, &ErrorListModel::loaded, this, [this] {
        updateHeader();
        followSelectedSpan();
    });
    if (m_investigation)
        connect(m_investigation, &Investigation::changed, this, [this](Investigation::Changes changes) {
            if (changes & Investigation::SpanChanged)
                followSelectedSpan();
        });
    connect(m_model, &ErrorListModel::failed, this, [this](const QString& message) {
        m_header->setText(tr("Could not read the errors: %1").arg(message));
    });
    updateHeader();
}

bool ErrorListPanel::isLoading() const
{
    return m_model->isLoading();
}

void ErrorListPanel::followSelectedSpan()
{
    const qint64 span = m_investigation ? m_investigation->selectedSpan() : 0;
    if (span == 0)
        return;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const ErrorEntry& e = m_model->entry(r);
        if (e.kind == ErrorEntry::Kind::ErrorSpan && e.spanId == span) {
            m_view->setCurrentIndex(m_model->index(r, 0));
            m_view->scrollTo(m_view->currentIndex());
            return;
        }
    }
}

void ErrorListPanel::updateHeader()
{
    if (m_model->pageLoadId() == 0) {
        m_header->setText(m_model->isLoading() ? tr("Loading errors…")
                                               : tr("Select a page load to see the errors around it."));
        return;
    }
    const int rows = m_model->rowCount();
    if (rows == 0) {
        m_header->setText(tr("No errors around this page load."));
        return;
    }
    int browser = 0;
    for (int r = 0; r < rows; ++r)
        browser += m_model->entry(r).isBackend() ? 0 : 1;
    QString text = tr("Errors around this page load: %1 in the browser, %2 in the backend")
                       .arg(browser)
                       .arg(rows - browser);
    if (m_model->moreCount() > 0)
        text += tr("  ·  %n more not shown", nullptr, int(std::min<qint64>(m_model->moreCount(), INT_MAX)));
    m_header->setText(text);
}

} // namespace seam
