#include "QueryStream.h"

#include "JsonChunkWriter.h"

#include <sqlite3.h>
#include <string>

namespace seam {
namespace {

/// A text or blob over the cap: an object, so that no consumer takes the prefix for the value.
void writeTruncated(JsonChunkWriter& out, bool text, std::string_view value, std::size_t cap)
{
    out.raw(text ? R"({"truncated": true, "type": "text", "bytes": )"
                 : R"({"truncated": true, "type": "blob", "bytes": )");
    out.integer(std::int64_t(value.size()));
    out.raw(R"(, "prefix": )");
    if (text)
        out.string(utf8Prefix(value, cap));
    else
        out.hexString(value.substr(0, cap));
    out.raw("}");
}

void writeValue(JsonChunkWriter& out, const Statement& st, int col, std::size_t cap)
{
    switch (st.columnType(col)) {
    case SQLITE_INTEGER: // exact, also beyond 2^53 (ns timestamps)
        out.integer(st.int64(col));
        return;
    case SQLITE_FLOAT:
        out.real(st.real(col));
        return;
    case SQLITE_TEXT: {
        const std::string_view text = st.text(col);
        if (cap && text.size() > cap)
            writeTruncated(out, true, text, cap);
        else
            out.string(text);
        return;
    }
    case SQLITE_BLOB: { // hex, as ids are shown everywhere else
        const std::string_view blob = st.blob(col);
        if (cap && blob.size() > cap)
            writeTruncated(out, false, blob, cap);
        else
            out.hexString(blob);
        return;
    }
    default:
        out.null();
    }
}

} // namespace

void QueryStream::run(std::string_view sql, const Options& options,
                      const std::function<void(std::string_view)>& sink)
{
    m_guard.startClock(options.timeout);
    Statement st = m_guard.prepare(sql);
    const std::size_t cap = options.maxValueBytes > 0 ? std::size_t(options.maxValueBytes) : 0;
    const int columns = st.columnCount();
    JsonChunkWriter out(sink);
    const auto step = [&] {
        try {
            return st.step();
        } catch (const SqliteError& e) {
            // The rows so far are whole: hand them over (a slow scan that times out still shows
            // what it found), then stop without closing the brackets.
            out.flush();
            if (std::string why = m_guard.takeRefusal(); !why.empty())
                throw QueryError(QueryError::Kind::Refused, why, e.code());
            if (m_guard.timedOut())
                throw QueryError(QueryError::Kind::TimedOut, "the query ran past its time limit", e.code());
            throw QueryError(QueryError::Kind::Failed, e.what(), e.code());
        }
    };
    bool row = step();
    out.raw("{\n    \"columns\": [");
    for (int i = 0; i < columns; ++i) {
        if (i)
            out.raw(", ");
        out.string(st.columnName(i));
    }
    out.raw("],\n    \"rows\": [");
    bool any = false;
    for (; row; row = step()) {
        out.raw(any ? ",\n        [" : "\n        [");
        any = true;
        for (int i = 0; i < columns; ++i) {
            if (i)
                out.raw(", ");
            writeValue(out, st, i, cap);
        }
        out.raw("]");
    }
    out.raw(any ? "\n    ]\n}\n" : "]\n}\n");
    out.flush();
}

} // namespace seam
