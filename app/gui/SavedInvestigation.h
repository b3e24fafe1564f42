#pragma once

#include <QString>

namespace seam {

class Investigation;
class LinkedViews;

/// The investigation's state kept in its file (models/InvestigationState): filter, time range,
/// selection history, pinned causes, the focused pane and the pane layout, so that it reopens the same
/// on any machine. The main window calls these when it shows and drops the views of a cache.
namespace saved_investigation {

/// Puts back what `cachePath` saved. Returns false when it holds no state or its layout does not fit
/// these views: the caller falls back to the per-machine layout in QSettings.
bool restore(const QString& cachePath, Investigation& investigation, LinkedViews& views);
/// Writes the state into `cachePath`. Returns the error, empty when saved (a read-only or damaged
/// cache cannot keep it; the per-machine QSettings still have the layout).
QString save(const QString& cachePath, const Investigation& investigation, const LinkedViews& views);

} // namespace saved_investigation
} // namespace seam
