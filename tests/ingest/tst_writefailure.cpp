// When the cache cannot take more (issue 18, item 2): a full disk, a lock another program holds. The
// import stops, reports what was committed — not what was read — and says why; `seam import` exits 2.

#include "ImportRunner.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"
#include "WriteFailure.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <sqlite3.h>
#include <thread>

using namespace seam;

namespace {

constexpr int kSpans = 100'000; // five of the readers' 20,000-record batches

/// An OTLP protobuf file of `spans` backend spans, ten per trace, each with attributes (a payload row).
void writeSpanFile(const QString& path, int spans)
{
    namespace otlp = opentelemetry::proto;
    otlp::collector::trace::v1::ExportTraceServiceRequest req;
    auto* rs = req.add_resource_spans();
    auto* kv = rs->mutable_resource()->add_attributes();
    kv->set_key("service.name");
    kv->mutable_value()->set_string_value("orders");
    auto* ss = rs->add_scope_spans();
    auto bytesOf = [](std::uint64_t v, std::size_t n) {
        std::string s(n, '\0');
        for (std::size_t b = 0; b < 8; ++b)
            s[n - 1 - b] = char((v >> (8 * b)) & 0xff);
        return s;
    };
    const std::uint64_t t0 = 1'763'629'200'000'000'000ull;
    for (int i = 0; i < spans; ++i) {
        auto* s = ss->add_spans();
        s->set_trace_id(bytesOf(0x5000 + std::uint64_t(i / 10), 16));
        s->set_span_id(bytesOf(0x100 + std::uint64_t(i), 8));
        if (i % 10)
            s->set_parent_span_id(bytesOf(0x100 + std::uint64_t(i - i % 10), 8));
        s->set_name(i % 10 ? "SELECT orders" : "GET /orders");
        s->set_kind(i % 10 ? otlp::trace::v1::Span::SPAN_KIND_CLIENT
                           : otlp::trace::v1::Span::SPAN_KIND_SERVER);
        s->set_start_time_unix_nano(t0 + std::uint64_t(i) * 1'000'000);
        s->set_end_time_unix_nano(t0 + std::uint64_t(i) * 1'000'000 + 500'000);
        auto* a = s->add_attributes();
        a->set_key("db.statement");
        a->mutable_value()->set_string_value("SELECT * FROM orders WHERE customer_id = " + std::to_string(i));
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromStdString(req.SerializeAsString()));
}

qint64 queryInt(const QString& cache, const char* sql)
{
    Database db = store::openForReading(cache.toStdString());
    return db.queryInt(sql);
}

bool run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestWriteFailure : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_file; // kSpans spans

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_file = m_dir.filePath(QStringLiteral("orders.pb"));
        writeSpanFile(m_file, kSpans);
    }

    void causes()
    {
        QCOMPARE(WriteFailure::causeOf(SQLITE_FULL), std::string("disk full"));
        QCOMPARE(WriteFailure::causeOf(SQLITE_READONLY), std::string("read-only"));
        QCOMPARE(WriteFailure::causeOf(SQLITE_READONLY_DBMOVED), std::string("read-only"));
        QCOMPARE(WriteFailure::causeOf(SQLITE_BUSY), std::string("locked by another program"));
        QCOMPARE(WriteFailure::causeOf(SQLITE_BUSY_SNAPSHOT), std::string("locked by another program"));
        QCOMPARE(WriteFailure::causeOf(SQLITE_IOERR_WRITE), std::string("I/O error"));
        QVERIFY(WriteFailure::isBusy(SQLITE_LOCKED));
        QVERIFY(!WriteFailure::isBusy(SQLITE_FULL));
        QCOMPARE((WriteFailure{SQLITE_FULL, "database or disk is full"}.describe()),
                 std::string("cannot write to the cache: disk full (database or disk is full)"));
    }

