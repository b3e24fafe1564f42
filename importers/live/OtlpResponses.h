#pragma once

#include <QByteArray>
#include <cstdint>

namespace seam::live {

/// The bodies an OTLP/HTTP receiver answers with, in protobuf or JSON (the request's encoding).
enum class Encoding
{
    Protobuf,
    Json
};

enum class Signal
{
    Traces,
    Logs,
    Metrics
};

QByteArray contentTypeFor(Encoding encoding);

/// Export{Trace,Logs,Metrics}ServiceResponse: empty when nothing was rejected, otherwise with
/// partial_success {rejected_spans | rejected_log_records | rejected_data_points, error_message}.
QByteArray exportResponse(Encoding encoding, Signal signal, std::uint64_t rejected,
                          const QByteArray& message);

/// google.rpc.Status {code, message}: the body of every error answer. `grpcCode` is the gRPC
/// status code matching the HTTP one (3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, ...).
QByteArray statusBody(Encoding encoding, int grpcCode, const QByteArray& message);
/// The gRPC code conventionally paired with an HTTP status.
int grpcCodeForHttp(int httpStatus);

} // namespace seam::live
