// Flamegraph figures: layout time and repaint cost of FlameGraphView for synthetic traces of 1k to 1M
// spans. A program, not a test: it prints figures and never fails on them.
//
//   QT_QPA_PLATFORM=offscreen bench_flamegraph [--png DIR] [SIZE...]
//
// The design target (DESIGN.md §7): a repaint of a 100k-span trace costs at most 3x that of a 1k one.

#include "FlameGraphData.h"
#include "FlameGraphView.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <cstdio>
#include <random>

using namespace seam;

namespace {

constexpr int kServices = 12;
constexpr int kOperationsPerService = 6;

/// Trace shapes seen in practice: a request fans out into services a few at a time, sometimes in
/// parallel, now and then as an N+1 burst of tiny database calls, down to a depth of 10-30.
class TraceGenerator
{
public:
    explicit TraceGenerator(unsigned seed) : m_random(seed) {}

    std::vector<FlameSpan> generate(int count)
    {
        m_spans.clear();
        m_spans.reserve(std::size_t(count));
        m_maxDepth = 10 + int(m_random() % 21);
        const std::int64_t start = 1'763'629'200'000'000'000;
        const std::int64_t duration =
            2'000'000'000 + std::int64_t(count) * 20'000; // longer traces for more spans
        const std::int64_t root = add(0, start, start + duration, 0);
        grow(root, start, start + duration, 0, 0, count - 1);
        return std::move(m_spans);
    }

private:
    std::int64_t add(std::int64_t parent, std::int64_t start, std::int64_t end, int service)
    {
        FlameSpan s;
        s.spanId = std::int64_t(m_spans.size()) + 1;
        s.parentSpanId = parent;
        s.service = service;
        s.operation = service * kOperationsPerService + int(m_random() % kOperationsPerService);
        s.start = start;
        s.end = std::max(start + 1000, end);
        s.error = m_random() % 200 == 0;
        m_spans.push_back(s);
        return s.spanId;
    }

    /// Spreads `budget` descendants below the span `id` covering [start, end].
    void grow(std::int64_t id, std::int64_t start, std::int64_t end, int depth, int service, int budget)
    {
        if (budget <= 0)
            return;
        const bool burst = m_random() % 20 == 0;
        int children = burst ? 20 + int(m_random() % 180) : 2 + int(m_random() % 5);
        if (depth + 1 >= m_maxDepth)
            children = budget; // nothing may go deeper: the rest are leaves
        children = std::min(children, budget);
        const bool parallel = !burst && m_random() % 3 == 0;

        // Random shares of what is left for the children's own subtrees.
        std::vector<double> weights(static_cast<std::size_t>(children));
        double total = 0;
        for (double& w : weights)
            total += (w = std::uniform_real_distribution<double>(0.1, 1.0)(m_random));
        int left = budget - children;

        const std::int64_t length = end - start;
        const std::int64_t slot = length / children;
        for (int i = 0; i < children; ++i) {
            std::int64_t s, e;
            if (parallel) { // concurrent calls: all start early, end at random
                s = start + std::int64_t(double(length) * 0.05 * double(m_random() % 100) / 100.0);
                e = s + std::int64_t(double(end - s) * (0.3 + 0.7 * double(m_random() % 100) / 100.0));
            } else {
                s = start + i * slot + slot / 10;
                e = start + (i + 1) * slot - slot / 10;
            }
            const int childService = m_random() % 3 == 0 ? int(m_random() % kServices) : service;
            const std::int64_t child = add(id, s, e, childService);
            if (burst)
                continue; // burst calls are leaves
            const int share =
                i + 1 == children ? left : std::min(left, int(left * weights[std::size_t(i)] / total));
            left -= share;
            total -= weights[std::size_t(i)];
            grow(child, s, e, depth + 1, childService, share);
        }
        if (burst) { // the rest of the budget continues below the burst's last call
            const FlameSpan last = m_spans.back();
            grow(last.spanId, last.start, last.end, depth + 1, last.service, left);
        }
    }

