// More than one writer on one cache (issue 18, item 1): two `seam import` runs, or `seam serve` and an
// import, each with its own connection and its own BatchWriter caches. Whatever they interleave, the
// cache must end up exactly as if they had run one after the other.

#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"
#include "WriterTurns.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <chrono>
#include <thread>

using namespace seam;
using namespace seam::test;

namespace {

constexpr int kSessions = 40; // per writer and round
constexpr int kPagesPerSession = 3;
constexpr TimeNs kSecond = 1'000'000'000;

/// Ids of everything a writer's share refers to, distinct per round, writer, session and page.
struct Ids
{
    int round, writer;

    std::string session(int i) const { return key("s", i, 0); }
    std::string page(int i, int j) const { return key("p", i, j); }
    std::string key(const char* kind, int i, int j) const
    {
        return "r" + std::to_string(round) + "-" + kind + std::to_string(writer) + "-" + std::to_string(i) +
               "-" + std::to_string(j);
    }
    TimeNs pageStart(int i, int j) const
    {
        return kT0 + TimeNs(round) * 3600 * kSecond + TimeNs(writer) * 600 * kSecond + i * 5 * kSecond +
               j * kSecond;
    }
    std::uint64_t serial(int i, int j) const
    {
        return (std::uint64_t(round) << 40) | (std::uint64_t(writer) << 32) | (std::uint64_t(i) << 8) |
               std::uint64_t(j);
    }
    /// The trace a fetch of page (i, j) propagated in full (traceparent)...
    TraceId fetchTrace(int i, int j) const
    {
        return TraceId::fromHalves(0xF0000000 | serial(i, j), serial(i, j));
    }
    /// ...and the one a Datadog-instrumented call knew only the low 64 bits of.
    TraceId datadogTrace(int i, int j) const
    {
        return TraceId::fromHalves(0xD0000000 | serial(i, j), 0x8000'0000'0000'0000ull | serial(i, j));
    }
};

SpanRecord withPayload(SpanRecord s)
{
    // The payload names its span: a span pointing at another span's payload shows up.
    s.attributesJson = "{\"span\":" + std::to_string(std::int64_t(s.spanId)) + "}";
    return s;
}

void addBackend(RecordBatch& b, const TraceId& trace, SpanId callerSpan, TimeNs start, std::uint64_t serial)
{
    const SpanId entry = 0x100000 + serial * 4, inner = entry + 1, db = entry + 2;
    b.spans.push_back(withPayload(span(trace, SpanId(entry), callerSpan, backend("gateway"),
                                       "POST /api/checkout", SpanKind::Server, start + 10'000'000, 700)));
    b.spans.push_back(withPayload(span(trace, SpanId(inner), SpanId(entry), backend("payments"),
                                       "POST /charge", SpanKind::Server, start + 20'000'000, 600,
                                       serial % 7 == 0 ? StatusCode::Error : StatusCode::Unset)));
    b.spans.push_back(withPayload(span(trace, SpanId(db), SpanId(inner), backend("payments"),
                                       "SELECT FOR UPDATE", SpanKind::Client, start + 30'000'000, 500)));
}

/// One writer's share of a round, in batches. Writer w writes the sessions, page loads and backend traces
/// of its own share, and the calls and errors of writer w+1's page loads: every link, adoption and
/// Datadog id crosses from one writer to another.
std::vector<RecordBatch> share(int round, int writer, int writers)
{
    const Ids own{round, writer}, next{round, (writer + 1) % writers};
    std::vector<RecordBatch> batches;
    for (int i = 0; i < kSessions; ++i) {
        RecordBatch b;
        SessionRecord s;
        s.key = own.session(i);
        s.browser = "Firefox";
        s.country = "FR";
        b.sessions.push_back(s);
        for (int j = 0; j < kPagesPerSession; ++j) {
            PageLoadRecord p;
            p.key = own.page(i, j);
            p.sessionKey = s.key;
            p.app = browserApp();
            p.url = "https://shop.example/checkout";
            p.start = own.pageStart(i, j);
            p.duration = 900'000'000;
            b.pageLoads.push_back(p);

            // Calls of writer w+1's page (i, j): one by session and time, one by page-load key with only
            // a Datadog id, and a JS error by key.
            const TimeNs callStart = next.pageStart(i, j) + 100'000'000;
            const SpanId fetchSpan = SpanId(0x200000 + next.serial(i, j));
            ResourceRecord fetch;
            fetch.key = next.key("fetch", i, j);
            fetch.sessionKey = next.session(i);
            fetch.type = "fetch";
            fetch.method = "POST";
            fetch.url = "https://shop.example/api/checkout";
            fetch.statusCode = 200;
            fetch.start = callStart;
            fetch.duration = 800'000'000;
            fetch.traceId = next.fetchTrace(i, j);
            fetch.spanId = fetchSpan;
            fetch.traceIdSource = TraceIdSource::TraceparentHeader;
            b.resources.push_back(fetch);
            b.spans.push_back(withPayload(span(fetch.traceId, fetchSpan, 0, browserApp(), "HTTP POST",
                                               SpanKind::Client, callStart, 800)));

            ResourceRecord dd = fetch;
            dd.key = next.key("dd", i, j);
            dd.pageLoadKey = next.page(i, j);
            dd.url = "https://shop.example/api/cart";
            dd.traceId = TraceId{};
            dd.traceIdLow64 = next.datadogTrace(i, j).low64();
            dd.spanId = SpanId(0x300000 + next.serial(i, j));
            dd.traceIdSource = TraceIdSource::DatadogId;
            b.resources.push_back(dd);

            RumErrorRecord e;
            e.key = next.key("err", i, j);
            e.pageLoadKey = next.page(i, j);
            e.sessionKey = next.session(i);
            e.time = callStart + 50'000'000;
            e.type = "TypeError";
            e.message = "x is undefined";
            b.rumErrors.push_back(e);

            // The backend side of the calls writer w-1 writes for this page.
            const TimeNs ownCall = own.pageStart(i, j) + 100'000'000;
            addBackend(b, own.fetchTrace(i, j), SpanId(0x200000 + own.serial(i, j)), ownCall,
                       own.serial(i, j));
            addBackend(b, own.datadogTrace(i, j), SpanId(0x300000 + own.serial(i, j)), ownCall,
                       own.serial(i, j) | 0x80);
        }
        batches.push_back(std::move(b));
    }
    return batches;
}

std::uint64_t spansIn(const std::vector<RecordBatch>& batches)
{
    std::uint64_t n = 0;
    for (const RecordBatch& b : batches)
        n += b.spans.size();
    return n;
}

/// The cache's state, in rows that do not depend on the order rows were written in (no row ids).
QStringList fingerprint(const QString& cache)
{
    static const char* const queries[] = {
        "SELECT 'spans', count(*), count(payload) FROM spans",
        "SELECT 'payloads', count(*) FROM span_payloads",
        "SELECT 'payload of another span', count(*) FROM spans s JOIN span_payloads p ON p.id = s.payload "
        "WHERE coalesce(span_attribute(p.attributes, 'span'), span_attribute(p.attributes, 'cart.item')) "
        "IS NOT s.span_id",
        "SELECT 'traces', count(*), sum(span_count), sum(backend_span_count), sum(error_count), "
        "count(root_service_id), min(start_ns), max(end_ns) FROM traces",
        // Since v14 no index keeps trace ids unique: each writer looks an id up inside its transaction.
        "SELECT 'trace ids written twice', count(*) - count(DISTINCT trace_id) FROM traces",
        "SELECT 'services', count(*), sum(is_browser) FROM services",
        "SELECT 'operations', count(*) FROM operations",
        "SELECT 'sessions', count(*), sum(page_load_count), sum(error_count), min(start_ns), max(end_ns), "
        "count(browser) FROM sessions",
        "SELECT 'page loads', count(*), sum(resource_count), sum(error_count), sum(linked_count), "
        "sum(coalesce(backend_ns, 0)), count(services) FROM page_loads",
        "SELECT 'resources', count(*), count(page_load_id), count(trace) FROM resources",
        "SELECT 'rum errors', count(*), count(page_load_id) FROM rum_errors",
        "SELECT 'links', method, count(*), sum(confidence) FROM links GROUP BY method",
        "SELECT 'rollups', count(*), sum(requests), sum(errors), sum(duration_sum_ns), max(duration_max_ns) "
        "FROM rollups",
        // Where every call and error went, and what every call was linked to.
        "SELECT 'resource', r.key, p.key, r.page_load_by_time, hex(t.trace_id) FROM resources r "
        "LEFT JOIN page_loads p ON p.id = r.page_load_id LEFT JOIN traces t ON t.id = r.trace ORDER BY r.key",
        "SELECT 'error', e.key, p.key FROM rum_errors e LEFT JOIN page_loads p ON p.id = e.page_load_id "
        "ORDER BY e.key",
        "SELECT 'link', r.key, hex(t.trace_id), l.span_id, l.method FROM links l JOIN resources r ON "
        "r.id = l.resource_id JOIN traces t ON t.id = l.trace ORDER BY r.key",
    };
    QStringList out;
    Database db = store::openForReading(cache.toStdString());
    for (const char* sql : queries) {
        Statement st = db.prepare(sql);
        while (st.step()) {
            QStringList cols;
            for (int c = 0; c < st.columnCount(); ++c)
                cols << (st.isNull(c) ? QStringLiteral("-")
                                      : QString::fromUtf8(st.text(c).data(), qsizetype(st.text(c).size())));
            out << cols.join(QLatin1Char('|'));
        }
    }
    return out;
}

qint64 count(const QString& cache, const char* sql)
{
    Database db = store::openForReading(cache.toStdString());
    return db.queryInt(sql);
}

StoreWriter::Options smallCommits()
{
    StoreWriter::Options options;
    options.groupCommitRecords = 150; // many small transactions: the writers interleave often
    options.inferLinks = false;       // id-based links only: the comparison is exact
    return options;
}

/// Writes `batches` through a writer of its own; false (and `error`) if a commit failed.
bool writeShare(const std::string& cache, const std::vector<RecordBatch>& batches, std::string& error)
{
    StoreWriter writer(cache, smallCommits());
    const std::int64_t source = writer.beginSource("test", cache);
    for (RecordBatch b : batches)
        writer.submit(source, std::move(b));
    const bool ok = writer.flush();
    error = writer.lastError();
    return ok;
}

void createCache(const QString& path)
{
    StoreWriter create(path.toStdString());
}

} // namespace

class TestConcurrentWriters : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    /// A writer alone pauses between back-to-back transactions at most once per WriterTurns::kAlone; once
    /// another connection commits (or the writer had to wait for the lock) it pauses after every commit,
    /// for WriterTurns::kContendedFor.
    void aWriterPausesForOthersOnlyWhenThereAreOthers()
    {
        const std::string path = m_dir.filePath(QStringLiteral("pauses.seam")).toStdString();
        Database db = store::openForWriting(path);
        Database other = store::openForWriting(path);
        std::atomic<std::int64_t> lockWait{0};
        WriterTurns turns(db, lockWait);
        int pauses = 0;
        for (int i = 0; i < 200; ++i)
            pauses += turns.pauseAfterCommit() ? 1 : 0;
        QVERIFY2(pauses <= 1, qPrintable(QString::number(pauses))); // 200 calls take far less than 100 ms
        std::this_thread::sleep_for(WriterTurns::kAlone + std::chrono::milliseconds(20));
        QVERIFY(turns.pauseAfterCommit());
        QVERIFY(!turns.pauseAfterCommit());

        other.exec("INSERT INTO notes(created_ns, title) VALUES (1, 'another writer')");
        QVERIFY(turns.pauseAfterCommit());
        QVERIFY(turns.pauseAfterCommit()); // still contended: every commit

        WriterTurns waited(db, lockWait);
        QVERIFY(!waited.pauseAfterCommit());
        QCOMPARE(WriterTurns::waitForLock(lockWait, std::chrono::steady_clock::now()),
                 0); // past its deadline
        QVERIFY(waited.pauseAfterCommit());
        QVERIFY(waited.pauseAfterCommit());
    }

