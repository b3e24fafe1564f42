#pragma once

// Deflate for cold payloads (events, links): raw deflate primed with a preset dictionary of earlier
// payloads, which is what makes a blob of a hundred bytes compress (shared structure and names are
// back-references into the preset). The preset is a dictionary string starting with kPresetMarker.

#include <memory>
#include <string>
#include <string_view>

namespace seam::payload {

constexpr char kPresetMarker = '\x03';

/// Compresses one blob with a preset; reused across calls (one per KeyDictionary, under its lock).
class PresetCompressor
{
public:
    PresetCompressor();
    ~PresetCompressor();
    PresetCompressor(const PresetCompressor&) = delete;
    PresetCompressor& operator=(const PresetCompressor&) = delete;

    /// Appends the raw deflate stream of `data` primed with `preset` to `out`; false on a zlib error.
    bool compress(std::string_view preset, std::string_view data, std::string& out);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// Inflates `stream` primed with `preset` into `out`; false if it is not a complete stream or would
/// exceed `maxSize` bytes.
bool inflateWithPreset(std::string_view preset, std::string_view stream, std::size_t maxSize,
                       std::string& out);

} // namespace seam::payload
