#pragma once
// Recognising OTLP protobuf from its first bytes: which signal a TracesData / LogsData message
// carries, and whether a stream is made of length-prefixed frames. Used by detection
// (ImportFormats) and by the protobuf reader itself.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace seam {

class InputSource;

/// How far detection reads on (in memory, for the reader to consume next) while an OTLP protobuf
/// message has not yet shown a span or log record: a first resource bigger than the head, say.
constexpr std::size_t kDetectMaxBytes = 64 << 20;
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

/// Walks resource -> scope -> item of a serialized TracesData/LogsData (or the Export* request, the
/// same on the wire) until a span or log record says which one it is: a Span starts with
/// length-delimited ids in fields 1/2 and has fixed64 times in fields 7/8, a LogRecord has fixed64
/// times in fields 1/11 and a varint severity in 2; a record whose own fields fit both is decided by
/// its nested messages, or else (whole, without span ids) taken as a log record. `complete` says
/// whether `bytes` is the whole message or only its beginning: then running off the end anywhere, also
/// inside a tag or a length, is not held against it, and the signal may stay Unknown.
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

/// Peeks at the OTLP protobuf message (of `length` bytes, or the rest) at the current position of `in`
/// without consuming it: kDetectHeadBytes, or further, up to kDetectMaxBytes, while its bytes read as
/// OTLP that has not yet shown a span or log record. `ended` tells whether the input ended first.
std::string_view peekOtlpHead(InputSource& in, std::uint64_t length, bool* ended = nullptr);

} // namespace seam
