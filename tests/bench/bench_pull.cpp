// bench_pull: what a pull costs as the window grows over one ClickHouse store, beside importing the
// same telemetry from files. The store holds the demo (`--sessions N` over 30 minutes) as the
// clickhouseexporter writes it; windows of 1/20, 1/10, 1/5 and all of it are pulled into fresh
// investigations. The transfer should grow with the window, not with the store.
//
//   bench_pull [--sessions 1000] [--skip-full]

#include "ClickHouseCohortCounts.h"
#include "ClickHousePull.h"
#include "ClickHouseRollupPull.h"
#include "DemoGenerator.h"
#include "ExporterRows.h"
#include "ImportRunner.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdio>

using namespace seam;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int sessions = 1000;
    const QStringList args = app.arguments();
    if (const qsizetype i = args.indexOf(QStringLiteral("--sessions")); i > 0 && i + 1 < args.size())
        sessions = args[i + 1].toInt();
    const QString nodeDir = QStringLiteral(SEAM_REMOTE_NODE_DIR);
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty() || !QFile::exists(nodeDir + QStringLiteral("/node_modules/chdb/package.json"))) {
        std::fprintf(stderr, "bench_pull: needs node and chdb in %s (run tst_clickhousepull once)\n",
                     qPrintable(nodeDir));
        return 77;
    }
    for (const char* f : {"front.mjs", "otel_traces.sql"}) {
        QFile::remove(nodeDir + QLatin1Char('/') + QLatin1String(f));
        QFile::copy(QStringLiteral(SEAM_CLICKHOUSE_FRONT_DIR "/") + QLatin1String(f),
                    nodeDir + QLatin1Char('/') + QLatin1String(f));
    }
    QTemporaryDir dir;
    DemoOptions options;
    options.sessions = sessions;
    DemoGenerator generator(options);
    QByteArray rows;
    QStringList files;
    generator.generate(
        [&](const opentelemetry::proto::trace::v1::TracesData& traces) {
            const QString path =
                dir.filePath(QStringLiteral("chunk-%1.pb").arg(files.size(), 5, 10, QLatin1Char('0')));
            QFile f(path);
            if (f.open(QIODevice::WriteOnly))
                f.write(QByteArray::fromStdString(traces.SerializeAsString()));
            files << path;
            test::appendExporterRows(traces, rows);
        },
        [](const auto&) {});
    const qint64 storeSpans = rows.count('\n');
    QFile rowsFile(dir.filePath(QStringLiteral("rows.jsonl")));
    rowsFile.open(QIODevice::WriteOnly);
    rowsFile.write(rows);
    rowsFile.close();
    rows.clear();

    QProcess front;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
    front.setProcessEnvironment(env);
    front.setWorkingDirectory(nodeDir);
    front.start(node, {QStringLiteral("front.mjs"), QStringLiteral("--dir"),
                       dir.filePath(QStringLiteral("engine")), QStringLiteral("--ddl"),
                       QStringLiteral("otel_traces.sql"), QStringLiteral("--rows"), rowsFile.fileName()});
    QByteArray banner;
    while (!banner.contains('\n') && front.waitForReadyRead(600000))
        banner += front.readAllStandardOutput();
    const int port = banner.mid(10).trimmed().toInt();
    if (port <= 0) {
        std::fprintf(stderr, "bench_pull: the ClickHouse front did not start: %s\n",
                     front.readAllStandardError().constData());
        return 2;
    }
    QString error;
    const auto source = remote::ClickHouseSource::parse(
        QStringLiteral("clickhouse://127.0.0.1:%1/otel?table=otel_traces").arg(port), error);

    std::printf("store: %lld spans (demo, %d sessions over %d min) in ClickHouse (chdb)\n\n",
                qlonglong(storeSpans), sessions, options.minutes);
    std::printf("%-22s %10s %10s %9s %9s %12s %10s\n", "what", "spans", "page loads", "requests", "MiB",
                "bytes/span", "seconds");
    const std::int64_t minute = std::int64_t(60) * 1'000'000'000;
    const std::int64_t total = std::int64_t(options.minutes) * minute;
    // --skip-full: leave out pulling the whole store (the slowest row) on a busy machine.
    const bool skipFull = args.contains(QStringLiteral("--skip-full"));
    for (const int parts : {20, 10, 5, 1}) {
        if (parts == 1 && skipFull)
            continue;
        const QString cache = dir.filePath(QStringLiteral("pull-%1.seam").arg(parts));
        StoreWriter writer(cache.toStdString());
        const std::int64_t sourceId = writer.beginSource("clickhouse", source->display().toStdString(),
                                                         StoreWriter::OnFailure::StopSource);
        remote::PullOptions pull;
        pull.fromNs = options.start + total / 2 - total / parts / 2;
        pull.toNs = pull.fromNs + total / parts;
        if (parts == 1) {
            pull.fromNs = options.start - minute;
            pull.toNs = options.start + total + 10 * minute;
        }
        ImportReport report;
        remote::PullReport r;
        {
            auto sink = writer.sinkFor(sourceId);
            r = remote::pullClickHouse(*source, pull, *sink, report);
        }
        writer.flush();
        writer.finishSource(sourceId, report);
        Database db = store::openForReading(cache.toStdString());
        const auto loads = db.queryInt("SELECT count(*) FROM page_loads");
        const std::int64_t spans = r.browserSpans + r.backendSpans;
        char label[64];
        std::snprintf(label, sizeof label, parts == 1 ? "pull all" : "pull 1/%d window", parts);
        std::printf("%-22s %10lld %10lld %9lld %9.1f %12.0f %10.2f%s\n", label, qlonglong(spans),
                    qlonglong(loads), qlonglong(r.requests), double(r.bytes) / (1 << 20),
                    spans ? double(r.bytes) / double(spans) : 0.0, r.seconds,
                    r.error.isEmpty() ? "" : qPrintable(QStringLiteral("  ERROR ") + r.error));
    }
    // Push-down: a day of RED rollups around the data, and the "Why?" counts of the whole store, both
    // computed by ClickHouse; only cells and groups travel, so the bytes follow the chart and the
    // distinct terms, not the store's spans.
    {
        const std::int64_t day = std::int64_t(24) * 60 * minute;
        const std::int64_t dayFrom = options.start + total / 2 - day / 2;
        const QString cache = dir.filePath(QStringLiteral("pull-20.seam"));
        StoreWriter writer(cache.toStdString());
        const std::int64_t sourceId = writer.beginSource("clickhouse", source->display().toStdString(),
                                                         StoreWriter::OnFailure::StopSource);
        remote::RollupPullReport r;
        {
            auto sink = writer.sinkFor(sourceId);
            r = remote::pullClickHouseRollups(*source, {{dayFrom, dayFrom + day}}, *sink);
        }
        writer.flush();
        ImportReport report;
        writer.finishSource(sourceId, report);
        std::printf("%-22s %10lld %10s %9lld %9.3f %12s %10.2f%s\n", "RED of a day, pushed",
                    qlonglong(r.cells), "cells", qlonglong(r.requests), double(r.bytes) / (1 << 20), "",
                    r.seconds, r.error.isEmpty() ? "" : qPrintable(QStringLiteral("  ERROR ") + r.error));
        const remote::CohortCountsReport c =
            remote::fetchCohortCounts(*source, {{dayFrom, dayFrom + day}}, std::int64_t(3) * 1'000'000'000);
        std::int64_t loads = 0;
        for (const remote::RemoteLoadGroup& g : c.groups)
            loads += g.loads;
        std::printf("%-22s %10lld %10lld %9lld %9.3f %12s %10.2f%s\n", "Why? counts, pushed",
                    qlonglong(c.groups.size()), qlonglong(loads), qlonglong(c.requests),
                    double(c.bytes) / (1 << 20), "groups", c.seconds,
                    c.error.isEmpty() ? "" : qPrintable(QStringLiteral("  ERROR ") + c.error));
    }
    {
        QElapsedTimer t;
        t.start();
        StoreWriter writer(dir.filePath(QStringLiteral("files.seam")).toStdString());
        ImportRunner runner(writer);
        std::uint64_t spans = 0;
        qint64 bytes = 0;
        for (const QString& f : files) {
            spans += runner.importFile(f.toStdString()).report.accepted();
            bytes += QFileInfo(f).size();
        }
        writer.flush();
        std::printf("%-22s %10llu %10s %9s %9.1f %12.0f %10.2f\n", "import all from files", qulonglong(spans),
                    "", "", double(bytes) / (1 << 20), spans ? double(bytes) / double(spans) : 0.0,
                    double(t.elapsed()) / 1000);
    }
    front.terminate();
    front.waitForFinished(5000);
    return 0;
}
