// The demo generator: determinism, sizes, ground truth, the three incidents and trace propagation,
// checked on the OTLP protobuf chunks it emits (independently of the mapper and the store).

#include "DemoGenerator.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

using namespace seam;
namespace tv1 = opentelemetry::proto::trace::v1;
namespace cv1 = opentelemetry::proto::common::v1;

namespace {

const cv1::AnyValue* attribute(const google::protobuf::RepeatedPtrField<cv1::KeyValue>& attrs,
                               std::string_view key)
{
    for (const auto& kv : attrs) {
        if (kv.key() == key)
            return &kv.value();
    }
    return nullptr;
}

std::string stringAttribute(const google::protobuf::RepeatedPtrField<cv1::KeyValue>& attrs,
                            std::string_view key)
{
    const auto* v = attribute(attrs, key);
    return v ? v->string_value() : std::string();
}

std::int64_t intAttribute(const google::protobuf::RepeatedPtrField<cv1::KeyValue>& attrs,
                          std::string_view key)
{
    const auto* v = attribute(attrs, key);
    return v ? v->int_value() : 0;
}

std::string hex(const std::string& raw)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
        out += kDigits[c >> 4];
        out += kDigits[c & 0xf];
    }
    return out;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    return v[v.size() / 2];
}

struct PageLoad
{
    std::string path;
    std::int64_t start, duration;
    bool safari;
    std::string traceId, parentSpanId;
};

struct ServerSpan
{
    std::string service, name, traceId, parentSpanId;
    std::int64_t start, duration;
    int status;
    std::string userAgent;
};

struct Fetch
{
    std::string traceId, spanId;
};

/// What the tests need from one run, extracted while the chunks stream by.
struct Run
{
    QByteArray hash;
    std::size_t chunks = 0, maxChunkSpans = 0, spans = 0, logs = 0, errorLogsWithTrace = 0;
    std::vector<PageLoad> pageLoads;
    std::vector<ServerSpan> servers;
    std::vector<Fetch> fetches;
    std::set<std::string> browserResourceAttributes;
    std::set<std::string> sessionIds;
    std::string groundTruth;
    DemoStats stats;
    qint64 elapsedMs = 0;
};

Run generateRun(const DemoOptions& options)
{
    Run run;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    DemoGenerator generator(options);
    QElapsedTimer timer;
    timer.start();
    const bool ok = generator.generate(
        [&](const tv1::TracesData& traces) {
            std::string bytes;
            traces.SerializeToString(&bytes);
            hash.addData(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
            ++run.chunks;
            std::size_t chunkSpans = 0;
            for (const auto& rs : traces.resource_spans()) {
                const auto& resource = rs.resource().attributes();
                const std::string service = stringAttribute(resource, "service.name");
                const bool browser = stringAttribute(resource, "telemetry.sdk.language") == "webjs";
                const std::string ua = stringAttribute(resource, "user_agent.original");
                const bool safari = ua.find("Version/17") != std::string::npos;
                if (browser) {
                    for (const auto& kv : resource)
                        run.browserResourceAttributes.insert(kv.key());
                }
                for (const auto& ss : rs.scope_spans()) {
                    for (const auto& span : ss.spans()) {
                        ++chunkSpans;
                        const std::int64_t start = std::int64_t(span.start_time_unix_nano());
                        const std::int64_t duration = std::int64_t(span.end_time_unix_nano()) - start;
                        if (browser) {
                            run.sessionIds.insert(stringAttribute(span.attributes(), "session.id"));
                            if (span.name() == "documentLoad") {
                                std::string url = stringAttribute(span.attributes(), "url.full");
                                const auto pathAt = url.find('/', 8);
                                std::string path = url.substr(pathAt, url.find('?') - pathAt);
                                run.pageLoads.push_back({std::move(path), start, duration, safari,
                                                         hex(span.trace_id()), hex(span.parent_span_id())});
                            } else if (span.kind() == tv1::Span::SPAN_KIND_CLIENT &&
                                       ss.scope().name() == "@opentelemetry/instrumentation-fetch") {
                                run.fetches.push_back({hex(span.trace_id()), hex(span.span_id())});
                            }
                        } else if (span.kind() == tv1::Span::SPAN_KIND_SERVER) {
                            run.servers.push_back(
                                {service, span.name(), hex(span.trace_id()), hex(span.parent_span_id()),
                                 start, duration,
                                 int(intAttribute(span.attributes(), "http.response.status_code")),
                                 stringAttribute(span.attributes(), "user_agent.original")});
                        }
                    }
                }
            }
            run.spans += chunkSpans;
            run.maxChunkSpans = std::max(run.maxChunkSpans, chunkSpans);
        },
        [&](const opentelemetry::proto::logs::v1::LogsData& logs) {
            std::string bytes;
            logs.SerializeToString(&bytes);
            hash.addData(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
            for (const auto& rl : logs.resource_logs()) {
                for (const auto& sl : rl.scope_logs()) {
                    for (const auto& log : sl.log_records()) {
                        ++run.logs;
                        if (log.severity_number() >= 17 && log.trace_id().size() == 16 &&
                            log.span_id().size() == 8)
                            ++run.errorLogsWithTrace;
                    }
                }
            }
        });
    run.elapsedMs = timer.elapsed();
    Q_ASSERT(ok);
    run.hash = hash.result();
    run.groundTruth = generator.groundTruthJson();
    run.stats = generator.stats();
    return run;
}

QJsonObject incident(const QJsonDocument& truth, const QString& id)
{
    for (const auto& v : truth.object().value(QStringLiteral("incidents")).toArray()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == id)
            return v.toObject();
    }
    return {};
}

bool inside(const QJsonObject& incident, std::int64_t t)
{
    // The JSON numbers exceed 2^53; a double is exact enough to sort a span into a window.
    return double(t) >= incident.value(QStringLiteral("start_ns")).toDouble() &&
           double(t) < incident.value(QStringLiteral("end_ns")).toDouble();
}

} // namespace

