#pragma once

#include <QProxyStyle>

namespace seam {

/// Points a sorted column's arrow up for ascending order, as Windows, macOS and the web do.
///
/// QHeaderView asks the style for QStyleOptionHeader::SortDown when a column is sorted ascending and
/// SortUp when descending (KDE's old convention). Native styles translate that themselves (Qt's Windows
/// style draws SortDown as Windows' "sorted up" glyph), but Fusion, the style of Seam's light and dark
/// themes, draws it literally: a ▲ over the slowest-first load times. This proxy swaps the two for
/// the header arrow only; applyTheme() wraps Fusion in it and leaves native styles alone.
class SortArrowStyle : public QProxyStyle
{
    Q_OBJECT

public:
    /// Takes ownership of `base` (QProxyStyle's rule).
    explicit SortArrowStyle(QStyle* base);

    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget = nullptr) const override;
};

} // namespace seam