    /// Two writers taking turns, each commit seen by the other only through the file: every cache one
    /// keeps (next payload id, pending counts, session tracking, services) must notice the other's work.
    void writersTakingTurnsSeeEachOther()
    {
        const QString cache = m_dir.filePath(QStringLiteral("turns.seam"));
        createCache(cache);
        StoreWriter a(cache.toStdString(), smallCommits()), b(cache.toStdString(), smallCommits());
        const auto sa = a.beginSource("test", "a"), sb = b.beginSource("test", "b");
        auto commit = [](StoreWriter& w, std::int64_t source, RecordBatch batch) {
            for (SpanRecord& s : batch.spans)
                s = withPayload(s);
            w.submit(source, std::move(batch));
            return w.flush();
        };

        // Both learn the next payload id and that nothing waits for a page load or a trace.
        QVERIFY(commit(a, sa, browserBatch(1, traceId(1), 0x11, kT0)));
        QVERIFY2(commit(b, sb, backendBatch(traceId(1), 0x11, kT0)), b.lastError().c_str());
        // a's next payload id is stale now: its next span with a payload must not collide.
        QVERIFY2(commit(a, sa, backendBatch(traceId(2), 0x22, kT0 + 10 * kSecond)), a.lastError().c_str());

        // b adds an error waiting for page "late" and a call waiting for a trace by its low 64 bits;
        // a, which counted nothing pending, writes that page load and that trace.
        RecordBatch waiting;
        RumErrorRecord e;
        e.key = "err-late";
        e.pageLoadKey = "late";
        e.sessionKey = "session-1";
        e.time = kT0 + 20 * kSecond;
        waiting.rumErrors.push_back(e);
        ResourceRecord dd;
        dd.key = "dd-call";
        dd.sessionKey = "session-1";
        dd.type = "fetch";
        dd.url = "https://shop.example/api/cart";
        dd.start = kT0 + 21 * kSecond;
        dd.duration = 100'000'000;
        dd.traceIdLow64 = traceId(3).low64();
        dd.spanId = 0x33;
        dd.traceIdSource = TraceIdSource::DatadogId;
        waiting.resources.push_back(dd);
        QVERIFY(commit(b, sb, waiting));

        RecordBatch arrival;
        PageLoadRecord late;
        late.key = "late";
        late.sessionKey = "session-1";
        late.app = browserApp();
        late.url = "https://shop.example/cart";
        late.start = kT0 + 19 * kSecond;
        late.duration = 5 * kSecond;
        arrival.pageLoads.push_back(late);
        RecordBatch ddBackend = backendBatch(traceId(3), 0x33, kT0 + 21 * kSecond);
        arrival.spans = ddBackend.spans;
        QVERIFY(commit(a, sa, arrival));

        // A session a created (and tracks exactly) gains a call from b; then a writes the page load the
        // call falls in: it must adopt it.
        RecordBatch own;
        SessionRecord s9;
        s9.key = "session-9";
        own.sessions.push_back(s9);
        QVERIFY(commit(a, sa, own));
        RecordBatch call;
        ResourceRecord r;
        r.key = "call-9";
        r.sessionKey = "session-9";
        r.type = "fetch";
        r.url = "https://shop.example/api/x";
        r.start = kT0 + 31 * kSecond;
        r.duration = 50'000'000;
        call.resources.push_back(r);
        QVERIFY(commit(b, sb, call));
        RecordBatch page9;
        PageLoadRecord p9;
        p9.key = "page-9";
        p9.sessionKey = "session-9";
        p9.app = browserApp();
        p9.url = "https://shop.example/";
        p9.start = kT0 + 30 * kSecond;
        page9.pageLoads.push_back(p9);
        QVERIFY(commit(a, sa, page9));

        // b sees "shop-api" as a backend service; a then learns it is a browser app's.
        RecordBatch api;
        api.spans.push_back(span(traceId(4), 0x44, 0, backend("shop-api"), "GET /", SpanKind::Server,
                                 kT0 + 40 * kSecond, 10));
        QVERIFY(commit(b, sb, api));
        RecordBatch apiAsBrowser;
        ServiceRef browserApi = backend("shop-api");
        browserApi.isBrowser = true;
        apiAsBrowser.spans.push_back(
            span(traceId(4), 0x45, 0x44, browserApi, "click", SpanKind::Internal, kT0 + 40 * kSecond, 5));
        QVERIFY(commit(a, sa, apiAsBrowser));
        // b's cache still says backend; the service is a browser app's now.
        RecordBatch moreApi;
        moreApi.spans.push_back(span(traceId(4), 0x46, 0x44, backend("shop-api"), "SELECT", SpanKind::Client,
                                     kT0 + 40 * kSecond, 3));
        QVERIFY(commit(b, sb, moreApi));

        Database db = store::openForReading(cache.toStdString());
        QCOMPARE(db.queryInt("SELECT count(*) FROM span_payloads"), 13);
        QCOMPARE(db.queryInt("SELECT count(*) FROM spans s JOIN span_payloads p ON p.id = s.payload "
                             "WHERE span_attribute(p.attributes, 'span') IS NOT s.span_id"),
                 0);
        QCOMPARE(db.queryInt("SELECT count(*) FROM rum_errors e JOIN page_loads p ON p.id = e.page_load_id "
                             "WHERE e.key = 'err-late' AND p.key = 'late'"),
                 1);
        QCOMPARE(db.queryInt("SELECT count(*) FROM resources r JOIN traces t ON t.id = r.trace "
                             "WHERE r.key = 'dd-call' AND t.trace_lo = " +
                             std::to_string(std::int64_t(traceId(3).low64()))),
                 1);
        QCOMPARE(db.queryInt("SELECT count(*) FROM links l JOIN resources r ON r.id = l.resource_id "
                             "WHERE r.key = 'dd-call' AND l.method = 'datadog-id'"),
                 1);
        QCOMPARE(db.queryInt("SELECT count(*) FROM resources r JOIN page_loads p ON p.id = r.page_load_id "
                             "WHERE r.key = 'call-9' AND p.key = 'page-9'"),
                 1);
        QCOMPARE(db.queryInt("SELECT resource_count FROM page_loads WHERE key = 'page-9'"), 1);
        // Spans of a browser app's service are not backend spans, whoever learnt it first.
        QCOMPARE(db.queryInt("SELECT backend_span_count FROM traces WHERE trace_lo = " +
                             std::to_string(std::int64_t(traceId(4).low64()))),
                 1);
    }

