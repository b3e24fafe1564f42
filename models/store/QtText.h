#pragma once
// Text read from the store (Statement::text, std::string) into Qt. The cache holds UTF-8 throughout,
// and QT_NO_CAST_FROM_ASCII forbids the implicit conversions, so every room that shows or writes store
// text needs this one conversion; it lives here, in the room they all reach.

#include <QString>
#include <string_view>

namespace seam {

/// UTF-8 bytes (a view into a statement row, a std::string) as a QString; invalid sequences become
/// U+FFFD as in QString::fromUtf8. Copies: the view may be gone after the next step().
inline QString qs(std::string_view utf8)
{
    return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
}

} // namespace seam
