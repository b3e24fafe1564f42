#include "OtlpSniff.h"

namespace seam {
namespace {

/// A bounds-checked protobuf wire reader over a byte view; just enough for sniffing.
class WireCursor
{
public:
    explicit WireCursor(std::string_view bytes) : m_bytes(bytes) {}

    bool atEnd() const { return m_pos >= m_bytes.size(); }
    std::size_t remaining() const { return m_bytes.size() - m_pos; }

    bool readVarint(std::uint64_t& value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_bytes.size())
                return false;
            const auto b = std::uint8_t(m_bytes[m_pos++]);
            value |= std::uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    }

    /// Skips a field's payload; `out` receives a length-delimited payload (possibly cut short when the
    /// view ends, with `cut` set).
    bool skipPayload(int wireType, std::string_view* out, bool* cut)
    {
        *cut = false;
        std::uint64_t n = 0;
        switch (wireType) {
        case 0:
            return readVarint(n);
        case 1:
            return advance(8, cut);
        case 5:
            return advance(4, cut);
        case 2: {
            if (!readVarint(n) || n > kMaxMessageBytes)
                return false;
            const std::size_t take = std::size_t(std::min<std::uint64_t>(n, remaining()));
            *out = m_bytes.substr(m_pos, take);
            *cut = take < n;
            m_pos += take;
            return true;
        }
        default:
            return false; // groups (3, 4) are not used by OTLP; 6 and 7 do not exist
        }
    }

private:
    bool advance(std::size_t n, bool* cut)
    {
        *cut = remaining() < n;
        m_pos += std::min(n, remaining());
        return true;
    }

    std::string_view m_bytes;
    std::size_t m_pos = 0;
};

constexpr int kLen = 2;

/// Expected wire type per field number (index), -1 = not a field of the message.
constexpr int kSpanWire[] = {-1, kLen, kLen, kLen, kLen, kLen, 0, 1, 1, kLen, 0, kLen, 0, kLen, 0, kLen, 5};
constexpr int kLogWire[] = {-1, 1, 0, kLen, -1, kLen, kLen, 0, 5, kLen, kLen, 1, kLen};

int expectedWire(const int* table, std::size_t size, std::uint64_t field)
{
    return field < size ? table[field] : -1;
}

/// Walks a message of which only the field framing is checked. Returns false on impossible framing.
/// `visit(field, wireType, payload, cut)` may return false to reject.
template<typename Visit> bool walk(std::string_view bytes, bool complete, Visit&& visit)
{
    WireCursor c(bytes);
    while (!c.atEnd()) {
        std::uint64_t tag = 0;
        if (!c.readVarint(tag))
            return !complete; // ran off a truncated view
        const std::uint64_t field = tag >> 3;
        const int wireType = int(tag & 7);
        if (field == 0 || field > (1u << 29) - 1)
            return false;
        std::string_view payload;
        bool cut = false;
        if (!c.skipPayload(wireType, &payload, &cut))
            return false;
        if (cut && complete)
            return false;
        if (!visit(field, wireType, payload, cut))
            return false;
        if (cut)
            return true; // the rest is beyond the view
    }
    return true;
}

/// Resource / InstrumentationScope: attribute lists of KeyValue {key 1, value 2}.
bool plausibleAttributeHolder(std::string_view bytes, bool complete, std::uint64_t attributesField)
{
    return walk(bytes, complete, [&](std::uint64_t field, int wire, std::string_view payload, bool cut) {
        if (field != attributesField)
            return true;
        if (wire != kLen)
            return false;
        return walk(payload, complete && !cut, [](std::uint64_t f, int w, std::string_view, bool) {
            return (f != 1 && f != 2) || w == kLen;
        });
    });
}

OtlpSignal classifyItem(std::string_view bytes, bool complete, bool& plausible)
{
    // Wire types decide; id lengths only break a tie, so one span with a broken id does not make a
    // whole file unrecognisable (the reader rejects that span with a proper message).
    bool spanWire = true, logWire = true, spanIds = true, logIds = true;
    plausible = walk(bytes, complete, [&](std::uint64_t field, int wire, std::string_view payload, bool cut) {
        const int expectSpan = expectedWire(kSpanWire, std::size(kSpanWire), field);
        const int expectLog = expectedWire(kLogWire, std::size(kLogWire), field);
        if (expectSpan >= 0 && expectSpan != wire)
            spanWire = false;
        if (expectLog >= 0 && expectLog != wire)
            logWire = false;
        if (wire == kLen && !cut) {
            if ((field == 1 && payload.size() != 16) || (field == 2 && payload.size() != 8) ||
                (field == 4 && !payload.empty() && payload.size() != 8))
                spanIds = false;
            if ((field == 9 && !payload.empty() && payload.size() != 16) ||
                (field == 10 && !payload.empty() && payload.size() != 8))
                logIds = false;
        }
        return spanWire || logWire;
    });
    if (!plausible)
        return OtlpSignal::Unknown;
    if (spanWire && logWire) {
        spanWire = spanIds;
        logWire = logIds;
    }
    if (spanWire && !logWire)
        return OtlpSignal::Traces;
    if (logWire && !spanWire)
        return OtlpSignal::Logs;
    return OtlpSignal::Unknown;
}

/// ScopeSpans / ScopeLogs: scope 1, items 2, schema_url 3.
ProtobufSniff sniffScope(std::string_view bytes, bool complete)
{
    ProtobufSniff result{true, OtlpSignal::Unknown};
    bool decided = false;
    result.plausible =
        walk(bytes, complete, [&](std::uint64_t field, int wire, std::string_view payload, bool cut) {
            if (field > 3)
                return true;
            if (wire != kLen)
                return false;
            if (field == 1)
                return plausibleAttributeHolder(payload, complete && !cut, 3);
            if (field == 2 && !decided) {
                bool ok = false;
                result.signal = classifyItem(payload, complete && !cut, ok);
                decided = result.signal != OtlpSignal::Unknown;
                return ok;
            }
            return true;
        });
    return result;
}

/// ResourceSpans / ResourceLogs: resource 1, scope items 2 (or legacy 1000), schema_url 3.
ProtobufSniff sniffResource(std::string_view bytes, bool complete)
{
    ProtobufSniff result{true, OtlpSignal::Unknown};
    result.plausible =
        walk(bytes, complete, [&](std::uint64_t field, int wire, std::string_view payload, bool cut) {
            if (field > 3 && field != 1000)
                return true;
            if (wire != kLen)
                return false;
            if (field == 1)
                return plausibleAttributeHolder(payload, complete && !cut, 1);
            if ((field == 2 || field == 1000) && result.signal == OtlpSignal::Unknown) {
                const ProtobufSniff scope = sniffScope(payload, complete && !cut);
                result.signal = scope.signal;
                return scope.plausible;
            }
            return true;
        });
    return result;
}

std::uint32_t readU32(std::string_view b, FrameByteOrder order)
{
    const auto u = [&](int i) { return std::uint32_t(std::uint8_t(b[i])); };
    return order == FrameByteOrder::BigEndian ? u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3)
                                              : u(3) << 24 | u(2) << 16 | u(1) << 8 | u(0);
}

