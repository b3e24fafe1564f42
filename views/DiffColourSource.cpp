#include "DiffColourSource.h"

#include "Format.h"

#include <QCoreApplication>
#include <QPalette>
#include <algorithm>
#include <cmath>

namespace seam {
namespace {

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

QString signedDuration(double ms)
{
    const QString d = formatDuration(std::int64_t(std::llround(std::abs(ms) * 1e6)));
    return (ms < 0 ? QStringLiteral("−") : QStringLiteral("+")) + d;
}

} // namespace

DiffColourSource::DiffColourSource(std::shared_ptr<const CompareData> data) : m_data(std::move(data)) {}

void DiffColourSource::prepare(const FlameGraphData&, const QPalette& palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    m_neutral = dark ? QColor(90, 90, 96) : QColor(222, 222, 226);
    m_grew = dark ? QColor(200, 60, 50) : QColor(230, 80, 60);
    m_shrank = dark ? QColor(60, 110, 210) : QColor(70, 130, 230);
}

double DiffColourSource::intensity(const DiffNode& n)
{
    if (n.deltaMs == 0)
        return 0;
    // A relative change in either direction on one scale: doubling and halving are equally strong.
    const double ratio = n.aMs > 0 ? n.bMs / n.aMs : (n.bMs > 0 ? HUGE_VAL : 1.0);
    const double strength = ratio <= 0 ? 1.0 : std::min(1.0, std::abs(std::log2(ratio)));
    return n.deltaMs > 0 ? strength : -strength;
}

QColor DiffColourSource::fill(const FlameGraphData& data, int index) const
{
    const DiffNode* n = m_data ? m_data->nodeOfSpan(data.frame(index).spanId) : nullptr;
    if (!n)
        return m_neutral;
    const double t = intensity(*n);
    return t >= 0 ? mix(m_neutral, m_grew, t) : mix(m_neutral, m_shrank, -t);
}

bool DiffColourSource::marked(const FlameGraphData& data, int index) const
{
    const DiffNode* n = m_data ? m_data->nodeOfSpan(data.frame(index).spanId) : nullptr;
    return n && n->significant;
}

QString DiffColourSource::describe(const FlameGraphData& data, int index) const
{
    const DiffNode* n = m_data ? m_data->nodeOfSpan(data.frame(index).spanId) : nullptr;
    if (!n)
        return {};
    const auto ms = [](double v) { return formatDuration(std::int64_t(std::llround(v * 1e6))); };
    QString text = QCoreApplication::translate("DiffColourSource", "A: %1  B: %2 per load<br>change: %3")
                       .arg(ms(n->aMs), ms(n->bMs), signedDuration(n->deltaMs));
    if (n->relative)
        text += QStringLiteral(" (%1%2%)")
                    .arg(*n->relative >= 0 ? QStringLiteral("+") : QString())
                    .arg(*n->relative * 100, 0, 'f', 0);
    if (n->deltaCi95)
        text += QCoreApplication::translate("DiffColourSource", "<br>95% interval: %1 to %2")
                    .arg(signedDuration(n->deltaCi95->first), signedDuration(n->deltaCi95->second));
    if (n->qValue)
        text += QCoreApplication::translate("DiffColourSource", "<br>q = %1%2")
                    .arg(*n->qValue, 0, 'g', 2)
                    .arg(n->significant ? QCoreApplication::translate("DiffColourSource", " (significant)")
                                        : QString());
    else if (m_data && m_data->result.a.kind == "cohort")
        text += QCoreApplication::translate("DiffColourSource", "<br>too few page loads to test");
    return text;
}

QString DiffColourSource::legendText()
{
    return QCoreApplication::translate(
        "DiffColourSource",
        "Red: grew from A to B; blue: shrank; grey: unchanged. The stronger the colour, the larger the "
        "relative change (full at ×2 or ×½, or where only one side has the frame). ◤ marks a significant "
        "change (Mann-Whitney per page load, Benjamini-Hochberg q ≤ 0.05). Width: the larger of A and B, "
        "per page load.");
}

} // namespace seam
