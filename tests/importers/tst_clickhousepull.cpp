// `seam pull` from ClickHouse against a real ClickHouse engine (chdb) on loopback, holding the
// collector's otel_traces table filled with the rows the clickhouseexporter would write for the demo's
// telemetry; the same telemetry is imported from OTLP protobuf files into another cache, and both
// caches must give the same page loads, sessions, links and linked traces.

#include "CacheFacts.h"
#include "ClickHouseEngine.h"
#include "ClickHousePull.h"
#include "ClickHouseRollupPull.h"
#include "DemoGenerator.h"
#include "ExporterRows.h"
#include "ImportRunner.h"
#include "ImportTestUtil.h"
#include "RollupGaps.h"
#include "Schema.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace seam;

namespace {

constexpr const char* kUser = test::ClickHouseEngine::kUser;
constexpr const char* kPassword = test::ClickHouseEngine::kPassword;

} // namespace

class TestClickHousePull : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void pullGivesWhatTheFilesGive();
    void pullingTwiceOrOverlappingAddsNothing();
    void maxPageLoadsCutsTheWindow();
    void errorsNameTheServerAndTheCause();
    void theBinaryPullsAndKeepsNoSecret();
    void chartsBeyondTheWindowGetTheServersRollups();
    void theBinaryFetchesOnlyMissingRollups();

private:
    static QStringList rollupRows(const QString& cache);
    QJsonObject runSeam(const QStringList& args);
    QString pullInto(const QString& cache, std::int64_t from, std::int64_t to,
                     remote::PullReport* out = nullptr, std::optional<std::int64_t> maxPageLoads = {},
                     const QString& url = {});
    QString sourceUrl(const QString& password = QString::fromLatin1(kPassword),
                      const QString& table = QStringLiteral("otel_traces")) const;
    static QStringList facts(const QString& cache);

    QTemporaryDir m_dir;
    test::ClickHouseEngine m_engine;
    int m_port = 0;
    QString m_fileCache;
    std::int64_t m_from = 0, m_to = 0;
    std::int64_t m_spans = 0;
};

