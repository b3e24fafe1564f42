#pragma once

// Field-level helpers of the HAR importer: resource types from Chrome's fields, fetch metadata, MIME
// types and URLs. Timestamps (IsoTime), propagated trace ids (Propagation) and base64 (Base64) are
// shared with the other readers in importers/common.

#include <string_view>

namespace seam::har {

/// Resource type from Chrome's `_resourceType` (document, stylesheet, script, xhr, fetch, ...).
/// Empty when the value is not one we know.
std::string_view typeFromChromeResourceType(std::string_view resourceType);
/// Resource type from the Sec-Fetch-Dest request header (document, script, style, image, empty, ...).
/// Empty when the value is not one we know.
std::string_view typeFromFetchDest(std::string_view dest);
/// Resource type from a response MIME type; "document" for HTML. Empty when it does not tell.
std::string_view typeFromMime(std::string_view mime);
/// Resource type from the URL's file extension; empty when it does not tell.
std::string_view typeFromUrl(std::string_view url);

} // namespace seam::har
