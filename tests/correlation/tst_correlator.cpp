#include "Correlator.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <atomic>

using namespace seam;
using namespace seam::test;

class TestCorrelator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string dbPath(const char* name) { return m_dir.filePath(QLatin1String(name)).toStdString(); }

    static void expectLinked(const std::string& path, const char* method, double confidence)
    {
        Database db = store::openForReading(path);
        auto st =
            db.prepare("SELECT l.method, l.confidence, l.span_id, p.linked_count, p.services, p.backend_ns "
                       "FROM links l JOIN resources r ON r.id = l.resource_id JOIN page_loads p ON p.id = "
                       "r.page_load_id");
        QVERIFY(st.step());
        QCOMPARE(std::string(st.text(0)), std::string(method));
        QCOMPARE(st.real(1), confidence);
        QCOMPARE(st.int64(2), 0x100); // the gateway server span, child of the fetch span
        QCOMPARE(st.int64(3), 1);
        QCOMPARE(std::string(st.text(4)), std::string("gateway,payments"));
        QCOMPARE(st.int64(5), 1'700'000'000);
        QVERIFY(!st.step());
    }

    /// A page load, its call and the call's backend trace (gateway -> payments), in one batch of its
    /// own writer, committed (flush) before the writer closes. Returns whether it committed.
    static bool writeLinkedPageLoad(const std::string& path, int n)
    {
        StoreWriter w(path);
        RecordBatch b = browserBatch(n, traceId(n), 0x42, kT0);
        RecordBatch back = backendBatch(traceId(n), 0x42, kT0);
        for (auto& s : back.spans)
            b.spans.push_back(s);
        w.submit(0, std::move(b));
        return w.flush();
    }

    /// A 40 ms fetch of session-1 that may have a twin (browserBatch's session).
    static ResourceRecord twinCandidate(const char* key, const char* url, TimeNs start)
    {
        ResourceRecord r;
        r.key = key;
        r.sessionKey = "session-1";
        r.type = "fetch";
        r.url = url;
        r.start = start;
        r.duration = 40'000'000;
        r.mayHaveTwin = true;
        return r;
    }

private slots:
    void linksSameTraceInOneBatch()
    {
        const auto path = dbPath("same.seam");
        QVERIFY(writeLinkedPageLoad(path, 1));
        expectLinked(path, "trace", 1.0);
    }

    void backendArrivesAfterRum()
    {
        const auto path = dbPath("late-backend.seam");
        {
            StoreWriter w(path);
            w.submit(0, browserBatch(2, traceId(2), 0x42, kT0));
            QVERIFY(w.flush());
            Database db = store::openForReading(path);
            QCOMPARE(db.queryInt("SELECT count(*) FROM links"), 0);
        }
        {
            StoreWriter w(path); // a later import, even in another process run
            w.submit(0, backendBatch(traceId(2), 0x42, kT0));
            QVERIFY(w.flush());
        }
        expectLinked(path, "trace", 1.0);
    }

    void rumArrivesAfterBackend()
    {
        const auto path = dbPath("late-rum.seam");
        {
            StoreWriter w(path);
            w.submit(0, backendBatch(traceId(3), 0x42, kT0));
            QVERIFY(w.flush());
        }
        {
            StoreWriter w(path);
            w.submit(0, browserBatch(3, traceId(3), 0x42, kT0));
            QVERIFY(w.flush());
        }
        expectLinked(path, "trace", 1.0);
    }

    void spansOfLinkedTraceArrivingLaterUpdateThePageLoad()
    {
        const auto path = dbPath("partial.seam");
        StoreWriter w(path);
        w.submit(0, browserBatch(4, traceId(4), 0x42, kT0));
        RecordBatch back = backendBatch(traceId(4), 0x42, kT0);
        RecordBatch gatewayOnly;
        gatewayOnly.spans.push_back(back.spans[0]);
        w.submit(0, std::move(gatewayOnly));
        QVERIFY(w.flush());
        {
            Database db = store::openForReading(path);
            QCOMPARE(db.queryInt("SELECT services = 'gateway' FROM page_loads"), 1);
        }
        back.spans.erase(back.spans.begin());
        w.submit(0, std::move(back));
        QVERIFY(w.flush());
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT services = 'gateway,payments' FROM page_loads"), 1);
    }

    void propagatedHeaderIdsNameTheirMethod()
    {
        const auto path = dbPath("header.seam");
        {
            StoreWriter w(path);
            RecordBatch b = browserBatch(5, traceId(5), 0x42, kT0);
            b.spans.clear(); // e.g. a HAR: no browser span, only the propagated header
            b.resources[0].traceIdSource = TraceIdSource::TraceparentHeader;
            w.submit(0, std::move(b));
            w.submit(0, backendBatch(traceId(5), 0x42, kT0));
            QVERIFY(w.flush());
        }
        expectLinked(path, "traceparent-header", 1.0);
    }

    void datadogLow64IdsMatchLater()
    {
        const auto path = dbPath("datadog.seam");
        {
            StoreWriter w(path);
            RecordBatch b = browserBatch(6, traceId(6), 0x42, kT0);
            b.spans.clear();
            b.resources[0].traceId = TraceId{};
            b.resources[0].traceIdLow64 = traceId(6).low64();
            b.resources[0].traceIdSource = TraceIdSource::DatadogId;
            w.submit(0, std::move(b));
            QVERIFY(w.flush());
            w.submit(0, backendBatch(traceId(6), 0x42, kT0));
            QVERIFY(w.flush());
        }
        expectLinked(path, "datadog-id", 1.0);
    }

    void noBackendNoLink()
    {
        const auto path = dbPath("none.seam");
        StoreWriter w(path);
        w.submit(0, browserBatch(8, traceId(8), 0x42, kT0));
        w.submit(0, backendBatch(traceId(9), 0x42, kT0)); // another trace
        QVERIFY(w.flush());
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM links"), 0);
        QCOMPARE(db.queryInt("SELECT linked_count FROM page_loads"), 0);
    }

    // Faro reports a fetch twice: a performance entry (timings, no trace id) and an OTel fetch span
    // (trace id). The writer merges a record that may have a twin into the one resource of the other kind
    // with the same session, type and URL that started within 250 ms, in either order; never two records
    // of the same kind, and not when two candidates would fit.
    void twinResourcesMerge()
    {
        const auto path = dbPath("twins.seam");
        auto perf = [](const char* key, TimeNs start) {
            ResourceRecord r = twinCandidate(key, "https://shop.example/api/checkout", start);
            r.statusCode = 200;
            r.ttfbNs = 30'000'000;
            return r;
        };
        auto traced = [&](const char* key, TimeNs start, int trace) {
            ResourceRecord r = perf(key, start);
            r.method = "POST";
            r.duration = 140'000'000; // the span ends when the page has read the body
            r.ttfbNs = -1;
            r.traceId = traceId(trace);
            r.spanId = 0x42;
            r.traceIdSource = TraceIdSource::SameTrace;
            return r;
        };
        {
            StoreWriter w(path);
            RecordBatch b = browserBatch(1, traceId(1), 0x42, kT0); // session-1, a page load at kT0
            b.resources.clear();
            b.spans.clear();
            const TimeNs t = kT0 + 1'000'000'000;
            b.resources.push_back(perf("perf-a", t));                      // merged with span-a below
            b.resources.push_back(perf("perf-b", t + 3'000'000'000));      // two identical calls 10 ms
            b.resources.push_back(perf("perf-c", t + 3'010'000'000));      // apart: never merged
            b.resources.push_back(traced("span-d", t + 5'000'000'000, 4)); // span first, then
            w.submit(0, std::move(b));
            RecordBatch later;
            later.resources.push_back(traced("span-a", t + 2'000'000, 2));
            later.resources.push_back(traced("span-b", t + 3'004'000'000, 3)); // ambiguous: perf-b or perf-c
            later.resources.push_back(perf("perf-d", t + 5'001'000'000));      // its performance entry
            w.submit(0, std::move(later));
            w.submit(0, backendBatch(traceId(2), 0x42, t - 300'000'000));
            QVERIFY(w.flush());
        }
        auto snapshot = [&] {
            Database db = store::openForReading(path);
            QStringList out;
            auto st =
                db.prepare("SELECT r.key, r.method, r.duration_ns, r.ttfb_ns, r.trace IS NOT NULL, "
                           "r.id_source, l.method FROM resources r LEFT JOIN links l ON l.resource_id = r.id "
                           "ORDER BY r.start_ns, r.key");
            while (st.step()) {
                QStringList cols;
                for (int c = 0; c < st.columnCount(); ++c)
                    cols << (st.isNull(c) ? QStringLiteral("-")
                                          : QString::fromUtf8(st.text(c).data(), st.text(c).size()));
                out << cols.join(QLatin1Char('|'));
            }
            return out;
        };
        const QStringList expected{
            QStringLiteral("perf-a|POST|40000000|30000000|1|1|trace"), // timings kept, trace added, linked
            QStringLiteral("perf-b|-|40000000|30000000|0|0|-"),
            QStringLiteral("span-b|POST|140000000|-|1|1|-"),
            QStringLiteral("perf-c|-|40000000|30000000|0|0|-"),
            QStringLiteral("span-d|POST|140000000|30000000|1|1|-"), // the entry's TTFB filled in
        };
        QCOMPARE(snapshot(), expected);
        {
            StoreWriter w(path); // everything again: nothing changes
            RecordBatch again;
            const TimeNs t = kT0 + 1'000'000'000;
            again.resources = {perf("perf-a", t), traced("span-a", t + 2'000'000, 2),
                               perf("perf-d", t + 5'001'000'000), traced("span-d", t + 5'000'000'000, 4)};
            w.submit(0, std::move(again));
            QVERIFY(w.flush());
        }
        QCOMPARE(snapshot(), expected);
    }

    // A merge can fail a call: the span (trace id, no status) came first, its performance entry says 503
    // in a later batch that links nothing. The page load's failed-call count follows the merged row.
    void twinMergeCountsAFailedCall()
    {
        const auto path = dbPath("twin-failed.seam");
        auto call = [](const char* key, TimeNs start) {
            return twinCandidate(key, "https://shop.example/api/pay", start);
        };
        const TimeNs t = kT0 + 1'000'000'000;
        {
            StoreWriter w(path);
            RecordBatch b = browserBatch(1, traceId(1), 0x42, kT0);
            b.resources.clear();
            b.spans.clear();
            ResourceRecord span = call("span-a", t);
            span.traceId = traceId(7);
            span.spanId = 0x42;
            span.traceIdSource = TraceIdSource::SameTrace;
            b.resources.push_back(span);
            w.submit(0, std::move(b));
            QVERIFY(w.flush());
        }
        auto counts = [&] {
            Database db = store::openForReading(path);
            return std::pair(db.queryInt("SELECT resource_count FROM page_loads"),
                             db.queryInt("SELECT network_error_count FROM page_loads"));
        };
        QCOMPARE(counts(), std::pair(std::int64_t(1), std::int64_t(0)));
        {
            StoreWriter w(path);
            RecordBatch later;
            ResourceRecord entry = call("perf-a", t + 1'000'000);
            entry.statusCode = 503;
            later.resources.push_back(entry);
            w.submit(0, std::move(later));
            QVERIFY(w.flush());
        }
        QCOMPARE(counts(), std::pair(std::int64_t(1), std::int64_t(1)));
    }

    // Linking a call reads its trace's spans (the entry span), and refreshing its page load reads them
    // again (backend time, services): within one correlate() the second read comes from memory.
    void eachTraceIsReadOncePerBatch()
    {
        const auto path = dbPath("read-once.seam");
        QVERIFY(writeLinkedPageLoad(path, 10));
        expectLinked(path, "trace", 1.0);
        Database db = store::openForWriting(path);
        db.exec(
            "DELETE FROM links; UPDATE page_loads SET linked_count = 0, backend_ns = NULL, services = NULL");
        const std::int64_t trace = db.queryInt("SELECT id FROM traces");
        Correlator correlator(db);
        std::unordered_set<std::int64_t> pageLoads;
        QCOMPARE(correlator.correlate({trace}, {trace}, pageLoads), std::uint64_t(1));
        QCOMPARE(pageLoads.size(), std::size_t(1));
        QCOMPARE(correlator.traceReads(), std::uint64_t(1));
        // Outside correlate() nothing is kept: a page load refreshed later reads what is there then.
        correlator.refreshPageLoad(*pageLoads.begin());
        QCOMPARE(correlator.traceReads(), std::uint64_t(2));
        QCOMPARE(db.queryInt("SELECT linked_count FROM page_loads"), 1);
        QCOMPARE(db.queryInt("SELECT backend_ns FROM page_loads"), 1'700'000'000);
        QCOMPARE(db.queryInt("SELECT services = 'gateway,payments' FROM page_loads"), 1);
    }

    // The traces one correlate() read serve the next ones (a page load refreshed again when more of its
    // calls arrive): a trace is read again only once it got new spans.
    void tracesStayReadAcrossCorrelations()
    {
        const auto path = dbPath("kept.seam");
        QVERIFY(writeLinkedPageLoad(path, 11));
        Database db = store::openForWriting(path);
        const std::int64_t trace = db.queryInt("SELECT id FROM traces");
        const std::int64_t pageLoad = db.queryInt("SELECT id FROM page_loads");
        Correlator correlator(db);
        std::unordered_set<std::int64_t> pageLoads{pageLoad};
        correlator.correlate({}, {}, pageLoads);
        QCOMPARE(correlator.traceReads(), std::uint64_t(1));
        correlator.correlate({}, {}, pageLoads);
        QCOMPARE(correlator.traceReads(), std::uint64_t(1));
        // A span the trace gets later comes with the trace among the touched ones: read again.
        const auto reachRows = [&] {
            return db.queryInt("SELECT count(*) FROM page_load_reach WHERE page_load_id = " +
                               std::to_string(pageLoad));
        };
        QCOMPARE(reachRows(), 2); // the gateway's and the payments' server spans
        db.exec(
            "INSERT INTO spans(trace, span_id, parent_span_id, service_id, operation_id, kind, start_ns, "
            "end_ns, status_code) SELECT trace, 0x103, 0x100, service_id, operation_id, 2, start_ns + 1000, "
            "end_ns, status_code FROM spans WHERE span_id = 0x100");
        correlator.correlate({}, {}, pageLoads);
        QCOMPARE(correlator.traceReads(), std::uint64_t(1));
        QCOMPARE(reachRows(), 2); // not touched: what was read stands (only the writer adds spans)
        correlator.correlate({trace}, {trace}, pageLoads);
        QCOMPARE(correlator.traceReads(), std::uint64_t(2));
        QCOMPARE(reachRows(), 3);
    }

    // Another writer on the same cache adds spans to a trace this writer has read: when this writer
    // next refreshes the page load, it reads them (what it kept is dropped once another connection
    // committed), instead of writing back the services it knew.
    void spansAnotherWriterAddsAreSeen()
    {
        const auto path = dbPath("two-writers.seam");
        RecordBatch back = backendBatch(traceId(12), 0x42, kT0);
        StoreWriter first(path);
        RecordBatch b = browserBatch(12, traceId(12), 0x42, kT0);
        b.spans.push_back(back.spans[0]); // the gateway only
        first.submit(0, std::move(b));
        QVERIFY(first.flush());
        {
            StoreWriter second(path);
            RecordBatch rest;
            rest.spans.assign(back.spans.begin() + 1, back.spans.end());
            second.submit(0, std::move(rest));
            QVERIFY(second.flush());
        }
        {
            Database db = store::openForReading(path);
            QCOMPARE(db.queryInt("SELECT services = 'gateway,payments' FROM page_loads"), 1);
        }
        // A later call of the same page load (no trace of its own) makes the first writer refresh it.
        RecordBatch later;
        ResourceRecord r;
        r.key = "fetch-12b";
        r.sessionKey = "session-12";
        r.type = "fetch";
        r.url = "https://shop.example/api/cart";
        r.start = kT0 + 500'000'000;
        r.duration = 100'000'000;
        later.resources.push_back(r);
        first.submit(0, std::move(later));
        QVERIFY(first.flush());
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT resource_count FROM page_loads"), 2);
        QCOMPARE(db.queryInt("SELECT services = 'gateway,payments' FROM page_loads"), 1);
    }

    // One transaction, two batches: the first brings a page load (its document's trace and its call's
    // trace both new), the second the backend spans of both. Traces created in the transaction are not
    // "grown" traces (WriteTouches::tracesWithNewBackendSpans): the page load is refreshed because it
    // was written, and sees both traces' spans.
    void tracesCreatedInTheTransactionReachThePageLoadWrittenInIt()
    {
        const auto path = dbPath("one-transaction.seam");
        std::atomic<int> commits{0};
        {
            StoreWriter w(path);
            // Called after a commit is announced (a flush() may return first): counted once the writer
            // has stopped.
            w.setCommitCallback([&](const CommitInfo& c) { commits += c.records > 0 ? 1 : 0; });
            // File imports: a transaction goes on taking their queued batches (StoreWriter::grow()).
            const std::int64_t rum = w.beginSource("file", "rum.json", StoreWriter::OnFailure::StopSource);
            const std::int64_t apm = w.beginSource("file", "apm.json", StoreWriter::OnFailure::StopSource);
            RecordBatch page = browserBatch(13, traceId(13), 0x42, kT0);
            page.pageLoads[0].traceId = traceId(14); // its document's trace, rendered by the gateway
            page.pageLoads[0].spanId = 0x7;
            RecordBatch backend = backendBatch(traceId(13), 0x42, kT0);
            RecordBatch document = backendBatch(traceId(14), 0x7, kT0 - 400'000'000);
            backend.append(std::move(document));
            {
                Database holder(path, Database::Mode::ReadWrite); // the writer waits at BEGIN meanwhile
                holder.exec("BEGIN IMMEDIATE");
                w.submit(rum, std::move(page));
                w.submit(apm, std::move(backend));
                holder.exec("COMMIT");
            }
            QVERIFY(w.flush());
        }
        QCOMPARE(commits.load(), 1);
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT linked_count FROM page_loads"), 1);
        QCOMPARE(db.queryInt("SELECT services = 'gateway,payments' FROM page_loads"), 1);
        QCOMPARE(db.queryInt("SELECT backend_ns FROM page_loads"), 1'700'000'000);
        // The document's entry spans (gateway and payments servers) are among the page load's reach.
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_load_reach r JOIN traces t ON t.id = r.trace "
                             "WHERE t.trace_id = x'" +
                             traceId(14).hex() + "'"),
                 2);
        QCOMPARE(db.queryInt("SELECT count(DISTINCT trace) FROM page_load_reach"), 2);
    }
};

QTEST_GUILESS_MAIN(TestCorrelator)
#include "tst_correlator.moc"
