#pragma once
// The waterfall's colours, shared by its painting, its time axis and its legend: Resource Timing
// phases in the colours browsers' network panels use for them, the critical path by side.

#include <QColor>

namespace seam::waterfall {

inline const QColor kErrorColour(214, 39, 40);
inline const QColor kDnsColour(0, 150, 136);
inline const QColor kConnectColour(255, 152, 0);
inline const QColor kSslColour(156, 39, 176);
inline const QColor kTtfbColour(76, 175, 80);
inline const QColor kDownloadColour(33, 150, 243);
inline const QColor kLongTaskColour(191, 120, 40);

/// The critical path's sides (CriticalSide order: frontend, network, backend), as in the Why? pane.
inline QColor criticalSideColour(int side)
{
    switch (side) {
    case 0:
        return QColor(142, 99, 199);
    case 1:
        return QColor(33, 150, 243);
    default:
        return QColor(230, 126, 34);
    }
}

} // namespace seam::waterfall
