#include "OtlpProtobufReader.h"

#include "OtlpMapper.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <climits>
#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace seam {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

namespace {

/// Hands InputSource's decoded buffer to protobuf without copying. Bytes given out by Next() are
/// consumed from the source lazily (on the next call), so BackUp() can still return them.
class SourceStream final : public google::protobuf::io::ZeroCopyInputStream
{
public:
    explicit SourceStream(InputSource& in) : m_in(in) {}

    bool Next(const void** data, int* size) override
    {
        commit();
        const std::string_view view = m_in.peek(InputSource::kChunk);
        if (view.empty())
            return false;
        *data = view.data();
        *size = int(view.size());
        m_pending = view.size();
        return true;
    }
    void BackUp(int count) override { m_pending -= std::size_t(count); }
    bool Skip(int count) override
    {
        commit();
        return m_in.skip(std::uint64_t(count)) == std::uint64_t(count);
    }
    std::int64_t ByteCount() const override { return std::int64_t(position()); }

    /// Decoded offset of the next byte protobuf has not consumed.
    std::uint64_t position() const { return m_in.offset() + m_pending; }
    void commit()
    {
        if (m_pending) {
            m_in.skip(m_pending);
            m_pending = 0;
        }
    }

private:
    InputSource& m_in;
    std::size_t m_pending = 0;
};

enum class Status
{
    Ok,
    Malformed, // bad structure inside a framed message: skip the rest of that message
    Truncated, // the input ended inside a message: fatal
};

std::string at(std::uint64_t offset)
{
    return "byte " + std::to_string(offset);
}

/// Walks resource_spans / resource_logs messages down to single spans / log records.
class Walker
{
public:
    Walker(InputSource& in, ImportContext& ctx, OtlpSignal signal)
        : m_in(in), m_ctx(ctx), m_stream(in), m_builder(ctx.sink), m_mapper(m_builder, ctx.report),
          m_signal(signal)
    {
        newItemMessages();
    }

    void readSingle();
    void readFrames();
    void finish()
    {
        m_stream.commit();
        m_builder.flush();
        m_ctx.report.bytesRead = m_in.offset();
    }

private:
    /// One top-level field (resource_spans / resource_logs = 1; anything else is skipped).
    /// Returns false when nothing more can be read from `cis` (end, or a fatal error recorded).
    bool topLevelField(CodedInputStream& cis, std::uint64_t base);
    Status resourceMessage(CodedInputStream& cis, std::uint64_t base);
    Status scopeMessage(CodedInputStream& cis, std::uint64_t base);
    Status item(CodedInputStream& cis, std::uint64_t base, std::uint64_t tagOffset);
    /// Parses the next `length` bytes into `message`; `parsed` says whether they were valid protobuf.
    bool parseBytes(CodedInputStream& cis, int length, google::protobuf::MessageLite& message, bool& parsed);
    /// Skips to the end of the innermost limit (after a reject); false if the input ends first.
    bool skipToLimit(CodedInputStream& cis);
    Status endOfFields(CodedInputStream& cis) const
    {
        if (!cis.ConsumedEntireMessage())
            return Status::Malformed;
        return cis.BytesUntilLimit() > 0 ? Status::Truncated : Status::Ok;
    }
    /// Top-level structure is broken: fatal in a single message, a rejected frame in a stream.
    void broken(std::uint64_t offset, std::string message)
    {
        if (m_inFrame) {
            m_ctx.report.addRejected(at(offset), std::move(message) + "; skipped the rest of the frame");
            m_frameBroken = true;
        } else {
            fatal(offset, std::move(message));
        }
    }
    void fatal(std::uint64_t offset, std::string message)
    {
        m_ctx.report.setFatal(at(offset), std::move(message));
        m_stop = true;
    }
    void tick()
    {
        if ((++m_items & 1023) == 0) {
            if (m_ctx.cancelled()) {
                m_ctx.report.cancelled = true;
                m_stop = true;
            }
            if (m_ctx.progress)
                m_ctx.progress(m_in.rawOffset(), m_in.rawSize());
        }
    }
    /// Length claims larger than the cap, or (for plain files) than what is left, are fatal up front
    /// rather than after reading to the end.
    bool checkLength(std::uint64_t length, std::uint64_t offset, const char* what)
    {
        if (length > kMaxMessageBytes) {
            fatal(offset, std::string(what) + " claims " + std::to_string(length) +
                              " bytes, more than the limit of " + std::to_string(kMaxMessageBytes));
            return false;
        }
        if (!m_in.isCompressed() && m_in.rawSize() && offset + length > m_in.rawSize()) {
            fatal(offset, std::string(what) + " claims " + std::to_string(length) +
                              " bytes but the input ends at byte " + std::to_string(m_in.rawSize()) +
                              " (truncated?)");
            return false;
        }
        return true;
    }

