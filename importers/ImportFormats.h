#pragma once

#include "FormatNames.h"
#include "Importer.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace seam {

class InputSource;

/// Detects the format from content. The file name is only a tie-breaker (e.g. "logs" in the name
/// for a protobuf message without any span or log record to tell).
std::string detectFormat(std::string_view head, bool complete, std::string_view fileNameHint = {});
/// Peeks (after transparent gzip) at the start of `in` without consuming it: kDetectHeadBytes, or up
/// to kDetectMaxBytes while OTLP protobuf has not yet said whether it holds spans or logs.
std::string detectFormat(InputSource& in, std::string_view fileNameHint = {});

using ImportProgress = std::function<void(std::uint64_t rawBytes, std::uint64_t rawTotal)>;

// The format registry: which formats Seam reads, how each is recognised from its content, and the one
// entry point that imports a source in any of them. It sits above the format folders
// (importers/<format>/), which know nothing of each other; importers/common knows no format.

/// The reader for a format name (see formats:: in FormatNames.h), or null if there is none.
/// Every file format registers here.
std::unique_ptr<FormatReader> makeReader(const std::string& format);
/// The format names makeReader knows (for --format help and validation).
std::vector<std::string> knownFormats();
/// The same names as one readable list ("otlp-json, otlp-protobuf-traces, ..."), for messages.
std::string knownFormatList();

/// Detects the format (unless `formatOverride` names one), reads the whole source into `sink` and
/// says what happened. Never throws for bad input: unreadable, unrecognised or broken input ends up
/// as the report's fatal error, with everything delivered before it kept.
/// `memory`: see ImportContext::memory.
ImportReport importSource(InputSource& in, BatchSink& sink, const std::atomic<bool>* cancel = nullptr,
                          std::string formatOverride = {}, ImportProgress progress = {},
                          StreamMemory* memory = nullptr);
ImportReport importFile(const std::string& path, BatchSink& sink, const std::atomic<bool>* cancel = nullptr,
                        std::string formatOverride = {}, ImportProgress progress = {});

} // namespace seam