    /// Rounds of two or three writers started a few milliseconds apart, each on its own connection and
    /// thread, against the same shares written one after the other.
    void concurrentWritersMatchSequential()
    {
        for (int round = 0; round < 5; ++round) {
            const int writers = round % 2 == 0 ? 3 : 2;
            std::vector<std::vector<RecordBatch>> shares;
            std::uint64_t expectedSpans = 0;
            for (int w = 0; w < writers; ++w) {
                shares.push_back(share(round, w, writers));
                expectedSpans += spansIn(shares.back());
            }

            const QString sequential = m_dir.filePath(QStringLiteral("sequential-%1.seam").arg(round));
            createCache(sequential);
            for (const auto& s : shares) {
                std::string error;
                QVERIFY2(writeShare(sequential.toStdString(), s, error), error.c_str());
            }

            const QString concurrent = m_dir.filePath(QStringLiteral("concurrent-%1.seam").arg(round));
            createCache(concurrent);
            std::vector<std::thread> threads;
            std::vector<std::string> errors(static_cast<std::size_t>(writers));
            std::vector<int> ok(static_cast<std::size_t>(writers), 0);
            for (int w = 0; w < writers; ++w) {
                threads.emplace_back([&, w] {
                    ok[std::size_t(w)] =
                        writeShare(concurrent.toStdString(), shares[std::size_t(w)], errors[std::size_t(w)]);
                });
                std::this_thread::sleep_for(std::chrono::milliseconds(5 + 10 * round));
            }
            for (auto& t : threads)
                t.join();
            for (int w = 0; w < writers; ++w)
                QVERIFY2(ok[std::size_t(w)], errors[std::size_t(w)].c_str());

            QCOMPARE(count(sequential, "SELECT count(*) FROM spans"), qint64(expectedSpans));
            QCOMPARE(count(sequential, "SELECT count(*) FROM links"),
                     qint64(2 * writers * kSessions * kPagesPerSession));
            const QStringList want = fingerprint(sequential), got = fingerprint(concurrent);
            QCOMPARE(got.size(), want.size());
            for (qsizetype i = 0; i < want.size(); ++i)
                QCOMPARE(got[i], want[i]);
        }
    }

