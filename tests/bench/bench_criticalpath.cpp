// Prints what the critical path of one page load costs when its linked trace has 1k .. 1M spans
// (DESIGN.md §7: a 10k-span trace well under 100 ms). The trace is a random tree of services calling
// each other (fan-out 1-6, calls sequential and parallel, some async, every tenth service on a skewed
// clock), under one fetch of a page that also loads assets and has long tasks.
//
// usage: bench_criticalpath [--sizes 1000,10000,100000,1000000] [--runs N]

#include "CriticalPath.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <random>

using namespace seam;

namespace {

constexpr std::int64_t kMs = 1'000'000;

CriticalPathInput pageWithTrace(std::size_t spans, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    auto uniform = [&](std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
    };
    CriticalPathInput in;
    in.start = 1'795'165'200'000'000'000;
    in.duration = 4000 * kMs;
    in.url = "https://shop.example/checkout";
    for (int s = 0; s < 40; ++s)
        in.names.push_back("service-" + std::to_string(s));
    for (int o = 0; o < 200; ++o)
        in.names.push_back("operation-" + std::to_string(o));

    std::vector<CriticalSpan> trace;
    trace.reserve(spans);
    const std::int64_t t0 = in.start + 300 * kMs;
    trace.push_back({1, 0, t0, t0 + 3000 * kMs, 0, 40, 2});
    std::vector<std::size_t> open = {0};
    std::size_t next = 0;
    while (trace.size() < spans) {
        const std::size_t p = open[next++ % open.size()];
        const CriticalSpan parent = trace[p];
        const int children = int(uniform(1, 6));
        std::int64_t cursor = parent.start;
        const std::int64_t slot = std::max<std::int64_t>(1, (parent.end - parent.start) / (children + 1));
        for (int c = 0; c < children && trace.size() < spans; ++c) {
            const bool parallel = uniform(0, 2) == 0;
            const std::int64_t s = parallel ? parent.start + uniform(0, slot) : cursor + uniform(0, slot / 4);
            std::int64_t e = s + uniform(slot / 4, slot);
            if (uniform(0, 30) == 0)
                e = parent.end + uniform(0, slot); // async work outliving its caller
            cursor = std::max(cursor, e);
            const auto service = std::int32_t(uniform(0, 39));
            const std::int64_t skew = service % 10 == 0 ? 2000 * kMs : 0;
            trace.push_back({trace.size() + 1, parent.id, s + skew, e + skew, service,
                             std::int32_t(40 + uniform(0, 199)), std::uint8_t(uniform(1, 3))});
            open.push_back(trace.size() - 1);
        }
    }
    in.traces.push_back(std::move(trace));

    CriticalResource doc{"document", in.url,    in.start, 250 * kMs, 5 * kMs, 20 * kMs,
                         10 * kMs,   200 * kMs, 20 * kMs, -1,        0};
    CriticalResource fetch{"fetch",
                           "https://shop.example/api/checkout",
                           in.start + 280 * kMs,
                           3100 * kMs,
                           0,
                           0,
                           -1,
                           3050 * kMs,
                           30 * kMs,
                           0,
                           1};
    in.resources = {doc, fetch};
    for (int a = 0; a < 30; ++a) {
        CriticalResource asset{"script",
                               "https://cdn.example/a" + std::to_string(a) + ".js",
                               in.start + uniform(260, 400) * kMs,
                               uniform(10, 600) * kMs,
                               -1,
                               -1,
                               -1,
                               8 * kMs,
                               5 * kMs,
                               -1,
                               0};
        in.resources.push_back(asset);
    }
    for (int l = 0; l < 10; ++l) {
        const std::int64_t s = in.start + uniform(3390, 3800) * kMs; // after the fetch: it stays on the path
        in.longTasks.push_back({s, s + uniform(50, 190) * kMs});
    }
    return in;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption sizes(QStringLiteral("sizes"), QStringLiteral("Trace sizes (spans)."),
                                   QStringLiteral("N,N"), QStringLiteral("1000,10000,100000,1000000"));
    const QCommandLineOption runs(QStringLiteral("runs"), QStringLiteral("Runs per size (median)."),
                                  QStringLiteral("N"), QStringLiteral("21"));
    parser.addOptions({sizes, runs});
    parser.addHelpOption();
    parser.process(app);

    std::printf("%10s %12s %12s %10s %10s\n", "spans", "median_ms", "min_ms", "segments", "backend_ms");
    for (const QString& s : parser.value(sizes).split(QLatin1Char(','))) {
        const auto n = std::size_t(s.toLongLong());
        const CriticalPathInput in = pageWithTrace(n, 42);
        const int count = std::max(1, n >= 1'000'000 ? 3 : parser.value(runs).toInt());
        std::vector<double> times;
        CriticalPath path;
        for (int r = 0; r < count; ++r) {
            QElapsedTimer timer;
            timer.start();
            path = criticalPath(in);
            times.push_back(double(timer.nsecsElapsed()) / 1e6);
        }
        std::sort(times.begin(), times.end());
        std::printf("%10zu %12.3f %12.3f %10zu %10.1f\n", n, times[times.size() / 2], times.front(),
                    path.segments.size(), double(path.bySide[int(CriticalSide::Backend)]) / 1e6);
    }
    return 0;
}
