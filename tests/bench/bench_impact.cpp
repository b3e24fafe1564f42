// What `seam impact` (analysis/BusinessImpact) costs on demo caches of growing size and over growing
// windows (DESIGN.md §7: an answer within 1 s at 250k page loads, cost growing with the window's
// traffic, not with the cache). The caches keep the demo's density (~67 sessions a minute: a bigger
// cache covers more time), so a 6-minute window holds the same traffic in the small and the large one
// and only a wider window reads more.
//
// usage: bench_impact [--small FILE] [--large FILE] [--build FILE --sessions N] [--runs N]
//                     [--service S] [--operation O]   (default: payments, its entry spans)
//   --build writes a cache of N demo sessions and exits (scripts/build-impact-cache.sh);
//   without --small/--large, both are written to a temporary folder (the large one takes minutes).

#include "BusinessImpact.h"
#include "DemoGenerator.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace seam;

namespace {

constexpr qint64 kMinute = 60'000'000'000LL;

void writeDemoCache(const QString& path, int sessions)
{
    DemoOptions options;
    options.sessions = sessions;
    options.minutes = std::max(30, sessions * 30 / 2000); // the demo's density
    std::printf("writing %s: %d sessions over %d min ...\n", qPrintable(path), sessions, options.minutes);
    std::fflush(stdout);
    QElapsedTimer timer;
    timer.start();
    StoreWriter writer(path.toStdString());
    DemoGenerator generator(options);
    ImportReport report;
    const qint64 source = writer.beginSource("demo", "bench");
    generator.generateInto(*writer.sinkFor(source), report);
    writer.flush();
    writer.finishSource(source, report);
    std::printf("  %llu records in %.1f s\n", static_cast<unsigned long long>(report.accepted()),
                double(timer.nsecsElapsed()) / 1e9);
}

/// The process's CPU time: on a machine shared with builds the wall clock says more about them.
double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Timing
{
    double wallMs = 0; ///< median
    double cpuMs = 0;
    std::int64_t reached = 0;
};

Timing measure(Database& db, TimeNs from, TimeNs to, int runs, const QString& service,
               const QString& operation)
{
    ImpactQuery q;
    q.service = service.toStdString();
    q.operation = operation.toStdString();
    q.from = from;
    q.to = to;
    q.conversion = ConversionDefinition::parse("route:/checkout/confirmation");
    q.revenueAttribute = "order.value";
    std::vector<double> wall, cpu;
    Timing t;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        const double c0 = cpuMs();
        const ImpactResult r = businessImpact(db, q);
        cpu.push_back(cpuMs() - c0);
        wall.push_back(double(timer.nsecsElapsed()) / 1e6);
        t.reached = r.pageLoads.reached;
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    t.wallMs = wall[wall.size() / 2];
    t.cpuMs = cpu[cpu.size() / 2];
    return t;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption small(QStringLiteral("small"), QStringLiteral("Small cache."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption large(QStringLiteral("large"), QStringLiteral("Large cache."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption build(QStringLiteral("build"), QStringLiteral("Write a cache and exit."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption sessions(QStringLiteral("sessions"), QStringLiteral("Sessions for --build."),
                                      QStringLiteral("N"), QStringLiteral("51000"));
    const QCommandLineOption runs(QStringLiteral("runs"), QStringLiteral("Runs per figure (median)."),
                                  QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption service(QStringLiteral("service"), QStringLiteral("Service (payments)."),
                                     QStringLiteral("S"), QStringLiteral("payments"));
    const QCommandLineOption operation(QStringLiteral("operation"), QStringLiteral("Operation (none)."),
                                       QStringLiteral("O"));
    parser.addOptions({small, large, build, sessions, runs, service, operation});
    parser.addHelpOption();
    parser.process(app);
    if (parser.isSet(build)) {
        writeDemoCache(parser.value(build), parser.value(sessions).toInt());
        return 0;
    }
    QTemporaryDir dir;
    QString paths[2] = {parser.value(small), parser.value(large)};
    const int defaultSessions[2] = {2000, 51000};
    for (int i = 0; i < 2; ++i)
        if (paths[i].isEmpty() || !QFileInfo::exists(paths[i])) {
            if (paths[i].isEmpty())
                paths[i] = dir.filePath(QStringLiteral("impact%1.seam").arg(i));
            writeDemoCache(paths[i], defaultSessions[i]);
        }
    const int n = std::max(1, parser.value(runs).toInt());

    // The windows: the payments lock (minutes 8-14 of the demo, the same traffic in both caches), then
    // 1 h and 24 h from the cache's start (the small cache holds 30 minutes: its 1 h and 24 h windows are
    // the whole cache).
    std::printf("\n%-14s %12s %12s %12s %12s %10s\n", "window", "small ms", "large ms", "large/small",
                "small pl", "large pl");
    struct Window
    {
        const char* name;
        TimeNs from, to;
    };
    std::vector<Timing> small6(0), large6(0);
    double firstSmall = 0, firstLarge = 0;
    Database dbs[2] = {store::openForReading(paths[0].toStdString()),
                       store::openForReading(paths[1].toStdString())};
    const TimeNs start = dbs[0].queryInt("SELECT min(start_ns) FROM page_loads");
    const std::vector<Window> windows{{"6 min (lock)", start + 8 * kMinute, start + 14 * kMinute},
                                      {"1 h", start, start + 60 * kMinute},
                                      {"24 h", start, start + 24 * 60 * kMinute}};
    std::vector<double> largeByWindow;
    for (const Window& w : windows) {
        const QString sv = parser.value(service), op = parser.value(operation);
        const Timing a = measure(dbs[0], w.from, w.to, n, sv, op);
        const Timing b = measure(dbs[1], w.from, w.to, n, sv, op);
        std::printf("%-14s %9.1f ms %9.1f ms %11.2fx %12lld %10lld   (cpu %.1f / %.1f ms)\n", w.name,
                    a.wallMs, b.wallMs, b.wallMs / std::max(a.wallMs, 0.001), (long long)a.reached,
                    (long long)b.reached, a.cpuMs, b.cpuMs);
        largeByWindow.push_back(b.wallMs);
        if (firstSmall == 0) {
            firstSmall = a.wallMs;
            firstLarge = b.wallMs;
        }
    }
    std::printf("\nlarge cache, window growth: 1 h / 6 min %.2fx, 24 h / 6 min %.2fx\n",
                largeByWindow[1] / std::max(largeByWindow[0], 0.001),
                largeByWindow[2] / std::max(largeByWindow[0], 0.001));
    std::printf("page loads: small %lld, large %lld\n",
                (long long)dbs[0].queryInt("SELECT count(*) FROM page_loads"),
                (long long)dbs[1].queryInt("SELECT count(*) FROM page_loads"));
    (void)firstSmall;
    (void)firstLarge;
    return 0;
}
