#pragma once

// A real ClickHouse engine for tests: the npm package chdb behind tests/importers/remote/clickhouse/
// front.mjs on loopback (an HTTP-interface look-alike), holding the exporter's otel_traces filled with
// the demo's telemetry as the clickhouseexporter writes it; the same telemetry as OTLP protobuf files
// for a file import to compare with. The front's and chdb's folders come from TestPaths.h.

#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace seam::test {

class ClickHouseEngine
{
public:
    static constexpr const char* kUser = "seam";
    static constexpr const char* kPassword = "s3cret-Pa55";

    ClickHouseEngine() = default;
    ~ClickHouseEngine();
    ClickHouseEngine(const ClickHouseEngine&) = delete;
    ClickHouseEngine& operator=(const ClickHouseEngine&) = delete;

    /// Generates the demo (`sessions`, seed 11) into `dir`, installs chdb when missing and starts the
    /// front. Returns an error, or empty; `skip` is set (and the error says why) when node, npm or the
    /// registry is not available.
    /// `extra` telemetry goes into both the store and the files, next to the demo.
    QString start(const QString& dir, int sessions, bool& skip,
                  const std::vector<opentelemetry::proto::trace::v1::TracesData>& extra = {});
    /// Copies the front into test::remoteNodeDir() and installs chdb there when missing, one test at a
    /// time (a lock file). Returns an error, or empty; `skip` as for start().
    static QString prepareNode(bool& skip);

    int port() const { return m_port; }
    const QStringList& files() const { return m_files; }
    std::int64_t spans() const { return m_spans; }
    /// clickhouse://seam[:password]@127.0.0.1:PORT/otel?table=otel_traces
    QString url(bool withPassword) const;

private:
    QProcess m_front;
    int m_port = 0;
    QStringList m_files;
    std::int64_t m_spans = 0;
};

} // namespace seam::test
