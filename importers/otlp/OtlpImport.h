#pragma once

#include "Importer.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace seam {

using ImportProgress = std::function<void(std::uint64_t rawBytes, std::uint64_t rawTotal)>;

/// The reader for a format name (see formats:: in FormatDetector.h), or null if there is none.
/// Every file format registers here; detection lives in FormatDetector.
std::unique_ptr<FormatReader> makeReader(const std::string& format);
/// The format names makeReader knows (for --format help and validation).
std::vector<std::string> knownFormats();

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