    std::mt19937 m_random;
    std::vector<FlameSpan> m_spans;
    int m_maxDepth = 20;
};

QStringList names(const QString& prefix, int count)
{
    QStringList out;
    for (int i = 0; i < count; ++i)
        out.append(prefix + QString::number(i));
    return out;
}

double averageRenderMs(FlameGraphView& view, QImage& image, int rounds)
{
    view.render(&image); // warm up: fonts, glyph caches
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < rounds; ++i)
        view.render(&image);
    return double(timer.nsecsElapsed()) / 1e6 / rounds;
}

struct Figures
{
    int spans = 0;
    int rows = 0;
    double layoutMs = 0;
    double aggregateMs = 0; // FlameGraphData::aggregated(), which the loader also lays out
    double fullMs = 0;
    double zoomedMs = 0;
    double megabytes = 0;
};

Figures measure(int count, const QString& pngDir)
{
    Figures f;
    std::vector<FlameSpan> spans = TraceGenerator(unsigned(count)).generate(count);
    QElapsedTimer timer;
    timer.start();
    auto data = std::make_shared<const FlameGraphData>(FlameGraphData::build(
        std::move(spans), names(QStringLiteral("service-"), kServices),
        names(QStringLiteral("GET /api/operation/"), kServices * kOperationsPerService)));
    f.layoutMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    const FlameGraphData merged = data->aggregated();
    f.aggregateMs = double(timer.nsecsElapsed()) / 1e6;
    f.spans = data->frameCount();
    f.rows = data->rowCount();
    // Frame, running row end, self time, error prefix.
    f.megabytes = double(f.spans) * double(sizeof(FlameFrame) + 8 + 8 + 4) / 1e6;

    FlameGraphView view;
    view.resize(1600, 600);
    view.setData(data);
    view.show();
    QApplication::processEvents();
    QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
    const int rounds = count >= 1'000'000 ? 10 : 30;
    f.fullMs = averageRenderMs(view, image, rounds);
    if (!pngDir.isEmpty())
        image.save(QDir(pngDir).filePath(QStringLiteral("flamegraph-%1-full.png").arg(count)));

    // A hundredth of the trace, around the middle: where a user lands after a few zoom steps.
    const std::int64_t middle = data->start() + (data->end() - data->start()) / 2;
    const std::int64_t span = (data->end() - data->start()) / 100;
    view.zoomTo(middle - span / 2, middle + span / 2);
    f.zoomedMs = averageRenderMs(view, image, rounds);
    if (!pngDir.isEmpty())
        image.save(QDir(pngDir).filePath(QStringLiteral("flamegraph-%1-zoomed.png").arg(count)));
    return f;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    QString pngDir;
    std::vector<int> sizes;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--png") && i + 1 < args.size())
            pngDir = args[++i];
        else if (const int n = args[i].toInt(); n > 0)
            sizes.push_back(n);
    }
    if (sizes.empty())
        sizes = {1'000, 10'000, 100'000, 1'000'000};

    std::printf("%10s %6s %11s %9s %14s %16s %13s\n", "spans", "rows", "layout ms", "memory", "repaint ms",
                "zoomed repaint", "aggregate ms");
    std::vector<Figures> all;
    for (const int n : sizes) {
        const Figures f = measure(n, pngDir);
        all.push_back(f);
        std::printf("%10d %6d %11.1f %6.1f MB %14.2f %16.2f %13.1f\n", f.spans, f.rows, f.layoutMs,
                    f.megabytes, f.fullMs, f.zoomedMs, f.aggregateMs);
        std::fflush(stdout);
    }
    const auto find = [&](int n) -> const Figures* {
        for (const Figures& f : all)
            if (f.spans == n)
                return &f;
        return nullptr;
    };
    if (const Figures* small = find(1'000), *large = find(100'000); small && large)
        std::printf("repaint 100k/1k: full view %.2fx, zoomed %.2fx (target <= 3x)\n",
                    large->fullMs / small->fullMs, large->zoomedMs / small->zoomedMs);
    return 0;
}
