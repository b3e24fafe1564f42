#include "WhySideBars.h"

#include "Format.h"
#include "WaterfallColours.h"

#include <QPaintEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace seam {
namespace {

constexpr int kRows = 3;
constexpr int kNameColumnPx = 64;
constexpr int kDeltaColumnPx = 70;

} // namespace

WhySideBars::WhySideBars(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void WhySideBars::setValues(const std::array<double, 3>& subjectMs, const std::array<double, 3>& normalMs,
                            const QString& subject, const QString& normal)
{
    m_subject = subjectMs;
    m_normal = normalMs;
    m_subjectName = subject;
    m_normalName = normal;
    m_hasValues = true;
    QStringList tip;
    const char* names[3] = {"frontend", "network", "backend"};
    for (int side = 0; side < kRows; ++side)
        tip << tr("%1: %2 %3, %4 %5")
                   .arg(QLatin1String(names[side]), subject,
                        formatDuration(qint64(subjectMs[std::size_t(side)] * 1e6)), normal,
                        formatDuration(qint64(normalMs[std::size_t(side)] * 1e6)));
    setToolTip(tip.join(QLatin1Char('\n')));
    update();
}

void WhySideBars::clear()
{
    m_hasValues = false;
    setToolTip({});
    update();
}

QSize WhySideBars::sizeHint() const
{
    return {320, minimumSizeHint().height()};
}

QSize WhySideBars::minimumSizeHint() const
{
    return {220, kRows * (fontMetrics().height() + 2) + 4};
}

void WhySideBars::paintEvent(QPaintEvent*)
{
    if (!m_hasValues)
        return;
    QPainter painter(this);
    const int line = fontMetrics().height() + 2;
    const double scale = std::max(1.0, std::max(*std::max_element(m_subject.begin(), m_subject.end()),
                                                *std::max_element(m_normal.begin(), m_normal.end())));
    const int barLeft = kNameColumnPx;
    const int barWidth = std::max(20, width() - kNameColumnPx - kDeltaColumnPx - 4);
    const QString names[3] = {tr("frontend"), tr("network"), tr("backend")};
    const QColor text = palette().color(QPalette::WindowText);
    for (int side = 0; side < kRows; ++side) {
        const int top = 2 + side * line;
        painter.setPen(text);
        painter.drawText(QRect(0, top, kNameColumnPx - 4, line), Qt::AlignRight | Qt::AlignVCenter,
                         names[side]);
        const double subject = m_subject[std::size_t(side)];
        const double normal = m_normal[std::size_t(side)];
        // The subject's bar is full height and coloured; the normal one a grey line through it, so a
        // longer-than-normal side reads at a glance.
        const int half = (line - 4) / 2;
        painter.fillRect(QRectF(barLeft, top + 1, barWidth * subject / scale, line - 4),
                         waterfall::criticalSideColour(side));
        painter.fillRect(QRectF(barLeft, top + 1 + half - 1, barWidth * normal / scale, 3),
                         palette().color(QPalette::Mid));
        painter.setPen(QPen(text, 1));
        const double nx = barLeft + barWidth * normal / scale;
        painter.drawLine(QPointF(nx, top), QPointF(nx, top + line - 2));
        const double delta = subject - normal;
        const QString deltaText = (delta >= 0 ? QStringLiteral("+") : QStringLiteral("−")) +
                                  formatDuration(qint64(std::abs(delta) * 1e6));
        painter.drawText(QRect(barLeft + barWidth + 4, top, kDeltaColumnPx, line),
                         Qt::AlignLeft | Qt::AlignVCenter, deltaText);
    }
}

} // namespace seam
