#include "PullBenchStore.h"

#include "DemoGenerator.h"
#include "ExporterRows.h"
#include "OtlpBrowser.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QDir>
#include <QFile>
#include <cmath>
#include <unordered_set>

namespace seam::bench {
namespace otlp = opentelemetry::proto;

namespace {

DemoOptions copyOptions(int index, int sessions)
{
    DemoOptions options;
    options.seed = 11 + std::uint64_t(index);
    options.sessions = sessions;
    options.start += TimeNs(index) * options.minutes * 60 * 1'000'000'000;
    return options;
}

bool resourceIsBrowser(const otlp::trace::v1::ResourceSpans& rs)
{
    for (const auto& kv : rs.resource().attributes())
        if (kv.key() == kBrowserSdkLanguageKey)
            return kv.value().string_value() == kBrowserSdkLanguage;
    return false;
}

bool readTraces(const QString& file, otlp::trace::v1::TracesData& traces, QString& error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly) || !traces.ParseFromString(f.readAll().toStdString())) {
        error = QStringLiteral("cannot read ") + file;
        return false;
    }
    return true;
}

} // namespace

int sessionsForStore(std::int64_t storeSpans, int copies)
{
    // The demo's spans per session barely depend on the session count (sessions are independent and
    // arrive uniformly), so a small run gives the rate.
    constexpr int kSample = 200;
    DemoGenerator generator(copyOptions(0, kSample));
    generator.generate({}, {});
    const double perSession = double(generator.stats().spans) / kSample;
    return std::max(1, int(std::lround(double(storeSpans) / copies / perSession)));
}

QString buildPullStore(const QString& dir, int copies, int sessionsPerCopy, const std::set<int>& keepOtlp,
                       PullStoreLayout& out)
{
    out.copies = copies;
    out.sessionsPerCopy = sessionsPerCopy;
    out.copyNs = std::int64_t(DemoOptions().minutes) * 60 * 1'000'000'000;
    out.copy.assign(std::size_t(copies), {});
    for (int i = 0; i < copies; ++i) {
        PullStoreCopy& c = out.copy[std::size_t(i)];
        const DemoOptions options = copyOptions(i, sessionsPerCopy);
        c.startNs = options.start;
        c.rowsFile = QDir(dir).filePath(QStringLiteral("rows-%1.jsonl").arg(i, 2, 10, QLatin1Char('0')));
        QFile rows(c.rowsFile);
        if (!rows.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write ") + c.rowsFile;
        QString error;
        DemoGenerator generator(options);
        generator.generate(
            [&](const otlp::trace::v1::TracesData& traces) {
                QByteArray lines;
                test::appendExporterRows(traces, lines);
                c.spans += lines.count('\n');
                rows.write(lines);
                if (!keepOtlp.contains(i))
                    return;
                const QString name = QDir(dir).filePath(
                    QStringLiteral("copy-%1-%2.pb").arg(i).arg(c.otlpFiles.size(), 4, 10, QLatin1Char('0')));
                QFile f(name);
                if (!f.open(QIODevice::WriteOnly))
                    error = QStringLiteral("cannot write ") + name;
                f.write(QByteArray::fromStdString(traces.SerializeAsString()));
                c.otlpFiles << name;
            },
            {});
        if (!error.isEmpty())
            return error;
    }
    return {};
}

std::int64_t writeWindowFile(const QStringList& files, std::int64_t fromNs, std::int64_t toNs,
                             const QString& path, QString& error)
{
    // Pass 1: the trace ids of the window's browser spans (the pull's first stage).
    std::unordered_set<std::string> traceIds;
    const auto isBrowser = [](bool resource, const otlp::trace::v1::ScopeSpans& ss) {
        return resource || isBrowserScope(ss.scope().name());
    };
    const auto inWindow = [&](const otlp::trace::v1::Span& s) {
        return std::int64_t(s.start_time_unix_nano()) >= fromNs &&
               std::int64_t(s.start_time_unix_nano()) < toNs;
    };
    for (const QString& file : files) {
        otlp::trace::v1::TracesData traces;
        if (!readTraces(file, traces, error))
            return -1;
        for (const auto& rs : traces.resource_spans()) {
            const bool resource = resourceIsBrowser(rs);
            for (const auto& ss : rs.scope_spans())
                if (isBrowser(resource, ss))
                    for (const auto& span : ss.spans())
                        if (inWindow(span))
                            traceIds.insert(span.trace_id());
        }
    }
    // Pass 2: those browser spans and the backend spans of their traces (the pull's second stage).
    // Serialized TracesData messages appended to one file parse as one message (repeated fields
    // concatenate), so each input is filtered and written on its own and memory stays bounded.
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly)) {
        error = QStringLiteral("cannot write ") + path;
        return -1;
    }
    std::int64_t written = 0;
    for (const QString& file : files) {
        otlp::trace::v1::TracesData traces, kept;
        if (!readTraces(file, traces, error))
            return -1;
        for (const auto& rs : traces.resource_spans()) {
            const bool resource = resourceIsBrowser(rs);
            otlp::trace::v1::ResourceSpans keptResource;
            for (const auto& ss : rs.scope_spans()) {
                const bool browser = isBrowser(resource, ss);
                otlp::trace::v1::ScopeSpans keptScope;
                for (const auto& span : ss.spans())
                    if (browser ? inWindow(span) : traceIds.contains(span.trace_id()))
                        *keptScope.add_spans() = span;
                if (keptScope.spans_size() == 0)
                    continue;
                written += keptScope.spans_size();
                *keptScope.mutable_scope() = ss.scope();
                keptScope.set_schema_url(ss.schema_url());
                *keptResource.add_scope_spans() = std::move(keptScope);
            }
            if (keptResource.scope_spans_size() == 0)
                continue;
            *keptResource.mutable_resource() = rs.resource();
            keptResource.set_schema_url(rs.schema_url());
            *kept.add_resource_spans() = std::move(keptResource);
        }
        out.write(QByteArray::fromStdString(kept.SerializeAsString()));
    }
    return written;
}

} // namespace seam::bench