bool plausibleFrames(std::string_view head, bool complete, FrameByteOrder order)
{
    if (head.size() < 5)
        return false;
    const std::uint32_t n = readU32(head, order);
    if (n == 0 || n > kMaxMessageBytes || head[4] != '\x0a')
        return false;
    const bool whole = head.size() - 4 >= n;
    if (complete && !whole)
        return false;
    const std::string_view frame = head.substr(4, n);
    if (!sniffOtlpProtobuf(frame, whole).plausible)
        return false;
    // A second frame header, when visible, must be plausible too.
    if (whole && head.size() >= 4 + std::size_t(n) + 4) {
        const std::uint32_t next = readU32(head.substr(4 + n), order);
        if (next == 0 || next > kMaxMessageBytes)
            return false;
    }
    return true;
}

} // namespace

ProtobufSniff sniffOtlpProtobuf(std::string_view bytes, bool complete)
{
    // A real TracesData/LogsData starts with field 1 (resource_spans / resource_logs), length-delimited.
    if (bytes.empty() || bytes[0] != '\x0a')
        return {};
    ProtobufSniff result{true, OtlpSignal::Unknown};
    result.plausible =
        walk(bytes, complete, [&](std::uint64_t field, int wire, std::string_view payload, bool cut) {
            if (field != 1 || wire != kLen)
                return false;
            if (result.signal != OtlpSignal::Unknown)
                return true;
            const ProtobufSniff r = sniffResource(payload, complete && !cut);
            result.signal = r.signal;
            return r.plausible;
        });
    return result;
}

std::optional<FrameByteOrder> sniffFrameByteOrder(std::string_view head, bool complete)
{
    if (plausibleFrames(head, complete, FrameByteOrder::BigEndian))
        return FrameByteOrder::BigEndian;
    if (plausibleFrames(head, complete, FrameByteOrder::LittleEndian))
        return FrameByteOrder::LittleEndian;
    return std::nullopt;
}

} // namespace seam
