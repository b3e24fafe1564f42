#pragma once

// Rows of the clickhouseexporter's otel_traces table (as the pull selects them, JSONEachRow) back
// into OTLP spans for the OTLP mapper, so a pulled span becomes exactly what the same span imported
// from a file becomes. The exporter flattens attribute values to strings (Map(String, String)); they
// are given back their type where the text is unambiguous (canonical integers, decimals, true/false),
// which is what the mapper's numeric fields (http.status_code, ...) need. With the exporter's `json`
// option the attributes arrive as nested objects: keys are joined with '.' again.

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace seam {
class ImportReport;
class OtlpMapper;
} // namespace seam

namespace seam::remote {

class ClickHouseSpanRows
{
public:
    ClickHouseSpanRows(OtlpMapper& mapper, ImportReport& report);
    ~ClickHouseSpanRows();

    /// Feeds every line of a JSONEachRow body; `onRow` sees each row's key (ts, trace id, span id)
    /// for keyset paging and its trace id. Returns the number of rows fed; a malformed row is
    /// rejected through the mapper's report with `purpose` and its line in the location.
    struct RowKey
    {
        std::string timestampNs, traceId, spanId;
        bool browser = false;
    };
    std::int64_t feed(const QByteArray& body, const QString& purpose,
                      const std::function<void(const RowKey&)>& onRow);

private:
    struct State;
    std::unique_ptr<State> m_state;
    OtlpMapper& m_mapper;
    ImportReport& m_report;
};

/// The select list the row mapper reads (aliases ts, dur, trace, span, ...), built from the columns
/// the table has: optional ones (TraceState, ScopeVersion, Events.*, Links.*, StatusMessage) become
/// empty constants when absent. Only our own column names enter the SQL text.
QString spanSelectList(const std::function<bool(const QString& column)>& hasColumn);

} // namespace seam::remote