void TestClickHousePull::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Backend traffic no browser call caused (a batch job): the pull fetches none of its spans, but the
    // window's rollups, computed by the server, must count it as the file import does.
    opentelemetry::proto::trace::v1::TracesData job;
    auto* rs = job.add_resource_spans();
    auto* name = rs->mutable_resource()->add_attributes();
    name->set_key("service.name");
    name->mutable_value()->set_string_value("batch-jobs");
    auto* scope = rs->add_scope_spans();
    const DemoOptions defaults;
    for (int i = 0; i < 30; ++i) {
        auto* span = scope->add_spans();
        span->set_trace_id(std::string(15, '\x7f') + char(i + 1));
        span->set_span_id(std::string(7, '\x11') + char(i + 1));
        span->set_name("nightly-export");
        span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
        const std::uint64_t start = std::uint64_t(defaults.start) + std::uint64_t(i) * 37'000'000'000ULL;
        span->set_start_time_unix_nano(start);
        span->set_end_time_unix_nano(start + 1'000'000ULL * std::uint64_t(50 + 13 * i));
        if (i % 7 == 0)
            span->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
    }
    // The engine (chdb behind the loopback front, shared with the other remote tests) holding the demo
    // (a few dozen sessions) as exporter rows; the same telemetry as OTLP protobuf files.
    bool skip = false;
    const QString error = m_engine.start(m_dir.filePath(QStringLiteral("engine-data")), 60, skip, {job});
    if (skip)
        QSKIP(qPrintable(error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_port = m_engine.port();
    m_spans = m_engine.spans();
    m_from = defaults.start - std::int64_t(3600) * 1'000'000'000;
    m_to = defaults.start + std::int64_t(3 * 3600) * 1'000'000'000;

    m_fileCache = m_dir.filePath(QStringLiteral("files.seam"));
    for (const ImportReport& r : importtest::importIntoCache(m_fileCache.toStdString(), m_engine.files()))
        QVERIFY2(r.clean() && r.accepted() > 0, qPrintable(importtest::rejects(r)));
    qInfo("demo: %lld spans in %lld OTLP files and in otel_traces", qlonglong(m_spans),
          qlonglong(m_engine.files().size()));
}

void TestClickHousePull::cleanupTestCase() {}

QString TestClickHousePull::sourceUrl(const QString& password, const QString& table) const
{
    return QStringLiteral("clickhouse://%1:%2@127.0.0.1:%3/otel?table=%4")
        .arg(QString::fromLatin1(kUser), password)
        .arg(m_port)
        .arg(table);
}

QString TestClickHousePull::pullInto(const QString& cache, std::int64_t from, std::int64_t to,
                                     remote::PullReport* out, std::optional<std::int64_t> maxPageLoads,
                                     const QString& url)
{
    QString error;
    const auto source = remote::ClickHouseSource::parse(url.isEmpty() ? sourceUrl() : url, error);
    if (!source)
        return error;
    StoreWriter::Options writerOptions;
    writerOptions.inferLinks = false; // as importIntoCache: id links only, so the comparison is exact
    StoreWriter writer(cache.toStdString(), writerOptions);
    const std::int64_t sourceId =
        writer.beginSource("clickhouse", source->display().toStdString(), StoreWriter::OnFailure::StopSource);
    remote::PullOptions options;
    options.fromNs = from;
    options.toNs = to;
    options.maxPageLoads = maxPageLoads;
    options.pageRows = 700; // several pages per query, so keyset paging is exercised
    options.traceBatch = 50;
    ImportReport report;
    remote::PullReport pulled;
    {
        auto sink = writer.sinkFor(sourceId);
        pulled = remote::pullClickHouse(*source, options, *sink, report);
    }
    writer.flush();
    writer.finishSource(sourceId, report);
    if (out)
        *out = pulled;
    return pulled.error;
}

QStringList TestClickHousePull::facts(const QString& cache)
{
    return test::cacheFacts(cache);
}

void TestClickHousePull::pullGivesWhatTheFilesGive()
{
    const QString cache = m_dir.filePath(QStringLiteral("pulled.seam"));
    remote::PullReport report;
    QCOMPARE(pullInto(cache, m_from, m_to, &report), QString());
    QVERIFY(report.browserSpans > 0);
    QVERIFY(report.backendSpans > 0);
    QVERIFY(report.usedTraceIdTable);
    const QStringList fromFiles = facts(m_fileCache);
    const QStringList pulled = facts(cache);
    QCOMPARE(pulled, fromFiles);
    Database db = store::openForReading(cache.toStdString());
    QVERIFY(db.queryInt("SELECT count(*) FROM page_loads") > 50);
    QVERIFY(db.queryInt("SELECT count(*) FROM links") > 100);
    // The batch job: no span pulled, every one of its 30 requests (5 errors) in the rollups.
    QCOMPARE(db.queryInt("SELECT count(*) FROM spans s JOIN services v ON v.id = s.service_id WHERE v.name = "
                         "'batch-jobs'"),
             0);
    QCOMPARE(db.queryInt("SELECT sum(requests) FROM rollups r JOIN services v ON v.id = r.service_id "
                         "WHERE v.name = 'batch-jobs' AND r.operation_id = 0"),
             30);
    QCOMPARE(db.queryInt("SELECT sum(errors) FROM rollups r JOIN services v ON v.id = r.service_id "
                         "WHERE v.name = 'batch-jobs' AND r.operation_id = 0"),
             5);
    QVERIFY(report.rollupCells > 0);
    qInfo("pull: %lld browser + %lld backend spans of %lld trace ids in %lld requests, %.1f MiB received, "
          "%.2f s",
          qlonglong(report.browserSpans), qlonglong(report.backendSpans), qlonglong(report.tracesRequested),
          qlonglong(report.requests), double(report.bytes) / (1 << 20), report.seconds);
}

void TestClickHousePull::pullingTwiceOrOverlappingAddsNothing()
{
    const QString once = m_dir.filePath(QStringLiteral("once.seam"));
    QCOMPARE(pullInto(once, m_from, m_to), QString());
    const QStringList before = facts(once);
    QCOMPARE(pullInto(once, m_from, m_to), QString());
    QCOMPARE(facts(once), before);

    // Two overlapping windows give what one window gives.
    const QString halves = m_dir.filePath(QStringLiteral("halves.seam"));
    const std::int64_t mid = DemoOptions{}.start + std::int64_t(15 * 60) * 1'000'000'000;
    QCOMPARE(pullInto(halves, m_from, mid + std::int64_t(60) * 1'000'000'000), QString());
    QCOMPARE(pullInto(halves, mid, m_to), QString());
    QCOMPARE(facts(halves), before);
}

void TestClickHousePull::maxPageLoadsCutsTheWindow()
{
    const QString cache = m_dir.filePath(QStringLiteral("ten.seam"));
    remote::PullReport report;
    QCOMPARE(pullInto(cache, m_from, m_to, &report, 10), QString());
    Database db = store::openForReading(cache.toStdString());
    QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads"), 10);
    QCOMPARE(report.skipped.size(), 1);
    QVERIFY2(report.skipped.front().contains(QStringLiteral("first 10")), qPrintable(report.skipped.front()));
}

void TestClickHousePull::errorsNameTheServerAndTheCause()
{
    const QString where = QStringLiteral("127.0.0.1:%1").arg(m_port);
    const QString wrongTable =
        pullInto(m_dir.filePath(QStringLiteral("e1.seam")), m_from, m_to, nullptr, {},
                 sourceUrl(QString::fromLatin1(kPassword), QStringLiteral("no_such_table")));
    QVERIFY2(wrongTable.contains(where) && wrongTable.contains(QStringLiteral("unknown table")),
             qPrintable(wrongTable));

    const QString wrongPassword = pullInto(m_dir.filePath(QStringLiteral("e2.seam")), m_from, m_to, nullptr,
                                           {}, sourceUrl(QStringLiteral("wrong")));
    QVERIFY2(wrongPassword.contains(where) &&
                 wrongPassword.contains(QStringLiteral("authentication refused")),
             qPrintable(wrongPassword));
    QVERIFY(!wrongPassword.contains(QStringLiteral("wrong@")));

    // Nothing listens on a closed port: a transport error, named.
    const QString closed = pullInto(m_dir.filePath(QStringLiteral("e3.seam")), m_from, m_to, nullptr, {},
                                    QStringLiteral("clickhouse://127.0.0.1:9/otel?table=otel_traces"));
    QVERIFY2(closed.contains(QStringLiteral("127.0.0.1:9")), qPrintable(closed));
    Database db = store::openForReading(m_dir.filePath(QStringLiteral("e2.seam")).toStdString());
    QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), 0);
}

void TestClickHousePull::theBinaryPullsAndKeepsNoSecret()
{
    const QString cache = m_dir.filePath(QStringLiteral("cli.seam"));
    int code = 0;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SEAM_CLICKHOUSE_PASSWORD"), QString::fromLatin1(kPassword));
    p.setProcessEnvironment(env);
    p.start(seam::test::seamBinary(),
            {QStringLiteral("pull"), QStringLiteral("--db"), cache,
             QStringLiteral("clickhouse://%1@127.0.0.1:%2/otel?table=otel_traces")
                 .arg(QString::fromLatin1(kUser))
                 .arg(m_port),
             QStringLiteral("--from"), QString::number(m_from), QStringLiteral("--to"), QString::number(m_to),
             QStringLiteral("--json")});
    QVERIFY(p.waitForFinished(300000));
    code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    const QByteArray out = p.readAllStandardOutput();
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(code == 0, QByteArray(QByteArray::number(code) + " " + out + err).constData());
    const QJsonObject j = QJsonDocument::fromJson(out).object();
    QVERIFY(j.value(QStringLiteral("browser_spans")).toDouble() > 0);
    QVERIFY(j.value(QStringLiteral("backend_spans")).toDouble() > 0);
    QCOMPARE(j.value(QStringLiteral("source")).toString(),
             QStringLiteral("clickhouse://seam@127.0.0.1:%1/otel?table=otel_traces").arg(m_port));
    QVERIFY(!out.contains(kPassword) && !err.contains(kPassword));
    // The password is nowhere in the investigation file (nor its WAL, checkpointed at exit).
    for (const QString& f : {cache, QString(cache + QStringLiteral("-wal"))}) {
        QFile file(f);
        if (file.open(QIODevice::ReadOnly))
            QVERIFY2(!file.readAll().contains(kPassword), qPrintable(f));
    }
    QCOMPARE(facts(cache), facts(m_fileCache));
}

QStringList TestClickHousePull::rollupRows(const QString& cache)
{
    QStringList rows;
    Database db = store::openForReading(cache.toStdString());
    Statement st =
        db.prepare("SELECT v.name || '|' || v.namespace || '|' || v.version || '|' || v.environment || '|' "
                   "|| v.is_browser "
                   "|| '|' || coalesce(o.name, '') || '|' || r.bucket_ns || '|' || r.requests || '|' || "
                   "r.errors || '|' || "
                   "r.duration_sum_ns || '|' || r.duration_max_ns || '|' || hex(r.histogram) FROM rollups r "
                   "JOIN services v ON v.id = r.service_id LEFT JOIN operations o ON o.id = r.operation_id");
    while (st.step())
        rows << QString::fromUtf8(st.text(0).data(), qsizetype(st.text(0).size()));
    rows.sort();
    return rows;
}

void TestClickHousePull::chartsBeyondTheWindowGetTheServersRollups()
{
    // The demo's extent, from the file import's rollups; the pull takes its middle half, the chart
    // shows twice that (the whole extent, a bucket more each side).
    std::int64_t lo = 0, hi = 0;
    {
        Database files = store::openForReading(m_fileCache.toStdString());
        lo = files.queryInt("SELECT min(bucket_ns) FROM rollups");
        hi = files.queryInt("SELECT max(bucket_ns) FROM rollups") + schema::kRollupBucketNs;
    }
    const std::int64_t quarter = (hi - lo) / 4;
    const QString cache = m_dir.filePath(QStringLiteral("pushdown.seam"));
    remote::PullReport pulled;
    QCOMPARE(pullInto(cache, lo + quarter, hi - quarter, &pulled), QString());
    QVERIFY(pulled.rollupRange.to > pulled.rollupRange.from);
    QVERIFY(rollupRows(cache) != rollupRows(m_fileCache)); // the window alone lacks the chart's sides

    QString error;
    const auto source = remote::ClickHouseSource::parse(sourceUrl(), error);
    QVERIFY2(source, qPrintable(error));
    const std::string name = source->display().toStdString();
    const CoveredRange chart{lo - schema::kRollupBucketNs, hi + schema::kRollupBucketNs};
    {
        StoreWriter writer(cache.toStdString());
        QVERIFY(remote::recordRollupCoverage(writer, name, {pulled.rollupRange}));
        const std::vector<CoveredRange> gaps =
            uncoveredRanges(remote::readRollupCoverage(writer, name), chart, schema::kRollupBucketNs);
        QCOMPARE(gaps.size(), std::size_t(2)); // before and after the pulled window
        QCOMPARE(gaps.front().to, pulled.rollupRange.from);
        QCOMPARE(gaps.back().from, pulled.rollupRange.to);
        ImportReport import;
        remote::RollupPullReport report;
        const std::int64_t id = writer.beginSource("clickhouse", name, StoreWriter::OnFailure::StopSource);
        {
            auto sink = writer.sinkFor(id);
            report = remote::pullClickHouseRollups(*source, gaps, *sink);
        }
        writer.flush();
        writer.finishSource(id, import);
        QCOMPARE(report.error, QString());
        QVERIFY(report.cells > 0);
        QCOMPARE(report.counted, gaps);
        QVERIFY(remote::recordRollupCoverage(writer, name, report.counted));
        // Asked again, the chart's range is covered: nothing to fetch.
        QVERIFY(uncoveredRanges(remote::readRollupCoverage(writer, name), chart, schema::kRollupBucketNs)
                    .empty());
        qInfo("push-down: %lld cells over 2 ranges in %lld requests, %.1f KiB, %.2f s",
              qlonglong(report.cells), qlonglong(report.requests), double(report.bytes) / 1024,
              report.seconds);
    }
    // The whole chart range now holds what importing every span from files gives, cell for cell.
    QCOMPARE(rollupRows(cache), rollupRows(m_fileCache));
}

QJsonObject TestClickHousePull::runSeam(const QStringList& args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SEAM_CLICKHOUSE_PASSWORD"), QString::fromLatin1(kPassword));
    p.setProcessEnvironment(env);
    p.start(seam::test::seamBinary(), args);
    if (!p.waitForFinished(300000))
        return {};
    const QByteArray out = p.readAllStandardOutput();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qWarning("seam %s: %s %s", qPrintable(args.join(QLatin1Char(' '))), out.constData(),
                 p.readAllStandardError().constData());
    return QJsonDocument::fromJson(out).object();
}

void TestClickHousePull::theBinaryFetchesOnlyMissingRollups()
{
    std::int64_t lo = 0, hi = 0;
    {
        Database files = store::openForReading(m_fileCache.toStdString());
        lo = files.queryInt("SELECT min(bucket_ns) FROM rollups");
        hi = files.queryInt("SELECT max(bucket_ns) FROM rollups") + schema::kRollupBucketNs;
    }
    const QString cache = m_dir.filePath(QStringLiteral("rollups-only.seam"));
    const QString url = QStringLiteral("clickhouse://%1@127.0.0.1:%2/otel?table=otel_traces")
                            .arg(QString::fromLatin1(kUser))
                            .arg(m_port);
    const std::int64_t mid = lo + (hi - lo) / 2;
    auto rollupsOnly = [&](std::int64_t from, std::int64_t to) {
        return runSeam({QStringLiteral("pull"), QStringLiteral("--db"), cache, url, QStringLiteral("--from"),
                        QString::number(from), QStringLiteral("--to"), QString::number(to),
                        QStringLiteral("--rollups-only"), QStringLiteral("--json")});
    };
    // The first half, then the whole: the second asks only for the second half.
    const QJsonObject first = rollupsOnly(lo, mid);
    QCOMPARE(first.value(QStringLiteral("ranges_requested")).toArray().size(), 1);
    QVERIFY(first.value(QStringLiteral("rollup_cells")).toDouble() > 0);
    const QJsonObject second = rollupsOnly(lo, hi);
    const QJsonArray asked = second.value(QStringLiteral("ranges_requested")).toArray();
    QCOMPARE(asked.size(), 1);
    QVERIFY(asked.at(0).toArray().at(0).toDouble() >= double(mid - schema::kRollupBucketNs));
    // A third look asks the server nothing at all.
    const QJsonObject third = rollupsOnly(lo, hi);
    QCOMPARE(third.value(QStringLiteral("ranges_requested")).toArray().size(), 0);
    QCOMPARE(third.value(QStringLiteral("requests")).toDouble(), 0.0);
    // No span travelled, and the rollups are the file import's.
    Database db = store::openForReading(cache.toStdString());
    QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), 0);
    QCOMPARE(rollupRows(cache), rollupRows(m_fileCache));
}

QTEST_GUILESS_MAIN(TestClickHousePull)
#include "tst_clickhousepull.moc"
