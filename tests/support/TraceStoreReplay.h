#pragma once
// The demo as a trace store holds it, for replaying Tempo's and Jaeger's answers from loopback
// (tst_tracefetch, tst_tracesearch): the demo's backend spans regrouped per trace, a full import and a
// browser-only import of the same telemetry, Tempo's protobuf TraceByIDResponse of a trace, and the
// `seam` binary run as a user would.

#include "DemoGenerator.h"
#include "ImportTestUtil.h"
#include "OtlpBrowser.h"
#include "TestPaths.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <map>
#include <string>

namespace seam::test {

inline bool isBrowserResourceSpans(const opentelemetry::proto::trace::v1::ResourceSpans& rs)
{
    for (const auto& kv : rs.resource().attributes())
        if (kv.key() == kBrowserSdkLanguageKey && kv.value().string_value() == kBrowserSdkLanguage)
            return true;
    for (const auto& ss : rs.scope_spans())
        if (isBrowserScope(ss.scope().name()))
            return true;
    return false;
}

/// TraceByIDResponse { Trace trace = 1; }: field 1, length-delimited.
inline QByteArray tempoTraceByIdResponse(const opentelemetry::proto::trace::v1::TracesData& trace)
{
    const std::string inner = trace.SerializeAsString();
    std::string out;
    out.push_back(char(0x0a));
    std::uint64_t n = inner.size();
    while (n >= 0x80) {
        out.push_back(char(n | 0x80));
        n >>= 7;
    }
    out.push_back(char(n));
    out += inner;
    return QByteArray::fromStdString(out);
}

struct DemoSplit
{
    QString full, browserOnly; ///< caches: everything, and the browser side only
    std::map<std::string, opentelemetry::proto::trace::v1::TracesData> backendByTrace; ///< hex id -> spans
};

/// The seeded demo (seed 5, 25 sessions) into `dir`: false when a file cannot be written.
inline bool splitDemo(const QString& dir, DemoSplit& out)
{
    namespace otlp = opentelemetry::proto;
    DemoOptions options;
    options.seed = 5;
    options.sessions = 25;
    DemoGenerator generator(options);
    QStringList fullFiles, browserFiles;
    int chunk = 0;
    bool written = true;
    generator.generate(
        [&](const otlp::trace::v1::TracesData& traces) {
            otlp::trace::v1::TracesData browser;
            for (const auto& rs : traces.resource_spans()) {
                if (isBrowserResourceSpans(rs)) {
                    *browser.add_resource_spans() = rs;
                    continue;
                }
                // The backend side, regrouped per trace as a store would return it.
                for (const auto& ss : rs.scope_spans())
                    for (const auto& span : ss.spans()) {
                        const std::string id =
                            QByteArray::fromStdString(span.trace_id()).toHex().toStdString();
                        auto* res = out.backendByTrace[id].add_resource_spans();
                        *res->mutable_resource() = rs.resource();
                        auto* scope = res->add_scope_spans();
                        *scope->mutable_scope() = ss.scope();
                        *scope->add_spans() = span;
                    }
            }
            const QString full = QDir(dir).filePath(QStringLiteral("full-%1.pb").arg(chunk));
            const QString part = QDir(dir).filePath(QStringLiteral("browser-%1.pb").arg(chunk++));
            QFile f(full), b(part);
            if (!f.open(QIODevice::WriteOnly) || !b.open(QIODevice::WriteOnly)) {
                written = false;
                return;
            }
            f.write(QByteArray::fromStdString(traces.SerializeAsString()));
            b.write(QByteArray::fromStdString(browser.SerializeAsString()));
            fullFiles << full;
            browserFiles << part;
        },
        [](const auto&) {});
    out.full = QDir(dir).filePath(QStringLiteral("full.seam"));
    out.browserOnly = QDir(dir).filePath(QStringLiteral("browser.seam"));
    importtest::importIntoCache(out.full.toStdString(), fullFiles);
    importtest::importIntoCache(out.browserOnly.toStdString(), browserFiles);
    return written;
}

struct SeamRun
{
    int code = 0;
    QByteArray out, err;
};

inline SeamRun runSeam(const QStringList& args,
                       const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(seam::test::seamBinary(), args);
    SeamRun r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        r.code = -1;
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace seam::test
