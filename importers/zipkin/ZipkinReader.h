#pragma once

#include "Ids.h"
#include "Importer.h"

#include <string_view>

namespace seam {

/// Whether the head of a JSON document is Zipkin v2 JSON: an array of spans (or of traces, i.e. an
/// array of span arrays, as /api/v2/traces returns) whose first span has `traceId` and `id`, or
/// Zipkin's endpoint keys.
bool looksLikeZipkinJson(std::string_view head);

/// The span id the server half of a shared Zipkin span gets: FNV-1a of the 8 id bytes, "server", the
/// server's service name and its start (epoch microseconds); never 0 and never the id itself.
/// Deterministic, so importing the file again finds the same row; the service and start keep apart
/// several servers that received the same one-way message (one producer id, many shared receivers).
SpanId zipkinServerSpanId(SpanId sharedId, std::string_view service, std::uint64_t startUs);

/// Reads Zipkin v2 JSON spans. Each becomes an OTLP span handed to OtlpMapper (so the rows are those
/// of the equivalent OTLP span):
///
/// - localEndpoint.serviceName -> resource service.name (unknown_service when absent); its address and
///   port -> network.local.address / network.local.port; remoteEndpoint -> peer.service,
///   network.peer.address, network.peer.port;
/// - kind CLIENT/SERVER/PRODUCER/CONSUMER -> the OTLP kind; no kind (a local span) -> internal;
/// - timestamp / duration (epoch microseconds): a span without timestamp is placed by its annotations
///   (first to last); one without duration ends at its last annotation (or is an instant). A span that
///   has neither timestamp nor annotations cannot be placed and is rejected with its location;
/// - annotations -> span events (name = value); tags -> attributes, except: `error` -> status error
///   with the tag's text as message (unless empty or "true"); http.method -> http.request.method,
///   http.status_code -> http.response.status_code (an integer), http.path -> url.path, http.url ->
///   url.full, http.host -> server.address, http.request.size / http.response.size ->
///   http.request.body.size / http.response.body.size (integers), http.route stays;
///
/// Shared spans: in Zipkin an RPC's client and server halves may carry the same id, the server half
/// marked `shared: true`. The cache keys spans by (trace, span_id), so the two would collapse into one
/// row. The server half therefore gets a derived id (zipkinServerSpanId), is parented to the client
/// half (the original id; the parentId it repeats is the client's parent) and keeps the original id
/// in the attribute zipkin.shared_span_id. The client half keeps its id, so spans that name it as
/// parent still find it.
///
/// Streaming (JsonItemStream): one span at a time as a small DOM. Bad input: a span with missing or
/// wrong-typed fields is rejected with its line and byte, the rest is kept; a syntax error ends the
/// import with its location, keeping what came before. Zipkin v1 spans (binaryAnnotations) are rejected.
class ZipkinReader : public FormatReader
{
public:
    void read(InputSource& in, ImportContext& ctx) override;
};

} // namespace seam
