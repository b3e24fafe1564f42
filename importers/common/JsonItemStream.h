#pragma once

#include "Importer.h"

#include <cstdint>
#include <rapidjson/document.h>
#include <string>
#include <string_view>
#include <vector>

namespace seam {

/// Streams a JSON input (one document or several concatenated / one per line) with RapidJSON's
/// iterative SAX reader and hands the objects a Client asks for to it as small DOMs, one at a time.
/// Captures nest: an object captured inside another captured object is delivered on its own and left
/// out of the outer one (Jaeger: a trace's spans and processes are delivered one by one, the trace
/// object itself then holds only its scalars). So memory is bounded by the largest single item,
/// never by the file.
///
/// Guards: a single string or token above kMaxTokenBytes ends the input with a located error (what
/// was delivered before is kept); an item nested deeper than kMaxItemDepth or larger than
/// kMaxItemBytes (not counting the items captured inside it) is rejected with its location and skipped;
/// nesting deeper than kMaxDepth outside any item ends the input. Cancellation is checked while reading.
class JsonItemStream
{
public:
    static constexpr std::size_t kMaxTokenBytes = 16u << 20;
    static constexpr std::uint64_t kMaxItemBytes = 64u << 20;
    static constexpr std::size_t kMaxItemDepth = 64;
    static constexpr std::size_t kMaxDepth = 256;

    /// One open container on the way from the root to the current value.
    struct Frame
    {
        bool array = false;
        std::string key; // the member name it sits under in its parent object ("" in arrays / at root)
        int role = 0;    // what the client's capture() returned for it (0: not captured)
    };
    using Path = std::vector<Frame>;

    class Client
    {
    public:
        virtual ~Client() = default;
        /// An object starts; `path` ends with its own frame. Return a non-zero role to capture it.
        virtual int capture(const Path& path) = 0;
        /// A captured object is complete. `path` ends with its frame. Return false to stop reading.
        virtual bool item(const Path& path, rapidjson::Value& value, const std::string& location) = 0;
        /// A root value (document) ended; `rootKeys` lists the keys of a root object (first few).
        virtual void rootDone(const std::string& /*rootKeys*/) {}
    };

    /// Reads all of `in`. A syntax error is fatal (with line and byte), keeping what came before.
    static void run(InputSource& in, ImportContext& ctx, Client& client);

    /// "line 3, byte 120" style location helper for clients' own messages.
    static std::string describe(const rapidjson::Value& v);
};

/// The keys of the first object of interest in the head of a JSON document, for detection: for a
/// root object its own keys and, when one is "data", the first object inside it; for a root array the
/// keys of its first object (looking inside one level of nested arrays). `head` may be cut anywhere.
struct JsonHeadShape
{
    bool rootArray = false;
    std::vector<std::string> rootKeys; // a root object's keys (seen in the head)
    std::vector<std::string> itemKeys; // the first object inside the root array / data
    bool dataIsEmptyArray = false;
    bool nestedArrays = false; // the first item sat in an array inside the root array
};
JsonHeadShape sniffJsonHead(std::string_view head);

} // namespace seam
