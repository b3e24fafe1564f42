#pragma once

// Writes one span payload (an attributes object, an events or links array) in the cache's binary form
// (PayloadCodec.h) from a stream of calls shaped like importers/common/JsonWriter's, so an importer can
// encode from its parsed values instead of writing JSON text for payload::encode() to read back. The
// JSON encoder drives the same builder, so both give the same bytes for the same value: what
// payload::encode(text) gives for the text JsonWriter would have written from the same calls.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seam {

class KeyDictionary;

namespace payload {

class Builder
{
public:
    /// Whether strings arrive as JsonWriter takes them (any bytes: invalid UTF-8 becomes U+FFFD, as
    /// JsonWriter writes it) or as the JSON encoder read them (kept as they are: the round trip of any
    /// JSON text is exact).
    enum class Strings
    {
        AsJsonWriter,
        AsIs
    };

    struct Frame
    {
        bool object = false;
        std::size_t countAt = 0;    // where the container's tag is in out
        std::uint64_t count = 0;    // members or elements so far
        std::uint32_t context = 0;  // the key id string values are shared under
        std::size_t valueAt = 0;    // where the current member's value starts
        std::string keys;           // object: the members' key encodings, in order (its shape)
        std::size_t valuesFrom = 0; // object: its first entry in valueSpans
        // Object below the top: the shape of the last object completed before this one began, the
        // only one a reader knows when it meets tag 13 (objects inside this one complete before it).
        std::string shapeBefore;
        bool hasShapeBefore = false;
    };
    /// What a builder writes into while it works. A caller that encodes one payload after another
    /// (the OTLP mapper, per span) keeps one and lends it to each builder, so a payload costs no
    /// allocations but its blob; a builder without one uses its own.
    struct Buffers
    {
        std::string out;
        std::vector<Frame> stack; // open containers are the first `depth`; the rest keep their buffers
        std::string scratch;      // a string with invalid UTF-8 fixed
        std::string arena;        // bytes of the string values kept
        std::vector<std::pair<std::uint32_t, std::uint32_t>> strings; // string values so far (arena
                                                                      // offset, size), for repeats
        std::string previousShape; // key encodings of the last object completed (if any)
        std::vector<std::pair<std::size_t, std::size_t>> valueSpans; // members' values of open objects
        std::string shape;   // a list's shape, behind the dictionary's marker (PayloadShape.h)
        std::string numbers; // and its numbers
    };

    /// The caller holds dictionary.lock() until finish(); ids the blob uses are appended to usedIds.
    Builder(KeyDictionary& dictionary, std::vector<std::uint32_t>& usedIds,
            Strings strings = Strings::AsJsonWriter, Buffers* buffers = nullptr);
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;

    // Callers keep the calls balanced, give a key() before each object member and nest at most
    // kMaxDepth containers (the JSON encoder checks; importers cap attribute nesting well below).
    void beginObject();
    void endObject();
    void beginArray();
    void endArray();
    void key(std::string_view name);
    void string(std::string_view value);
    void int64(std::int64_t value);
    void uint64(std::uint64_t value);
    /// NaN and infinities are null, as JsonWriter writes them.
    void number(double value);
    void boolean(bool value);
    void null();
    /// A JSON number literal as it stands in a text (the JSON encoder's numbers): shortest forms become
    /// integers and doubles, anything else is kept as text.
    void numberText(std::string_view text);

    /// True once a value was written.
    bool started() const { return m_b.out.size() > 1; }

    /// The blob: the id of a shared attribute set, a list by shape, a compressed list, or the binary value;
    /// "" when nothing was written (stored as NULL).
    std::string finish();

    static constexpr int kMaxDepth = 64;

private:
    std::string_view sanitized(std::string_view s);
    void endValue();
    void insertCount(std::size_t tagAt, std::uint64_t count);
    void integer(std::int64_t v);
    void addToShape(std::uint64_t keyHash);
    int depth() const { return int(m_depth); }
    std::uint32_t context() const { return m_depth == 0 ? 0 : m_b.stack[m_depth - 1].context; }
    Frame& top() { return m_b.stack[m_depth - 1]; }
    Frame& push();

    KeyDictionary& m_dict;
    std::vector<std::uint32_t>& m_used;
    const bool m_sanitize;
    Buffers m_own;
    Buffers& m_b;
    std::size_t m_depth = 0;
    std::optional<std::int64_t> m_previous;
    std::uint64_t m_shape = 1469598103934665603ull;
    bool m_hasPreviousShape = false;
};

} // namespace payload
} // namespace seam
