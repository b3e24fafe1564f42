#pragma once

// The Help menu's pages: the filter syntax (generated from PageLoadFilter's field table, so it stays
// true), the keyboard shortcuts (read from the window's actions, plus the keys views handle
// themselves), a first-investigation guide, and About.

#include <QString>

class QWidget;

namespace seam {

QString filterSyntaxHtml();
/// Every action of `window` with a shortcut (menus and panes), then the keys and mouse gestures of the
/// views.
QString shortcutsHtml(const QWidget* window);
QString firstInvestigationHtml();
/// Version, the Qt / SQLite / protobuf it runs with, licence.
QString aboutHtml();
/// Shows `html` in a non-modal window titled `title` (one per title: asking again raises it).
void showHelpPage(QWidget* parent, const QString& title, const QString& html);

} // namespace seam
