// libFuzzer entry point shared by every importer's fuzz target: the bytes go through InputSource
// (gzip included), the format's reader and the mapping into records, exactly as `seam import` runs
// them, minus SQLite. SEAM_FUZZ_FORMAT names the reader; empty means "detect from the bytes".

#include "BatchSink.h"
#include "InputSource.h"
#include "ImportFormats.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto in = seam::InputSource::fromBuffer(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    seam::CollectingSink sink;
    seam::importSource(*in, sink, nullptr, SEAM_FUZZ_FORMAT);
    return 0;
}