class TestDemoGenerator : public QObject
{
    Q_OBJECT

private:
    Run m_default;

private Q_SLOTS:
    void initTestCase()
    {
        m_default = generateRun(DemoOptions{});
        const DemoStats& s = m_default.stats;
        qInfo("default demo: %lld ms, %zu chunks, sessions %llu, page loads %llu, spans %llu (browser %llu, "
              "backend %llu), traces %llu, fetches %llu, error spans %llu, js errors %llu, logs %llu, clicks "
              "%llu, "
              "long tasks %llu",
              m_default.elapsedMs, m_default.chunks, qulonglong(s.sessions), qulonglong(s.pageLoads),
              qulonglong(s.spans), qulonglong(s.browserSpans), qulonglong(s.backendSpans),
              qulonglong(s.traces), qulonglong(s.fetches), qulonglong(s.errorSpans), qulonglong(s.jsErrors),
              qulonglong(s.logs), qulonglong(s.clicks), qulonglong(s.longTasks));
    }

    void determinism()
    {
        DemoOptions small;
        small.sessions = 50;
        const Run a = generateRun(small);
        const Run b = generateRun(small);
        QCOMPARE(a.hash, b.hash);
        QCOMPARE(a.groundTruth, b.groundTruth);
        small.seed = 2;
        const Run c = generateRun(small);
        QVERIFY(a.hash != c.hash);
    }

