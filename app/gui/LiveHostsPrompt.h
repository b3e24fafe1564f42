#pragma once

class QWidget;

namespace seam {

/// Asks for the Live receiver's extra host names (LiveOptions::allowedHosts) and saves them with the
/// Live settings. Returns true when they were changed (a running receiver must restart to use them).
bool promptLiveAllowedHosts(QWidget* parent);

} // namespace seam
