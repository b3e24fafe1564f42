// Propagation health (models/analysis/PropagationHealth) and `seam propagation --json`: the calls of an app
// version whose two SDKs both inject traceparent (tests/data/reconcile/dup-traceparent-*.json: the backend
// rejects the comma-joined header and starts traces of its own) are diagnosed backend_started_new_trace,
// the healthy version's calls are linked by id, and a missing backend or missing context say so.

#include "ImportTestUtil.h"
#include "PropagationHealth.h"
#include "Sqlite.h"
#include "TestPaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using seam::importtest::importIntoCache;

namespace {

QString fixture(const char* name)
{
    return (seam::test::dataDir() + QStringLiteral("/reconcile/")) + QLatin1String(name);
}

const PropagationGroup* find(const std::vector<PropagationGroup>& groups, const char* version,
                             const char* route)
{
    for (const PropagationGroup& g : groups)
        if (g.appVersion == version && g.route == route)
            return &g;
    return nullptr;
}

std::int64_t reason(const PropagationGroup& g, PropagationReason r)
{
    const auto it = g.reasons.find(r);
    return it == g.reasons.end() ? 0 : it->second;
}

} // namespace

class TestPropagationHealth : public QObject
{
    Q_OBJECT

private slots:
    void duplicateTraceparentIsBackendStartedNewTrace()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache,
                        {fixture("otel-web.json"), fixture("backend.json"),
                         fixture("dup-traceparent-web.json"), fixture("dup-traceparent-backend.json")});
        Database db(cache, Database::Mode::ReadOnly);
        const std::vector<PropagationGroup> groups = propagationHealth(db);
        QCOMPARE(groups.size(), std::size_t(6)); // 3 routes x 2 app versions
        for (const char* route : {"/api/home", "/api/stock/:id", "/api/checkout"}) {
            const PropagationGroup* healthy = find(groups, "3.1.0", route);
            QVERIFY2(healthy, route);
            QCOMPARE(healthy->calls, 1);
            QCOMPARE(healthy->linkedById, 1);
            QVERIFY(healthy->reasons.empty());
            QVERIFY(healthy->advice.empty());
            const PropagationGroup* broken = find(groups, "3.2.0", route);
            QVERIFY2(broken, route);
            QCOMPARE(broken->origin, std::string("https://shop.example.com"));
            QCOMPARE(broken->linkedById, 0);
            QCOMPARE(broken->unlinked, 1); // inference is off in importIntoCache
            QCOMPARE(reason(*broken, PropagationReason::BackendStartedNewTrace), 1);
            QCOMPARE(broken->advice, propagationAdvice(PropagationReason::BackendStartedNewTrace));
        }
        // The broken groups come first.
        QCOMPARE(groups.front().appVersion, std::string("3.2.0"));
    }

    void missingBackendAndMissingContext()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        // The browser's ids, no backend at all; the Datadog calls without `_dd` ids sent no context.
        importIntoCache(cache, {fixture("otel-web.json"), fixture("datadog-rum.ndjson")});
        Database db(cache, Database::Mode::ReadOnly);
        std::int64_t missing = 0, noContext = 0, calls = 0;
        for (const PropagationGroup& g : propagationHealth(db)) {
            missing += reason(g, PropagationReason::BackendTraceMissing);
            noContext += reason(g, PropagationReason::NoTraceContext);
            calls += g.calls;
        }
        // Each call once although OTel and Datadog both reported it (the reports of one request merge):
        // every call carried the OTel SDK's ids, which no backend trace in the cache holds.
        QCOMPARE(calls, 3);
        QCOMPARE(missing, 3);
        QCOMPARE(noContext, 0);
    }

    void realSdksBothInjecting()
    {
        // Recorded together (tests/data/reconcile/recorded): OTel web and Datadog RUM on one page both add
        // traceparent, the backend (instrumentation-http, spans named by method only, the path in url.path)
        // starts its own traces. Each API call once, each diagnosed.
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, {fixture("recorded/otel-web.json"), fixture("recorded/datadog-rum.ndjson"),
                                fixture("recorded/faro.ndjson"), fixture("recorded/page.har"),
                                fixture("recorded/backend.json")});
        Database db(cache, Database::Mode::ReadOnly);
        std::int64_t calls = 0, newTrace = 0, byId = 0;
        for (const PropagationGroup& g : propagationHealth(db)) {
            if (g.route.rfind("/api/", 0) != 0)
                continue; // the SDKs' own exports, seen in the HAR
            calls += g.calls;
            byId += g.linkedById;
            newTrace += reason(g, PropagationReason::BackendStartedNewTrace);
        }
        QCOMPARE(calls, 4);
        QCOMPARE(byId, 0);
        QCOMPARE(newTrace, 4);
    }

    void callsWithoutContextOnTheirOwn()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        // Datadog alone: the two calls outside allowedTracingUrls sent no context, the checkout call its
        // `_dd` ids, which no backend trace in the cache holds.
        importIntoCache(cache, {fixture("datadog-rum.ndjson")});
        Database db(cache, Database::Mode::ReadOnly);
        std::int64_t missing = 0, noContext = 0, calls = 0;
        for (const PropagationGroup& g : propagationHealth(db)) {
            missing += reason(g, PropagationReason::BackendTraceMissing);
            noContext += reason(g, PropagationReason::NoTraceContext);
            calls += g.calls;
        }
        QCOMPARE(calls, 3);
        QCOMPARE(missing, 1);
        QCOMPARE(noContext, 2);
    }

    void cliJson()
    {
        QTemporaryDir dir;
        const QString cache = dir.filePath(QStringLiteral("c.seam"));
        importIntoCache(cache.toStdString(),
                        {fixture("dup-traceparent-web.json"), fixture("dup-traceparent-backend.json")});
        QProcess p;
        p.start(seam::test::seamBinary(),
                {QStringLiteral("propagation"), QStringLiteral("--db"), cache, QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonArray rows = QJsonDocument::fromJson(p.readAllStandardOutput()).array();
        QCOMPARE(rows.size(), 3);
        for (const auto& v : rows) {
            const QJsonObject o = v.toObject();
            for (const char* key : {"app_version", "origin", "route", "calls", "linked_by_id",
                                    "linked_inferred", "unlinked", "reasons", "advice"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            QCOMPARE(
                o[QStringLiteral("reasons")].toObject()[QStringLiteral("backend_started_new_trace")].toInt(),
                1);
            QVERIFY(o[QStringLiteral("advice")].toString().contains(QLatin1String("traceparent")));
        }
    }
};

QTEST_GUILESS_MAIN(TestPropagationHealth)
#include "tst_propagationhealth.moc"
