#pragma once
// Who the application says it is to the desktop: names (QSettings paths), version, the window icon
// and the .desktop entry it belongs to.

#include <QIcon>

namespace seam {

/// The application icon in every size shipped in resources/ (16 to 256 px, and the SVG when an SVG
/// image plugin is present).
QIcon applicationIcon();

/// Sets the application and organisation names, the version, the window icon and the desktop file
/// name. Call once, after the QApplication exists and before any window or QSettings.
void applyApplicationIdentity();

/// Where new investigations (and the demo) are written: ~/.local/share/seam on Linux. Not created here.
QString investigationsFolder();

} // namespace seam