    void sameGeneratorTwice()
    {
        // generate() starts afresh each time: a second call reproduces the first.
        DemoOptions small;
        small.sessions = 20;
        DemoGenerator generator(small);
        QByteArray first, second;
        for (QByteArray* out : {&first, &second}) {
            QCryptographicHash hash(QCryptographicHash::Sha256);
            generator.generate(
                [&](const tv1::TracesData& t) {
                    const std::string bytes = t.SerializeAsString();
                    hash.addData(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
                },
                {});
            *out = hash.result();
        }
        QCOMPARE(first, second);
    }

    void defaultCounts()
    {
        const DemoStats& s = m_default.stats;
        QCOMPARE(s.sessions, 2000u);
        QVERIFY2(s.pageLoads >= 8000 && s.pageLoads <= 13000, qPrintable(QString::number(s.pageLoads)));
        QVERIFY2(s.spans >= 200000 && s.spans <= 900000, qPrintable(QString::number(s.spans)));
        QCOMPARE(std::uint64_t(m_default.spans), s.spans);
        QCOMPARE(std::uint64_t(m_default.pageLoads.size()), s.pageLoads);
        QCOMPARE(std::uint64_t(m_default.fetches.size()), s.fetches);
        QCOMPARE(std::uint64_t(m_default.logs), s.logs);
        QCOMPARE(m_default.sessionIds.size(), std::size_t(2000));
        QVERIFY(s.jsErrors > 0 && s.errorSpans > 0 && s.clicks > 0 && s.longTasks > 0);
        QVERIFY(m_default.errorLogsWithTrace > 0);
        QVERIFY2(m_default.maxChunkSpans <= DemoGenerator::kChunkSpans + 300,
                 qPrintable(QString::number(m_default.maxChunkSpans)));
        QCOMPARE(s.chunks, std::uint64_t(m_default.chunks));
        for (const char* key : {"service.name", "service.version", "telemetry.sdk.language",
                                "telemetry.sdk.name", "user_agent.original", "geo.country.iso_code"})
            QVERIFY2(m_default.browserResourceAttributes.count(key), key);
        // Generation time is printed above, not asserted: speed is measured by bench programs.
    }

    void smallCounts()
    {
        DemoOptions small;
        small.sessions = 50;
        const Run run = generateRun(small);
        QCOMPARE(run.stats.sessions, 50u);
        QVERIFY2(run.stats.pageLoads >= 120 && run.stats.pageLoads <= 450,
                 qPrintable(QString::number(run.stats.pageLoads)));
        QVERIFY(run.stats.spans >= 3000 && run.stats.spans <= 30000);
    }

    void groundTruthParses()
    {
        QJsonParseError error;
        const QJsonDocument truth =
            QJsonDocument::fromJson(QByteArray::fromStdString(m_default.groundTruth), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject root = truth.object();
        QCOMPARE(root.value(QStringLiteral("seed")).toInt(), 1);
        QVERIFY(root.value(QStringLiteral("window")).toObject().contains(QStringLiteral("start_ns")));
        const QJsonArray incidents = root.value(QStringLiteral("incidents")).toArray();
        QCOMPARE(incidents.size(), 3);
        for (const QString& id : {QStringLiteral("payments-db-lock"), QStringLiteral("catalog-bad-deploy"),
                                  QStringLiteral("safari-hero-image")}) {
            const QJsonObject i = incident(truth, id);
            QVERIFY2(!i.isEmpty(), qPrintable(id));
            QVERIFY(i.value(QStringLiteral("end_ns")).toDouble() >
                    i.value(QStringLiteral("start_ns")).toDouble());
            QVERIFY(!i.value(QStringLiteral("affected_routes")).toArray().isEmpty());
            QVERIFY(!i.value(QStringLiteral("service")).toString().isEmpty());
        }
        QVERIFY(root.value(QStringLiteral("stripped_fetches")).toArray().isEmpty());
    }

    void paymentsLockSlowsCheckout()
    {
        const QJsonDocument truth = QJsonDocument::fromJson(QByteArray::fromStdString(m_default.groundTruth));
        const QJsonObject lock = incident(truth, QStringLiteral("payments-db-lock"));
        std::vector<double> in, out;
        for (const PageLoad& p : m_default.pageLoads) {
            if (p.path == "/checkout")
                (inside(lock, p.start) ? in : out).push_back(double(p.duration));
        }
        QVERIFY(in.size() >= 30 && out.size() >= 100);
        qInfo("/checkout page load median: %.0f ms in the lock window (%zu), %.0f ms outside (%zu)",
              median(in) / 1e6, in.size(), median(out) / 1e6, out.size());
        QVERIFY(median(in) > 2 * median(out));
        // Some calls exceed checkout's budget for payments and end in 504.
        int timeouts = 0;
        for (const ServerSpan& s : m_default.servers)
            timeouts += s.service == "gateway" && s.status == 504 && inside(lock, s.start);
        QVERIFY(timeouts > 0);
    }

    void badCatalogDeployFails()
    {
        const QJsonDocument truth = QJsonDocument::fromJson(QByteArray::fromStdString(m_default.groundTruth));
        const QJsonObject deploy = incident(truth, QStringLiteral("catalog-bad-deploy"));
        double inTotal = 0, inErrors = 0, outTotal = 0, outErrors = 0;
        for (const ServerSpan& s : m_default.servers) {
            if (s.service != "catalog")
                continue;
            const bool error = s.status >= 500;
            if (inside(deploy, s.start))
                inTotal += 1, inErrors += error;
            else
                outTotal += 1, outErrors += error;
        }
        qInfo("catalog 5xx: %.1f%% in the deploy window, %.2f%% outside", 100 * inErrors / inTotal,
              100 * outErrors / outTotal);
        QVERIFY(inErrors / inTotal >= 0.15);
        QVERIFY(outErrors / outTotal < 0.02);
    }

    void safariHeroIsFrontendOnly()
    {
        const QJsonDocument truth = QJsonDocument::fromJson(QByteArray::fromStdString(m_default.groundTruth));
        const QJsonObject hero = incident(truth, QStringLiteral("safari-hero-image"));
        std::vector<double> safariIn, safariOut, othersIn;
        for (const PageLoad& p : m_default.pageLoads) {
            if (p.path != "/")
                continue;
            if (p.safari)
                (inside(hero, p.start) ? safariIn : safariOut).push_back(double(p.duration));
            else if (inside(hero, p.start))
                othersIn.push_back(double(p.duration));
        }
        std::vector<double> gatewayIn, gatewayOut;
        for (const ServerSpan& s : m_default.servers) {
            if (s.service == "gateway" && s.name == "GET /" &&
                s.userAgent.find("Version/17") != std::string::npos)
                (inside(hero, s.start) ? gatewayIn : gatewayOut).push_back(double(s.duration));
        }
        qInfo("Safari home load median %.0f ms in window, %.0f ms outside; others in window %.0f ms; Safari "
              "gateway GET / %.1f ms in, %.1f ms out",
              median(safariIn) / 1e6, median(safariOut) / 1e6, median(othersIn) / 1e6,
              median(gatewayIn) / 1e6, median(gatewayOut) / 1e6);
        QVERIFY(safariIn.size() >= 20);
        QVERIFY(median(safariIn) > 2 * median(safariOut));
        QVERIFY(median(othersIn) < 1.5 * median(safariOut));
        QVERIFY(median(gatewayIn) < 1.3 * median(gatewayOut) && median(gatewayIn) > 0.7 * median(gatewayOut));
    }

    void documentLoadJoinsServerTrace()
    {
        std::unordered_map<std::string, const ServerSpan*> gatewayBySpanTrace;
        std::set<std::pair<std::string, std::string>> roots; // (trace, server span) of gateway roots
        for (const ServerSpan& s : m_default.servers) {
            if (s.service == "gateway" && s.parentSpanId.empty())
                roots.insert({s.traceId, s.name});
        }
        std::size_t joined = 0;
        for (const PageLoad& p : m_default.pageLoads)
            joined += !p.parentSpanId.empty();
        QCOMPARE(joined, m_default.pageLoads.size());
        QVERIFY(!roots.empty());
    }

    void fetchesPropagateTraceparent()
    {
        std::set<std::pair<std::string, std::string>> gatewayParents;
        for (const ServerSpan& s : m_default.servers) {
            if (s.service == "gateway")
                gatewayParents.insert({s.traceId, s.parentSpanId});
        }
        for (const Fetch& f : m_default.fetches)
            QVERIFY2(gatewayParents.count({f.traceId, f.spanId}),
                     qPrintable(QString::fromStdString(f.spanId)));
    }

    void stripPropagation()
    {
        DemoOptions options;
        options.sessions = 300;
        options.stripPropagation = 0.3;
        const Run run = generateRun(options);
        const QJsonDocument truth = QJsonDocument::fromJson(QByteArray::fromStdString(run.groundTruth));
        const QJsonArray stripped = truth.object().value(QStringLiteral("stripped_fetches")).toArray();
        QCOMPARE(std::uint64_t(stripped.size()), run.stats.strippedFetches);
        const double fraction = double(stripped.size()) / double(run.fetches.size());
        QVERIFY2(fraction > 0.25 && fraction < 0.35, qPrintable(QString::number(fraction)));

        std::map<std::string, const ServerSpan*> gatewayByTrace;
        std::set<std::pair<std::string, std::string>> gatewayParents;
        for (const ServerSpan& s : run.servers) {
            if (s.service == "gateway") {
                gatewayByTrace[s.traceId] = &s;
                gatewayParents.insert({s.traceId, s.parentSpanId});
            }
        }
        std::set<std::string> strippedKeys;
        for (const auto& v : stripped) {
            const QJsonObject o = v.toObject();
            const std::string key = o.value(QStringLiteral("resource_key")).toString().toStdString();
            const std::string backend = o.value(QStringLiteral("backend_trace_id")).toString().toStdString();
            QCOMPARE(key.size(), std::size_t(5 + 32 + 1 + 16));
            QVERIFY(key.starts_with("otel:"));
            strippedKeys.insert(key);
            // The true backend trace exists, is a different trace, and its gateway span has no parent.
            const auto it = gatewayByTrace.find(backend);
            QVERIFY(it != gatewayByTrace.end());
            QVERIFY(it->second->parentSpanId.empty());
            QVERIFY(key.substr(5, 32) != backend);
        }
        for (const Fetch& f : run.fetches) {
            const bool isStripped = strippedKeys.count("otel:" + f.traceId + ":" + f.spanId) > 0;
            QCOMPARE(gatewayParents.count({f.traceId, f.spanId}) > 0, !isStripped);
        }
    }

    void throughTheMapper()
    {
        // The same data through the path real OTLP takes: every span arrives, and the browser spans
        // become the RUM records the investigation is built on.
        DemoOptions small;
        small.sessions = 80;
        DemoGenerator generator(small);
        CollectingSink sink;
        ImportReport report;
        double lastProgress = 0;
        QVERIFY(generator.generateInto(sink, report, nullptr, [&](double f) {
            QVERIFY(f >= lastProgress);
            lastProgress = f;
        }));
        QCOMPARE(lastProgress, 1.0);
        QCOMPARE(report.format, std::string("demo"));
        QVERIFY2(report.clean(),
                 report.samples().empty() ? "fatal" : report.samples().front().message.c_str());
        const DemoStats stats = generator.stats();

        std::size_t spans = 0, logs = 0, pageLoads = 0, fetches = 0, documents = 0, errors = 0, actions = 0,
                    longTasks = 0, vitals = 0, tracedPageLoads = 0;
        std::set<std::string> sessions, browsers;
        for (const RecordBatch& batch : sink.batches) {
            spans += batch.spans.size();
            logs += batch.logs.size();
            pageLoads += batch.pageLoads.size();
            errors += batch.rumErrors.size();
            actions += batch.actions.size();
            longTasks += batch.longTasks.size();
            vitals += batch.vitals.size();
            for (const auto& p : batch.pageLoads)
                tracedPageLoads += p.traceId.isValid();
            for (const auto& r : batch.resources) {
                fetches += r.type == "fetch";
                documents += r.type == "document";
            }
            for (const auto& session : batch.sessions) {
                sessions.insert(session.key);
                browsers.insert(session.browser);
            }
        }
        QCOMPARE(std::uint64_t(spans), stats.spans);
        QCOMPARE(std::uint64_t(logs), stats.logs);
        QCOMPARE(std::uint64_t(pageLoads), stats.pageLoads);
        QCOMPARE(tracedPageLoads, pageLoads);
        QCOMPARE(std::uint64_t(documents), stats.pageLoads);
        QCOMPARE(std::uint64_t(fetches), stats.fetches);
        QCOMPARE(std::uint64_t(errors), stats.jsErrors);
        QCOMPARE(std::uint64_t(actions), stats.clicks);
        QCOMPARE(std::uint64_t(longTasks), stats.longTasks);
        QVERIFY(vitals >= 2 * pageLoads); // lcp and cls events, ttfb from documentFetch
        QCOMPARE(std::uint64_t(sessions.size()), stats.sessions);
        QVERIFY2(browsers.count("Chrome") && browsers.count("Safari"), "browsers from user_agent.original");
    }

    void defaultThroughTheMapperTiming()
    {
        // Not a timed test: prints what `seam demo` costs before the store (DESIGN.md §7 style).
        DemoGenerator generator{DemoOptions{}};
        CollectingSink sink;
        ImportReport report;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(generator.generateInto(sink, report));
        std::size_t records = 0;
        for (const RecordBatch& batch : sink.batches)
            records += batch.size();
        qInfo("default demo through OtlpMapper: %lld ms, %zu records in %zu batches", timer.elapsed(),
              records, sink.batches.size());
        QVERIFY(report.clean());
    }

    void cancel()
    {
        std::atomic<bool> cancelled{false};
        DemoOptions small;
        small.sessions = 100;
        DemoGenerator generator(small);
        int chunks = 0;
        const bool done = generator.generate(
            [&](const tv1::TracesData&) {
                if (++chunks == 1)
                    cancelled = true;
            },
            {}, &cancelled);
        QVERIFY(!done);
        QCOMPARE(chunks, 1);
    }
};

QTEST_GUILESS_MAIN(TestDemoGenerator)
#include "tst_demogenerator.moc"
