#pragma once
// Paints a report chart (Scene) with QPainter: the PDF's charts, as vectors, in the printed (light)
// colours. The same geometry the HTML's SVG is written from.

#include "ChartScene.h"

#include <QRectF>

class QPainter;

namespace seam::report {

/// Paints `scene` scaled uniformly into `target` (its width; the height follows the aspect).
void paintScene(QPainter& painter, const Scene& scene, const QRectF& target);

} // namespace seam::report
