#pragma once

#include "FormatNames.h"
#include "OtlpSniff.h"
#include "Importer.h"

namespace seam {

/// Reads OTLP protobuf: a TracesData / ExportTraceServiceRequest or LogsData / ExportLogsServiceRequest
/// (the same bytes on the wire), or the collector file exporter's stream of 4-byte-length-prefixed
/// requests.
///
/// Streams: the wire format is walked field by field down to one span or log record at a time, which
/// is the only thing ever parsed into a message, so memory stays flat however large the file (also
/// beyond 2 GiB, where a single CodedInputStream would stop).
///
/// Errors: a span whose bytes are not valid protobuf inside a sound frame is rejected and the next one
/// read. Broken structure inside a framed resource/scope message rejects the rest of that message.
/// Broken top-level framing or truncation is fatal (with the byte offset); what came before stays.
class OtlpProtobufReader : public FormatReader
{
public:
    enum class Framing
    {
        Single,
        LengthPrefixed
    };

    /// For LengthPrefixed the signal is the default for frames whose content does not say.
    OtlpProtobufReader(OtlpSignal signal, Framing framing) : m_signal(signal), m_framing(framing) {}

    void read(InputSource& in, ImportContext& ctx) override;

private:
    OtlpSignal m_signal;
    Framing m_framing;
};

} // namespace seam
