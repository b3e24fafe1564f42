#include "ScenePainter.h"

#include "ReportStyle.h"

#include <QFont>
#include <QFontMetricsF>
#include <QPaintDevice>
#include <QPainter>
#include <QPolygonF>

namespace seam::report {
namespace {

QColor inkColour(Ink ink, int hue)
{
    QColor c = QColor::fromRgb(QRgb(lightInkRgb(ink, hue)));
    c.setAlpha(inkAlpha(ink));
    return c;
}

} // namespace

void paintScene(QPainter& painter, const Scene& scene, const QRectF& target)
{
    if (scene.width <= 0)
        return;
    painter.save();
    painter.translate(target.topLeft());
    const double k = target.width() / scene.width;
    painter.scale(k, k);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    for (const SceneShape& s : scene.shapes) {
        const QColor fill = inkColour(s.fill, s.hue);
        QPen pen(inkColour(s.stroke, s.hue), s.strokeWidth);
        if (s.dashed)
            pen.setDashPattern({4.0 / s.strokeWidth, 3.0 / s.strokeWidth});
        switch (s.kind) {
        case SceneShape::Kind::Rect:
            if (s.fill != Ink::None)
                painter.fillRect(QRectF(s.x, s.y, s.w, s.h), fill);
            break;
        case SceneShape::Kind::Line:
            painter.setPen(pen);
            painter.drawLine(QPointF(s.x, s.y), QPointF(s.x + s.w, s.y + s.h));
            break;
        case SceneShape::Kind::Polyline: {
            QPolygonF poly;
            for (const ScenePoint& p : s.points)
                poly << QPointF(p.x, p.y);
            pen.setJoinStyle(Qt::RoundJoin);
            painter.setPen(pen);
            painter.drawPolyline(poly);
            break;
        }
        case SceneShape::Kind::Text: {
            QFont font(QStringLiteral("DejaVu Sans"));
            // The painter is scaled to scene units: a glyph of fontSize units is fontSize device
            // pixels before that scale, whatever the device's resolution.
            font.setPointSizeF(s.fontSize * 72.0 / painter.device()->logicalDpiY());
            font.setBold(s.bold);
            painter.setFont(font);
            painter.setPen(fill);
            const QString text = QString::fromStdString(s.text);
            const double w = QFontMetricsF(font, painter.device()).horizontalAdvance(text);
            double x = s.x;
            if (s.anchor == SceneShape::Anchor::Middle)
                x -= w / 2;
            else if (s.anchor == SceneShape::Anchor::End)
                x -= w;
            painter.drawText(QPointF(x, s.y), text);
            break;
        }
        }
    }
    painter.restore();
}

} // namespace seam::report
