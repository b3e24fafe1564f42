// bench_pull: what looking at a window of a big ClickHouse store costs, against importing the same
// window from files. The store is 20 copies of the demo (PullBenchStore.h), each 1/20 of it, in a real
// ClickHouse engine (chdb behind the test front). For windows of 1/40, 1/20 and 1/10 of the store it
// prints, side by side: (a) the pull (`seam pull`'s code) into a fresh investigation: time, requests,
// bytes sent, received on the wire (gzip + headers) and decoded, spans and page loads; (b) importing
// exactly that window's telemetry from an OTLP protobuf file; (c) the RED chart of a day around it
// pushed down (the rollups of what the pull did not cover); (d) the "Why?" page-load counts of that day
// pushed down. The 1/20 window is then pulled again from a store of 2 copies holding the same window:
// the bytes must match, since the transfer follows the window, not the store.
//
//   bench_pull [--store-spans 250000] [--skip-small-store] [--keep DIR]
//
// The default (250k spans, windows of ~6k/12k/25k) runs in a few minutes; the figure is
// `bench_pull --store-spans 5000000` (a 250k-span window of a 5M-span store; ~4 GB of rows on disk and
// a long load into the engine).

#include "ClickHouseCohortCounts.h"
#include "ClickHouseEngine.h"
#include "ClickHousePull.h"
#include "ClickHouseRollupPull.h"
#include "ImportRunner.h"
#include "PullBenchStore.h"
#include "RollupGaps.h"
#include "Schema.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdio>
#include <optional>
#include <sys/resource.h>
#include <unistd.h>

using namespace seam;

namespace {

constexpr int kCopies = 20;
constexpr int kWindowCopy = kCopies / 2; ///< the windows start here, in the middle of the store

/// CPU seconds (user + system) this process used so far, all threads: the writer's too. Wall time on a
/// shared machine says as much about the other users as about Seam; CPU time does not.
double selfCpu()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// The same for a running child (the engine), from /proc/PID/stat (utime and stime, fields 14 and 15).
double processCpu(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' '); // from field 3 on
    return fields.size() > 12
               ? double(fields[11].toLongLong() + fields[12].toLongLong()) / double(sysconf(_SC_CLK_TCK))
               : 0;
}

/// The front over chdb holding `rows`; port 0 when it did not start.
class Front
{
public:
    ~Front() { stop(); }
    int start(const QString& node, const QString& nodeDir, const QString& engineDir, const QStringList& rows)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
        m_process.setProcessEnvironment(env);
        m_process.setWorkingDirectory(nodeDir);
        QDir(engineDir).removeRecursively(); // a kept engine would get the rows a second time
        QStringList args{QStringLiteral("front.mjs"), QStringLiteral("--dir"), engineDir,
                         QStringLiteral("--ddl"), QStringLiteral("otel_traces.sql")};
        for (const QString& r : rows)
            args << QStringLiteral("--rows") << r;
        m_process.start(node, args);
        QByteArray banner;
        while (!banner.contains('\n') && m_process.waitForReadyRead(1800000))
            banner += m_process.readAllStandardOutput();
        const int port = banner.startsWith("listening ") ? banner.mid(10).trimmed().toInt() : 0;
        if (port <= 0)
            std::fprintf(stderr, "bench_pull: the ClickHouse front did not start: %s\n",
                         m_process.readAllStandardError().constData());
        return port;
    }
    double cpu() const { return processCpu(m_process.processId()); }
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
    }

private:
    QProcess m_process;
};

struct Window
{
    const char* label;
    std::int64_t fromNs, toNs;
};

/// One window looked at: the pull, the same window from files, and the day's push-downs after the pull.
struct Run
{
    QString store, window;
    remote::PullReport pull;
    double pullSeconds = 0;                       ///< the pull and writing it into the investigation
    double browserSeconds = 0, tracesSeconds = 0; ///< when the browser side, then the traces, were in
    double pullCpu = 0, pullEngineCpu = 0;        ///< CPU seconds of Seam's side and of the engine
    double redCpu = 0, redEngineCpu = 0, whyCpu = 0, whyEngineCpu = 0, fileCpu = 0;
    std::int64_t pullLoads = 0;
    remote::RollupPullReport red;
    remote::CohortCountsReport why;
    std::int64_t whyLoads = 0;
    std::optional<std::int64_t> fileSpans, fileLoads, fileBytes;
    double fileSeconds = 0;
};