    /// The cache may grow by about one and a half of the reader's batches (PRAGMA max_page_count on the
    /// writer's own connection, as a full disk would stop it): the first batch commits, a later one
    /// fails, the import stops and reports exactly the spans in the cache.
    void fullDiskReportsWhatWasCommitted()
    {
        // How many pages one batch of 20,000 spans takes here.
        const QString probe = m_dir.filePath(QStringLiteral("probe.seam"));
        const QString probeFile = m_dir.filePath(QStringLiteral("probe.pb"));
        writeSpanFile(probeFile, 20'000);
        qint64 emptyPages = 0, batchPages = 0;
        {
            StoreWriter writer(probe.toStdString());
            writer.runInTransaction([&](Database& db) { emptyPages = db.queryInt("PRAGMA page_count"); });
            ImportRunner(writer).importFile(probeFile.toStdString());
            writer.runInTransaction(
                [&](Database& db) { batchPages = db.queryInt("PRAGMA page_count") - emptyPages; });
        }
        QVERIFY(batchPages > 0);

        const QString cache = m_dir.filePath(QStringLiteral("full.seam"));
        StoreWriter::Options options;
        options.inferLinks = false;
        // One batch a transaction, as in the probe: a writer slower than the reader (a loaded machine)
        // would otherwise group the queued batches, and the first group would not fit the cap.
        options.groupCommitRecords = 1;
        options.importTransactionRecords = 1; // nor grow a transaction with the batches queued behind
        ImportRunner::Outcome outcome;
        {
            StoreWriter writer(cache.toStdString(), options);
            QVERIFY(writer.runInTransaction([&](Database& db) {
                const qint64 cap = db.queryInt("PRAGMA page_count") + batchPages * 3 / 2;
                db.exec("PRAGMA max_page_count = " + std::to_string(cap));
            }));
            outcome = ImportRunner(writer).importFile(m_file.toStdString());
        }
        const qint64 stored = queryInt(cache, "SELECT count(*) FROM spans");
        QCOMPARE(outcome.writeFailure.cause(), std::string("disk full"));
        QCOMPARE(qint64(outcome.report.accepted()), stored);
        QVERIFY2(stored >= 20'000 && stored < kSpans, QByteArray::number(stored).constData());
        QCOMPARE(qint64(outcome.report.read()) > stored, true);
        QCOMPARE(queryInt(cache, "SELECT count(*) FROM span_payloads"), stored);
        QVERIFY(outcome.report.hasFatal());
        QVERIFY2(QString::fromStdString(outcome.report.fatalMessage()).contains(QStringLiteral("disk full")),
                 outcome.report.fatalMessage().c_str());
        QVERIFY(!outcome.report.cancelled);
    }

    /// A cache that contradicts the writer's bookkeeping: a span row of a trace the writer is about to
    /// create (left by hand-written SQL, a damaged extract). The writer inserts a new trace's spans many
    /// rows a statement with OR IGNORE and checks the count (SpanWriter::requireAll): the row already
    /// there fails the batch loudly instead of being skipped, the batch rolls back whole, and the row
    /// stays as it was.
    void rowsAlreadyInTheCacheFailTheBatch()
    {
        const QString file = m_dir.filePath(QStringLiteral("hundred.pb"));
        writeSpanFile(file, 100);
        const QString cache = m_dir.filePath(QStringLiteral("contradicts.seam"));
        {
            Database db = store::openForWriting(cache.toStdString());
            // traces is empty, so the file's first trace becomes row 1; its fourth span is 0x103.
            db.exec("INSERT INTO spans(trace, span_id, parent_span_id, service_id, operation_id, kind, "
                    "start_ns, end_ns, status_code) VALUES (1, 259, 0, 1, 1, 2, 10, 20, 0)");
        }
        ImportRunner::Outcome outcome;
        {
            StoreWriter writer(cache.toStdString());
            outcome = ImportRunner(writer).importFile(file.toStdString());
        }
        QVERIFY(outcome.report.hasFatal());
        QVERIFY2(QString::fromStdString(outcome.report.fatalMessage())
                     .contains(QStringLiteral("new rows of spans were already in the cache")),
                 outcome.report.fatalMessage().c_str());
        QCOMPARE(outcome.report.accepted(), std::uint64_t(0));
        QCOMPARE(queryInt(cache, "SELECT count(*) FROM spans"), 1);
        QCOMPARE(queryInt(cache, "SELECT start_ns FROM spans WHERE trace = 1 AND span_id = 259"), 10);
        QCOMPARE(queryInt(cache, "SELECT count(*) FROM traces"), 0);
        QCOMPARE(queryInt(cache, "SELECT count(*) FROM span_payloads"), 0);
    }

    /// Another program holds the write lock longer than the writer waits: nothing is read or written,
    /// and the outcome says the cache is locked.
    void lockedCacheStopsTheImport()
    {
        const QString cache = m_dir.filePath(QStringLiteral("locked.seam"));
        {
            StoreWriter create(cache.toStdString());
        }
        Database other(cache.toStdString(), Database::Mode::ReadWrite);
        other.exec("BEGIN IMMEDIATE");

        StoreWriter::Options options;
        options.lockTimeout = std::chrono::milliseconds(300);
        const auto started = std::chrono::steady_clock::now();
        ImportRunner::Outcome outcome;
        {
            StoreWriter writer(cache.toStdString(), options);
            outcome = ImportRunner(writer).importFile(m_file.toStdString());
        }
        const auto waited = std::chrono::steady_clock::now() - started;
        other.exec("ROLLBACK");

        QCOMPARE(outcome.writeFailure.cause(), std::string("locked by another program"));
        QCOMPARE(outcome.report.accepted(), std::uint64_t(0));
        QCOMPARE(outcome.report.read(), std::uint64_t(0));
        QVERIFY(waited >= std::chrono::milliseconds(300));
        QVERIFY(waited < std::chrono::seconds(5));
        QCOMPARE(queryInt(cache, "SELECT count(*) FROM spans"), 0);
    }

    /// A lock held for less than the writer waits only delays the import.
    void shortLockOnlyDelays()
    {
        const QString cache = m_dir.filePath(QStringLiteral("delayed.seam"));
        {
            StoreWriter create(cache.toStdString());
        }
        Database other(cache.toStdString(), Database::Mode::ReadWrite);
        other.exec("BEGIN IMMEDIATE");
        std::thread release([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(400));
            other.exec("COMMIT");
        });
        StoreWriter::Options options;
        options.lockTimeout = std::chrono::seconds(20);
        ImportRunner::Outcome outcome;
        {
            StoreWriter writer(cache.toStdString(), options);
            outcome = ImportRunner(writer).importFile(m_file.toStdString());
        }
        release.join();
        QVERIFY(!outcome.writeFailure.failed());
        QVERIFY(!outcome.report.hasFatal());
        QCOMPARE(outcome.report.accepted(), std::uint64_t(kSpans));
        QCOMPARE(queryInt(cache, "SELECT count(*) FROM spans"), qint64(kSpans));
    }

    /// The real binary on a really full file system (a small tmpfs; needs the privilege to mount one):
    /// exit 2, the cause named, `imported` equal to the spans in the cache and `read` to what was read.
    void seamImportOnFullDiskExits2()
    {
        const QString mountPoint = m_dir.filePath(QStringLiteral("tiny"));
        QVERIFY(QDir().mkpath(mountPoint));
        if (!run(QStringLiteral("mount"),
                 {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                  QStringLiteral("size=12m"), QStringLiteral("tmpfs"), mountPoint}))
            QSKIP("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
        struct Unmount
        {
            QString path;
            ~Unmount() { run(QStringLiteral("umount"), {QStringLiteral("-l"), path}); }
        } unmount{mountPoint};

        const QString cache = mountPoint + QStringLiteral("/cache.seam");
        QProcess p;
        p.start(seam::test::seamBinary(),
                {QStringLiteral("import"), QStringLiteral("--json"), QStringLiteral("--db"), cache, m_file});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains("disk full"), err.constData());

        const QJsonArray report = QJsonDocument::fromJson(p.readAllStandardOutput()).array();
        QCOMPARE(report.size(), 1);
        const QJsonObject o = report.first().toObject();
        const qint64 stored = queryInt(cache, "SELECT count(*) FROM spans");
        QCOMPARE(qint64(o.value(QStringLiteral("imported")).toDouble()), stored);
        QVERIFY2(stored < kSpans, QByteArray::number(stored).constData());
        QCOMPARE(qint64(o.value(QStringLiteral("read")).toDouble()) > stored, true);
        QVERIFY(o.value(QStringLiteral("fatal"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("disk full")));
    }
};

QTEST_GUILESS_MAIN(TestWriteFailure)
#include "tst_writefailure.moc"
