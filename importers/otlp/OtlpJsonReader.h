#pragma once

#include "Importer.h"

namespace seam {

/// Reads OTLP JSON (traces or logs): one document, several concatenated documents, one request per
/// line (the collector's file exporter), and Jaeger v3's {"result": {...}} envelope. Accepts what
/// senders actually write: hex ids in either case, enums as numbers or names, 64-bit integers as
/// strings or numbers, lowerCamelCase or snake_case keys, the legacy instrumentationLibrary* names.
///
/// Streams with RapidJSON's iterative SAX reader; only one span or log record at a time is held as a
/// small DOM, converted to its protobuf message and handed to OtlpMapper (the protobuf path's mapper).
///
/// Errors: a syntax error is fatal in a single document and skips the line in NDJSON. A span with
/// wrong types, bad ids or nesting deeper than 64 is rejected with its line and byte. Any single
/// string or token above 16 MiB stops the document with a clear error instead of buffering it.
class OtlpJsonReader : public FormatReader
{
public:
    void read(InputSource& in, ImportContext& ctx) override;

    static constexpr std::size_t kMaxTokenBytes = 16u << 20;
    static constexpr int kMaxItemDepth = 64;
};

} // namespace seam
