#pragma once

#include "ElidingLabel.h"

#include <QLabel>
#include <QVBoxLayout>
#include <QWidget>

namespace seam {

/// The one-line bold header every right-hand panel shows above its view (route, load time, what is
/// linked), selectable so it can be copied into an incident report. It elides rather than widen the
/// window (ElidingLabel).
inline QLabel* makePanelHeader()
{
    auto* header = new ElidingLabel;
    header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    header->setContentsMargins(6, 4, 6, 4);
    QFont bold = header->font();
    bold.setBold(true);
    header->setFont(bold);
    return header;
}

/// Lays out `header` above `view`, edge to edge, the view taking the remaining height.
inline void layOutPanel(QWidget* panel, QWidget* header, QWidget* view)
{
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(header);
    layout->addWidget(view, 1);
}

} // namespace seam
