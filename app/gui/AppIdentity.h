#pragma once
// Who the application says it is to the desktop: names (QSettings paths), version, the window icon
// and the .desktop entry it belongs to.

#include <QIcon>
#include <QString>

namespace seam {

/// The application icon in every size shipped in resources/ (16 to 256 px, and the SVG when an SVG
/// image plugin is present).
QIcon applicationIcon();

/// Where the window keeps the investigations it creates (imports, live mode, the demo), created if
/// missing: ~/.local/share/seam. The application name once, not AppDataLocation's
/// organisation/application pair, which is seam/seam (QSettings needs the organisation name).
QString dataFolder();

/// Sets the application and organisation names, the version, the window icon and the desktop file
/// name. Call once, after the QApplication exists and before any window or QSettings.
void applyApplicationIdentity();

} // namespace seam