    InputSource& m_in;
    ImportContext& m_ctx;
    SourceStream m_stream;
    BatchBuilder m_builder;
    OtlpMapper m_mapper;
    OtlpSignal m_signal;
    bool m_stop = false;
    bool m_inFrame = false;
    bool m_frameBroken = false;
    std::uint64_t m_items = 0;

    // Spans and log records are parsed into messages on an arena, reused across records: a cleared
    // message keeps its repeated fields' elements and their strings, and what it drops (every
    // attribute's AnyValue: Clear() deletes a message field on the heap) is abandoned in the arena
    // instead of freed one by one. The arena is emptied every kArenaItems records.
    static constexpr std::uint32_t kArenaItems = 256;
    void newItemMessages()
    {
        m_arena.Reset();
        m_span = google::protobuf::Arena::CreateMessage<opentelemetry::proto::trace::v1::Span>(&m_arena);
        m_log = google::protobuf::Arena::CreateMessage<opentelemetry::proto::logs::v1::LogRecord>(&m_arena);
        m_arenaItems = 0;
    }
    google::protobuf::Arena m_arena;
    opentelemetry::proto::trace::v1::Span* m_span = nullptr;
    opentelemetry::proto::logs::v1::LogRecord* m_log = nullptr;
    std::uint32_t m_arenaItems = 0;
    opentelemetry::proto::resource::v1::Resource m_resource;
    opentelemetry::proto::common::v1::InstrumentationScope m_scope;
    std::string m_scratch;
    std::string m_location;
};

void Walker::readSingle()
{
    // A fresh CodedInputStream per top-level message: each has a 2 GiB byte limit, the file does not.
    while (!m_stop) {
        const std::uint64_t base = m_stream.position();
        CodedInputStream cis(&m_stream);
        cis.SetTotalBytesLimit(INT_MAX);
        if (!topLevelField(cis, base))
            break;
    }
}

bool Walker::topLevelField(CodedInputStream& cis, std::uint64_t base)
{
    const std::uint32_t tag = cis.ReadTag();
    if (tag == 0) {
        if (!cis.ConsumedEntireMessage())
            broken(base, "invalid protobuf field tag");
        return false;
    }
    if (WireFormatLite::GetTagFieldNumber(tag) != 1 ||
        WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
        // Not ours (a future field, or partial_success in a response): skip it.
        if (!WireFormatLite::SkipField(&cis, tag)) {
            broken(base, "malformed or truncated protobuf field " +
                             std::to_string(WireFormatLite::GetTagFieldNumber(tag)));
            return false;
        }
        return true;
    }
    const char* what = m_signal == OtlpSignal::Logs ? "resource_logs" : "resource_spans";
    std::uint64_t length = 0;
    if (!cis.ReadVarint64(&length)) {
        broken(base, std::string("truncated length of ") + what);
        return false;
    }
    const std::uint64_t start = base + std::uint64_t(cis.CurrentPosition());
    if (m_inFrame && length > std::uint64_t(cis.BytesUntilLimit())) {
        broken(start,
               std::string(what) + " claims " + std::to_string(length) + " bytes, more than its frame holds");
        return false;
    }
    if (!checkLength(length, start, what))
        return false;
    const auto limit = cis.PushLimit(int(length));
    const Status status = resourceMessage(cis, base);
    if (status == Status::Malformed) {
        m_ctx.report.addRejected(at(start),
                                 std::string(what) + " message is malformed; skipped the rest of it");
        if (!skipToLimit(cis)) {
            fatal(start, std::string("input ends inside ") + what + " (truncated?)");
            return false;
        }
    } else if (status == Status::Truncated) {
        fatal(base + std::uint64_t(cis.CurrentPosition()), std::string("input ends inside ") + what +
                                                               " starting at byte " + std::to_string(start) +
                                                               " (truncated?)");
        return false;
    }
    cis.PopLimit(limit);
    return !m_stop;
}

Status Walker::resourceMessage(CodedInputStream& cis, std::uint64_t base)
{
    bool resourceSeen = false;
    while (!m_stop) {
        const std::uint32_t tag = cis.ReadTag();
        if (tag == 0)
            return endOfFields(cis);
        const int field = WireFormatLite::GetTagFieldNumber(tag);
        const bool delimited =
            WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
        if (field == 1 && delimited) {
            std::uint32_t length = 0;
            if (!cis.ReadVarint32(&length) || std::int64_t(length) > cis.BytesUntilLimit())
                return Status::Malformed;
            bool parsed = false;
            if (!parseBytes(cis, int(length), m_resource, parsed))
                return Status::Truncated;
            if (!parsed)
                return Status::Malformed;
            m_mapper.beginResource(m_resource);
            resourceSeen = true;
        } else if ((field == 2 || field == 1000) && delimited) {
            if (!resourceSeen) { // senders write fields in order; a resource after its spans is not seen
                m_mapper.beginResource(opentelemetry::proto::resource::v1::Resource::default_instance());
                resourceSeen = true;
            }
            std::uint32_t length = 0;
            if (!cis.ReadVarint32(&length) || std::int64_t(length) > cis.BytesUntilLimit())
                return Status::Malformed;
            const std::uint64_t start = base + std::uint64_t(cis.CurrentPosition());
            const auto limit = cis.PushLimit(int(length));
            const Status status = scopeMessage(cis, base);
            if (status == Status::Truncated)
                return status;
            if (status == Status::Malformed) {
                m_ctx.report.addRejected(at(start),
                                         m_signal == OtlpSignal::Logs
                                             ? "scope_logs message is malformed; skipped the rest of it"
                                             : "scope_spans message is malformed; skipped the rest of it");
                if (!skipToLimit(cis))
                    return Status::Truncated;
            }
            cis.PopLimit(limit);
        } else if (!WireFormatLite::SkipField(&cis, tag)) {
            return cis.BytesUntilLimit() > 0 && cis.ConsumedEntireMessage() ? Status::Truncated
                                                                            : Status::Malformed;
        }
    }
    return Status::Ok;
}

Status Walker::scopeMessage(CodedInputStream& cis, std::uint64_t base)
{
    m_mapper.beginScope(opentelemetry::proto::common::v1::InstrumentationScope::default_instance());
    while (!m_stop) {
        const std::uint64_t tagOffset = base + std::uint64_t(cis.CurrentPosition());
        const std::uint32_t tag = cis.ReadTag();
        if (tag == 0)
            return endOfFields(cis);
        const int field = WireFormatLite::GetTagFieldNumber(tag);
        const bool delimited =
            WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
        if (field == 1 && delimited) {
            std::uint32_t length = 0;
            if (!cis.ReadVarint32(&length) || std::int64_t(length) > cis.BytesUntilLimit())
                return Status::Malformed;
            bool parsed = false;
            if (!parseBytes(cis, int(length), m_scope, parsed))
                return Status::Truncated;
            if (!parsed)
                return Status::Malformed;
            m_mapper.beginScope(m_scope);
        } else if (field == 2 && delimited) {
            const Status status = item(cis, base, tagOffset);
            if (status != Status::Ok)
                return status;
        } else if (!WireFormatLite::SkipField(&cis, tag)) {
            return Status::Malformed;
        }
    }
    return Status::Ok;
}

Status Walker::item(CodedInputStream& cis, std::uint64_t, std::uint64_t tagOffset)
{
    std::uint32_t length = 0;
    if (!cis.ReadVarint32(&length) || std::int64_t(length) > cis.BytesUntilLimit())
        return Status::Malformed;
    const bool logs = m_signal == OtlpSignal::Logs;
    if (++m_arenaItems == kArenaItems)
        newItemMessages();
    google::protobuf::MessageLite& message =
        logs ? static_cast<google::protobuf::MessageLite&>(*m_log) : *m_span;
    bool parsed = false;
    if (!parseBytes(cis, int(length), message, parsed))
        return Status::Truncated;
    m_location = at(tagOffset);
    if (!parsed)
        m_ctx.report.addRejected(m_location,
                                 logs ? "log record is not valid protobuf" : "span is not valid protobuf");
    else if (logs)
        m_mapper.addLog(*m_log, m_location);
    else
        m_mapper.addSpan(*m_span, m_location);
    tick();
    return Status::Ok;
}

bool Walker::parseBytes(CodedInputStream& cis, int length, google::protobuf::MessageLite& message,
                        bool& parsed)
{
    // Fast path: the bytes are contiguous in the current buffer, parse them in place.
    const void* data = nullptr;
    int available = 0;
    if (cis.GetDirectBufferPointer(&data, &available) && available >= length) {
        parsed = message.ParseFromArray(data, length);
        return cis.Skip(length);
    }
    if (!cis.ReadString(&m_scratch, length))
        return false;
    parsed = message.ParseFromString(m_scratch);
    return true;
}

bool Walker::skipToLimit(CodedInputStream& cis)
{
    const int left = cis.BytesUntilLimit();
    return left <= 0 || cis.Skip(left);
}

std::uint32_t frameLength(const char* b, FrameByteOrder order)
{
    const auto u = [&](int i) { return std::uint32_t(std::uint8_t(b[i])); };
    return order == FrameByteOrder::BigEndian ? u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3)
                                              : u(3) << 24 | u(2) << 16 | u(1) << 8 | u(0);
}

