// Prints what `seam why` costs on demo caches of growing size (DESIGN.md §7: an answer within 1 s at
// 250k page loads, cost growing with the cohort and its traces, not with the cache). Each cache is the
// demo investigation with N sessions (~5 page loads per session); a bigger cache keeps the demo's
// density (about 67 sessions a minute) and covers more time, as a longer capture would. Cohorts are
// asked twice: over the whole cache (they grow with it) and over the demo's first 30 minutes (the same
// cohort in every cache: its cost must not grow with the cache). Trace evidence is read for at most
// WhyOptions::sampleCap loads per group.
//
// usage: bench_why [--sessions 2000,50000] [--keep DIR] [--runs N] [--generate-only]
//   scripts/build-bench-caches.sh builds the large caches once (--generate-only --keep DIR).

#include "DemoGenerator.h"
#include "RootCause.h"
#include "Store.h"
#include "StoreWriter.h"
#include "WhyData.h"

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
    options.minutes = std::max(30, sessions * 30 / 2000);
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

struct Cohort
{
    const char* name;
    const char16_t* filter;
    WhyOptions::Criterion criterion;
    bool firstHalfHour; ///< only the demo's first 30 minutes: the same cohort whatever the cache's size
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
    const QCommandLineOption runs(QStringLiteral("runs"), QStringLiteral("Runs per cohort (median)."),
                                  QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption generateOnly(QStringLiteral("generate-only"),
                                          QStringLiteral("Write the missing caches and stop."));
    parser.addOptions({sessions, keep, runs, generateOnly});
    parser.addHelpOption();
    parser.process(app);

    QTemporaryDir temp;
    const QString dir = parser.isSet(keep) ? parser.value(keep) : temp.path();
    QDir().mkpath(dir);
    const Cohort cohorts[] = {
        {"checkout slow", u"route:/checkout", WhyOptions::Criterion::Slow, false},
        {"product failed", u"route:/product/:id", WhyOptions::Criterion::Errors, false},
        {"home slow", u"route:/", WhyOptions::Criterion::Slow, false},
        {"all routes slow", u"", WhyOptions::Criterion::Slow, false},
        {"checkout 30m", u"route:/checkout", WhyOptions::Criterion::Slow, true},
        {"all slow 30m", u"", WhyOptions::Criterion::Slow, true},
    };
    const DemoOptions demoDefaults;
    std::vector<std::vector<double>> medians, guiMedians; // CPU ms: `seam why`, the Why? pane
    std::vector<std::int64_t> pageLoads;
    for (const QString& s : parser.value(sessions).split(QLatin1Char(','))) {
        const QString path = dir + QStringLiteral("/why-%1.seam").arg(s);
        if (!QFileInfo::exists(path)) {
            QElapsedTimer t;
            t.start();
            if (!generate(path, s.toInt())) {
                std::fprintf(stderr, "bench_why: could not generate %s\n", qPrintable(path));
                return 1;
            }
            std::printf("generated %s in %.1f s\n", qPrintable(path), double(t.elapsed()) / 1000);
        }
        if (parser.isSet(generateOnly))
            continue;
        Database db = store::openForReading(path.toStdString());
        const std::int64_t loads = db.queryInt("SELECT count(*) FROM page_loads");
        const std::int64_t spans = db.queryInt("SELECT count(*) FROM spans");
        pageLoads.push_back(loads);
        std::printf("\n%s sessions: %lld page loads, %lld spans, %.0f MiB\n", qPrintable(s), (long long)loads,
                    (long long)spans, double(QFileInfo(path).size()) / 1048576);
        std::printf("%-16s %9s %9s %9s %10s %10s %10s %10s  %s\n", "cohort", "selected", "baseline",
                    "sampled", "median_ms", "first_ms", "cpu_ms", "gui_cpu_ms", "verdict");
        std::vector<double> row, guiRow;
        for (const Cohort& c : cohorts) {
            WhyOptions o;
            o.filter = PageLoadFilter::parse(QStringView(c.filter));
            o.criterion = c.criterion;
            if (c.firstHalfHour) {
                o.from = demoDefaults.start;
                o.to = demoDefaults.start + 30LL * 60 * 1000000000LL;
            }
            std::vector<double> times, cpu;
            WhyResult r;
            for (int i = 0; i < std::max(1, parser.value(runs).toInt()); ++i) {
                QElapsedTimer t;
                t.start();
                const double c0 = cpuMs();
                r = explainCohort(db, o);
                cpu.push_back(cpuMs() - c0);
                times.push_back(double(t.nsecsElapsed()) / 1e6);
            }
            // The pane's answer (WhyData::load: the same cohort, WhyData::kSampleCap loads per group).
            WhyRequest request;
            request.mode = WhyRequest::Mode::Cohort;
            request.filter = QString::fromUtf16(c.filter);
            request.failed = c.criterion == WhyOptions::Criterion::Errors;
            request.from = o.from;
            request.to = o.to;
            std::vector<double> gui;
            for (int i = 0; i < std::max(1, parser.value(runs).toInt()); ++i) {
                const double c0 = cpuMs();
                const WhyData d = WhyData::load(db, request);
                gui.push_back(cpuMs() - c0);
            }
            std::sort(gui.begin(), gui.end());
            guiRow.push_back(gui[gui.size() / 2]);
            const double first = times.front();
            std::sort(times.begin(), times.end());
            std::sort(cpu.begin(), cpu.end());
            row.push_back(cpu[cpu.size() / 2]);
            std::printf("%-16s %9lld %9lld %9lld %10.1f %10.1f %10.1f %10.1f  %s\n", c.name,
                        (long long)r.selection.pageLoads, (long long)r.baseline.pageLoads,
                        (long long)(r.selection.sampled + r.baseline.sampled), times[times.size() / 2], first,
                        row.back(), guiRow.back(), r.verdict.side.c_str());
        }
        // The pane on one selected load: its critical path against its route, and the route's slow
        // loads against the others (the slowest /checkout load).
        {
            WhyRequest request;
            request.mode = WhyRequest::Mode::PageLoad;
            request.pageLoadId = db.queryInt("SELECT id FROM page_loads WHERE route = '/checkout' "
                                             "ORDER BY duration_ns DESC, id LIMIT 1");
            std::vector<double> gui;
            WhyData d;
            for (int i = 0; i < std::max(1, parser.value(runs).toInt()); ++i) {
                const double c0 = cpuMs();
                d = WhyData::load(db, request);
                gui.push_back(cpuMs() - c0);
            }
            std::sort(gui.begin(), gui.end());
            std::printf("%-16s %9lld %9lld %9lld %10s %10s %10s %10.1f  %s (this load: %s)\n",
                        "one /checkout", (long long)d.cohort.selection.pageLoads,
                        (long long)d.cohort.baseline.pageLoads,
                        (long long)(d.cohort.selection.sampled + d.cohort.baseline.sampled), "-", "-", "-",
                        gui[gui.size() / 2], d.cohort.verdict.side.c_str(), d.loadVerdict.side.c_str());
        }
        medians.push_back(row);
        guiMedians.push_back(guiRow);
    }
    if (medians.size() >= 2) {
        // Side by side: the first cache against the last, CPU-time medians.
        std::printf("\n%-16s %10s %10s %7s %10s %10s %7s   (page loads %lld vs %lld, x%.1f)\n", "cohort",
                    "why_small", "why_large", "ratio", "gui_small", "gui_large", "ratio",
                    (long long)pageLoads.front(), (long long)pageLoads.back(),
                    double(pageLoads.back()) / double(pageLoads.front()));
        for (std::size_t c = 0; c < medians.front().size(); ++c)
            std::printf("%-16s %10.1f %10.1f %6.2fx %10.1f %10.1f %6.2fx\n", cohorts[c].name,
                        medians.front()[c], medians.back()[c],
                        medians.back()[c] / std::max(0.001, medians.front()[c]), guiMedians.front()[c],
                        guiMedians.back()[c], guiMedians.back()[c] / std::max(0.001, guiMedians.front()[c]));
    }
    return 0;
}
