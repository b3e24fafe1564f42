// Prints what `seam diff --cohorts` costs on demo caches of growing size: the cost should follow the
// cohorts (traces are read for at most CompareOptions::sampleCap loads per cohort, chosen by a hash of
// the page load's key), not the cache. Each cache is the demo investigation with N sessions (~5 page
// loads and ~45 spans per session over the same 30 minutes: a bigger cache is denser).
//
// usage: bench_diff [--sessions 2000,10000] [--keep DIR] [--runs N]

#include "CohortCompare.h"
#include "DemoGenerator.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace seam;

namespace {

bool generate(const QString& path, int sessions)
{
    DemoOptions options;
    options.sessions = sessions;
    StoreWriter writer(path.toStdString());
    const auto source = writer.beginSource("demo", "bench");
    auto sink = writer.sinkFor(source);
    DemoGenerator generator(options);
    ImportReport report;
    if (!generator.generateInto(*sink, report))
        return false;
    writer.flush();
    writer.finishSource(source, report);
    return true;
}

/// The process's CPU time: on a machine shared with builds the wall clock says more about them.
double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Pair
{
    const char* name;
    const char16_t* a;
    const char16_t* b;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption sessions(QStringLiteral("sessions"), QStringLiteral("Demo sizes (sessions)."),
                                      QStringLiteral("N,N"), QStringLiteral("2000,10000"));
    const QCommandLineOption keep(
        QStringLiteral("keep"), QStringLiteral("Keep (and reuse) the caches in DIR."), QStringLiteral("DIR"));
    const QCommandLineOption runs(QStringLiteral("runs"), QStringLiteral("Runs per pair (median)."),
                                  QStringLiteral("N"), QStringLiteral("3"));
    parser.addOptions({sessions, keep, runs});
    parser.addHelpOption();
    parser.process(app);

    QTemporaryDir temp;
    const QString dir = parser.isSet(keep) ? parser.value(keep) : temp.path();
    QDir().mkpath(dir);
    const Pair pairs[] = {
        {"checkout slow", u"route:/checkout duration<=2s", u"route:/checkout duration>2s"},
        {"home Safari", u"route:/ -browser:Safari", u"route:/ browser:Safari"},
        {"all vs all", u"duration<1s", u"duration>=1s"},
    };
    for (const QString& s : parser.value(sessions).split(QLatin1Char(','))) {
        const QString path = dir + QStringLiteral("/diff-%1.seam").arg(s);
        if (!QFileInfo::exists(path)) {
            QElapsedTimer t;
            t.start();
            if (!generate(path, s.toInt())) {
                std::fprintf(stderr, "bench_diff: could not generate %s\n", qPrintable(path));
                return 1;
            }
            std::printf("generated %s in %.1f s\n", qPrintable(path), double(t.elapsed()) / 1000);
        }
        Database db = store::openForReading(path.toStdString());
        std::printf("\n%s sessions: %lld page loads, %lld spans\n", qPrintable(s),
                    (long long)db.queryInt("SELECT count(*) FROM page_loads"),
                    (long long)db.queryInt("SELECT count(*) FROM spans"));
        std::printf("%-14s %8s %8s %8s %8s %6s %6s %10s %10s %10s  %s\n", "pair", "a_loads", "b_loads",
                    "a_read", "b_read", "nodes", "signif", "median_ms", "first_ms", "cpu_ms", "top node");
        for (const Pair& p : pairs) {
            for (const DiffWeight w : {DiffWeight::Critical, DiffWeight::Self}) {
                CompareOptions o;
                o.a = PageLoadFilter::parse(QStringView(p.a));
                o.b = PageLoadFilter::parse(QStringView(p.b));
                o.weight = w;
                std::vector<double> times, cpu;
                DiffResult r;
                for (int i = 0; i < std::max(1, parser.value(runs).toInt()); ++i) {
                    QElapsedTimer t;
                    t.start();
                    const double c0 = cpuMs();
                    r = compareCohorts(db, o);
                    cpu.push_back(cpuMs() - c0);
                    times.push_back(double(t.nsecsElapsed()) / 1e6);
                }
                const double first = times.front();
                std::sort(times.begin(), times.end());
                std::sort(cpu.begin(), cpu.end());
                const auto significant = std::count_if(r.nodes.begin(), r.nodes.end(),
                                                       [](const DiffNode& n) { return n.significant; });
                const std::string top = r.nodes.empty()
                                            ? std::string("-")
                                            : r.nodes.front().path.back() + " " +
                                                  std::to_string(int(r.nodes.front().deltaMs)) + " ms";
                std::printf("%-14s %8lld %8lld %8lld %8lld %6zu %6lld %10.1f %10.1f %10.1f  %s (%s)\n",
                            p.name, (long long)r.a.pageLoads, (long long)r.b.pageLoads,
                            (long long)r.a.sampled, (long long)r.b.sampled, r.nodes.size(),
                            (long long)significant, times[times.size() / 2], first, cpu[cpu.size() / 2],
                            top.c_str(), diffWeightName(w));
            }
        }
    }
    return 0;
}
