#include "PageLoadCharts.h"

#include "ChartAxes.h"
#include "Format.h"
#include "SpanTree.h"

#include <algorithm>
#include <numeric>

namespace seam::report {
namespace {

constexpr double kLabelWidth = 200;
constexpr double kRow = 14;

std::int64_t loadEnd(const BookmarkedLoad& load)
{
    std::int64_t end = load.duration > 0 ? load.start + load.duration : load.path.end;
    for (const CriticalResource& r : load.input.resources)
        end = std::max(end, r.end());
    return std::max(end, load.start + 1);
}

std::vector<std::size_t> chosenResources(const BookmarkedLoad& load, int maxRows)
{
    const auto& rs = load.input.resources;
    std::vector<std::size_t> order(rs.size());
    std::iota(order.begin(), order.end(), 0);
    if (int(rs.size()) > maxRows) {
        // Keep what explains the load: the document and the calls that reached the backend first,
        // then the longest. Ties by index: deterministic.
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const auto rank = [&](std::size_t i) {
                return rs[i].type == "document" ? 0 : rs[i].trace >= 0 ? 1 : 2;
            };
            if (rank(a) != rank(b))
                return rank(a) < rank(b);
            return rs[a].duration > rs[b].duration;
        });
        order.resize(std::size_t(maxRows));
        std::sort(order.begin(), order.end());
    }
    return order;
}

Ink sideInk(CriticalSide side)
{
    return side == CriticalSide::Backend   ? Ink::Backend
           : side == CriticalSide::Network ? Ink::Network
                                           : Ink::Frontend;
}

} // namespace

Scene waterfallScene(const BookmarkedLoad& load, double width, int maxRows)
{
    const std::vector<std::size_t> rows = chosenResources(load, maxRows);
    const bool longTasks = !load.input.longTasks.empty();
    Scene s;
    s.width = width;
    const double top = 4;
    const double pathY = top + kRow * double(rows.size() + (longTasks ? 1 : 0)) + 6;
    const double axisY = pathY + 22;
    s.height = axisY + 16;
    const TimeScale scale{load.start, loadEnd(load), kLabelWidth, width - 8};
    s.label =
        "Waterfall of page load " + std::to_string(load.id) + " (" + load.route +
        "): " + std::to_string(load.input.resources.size()) + " resources" +
        (rows.size() < load.input.resources.size() ? ", " + std::to_string(rows.size()) + " shown" : "");
    durationAxis(s, scale, top, axisY);

    double y = top;
    for (const std::size_t i : rows) {
        const CriticalResource& r = load.input.resources[i];
        const std::string name = resourceName(r.url, load.input.url);
        s.text(kLabelWidth - 6, y + 10.5, fitText(r.type + " " + name, kLabelWidth - 10, 9), Ink::Text, 9,
               SceneShape::Anchor::End);
        const double x0 = scale.x(r.start), x1 = scale.x(r.end());
        const std::string tip = r.type + " " + name + ": " +
                                formatDuration(std::max<std::int64_t>(0, r.duration)).toStdString() + " at " +
                                formatOffset(r.start - load.start).toStdString() +
                                (r.trace >= 0 ? " (linked to a backend trace)" : "");
        s.rect(x0, y + 2, std::max(1.0, x1 - x0), kRow - 4, r.trace >= 0 ? Ink::Backend : Ink::Grid, tip);
        // The phases the Resource Timing API reports, laid backwards from the end: download, wait.
        std::int64_t t = r.end();
        for (const auto& [phase, ink] :
             {std::pair{r.download, Ink::Accent}, std::pair{r.ttfb, Ink::Network}}) {
            if (phase <= 0)
                continue;
            const double p0 = scale.x(t - phase), p1 = scale.x(t);
            s.rect(p0, y + 4, std::max(0.5, p1 - p0), kRow - 8, ink);
            t -= phase;
        }
        y += kRow;
    }
    if (longTasks) {
        s.text(kLabelWidth - 6, y + 10.5, "long tasks", Ink::Text, 9, SceneShape::Anchor::End);
        for (const CriticalInterval& lt : load.input.longTasks)
            s.rect(scale.x(lt.start), y + 2, std::max(1.0, scale.x(lt.end) - scale.x(lt.start)), kRow - 4,
                   Ink::Error, "long task " + formatDuration(lt.end - lt.start).toStdString());
        y += kRow;
    }
    s.text(kLabelWidth - 6, pathY + 11, "critical path", Ink::Text, 9, SceneShape::Anchor::End, true);
    for (const CriticalSegment& seg : load.path.segments) {
        std::string label = criticalSideName(seg.side);
        if (seg.service >= 0 && seg.service < std::int32_t(load.input.names.size()))
            label += ": " + load.input.names[std::size_t(seg.service)];
        if (seg.operation >= 0 && seg.operation < std::int32_t(load.input.names.size()))
            label += " " + load.input.names[std::size_t(seg.operation)];
        else
            label += std::string(" ") + criticalPhaseName(seg.phase);
        s.rect(scale.x(seg.start), pathY + 2, std::max(0.5, scale.x(seg.end) - scale.x(seg.start)), 12,
               sideInk(seg.side), label + " " + formatDuration(seg.end - seg.start).toStdString());
    }
    return s;
}

