#pragma once
// Recognising OTLP protobuf from its first bytes: which signal a TracesData / LogsData message
// carries, and whether a stream is made of length-prefixed frames. Used by detection
// (ImportFormats) and by the protobuf reader itself.

#include <cstdint>
#include <optional>
#include <string_view>

namespace seam {

/// No single OTLP message (a request, a frame, a span) may claim more than this.
constexpr std::uint64_t kMaxMessageBytes = 512ull << 20;

enum class OtlpSignal : std::uint8_t
{
    Unknown,
    Traces,
    Logs
};

/// What the first bytes of a TracesData / LogsData message say about themselves.
struct ProtobufSniff
{
    bool plausible = false; // the bytes walk as OTLP structure (not merely "some protobuf")
    OtlpSignal signal = OtlpSignal::Unknown;
};

/// Walks the first resource -> scope -> item of a serialized TracesData/LogsData (or the Export*
/// request, the same on the wire) and decides from the wire types which one it is: a Span starts
/// with length-delimited ids of 16 and 8 bytes and has fixed64 times in fields 7/8, a LogRecord has
/// fixed64 times in fields 1/11 and a varint severity in 2. `complete` says whether `bytes` is the
/// whole message or only its beginning (then running off the end is not held against it).
ProtobufSniff sniffOtlpProtobuf(std::string_view bytes, bool complete);

enum class FrameByteOrder : std::uint8_t
{
    BigEndian,
    LittleEndian
};

/// Whether `head` starts a stream of 4-byte-length-prefixed OTLP messages (the collector's file
/// exporter with protobuf encoding), and in which byte order. Big-endian is tried first; the docs do
/// not say, so little-endian is accepted when big-endian is implausible.
std::optional<FrameByteOrder> sniffFrameByteOrder(std::string_view head, bool complete);

} // namespace seam