    /// Two real `seam import` processes on one cache, the second started while the first writes.
    void twoImportProcessesMatchSequential()
    {
        QStringList files[2];
        for (int p = 0; p < 2; ++p) {
            // Spans and RUM files alternate, so both processes write payloads while the other one does.
            for (int part = 0; part < kProcessParts; ++part)
                files[p] << writeSpanFile(p, part) << writeRumFile(p, part);
        }
        const QString sequential = m_dir.filePath(QStringLiteral("seq-processes.seam"));
        for (int p = 0; p < 2; ++p)
            QCOMPARE(runImport(sequential, files[p]), 0);

        const QString concurrent = m_dir.filePath(QStringLiteral("concurrent-processes.seam"));
        createCache(concurrent);
        QProcess first, second;
        first.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        second.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        first.start(seam::test::seamBinary(), importArgs(concurrent, files[0]));
        QVERIFY(first.waitForStarted());
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        second.start(seam::test::seamBinary(), importArgs(concurrent, files[1]));
        QVERIFY(first.waitForFinished(60000));
        QVERIFY(second.waitForFinished(60000));
        QCOMPARE(first.exitCode(), 0);
        QCOMPARE(second.exitCode(), 0);

        QCOMPARE(count(sequential, "SELECT count(*) FROM spans"), qint64(2 * kProcessSpans));
        QCOMPARE(count(sequential, "SELECT count(*) FROM links"), qint64(2 * kProcessPages));
        const QStringList want = fingerprint(sequential), got = fingerprint(concurrent);
        QCOMPARE(got.size(), want.size());
        for (qsizetype i = 0; i < want.size(); ++i)
            QCOMPARE(got[i], want[i]);
    }

private:
    static constexpr int kProcessSessions = 1500;
    static constexpr int kProcessParts = 3; // files of each kind per process
    static constexpr int kProcessPages = kProcessSessions * 2;
    static constexpr int kProcessSpans = kProcessPages * 3;

