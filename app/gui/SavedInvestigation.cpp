#include "SavedInvestigation.h"

#include "InvestigationStateFile.h"
#include "LinkedViews.h"

namespace seam::saved_investigation {

bool restore(const QString& cachePath, Investigation& investigation, LinkedViews& views)
{
    const std::optional<InvestigationState> state = loadInvestigationState(cachePath);
    if (!state)
        return false;
    state->applyTo(investigation);
    const bool layout = views.restoreState(state->layout);
    if (!state->focus.pane.isEmpty())
        views.focusPaneByName(state->focus.pane);
    return layout;
}

QString save(const QString& cachePath, const Investigation& investigation, const LinkedViews& views)
{
    return saveInvestigationState(
        cachePath, InvestigationState::capture(investigation, views.focusedPaneName(), views.saveState()));
}

} // namespace seam::saved_investigation
