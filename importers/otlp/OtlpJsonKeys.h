#pragma once

// Internal to importers/otlp: the OTLP JSON reader's pieces (OtlpJsonToProto, OtlpJsonSaxHandler).

#include <string>
#include <string_view>

namespace seam::otlpjson {

/// Keys compared case-insensitively without underscores, so traceId, trace_id and TraceId all match.
class KeyNormalizer
{
public:
    std::string_view operator()(std::string_view key)
    {
        m_buffer.clear();
        for (char c : key) {
            if (c == '_')
                continue;
            m_buffer.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
        }
        return m_buffer;
    }

private:
    std::string m_buffer;
};

} // namespace seam::otlpjson