    static QStringList importArgs(const QString& cache, const QStringList& files)
    {
        return QStringList{QStringLiteral("import"), QStringLiteral("--db"), cache} + files;
    }

    static int runImport(const QString& cache, const QStringList& files)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(seam::test::seamBinary(), importArgs(cache, files));
        if (!p.waitForFinished(60000))
            return -1;
        return p.exitCode();
    }

    static Ids processIds(int process) { return Ids{100, process}; }

    /// Datadog RUM of a part of process p's sessions: two views each, a call per view that knew only the low
    /// 64 bits of its trace (the other process imports the backend side), and an error.
    QString writeRumFile(int process, int part)
    {
        const Ids ids = processIds(process);
        QByteArray out;
        for (int i = part; i < kProcessSessions; i += kProcessParts) {
            for (int j = 0; j < 2; ++j) {
                const qint64 ms = ids.pageStart(i, j) / 1'000'000;
                const QByteArray common =
                    QByteArrayLiteral("\"application\":{\"id\":\"app\"},\"session\":{\"id\":\"") +
                    QByteArray::fromStdString(ids.session(i)) +
                    QByteArrayLiteral("\"},\"service\":\"shop-web\",\"view\":{\"id\":\"") +
                    QByteArray::fromStdString(ids.page(i, j)) +
                    QByteArrayLiteral("\",\"url\":\"https://shop.example/p\"");
                out += "{\"type\":\"view\",\"date\":" + QByteArray::number(ms) + "," + common +
                       ",\"loading_time\":900000000},\"_dd\":{\"document_version\":1}}\n";
                out += "{\"type\":\"resource\",\"date\":" + QByteArray::number(ms + 100) + "," + common +
                       "},\"resource\":{\"id\":\"" + QByteArray::fromStdString(ids.key("res", i, j)) +
                       "\",\"type\":\"fetch\",\"method\":\"POST\",\"url\":\"https://shop.example/api/cart\","
                       "\"status_code\":200,\"duration\":80000000},\"_dd\":{\"trace_id\":\"" +
                       QByteArray::number(qulonglong(ids.datadogTrace(i, j).low64())) + "\",\"span_id\":\"" +
                       QByteArray::number(qulonglong(0x300000 + ids.serial(i, j))) + "\"}}\n";
                out += "{\"type\":\"error\",\"date\":" + QByteArray::number(ms + 200) + "," + common +
                       "},\"error\":{\"id\":\"" + QByteArray::fromStdString(ids.key("err", i, j)) +
                       "\",\"type\":\"TypeError\",\"message\":\"x is undefined\",\"source\":\"source\"}}\n";
            }
        }
        const QString path = m_dir.filePath(QStringLiteral("rum-%1-%2.ndjson").arg(process).arg(part));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(out);
        return path;
    }

    /// OTLP protobuf: the backend spans (with attributes) of a part of the other process's calls.
    QString writeSpanFile(int process, int part)
    {
        namespace otlp = opentelemetry::proto;
        const Ids other = processIds(1 - process);
        otlp::collector::trace::v1::ExportTraceServiceRequest req;
        auto* rs = req.add_resource_spans();
        auto* kv = rs->mutable_resource()->add_attributes();
        kv->set_key("service.name");
        kv->mutable_value()->set_string_value("cart-api");
        auto* ss = rs->add_scope_spans();
        ss->mutable_scope()->set_name("backend");
        auto bytesOf = [](std::uint64_t v) {
            std::string s(8, '\0');
            for (int b = 0; b < 8; ++b)
                s[std::size_t(7 - b)] = char((v >> (8 * b)) & 0xff);
            return s;
        };
        for (int i = part; i < kProcessSessions; i += kProcessParts) {
            for (int j = 0; j < 2; ++j) {
                const TraceId trace = other.datadogTrace(i, j);
                const std::string traceBytes = bytesOf(trace.high64()) + bytesOf(trace.low64());
                const std::uint64_t call = 0x300000 + other.serial(i, j),
                                    entry = 0x100000 + other.serial(i, j) * 4;
                const std::uint64_t start = std::uint64_t(other.pageStart(i, j)) + 110'000'000;
                for (int k = 0; k < 3; ++k) {
                    auto* s = ss->add_spans();
                    s->set_trace_id(traceBytes);
                    s->set_span_id(bytesOf(entry + std::uint64_t(k)));
                    s->set_parent_span_id(bytesOf(k == 0 ? call : entry + std::uint64_t(k) - 1));
                    s->set_name(k == 0 ? "POST /api/cart" : k == 1 ? "cart.add" : "INSERT cart");
                    s->set_kind(k == 2 ? otlp::trace::v1::Span::SPAN_KIND_CLIENT
                                       : otlp::trace::v1::Span::SPAN_KIND_SERVER);
                    s->set_start_time_unix_nano(start + std::uint64_t(k) * 1'000'000);
                    s->set_end_time_unix_nano(start + 60'000'000);
                    auto* a = s->add_attributes();
                    a->set_key("cart.item");
                    a->mutable_value()->set_int_value(std::int64_t(entry) + k);
                }
            }
        }
        const QString path = m_dir.filePath(QStringLiteral("spans-%1-%2.pb").arg(process).arg(part));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(QByteArray::fromStdString(req.SerializeAsString()));
        return path;
    }
};

QTEST_GUILESS_MAIN(TestConcurrentWriters)
#include "tst_concurrentwriters.moc"
