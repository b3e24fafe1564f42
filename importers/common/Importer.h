#pragma once

#include "BatchSink.h"
#include "ImportReport.h"
#include "InputSource.h"
#include "StreamMemory.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace seam {

/// Everything a format reader needs besides its bytes.
struct ImportContext
{
    BatchSink& sink;
    ImportReport& report;
    const std::atomic<bool>* cancel = nullptr;
    /// Called now and then with the source's raw offset (for progress bars); may be empty.
    std::function<void(std::uint64_t rawBytes, std::uint64_t rawTotal)> progress;
    /// Shared with the other sources of the same stream (a live receiver's requests); null for a file,
    /// whose reader then remembers on its own.
    StreamMemory* memory = nullptr;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

/// One reader per format. read() consumes the whole source (or stops on cancel), delivering batches
/// to ctx.sink and recording accepted/rejected counts and fatal errors in ctx.report. It never throws
/// for bad input.
class FormatReader
{
public:
    virtual ~FormatReader() = default;
    virtual void read(InputSource& in, ImportContext& ctx) = 0;
};

} // namespace seam
