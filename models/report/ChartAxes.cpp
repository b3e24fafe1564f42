#include "ChartAxes.h"

#include "Format.h"

#include <algorithm>
#include <array>

namespace seam::report {

namespace {
constexpr std::int64_t kSecond = 1'000'000'000LL;

std::string two(std::int64_t v)
{
    return v < 10 ? "0" + std::to_string(v) : std::to_string(v);
}
} // namespace

std::string clockLabel(std::int64_t ns, bool seconds)
{
    std::int64_t s = ns / kSecond;
    if (ns < 0 && ns % kSecond)
        --s;
    const std::int64_t day = ((s % 86400) + 86400) % 86400;
    std::string out = two(day / 3600) + ":" + two(day / 60 % 60);
    if (seconds)
        out += ":" + two(day % 60);
    return out;
}

std::int64_t clockStep(std::int64_t spanNs, int ticks)
{
    static constexpr std::array<std::int64_t, 14> steps = {10,   30,   60,   120,   300,   600,   900,
                                                           1800, 3600, 7200, 10800, 21600, 43200, 86400};
    for (const std::int64_t s : steps)
        if (spanNs / (s * kSecond) <= ticks)
            return s * kSecond;
    return steps.back() * kSecond * std::max<std::int64_t>(1, spanNs / (steps.back() * kSecond * ticks));
}

std::int64_t durationStep(std::int64_t spanNs, int ticks)
{
    std::int64_t step = 1;
    while (true) {
        for (const std::int64_t m : {1, 2, 5})
            if (spanNs / (step * m) <= ticks)
                return step * m;
        step *= 10;
    }
}

void clockAxis(Scene& scene, const TimeScale& scale, double top, double y)
{
    const std::int64_t span = scale.to - scale.from;
    const std::int64_t step = clockStep(span, 7);
    const bool seconds = step < 60 * kSecond;
    std::int64_t t = ((scale.from + step - 1) / step) * step;
    for (; t <= scale.to; t += step) {
        const double x = scale.x(t);
        scene.line(x, top, x, y, Ink::Grid, 0.5);
        scene.text(x, y + 11, clockLabel(t, seconds), Ink::Muted, 9, SceneShape::Anchor::Middle);
    }
    scene.line(scale.left, y, scale.right, y, Ink::Muted, 0.75);
}

void durationAxis(Scene& scene, const TimeScale& scale, double top, double y)
{
    const std::int64_t span = scale.to - scale.from;
    const std::int64_t step = durationStep(std::max<std::int64_t>(1, span), 6);
    for (std::int64_t d = 0; scale.from + d <= scale.to; d += step) {
        const double x = scale.x(scale.from + d);
        scene.line(x, top, x, y, Ink::Grid, 0.5);
        scene.text(x, y + 11, d == 0 ? std::string("0") : formatDuration(d).toStdString(), Ink::Muted, 9,
                   SceneShape::Anchor::Middle);
    }
    scene.line(scale.left, y, scale.right, y, Ink::Muted, 0.75);
}

} // namespace seam::report
