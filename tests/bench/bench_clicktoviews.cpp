// Prints how long a click on a page load takes to become pictures — trace resolution, flamegraph
// layout, waterfall, the other linked panels, and the repaint — on a small and on a large cache. The
// point is the ratio: a click reads what it shows (one page load, its traces, their rollups), so the
// time must not grow with the cache. Target: click at 10M spans <= 2x click at 10k spans.
//
// The caches are demo investigations (the same generator as `seam demo`), sized by span count; the
// large one spreads its sessions over more hours, as a real long capture would.
//
// usage: bench_clicktoviews [--sizes 10000,10000000] [--clicks 40] [--keep DIR] [--cache FILE]...
//   --keep DIR  keeps (and reuses) the generated caches there: the 10M one takes minutes to write.
//   --cache FILE  also measures an existing cache (after the sizes), e.g. the 50,000-session demo of
//                 scripts/build-bench-caches.sh: `--sizes 10000 --cache DIR/why-50000.seam`.

#include "DemoGenerator.h"
#include "FlameGraphLoader.h"
#include "ImportReport.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "PageLoadTableModel.h"
#include "PageLoadTracesLoader.h"
#include "PageLoadsPanel.h"
#include "ServiceRatesLoader.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "WaterfallLoader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

using namespace seam;

