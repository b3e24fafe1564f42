#pragma once

#include <QString>

class QApplication;

namespace seam {

/// The colour scheme: the desktop's (default), or Seam's own light or dark palette on the Fusion style
/// for desktops that have no dark mode Qt can see (and for checking that every view follows the
/// palette). Views read QPalette and react to QEvent::PaletteChange; none of them knows the theme.
enum class Theme
{
    System,
    Light,
    Dark
};

/// Remembers the desktop's style and palette on first use, so System can go back to them.
void applyTheme(Theme theme);
Theme themeFromName(const QString& name); ///< "system", "light", "dark"; System when unknown
QString themeName(Theme theme);

} // namespace seam
