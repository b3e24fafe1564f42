#pragma once

class QWidget;

namespace seam {

// The Live menu's settings dialogs besides the host names (LiveHostsPrompt). Each saves with the Live
// settings and returns true when something changed: a running receiver must restart to use it.

/// HOST:PORT to listen on; a non-loopback address is confirmed first (anyone reaching it can write).
bool promptLiveAddress(QWidget* parent);
/// Browser origins allowed to send telemetry (CORS), separated by spaces; `*` allows any.
bool promptLiveOrigins(QWidget* parent);

} // namespace seam