namespace {

constexpr double kSpansPerSession = 209; // the demo's mix: 418,623 spans for 2,000 sessions

double seconds(const QElapsedTimer& timer)
{
    return double(timer.nsecsElapsed()) / 1e9;
}

void writeDemoCache(const QString& path, qint64 spans)
{
    DemoOptions options;
    options.sessions = std::max(5, int(double(spans) / kSpansPerSession));
    // Keep the demo's density (about 67 sessions a minute): a bigger capture covers more time.
    options.minutes = std::max(30, options.sessions * 30 / 2000);
    std::printf("writing %s: %d sessions over %d min ...\n", qPrintable(path), options.sessions,
                options.minutes);
    std::fflush(stdout);
    QElapsedTimer timer;
    timer.start();
    StoreWriter writer(path.toStdString());
    DemoGenerator generator(options);
    ImportReport report;
    const qint64 source = writer.beginSource("demo", "bench");
    generator.generateInto(*writer.sinkFor(source), report);
    writer.finishSource(source, report);
    std::printf("  %llu records in %.1f s\n", static_cast<unsigned long long>(report.accepted()),
                seconds(timer));
}

struct CacheFacts
{
    qint64 spans = 0;
    qint64 pageLoads = 0;
    qint64 bytes = 0;
    std::vector<qint64> clicks; // page loads to click: the slowest linked ones, then a random sample
};

CacheFacts inspect(const QString& path, int clicks)
{
    CacheFacts facts;
    Database db = store::openForReading(path.toStdString());
    facts.spans = db.queryInt("SELECT count(*) FROM spans");
    facts.pageLoads = db.queryInt("SELECT coalesce(max(id), 0) FROM page_loads");
    facts.bytes = QFileInfo(path).size();
    // What an investigator clicks first: slow loads that reached the backend.
    auto slow = db.prepare("SELECT id FROM page_loads WHERE linked_count > 0 "
                           "ORDER BY duration_ns DESC LIMIT ?1");
    slow.bind(1, clicks / 2);
    while (slow.step())
        facts.clicks.push_back(slow.int64(0));
    std::mt19937_64 rng(7);
    auto exists = db.prepare("SELECT id FROM page_loads WHERE id >= ?1 ORDER BY id LIMIT 1");
    while (int(facts.clicks.size()) < clicks && facts.pageLoads > 0) {
        exists.reset();
        exists.bind(1, std::int64_t(rng() % std::uint64_t(facts.pageLoads)) + 1);
        if (exists.step())
            facts.clicks.push_back(exists.int64(0));
    }
    return facts;
}

struct ClickTimes
{
    std::vector<double> ms;
    double percentile(double p) const
    {
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        return sorted.empty() ? 0
                              : sorted[std::min(sorted.size() - 1, std::size_t(p * double(sorted.size())))];
    }
};

/// What each loader's query costs alone, on this thread: where a slow click spends its time.
void loaderBreakdown(const QString& path, const std::vector<qint64>& pageLoads)
{
    ClickTimes traces, flameGraph, waterfall, serviceRates;
    QElapsedTimer timer;
    for (qint64 id : pageLoads) {
        timer.start();
        const PageLoadTraces resolved = PageLoadTracesLoader::loadNow(path.toStdString(), id);
        traces.ms.push_back(seconds(timer) * 1e3);
        timer.start();
        FlameGraphLoader::loadNow(path.toStdString(),
                                  std::vector<std::int64_t>(resolved.traces.begin(), resolved.traces.end()));
        flameGraph.ms.push_back(seconds(timer) * 1e3);
        timer.start();
        WaterfallLoader::loadNow(path.toStdString(), id);
        waterfall.ms.push_back(seconds(timer) * 1e3);
        timer.start();
        ServiceRatesRequest rates;
        rates.pageLoadId = id;
        rates.traces.assign(resolved.traces.begin(), resolved.traces.end());
        ServiceRatesLoader::loadNow(path.toStdString(), rates);
        serviceRates.ms.push_back(seconds(timer) * 1e3);
    }
    std::printf("  loaders alone (median / max ms): traces %.1f / %.1f, flamegraph %.1f / %.1f, "
                "waterfall %.1f / %.1f, service rates %.1f / %.1f\n",
                traces.percentile(0.5), traces.percentile(1.0), flameGraph.percentile(0.5),
                flameGraph.percentile(1.0), waterfall.percentile(0.5), waterfall.percentile(1.0),
                serviceRates.percentile(0.5), serviceRates.percentile(1.0));
}

/// Clicks each page load through the Investigation, as the table does, and waits until every panel
/// has its data and the window has repainted.
ClickTimes clickThrough(const QString& path, const std::vector<qint64>& pageLoads)
{
    Investigation investigation;
    LinkedViews views(path, &investigation);
    views.resize(1920, 1000);
    views.show();
    // Clicks come after the table has counted its rows (on its loader thread): the steady state.
    QElapsedTimer counting;
    counting.start();
    while (views.pageLoads()->model()->isCounting())
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    std::printf("  table counted %d rows in %.0f ms\n", views.pageLoads()->model()->rowCount(),
                seconds(counting) * 1e3);

    ClickTimes times;
    QElapsedTimer timer;
    // The first click warms the page cache of the file; it is not what the user waits for twice.
    for (std::size_t i = 0; i <= pageLoads.size(); ++i) {
        const qint64 id = pageLoads[i == 0 ? 0 : i - 1];
        investigation.selectPageLoad(0);
        while (views.isLoading())
            QApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        timer.start();
        investigation.selectPageLoad(id);
        while (views.isLoading())
            QApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        views.repaint(); // the pictures, not only the data
        if (i > 0)
            times.ms.push_back(seconds(timer) * 1e3);
    }
    return times;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    QCommandLineOption sizesOption(QStringLiteral("sizes"), QStringLiteral("Cache sizes in spans."),
                                   QStringLiteral("list"), QStringLiteral("10000,10000000"));
    QCommandLineOption clicksOption(QStringLiteral("clicks"), QStringLiteral("Clicks per cache."),
                                    QStringLiteral("n"), QStringLiteral("40"));
    QCommandLineOption keepOption(QStringLiteral("keep"), QStringLiteral("Keep/reuse caches in DIR."),
                                  QStringLiteral("dir"));
    QCommandLineOption cacheOption(QStringLiteral("cache"), QStringLiteral("Also measure the cache FILE."),
                                   QStringLiteral("file"));
    parser.addOptions({sizesOption, clicksOption, keepOption, cacheOption});
    parser.process(app);

    QTemporaryDir temp;
    const QString dir = parser.isSet(keepOption) ? parser.value(keepOption) : temp.path();
    QDir().mkpath(dir);
    const int clicks = std::max(2, parser.value(clicksOption).toInt());

    struct Row
    {
        CacheFacts facts;
        ClickTimes times;
    };
    std::vector<Row> rows;
    QStringList paths;
    for (const QString& size : parser.value(sizesOption).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qint64 spans = size.toLongLong();
        const QString path = dir + QStringLiteral("/click-%1.seam").arg(spans);
        if (!QFileInfo::exists(path))
            writeDemoCache(path, spans);
        paths << path;
    }
    for (const QString& path : parser.values(cacheOption)) {
        if (!QFileInfo::exists(path)) {
            std::fprintf(stderr, "no cache at %s\n", qPrintable(path));
            return 2;
        }
        paths << path;
    }
    for (const QString& path : paths) {
        Row row;
        row.facts = inspect(path, clicks);
        std::printf("%s:\n", qPrintable(QFileInfo(path).fileName()));
        loaderBreakdown(path, row.facts.clicks);
        row.times = clickThrough(path, row.facts.clicks);
        rows.push_back(std::move(row));
    }

    std::printf("\n%12s %12s %10s %8s %10s %10s %10s\n", "spans", "page loads", "file MiB", "clicks",
                "median ms", "p90 ms", "max ms");
    for (const Row& row : rows)
        std::printf("%12lld %12lld %10.0f %8zu %10.1f %10.1f %10.1f\n",
                    static_cast<long long>(row.facts.spans), static_cast<long long>(row.facts.pageLoads),
                    double(row.facts.bytes) / (1 << 20), row.times.ms.size(), row.times.percentile(0.5),
                    row.times.percentile(0.9), row.times.percentile(1.0));
    if (rows.size() >= 2 && rows.front().times.percentile(0.5) > 0)
        std::printf("\nmedian click, largest / smallest cache: %.2fx (target <= 2x)\n",
                    rows.back().times.percentile(0.5) / rows.front().times.percentile(0.5));
    return 0;
}