Scene flamegraphScene(const BookmarkedLoad& load, double width, int maxDepth)
{
    Scene s;
    s.width = width;
    const auto& traces = load.input.traces;
    std::int64_t from = 0, to = 0;
    bool any = false;
    for (const auto& spans : traces)
        for (const CriticalSpan& sp : spans) {
            from = any ? std::min(from, sp.start) : sp.start;
            to = any ? std::max(to, sp.end) : sp.end;
            any = true;
        }
    s.label = "Backend flamegraph of page load " + std::to_string(load.id) + ": " +
              std::to_string(traces.size()) + " trace(s)";
    if (!any) {
        s.height = 24;
        s.text(8, 16, "No backend spans are linked to this page load.", Ink::Muted, 10);
        return s;
    }
    const TimeScale scale{from, std::max(from + 1, to), 8, width - 8};
    const double top = 4;
    const auto name = [&](std::int32_t i) {
        return i >= 0 && i < std::int32_t(load.input.names.size()) ? load.input.names[std::size_t(i)]
                                                                   : std::string("?");
    };
    // Traces that do not overlap in time share a band (the document's trace, then the API calls'):
    // the graph stays as short as the page's concurrency, not as its number of calls.
    struct Band
    {
        double top = 0;
        int levels = 0;
        std::int64_t end = 0;
    };
    std::vector<Band> bands;
    std::vector<std::size_t> order(traces.size());
    std::iota(order.begin(), order.end(), 0);
    const auto traceStart = [&](std::size_t t) { return traces[t].empty() ? 0 : traces[t].front().start; };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return traceStart(a) < traceStart(b); });
    struct Placed
    {
        std::size_t trace;
        std::size_t band;
        std::vector<int> depth;
    };
    std::vector<Placed> placed;
    for (const std::size_t t : order) {
        const auto& spans = traces[t];
        if (spans.empty())
            continue;
        std::vector<TreeSpan> tree(spans.size());
        std::int64_t tEnd = spans.front().end;
        for (std::size_t i = 0; i < spans.size(); ++i) {
            tree[i] = {spans[i].id, spans[i].parentId, spans[i].start, spans[i].end};
            tEnd = std::max(tEnd, spans[i].end);
        }
        const SpanTree structure = buildSpanTree(tree);
        // Depth of each span: parents first by walking up; buildSpanTree broke every cycle.
        std::vector<int> depth(spans.size(), -1);
        int deepest = 0;
        for (std::size_t i = 0; i < spans.size(); ++i) {
            std::vector<std::size_t> chain;
            std::size_t j = i;
            while (depth[j] < 0 && structure.parent[j] >= 0) {
                chain.push_back(j);
                j = std::size_t(structure.parent[j]);
            }
            if (depth[j] < 0)
                depth[j] = 0;
            for (auto it = chain.rbegin(); it != chain.rend(); ++it)
                depth[*it] = depth[std::size_t(structure.parent[*it])] + 1;
            deepest = std::max(deepest, depth[i]);
        }
        const int levels = std::min(deepest + 1, maxDepth);
        std::size_t band = 0;
        while (band < bands.size() && bands[band].end > spans.front().start)
            ++band;
        if (band == bands.size())
            bands.push_back({});
        bands[band].levels = std::max(bands[band].levels, levels);
        bands[band].end = tEnd;
        placed.push_back({t, band, std::move(depth)});
    }
    double y = top;
    for (Band& b : bands) {
        b.top = y;
        y += kRow * b.levels + 6;
    }
    // The grid first: the boxes cover it.
    const double axisY = y + 2;
    durationAxis(s, scale, top, axisY);
    s.height = axisY + 16;
    for (const Placed& p : placed) {
        const auto& spans = traces[p.trace];
        const Band& band = bands[p.band];
        for (std::size_t i = 0; i < spans.size(); ++i) {
            if (p.depth[i] >= band.levels)
                continue;
            const CriticalSpan& sp = spans[i];
            const double x0 = scale.x(sp.start), x1 = scale.x(sp.end);
            if (x1 - x0 < 0.3)
                continue; // below a third of a point: invisible in print and on screen
            const double by = band.top + kRow * p.depth[i];
            const std::string label = name(sp.service) + ": " + name(sp.operation);
            s.rect(x0, by, std::max(0.5, x1 - x0 - 0.5), kRow - 1, Ink::Hue,
                   label + " " + formatDuration(sp.end - sp.start).toStdString(), hueOf(name(sp.service)));
            const std::string fitted = fitText(label, x1 - x0 - 4, 8.5);
            if (!fitted.empty())
                s.text(x0 + 2, by + 10, fitted, Ink::Text, 8.5);
        }
    }
    return s;
}

} // namespace seam::report
