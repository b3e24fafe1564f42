#pragma once

// The QSettings keys the main window reads and writes, spelt once for the files that share them
// (MainWindow.cpp, MainWindowMenus.cpp).

#include <QString>

namespace seam::main_window_settings {

inline const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
inline const QString kLinkedViewsKey = QStringLiteral("mainWindow/linkedViews");
inline const QString kLastInvestigationKey = QStringLiteral("lastInvestigation");
inline const QString kThemeKey = QStringLiteral("appearance/theme");

} // namespace seam::main_window_settings