void Walker::readFrames()
{
    const std::string_view head = m_in.peek(kDetectHeadBytes);
    const FrameByteOrder order =
        sniffFrameByteOrder(head, head.size() < kDetectHeadBytes).value_or(FrameByteOrder::BigEndian);
    while (!m_stop) {
        m_stream.commit();
        const std::uint64_t frameStart = m_in.offset();
        char header[4];
        const std::size_t got = m_in.read(header, sizeof header);
        if (got == 0)
            return;
        if (got < sizeof header)
            return fatal(frameStart, "truncated frame length");
        const std::uint32_t length = frameLength(header, order);
        if (!checkLength(length, frameStart + 4, "frame"))
            return;
        if (length == 0)
            continue;
        // Each frame says for itself whether it carries spans or logs.
        const std::string_view frameHead = peekOtlpHead(m_in, length);
        const ProtobufSniff sniff = sniffOtlpProtobuf(frameHead, frameHead.size() == length);
        if (sniff.signal != OtlpSignal::Unknown)
            m_signal = sniff.signal;

        const std::uint64_t base = m_stream.position();
        CodedInputStream cis(&m_stream);
        cis.SetTotalBytesLimit(INT_MAX);
        const auto limit = cis.PushLimit(int(length));
        m_inFrame = true;
        m_frameBroken = false;
        while (topLevelField(cis, base)) {
        }
        m_inFrame = false;
        if (m_stop)
            return;
        // A frame whose content is broken still has a good length: skip to the next frame.
        if (m_frameBroken && !skipToLimit(cis))
            return fatal(frameStart, "input ends inside the frame (truncated?)");
        if (cis.BytesUntilLimit() > 0)
            return fatal(frameStart, "input ends inside the frame (truncated?)");
        cis.PopLimit(limit);
    }
}

} // namespace

void OtlpProtobufReader::read(InputSource& in, ImportContext& ctx)
{
    Walker walker(in, ctx, m_signal);
    if (m_framing == Framing::LengthPrefixed)
        walker.readFrames();
    else
        walker.readSingle();
    walker.finish();
}

} // namespace seam