std::int64_t pageLoads(const QString& cache)
{
    Database db = store::openForReading(cache.toStdString());
    return db.queryInt("SELECT count(*) FROM page_loads");
}

Run pullWindow(const remote::ClickHouseSource& source, const Front& front, const Window& w,
               const QString& cache, std::int64_t dayFrom, std::int64_t dayTo)
{
    Run run;
    run.window = QString::fromLatin1(w.label);
    const std::string name = source.display().toStdString();
    QFile::remove(cache); // a pull into a kept investigation would add nothing (pulls are idempotent)
    StoreWriter writer(cache.toStdString());
    {
        QElapsedTimer t;
        t.start();
        const double cpu = selfCpu(), engine = front.cpu();
        const std::int64_t sourceId =
            writer.beginSource("clickhouse", name, StoreWriter::OnFailure::StopSource);
        remote::PullOptions options;
        options.fromNs = w.fromNs;
        options.toNs = w.toNs;
        // Where the time goes: the stage's last progress call is when its last page was written.
        options.progress = [&](const QString& stage, std::int64_t) {
            (stage == QLatin1String("browser spans") ? run.browserSeconds : run.tracesSeconds) =
                double(t.nsecsElapsed()) / 1e9;
        };
        ImportReport report;
        {
            auto sink = writer.sinkFor(sourceId);
            run.pull = remote::pullClickHouse(source, options, *sink, report);
        }
        writer.flush();
        writer.finishSource(sourceId, report);
        remote::recordPullCoverage(writer, name, run.pull);
        run.pullSeconds = double(t.nsecsElapsed()) / 1e9;
        run.pullCpu = selfCpu() - cpu;
        run.pullEngineCpu = front.cpu() - engine;
    }
    // The service charts of a day: only what the pull's server rollups do not cover is asked for.
    {
        const double cpu = selfCpu(), engine = front.cpu();
        const auto gaps = uncoveredRanges(remote::readRollupCoverage(writer, name), {dayFrom, dayTo},
                                          schema::kRollupBucketNs);
        const std::int64_t sourceId =
            writer.beginSource("clickhouse", name, StoreWriter::OnFailure::StopSource);
        {
            auto sink = writer.sinkFor(sourceId);
            run.red = remote::pullClickHouseRollups(source, gaps, *sink);
        }
        writer.flush();
        ImportReport report;
        writer.finishSource(sourceId, report);
        remote::recordRollupCoverage(writer, name, run.red.counted);
        run.redCpu = selfCpu() - cpu;
        run.redEngineCpu = front.cpu() - engine;
    }
    // "Why?" over the day: the page loads the pull did not bring are counted on the server.
    {
        const double cpu = selfCpu(), engine = front.cpu();
        const auto gaps = uncoveredRanges(remote::readRollupCoverage(writer, name, store::kCoverPageLoads),
                                          {dayFrom, dayTo}, 1);
        run.why = remote::fetchCohortCounts(source, gaps, std::int64_t(3) * 1'000'000'000);
        for (const remote::RemoteLoadGroup& g : run.why.groups)
            run.whyLoads += g.loads;
        run.whyCpu = selfCpu() - cpu;
        run.whyEngineCpu = front.cpu() - engine;
    }
    run.pullLoads = pageLoads(cache);
    return run;
}

void importWindow(const QString& file, const QString& cache, Run& run)
{
    QFile::remove(cache);
    QElapsedTimer t;
    t.start();
    const double cpu = selfCpu();
    {
        StoreWriter writer(cache.toStdString());
        ImportRunner runner(writer);
        run.fileSpans = std::int64_t(runner.importFile(file.toStdString()).report.accepted());
        writer.flush();
    }
    run.fileSeconds = double(t.nsecsElapsed()) / 1e9;
    run.fileCpu = selfCpu() - cpu;
    run.fileBytes = QFileInfo(file).size();
    run.fileLoads = pageLoads(cache);
}

QString errorOf(const QString& e)
{
    return e.isEmpty() ? QString() : QStringLiteral("  ERROR ") + e;
}

double kib(std::int64_t b)
{
    return double(b) / 1024;
}

void printTables(const std::vector<Run>& runs)
{
    std::printf("\n(a) pull vs (b) import of the same window from an OTLP protobuf file\n");
    std::printf("%-16s %-14s %8s %7s %5s %9s %10s %11s %7s %8s | %8s %7s %9s %8s\n", "store", "window",
                "spans", "loads", "req", "sent KiB", "wire KiB", "decoded KiB", "wire B/sp", "pull s",
                "spans", "loads", "file KiB", "import s");
    for (const Run& r : runs) {
        const std::int64_t spans = r.pull.browserSpans + r.pull.backendSpans;
        std::printf("%-16s %-14s %8lld %7lld %5lld %9.0f %10.0f %11.0f %7.0f %8.2f | ", qPrintable(r.store),
                    qPrintable(r.window), qlonglong(spans), qlonglong(r.pullLoads),
                    qlonglong(r.pull.requests), kib(r.pull.bytesSent), kib(r.pull.wireBytes),
                    kib(r.pull.bytes), spans ? double(r.pull.wireBytes) / double(spans) : 0.0, r.pullSeconds);
        if (r.fileSpans)
            std::printf("%8lld %7lld %9.0f %8.2f%s\n", qlonglong(*r.fileSpans), qlonglong(*r.fileLoads),
                        kib(*r.fileBytes), r.fileSeconds, qPrintable(errorOf(r.pull.error)));
        else
            std::printf("%8s %7s %9s %8s%s\n", "-", "-", "-", "-", qPrintable(errorOf(r.pull.error)));
    }
    std::printf(
        "\nwhere the time goes: wall seconds from the pull's start when the browser side and the traces\n"
        "were in; CPU seconds of Seam's side (all threads) and of the engine, which a loaded machine does\n"
        "not inflate\n");
    std::printf("%-16s %-14s %8s %7s %8s %7s %7s %7s | %9s %9s | %9s | %9s %9s | %9s %9s\n", "store",
                "window", "browser", "spans", "traces", "spans", "traces", "wall", "pull CPU", "engine",
                "import", "RED CPU", "engine", "Why? CPU", "engine");
    for (const Run& r : runs) {
        std::printf("%-16s %-14s %8.2f %7lld %8.2f %7lld %7lld %7.2f | %9.2f %9.2f | ", qPrintable(r.store),
                    qPrintable(r.window), r.browserSeconds, qlonglong(r.pull.browserSpans), r.tracesSeconds,
                    qlonglong(r.pull.backendSpans), qlonglong(r.pull.tracesRequested), r.pullSeconds,
                    r.pullCpu, r.pullEngineCpu);
        if (r.fileSpans)
            std::printf("%9.2f", r.fileCpu);
        else
            std::printf("%9s", "-");
        std::printf(" | %9.2f %9.2f | %9.2f %9.2f\n", r.redCpu, r.redEngineCpu, r.whyCpu, r.whyEngineCpu);
    }
    std::printf("\n(c) RED chart of a day and (d) \"Why?\" counts of that day, pushed down after the pull\n");
    std::printf("%-16s %-14s | %7s %4s %9s %11s %7s | %6s %7s %4s %9s %11s %7s\n", "store", "window", "cells",
                "req", "wire KiB", "decoded KiB", "s", "groups", "loads", "req", "wire KiB", "decoded KiB",
                "s");
    for (const Run& r : runs)
        std::printf(
            "%-16s %-14s | %7lld %4lld %9.1f %11.1f %7.2f | %6lld %7lld %4lld %9.1f %11.1f %7.2f%s%s\n",
            qPrintable(r.store), qPrintable(r.window), qlonglong(r.red.cells), qlonglong(r.red.requests),
            kib(r.red.wireBytes), kib(r.red.bytes), r.red.seconds, qlonglong(r.why.groups.size()),
            qlonglong(r.whyLoads), qlonglong(r.why.requests), kib(r.why.wireBytes), kib(r.why.bytes),
            r.why.seconds, qPrintable(errorOf(r.red.error)), qPrintable(errorOf(r.why.error)));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    std::int64_t storeSpans = 250'000;
    if (const qsizetype i = args.indexOf(QStringLiteral("--store-spans")); i > 0 && i + 1 < args.size())
        storeSpans = args[i + 1].toLongLong();
    // --skip-small-store: leave out the second engine (the 2-copy store) on a busy machine.
    const bool skipSmall = args.contains(QStringLiteral("--skip-small-store"));
    const QString nodeDir = seam::test::remoteNodeDir();
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    // The front and chdb as the tests have them (one copier at a time: ClickHouseEngine's lock).
    bool skip = false;
    if (const QString error = test::ClickHouseEngine::prepareNode(skip); !error.isEmpty()) {
        std::fprintf(stderr, "bench_pull: %s\n", qPrintable(error));
        return skip ? 77 : 1;
    }
    // --keep DIR: build the store there and leave it (rows, OTLP files, the engine's data) for a look.
    QTemporaryDir tempDir;
    const qsizetype keep = args.indexOf(QStringLiteral("--keep"));
    const QDir dir(keep > 0 && keep + 1 < args.size() ? args[keep + 1] : tempDir.path());
    dir.mkpath(QStringLiteral("."));
    QElapsedTimer t;
    t.start();
    bench::PullStoreLayout layout;
    const int sessions = bench::sessionsForStore(storeSpans, kCopies);
    // The windows draw from the copy before the first (its last spans may start inside it) to the second.
    if (const QString e = bench::buildPullStore(dir.absolutePath(), kCopies, sessions,
                                                {kWindowCopy - 1, kWindowCopy, kWindowCopy + 1}, layout);
        !e.isEmpty()) {
        std::fprintf(stderr, "bench_pull: %s\n", qPrintable(e));
        return 2;
    }
    std::int64_t spans = 0;
    for (const auto& c : layout.copy)
        spans += c.spans;
    std::printf("store: %d copies of the demo (%d sessions over 30 min each, seeds 11..%d), %lld spans; "
                "generated in %.1f s\n",
                kCopies, sessions, 10 + kCopies, qlonglong(spans), double(t.elapsed()) / 1000);

    const std::int64_t from = layout.copy[kWindowCopy].startNs;
    const Window windows[] = {{"1/40 (15 min)", from, from + layout.copyNs / 2},
                              {"1/20 (30 min)", from, from + layout.copyNs},
                              {"1/10 (1 h)", from, from + 2 * layout.copyNs}};
    // The day around the store (10 h of data in the middle), as the service charts would ask for it.
    const std::int64_t day = std::int64_t(24) * 3600 * 1'000'000'000;
    const std::int64_t dayFrom = from - day / 2, dayTo = from + day / 2;
    QStringList windowSources;
    for (int i = kWindowCopy - 1; i <= kWindowCopy + 1; ++i)
        windowSources << layout.copy[std::size_t(i)].otlpFiles;
    std::vector<QString> windowFiles;
    for (const Window& w : windows) {
        QString error;
        const QString file = dir.absoluteFilePath(QStringLiteral("window-%1.pb").arg(windowFiles.size()));
        if (bench::writeWindowFile(windowSources, w.fromNs, w.toNs, file, error) < 0) {
            std::fprintf(stderr, "bench_pull: %s\n", qPrintable(error));
            return 2;
        }
        windowFiles.push_back(file);
    }

    std::vector<Run> runs;
    auto storeLabel = [&](int first, int count) {
        std::int64_t n = 0;
        for (int i = first; i < first + count; ++i)
            n += layout.copy[std::size_t(i)].spans;
        return QStringLiteral("%1x %2k sp").arg(count).arg(double(n) / 1000, 0, 'f', 0);
    };
    auto runStore = [&](int first, int count, const std::vector<int>& which, bool files) {
        QStringList rows;
        for (int i = first; i < first + count; ++i)
            rows << layout.copy[std::size_t(i)].rowsFile;
        QElapsedTimer load;
        load.start();
        Front front;
        const int port =
            front.start(node, nodeDir, dir.absoluteFilePath(QStringLiteral("engine-%1").arg(count)), rows);
        if (port <= 0)
            return false;
        std::printf("%s: loaded into ClickHouse in %.1f s\n", qPrintable(storeLabel(first, count)),
                    double(load.elapsed()) / 1000);
        std::fflush(stdout);
        QString error;
        const auto source = remote::ClickHouseSource::parse(
            QStringLiteral("clickhouse://127.0.0.1:%1/otel?table=otel_traces").arg(port), error);
        for (const int w : which) {
            const QString tag = QStringLiteral("%1-%2").arg(count).arg(w);
            Run run =
                pullWindow(*source, front, windows[w],
                           dir.absoluteFilePath(QStringLiteral("pull-%1.seam").arg(tag)), dayFrom, dayTo);
            run.store = storeLabel(first, count);
            if (files)
                importWindow(windowFiles[std::size_t(w)],
                             dir.absoluteFilePath(QStringLiteral("files-%1.seam").arg(tag)), run);
            runs.push_back(std::move(run));
        }
        return true;
    };
    if (!runStore(0, kCopies, {0, 1, 2}, true))
        return 2;
    // The same 1/20 window in a store of two copies (the window's and the one before it).
    if (!skipSmall && !runStore(kWindowCopy - 1, 2, {1}, false))
        return 2;
    printTables(runs);
    return 0;
}
