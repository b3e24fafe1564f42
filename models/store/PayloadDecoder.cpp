#include "PayloadCodec.h"
#include "PayloadCompression.h"
#include "PayloadFormat.h"
#include "PayloadShape.h"

#include <charconv>
#include <cstring>
#include <optional>

namespace seam::payload {
namespace {

constexpr int kMaxDepth = 64;
// Repeats can make a small blob decode to a large text; past this it is not a payload Seam wrote.
constexpr std::size_t kMaxOutput = std::size_t(64) << 20;

struct Malformed
{
    const char* why;
};

class Decoder
{
public:
    Decoder(std::string_view blob, const Lookup& lookup) : m_in(blob), m_lookup(lookup) {}

    // Writes the value at the cursor as JSON to `out`, or skips it when `out` is null.
    void value(std::string* out, int depth)
    {
        if (depth > kMaxDepth)
            throw Malformed{"nested too deep"};
        const auto tag = Tag(byte());
        switch (tag) {
        case Tag::Null:
            put(out, "null");
            return;
        case Tag::False:
            put(out, "false");
            return;
        case Tag::True:
            put(out, "true");
            return;
        case Tag::Integer:
        case Tag::Delta: {
            const std::int64_t v = integer(tag);
            if (out) {
                char buf[24];
                const auto r = std::to_chars(buf, buf + sizeof buf, v);
                put(out, std::string_view(buf, std::size_t(r.ptr - buf)));
            }
            return;
        }
        case Tag::Double: {
            const double d = real();
            if (out) {
                char buf[40];
                const auto r = std::to_chars(buf, buf + sizeof buf, d);
                put(out, std::string_view(buf, std::size_t(r.ptr - buf)));
            }
            return;
        }
        case Tag::Literal:
            put(out, bytes(varint()));
            return;
        case Tag::String:
        case Tag::Shared:
        case Tag::Repeat:
        case Tag::Hex: {
            const std::string& s = string(tag);
            if (out) {
                appendQuoted(*out, s);
                checkSize(*out);
            }
            return;
        }
        case Tag::Array: {
            const std::uint64_t n = count();
            put(out, "[");
            for (std::uint64_t i = 0; i < n; ++i) {
                if (i)
                    put(out, ",");
                value(out, depth + 1);
            }
            put(out, "]");
            return;
        }
        case Tag::Object: {
            const std::uint64_t n = count();
            std::vector<std::string> keys;
            keys.reserve(std::size_t(n));
            put(out, "{");
            for (std::uint64_t i = 0; i < n; ++i) {
                if (i)
                    put(out, ",");
                keys.emplace_back(key());
                member(out, keys.back(), depth);
            }
            put(out, "}");
            m_previousKeys = std::move(keys);
            return;
        }
        case Tag::SameKeys: {
            if (!m_previousKeys || m_previousKeys->empty())
                throw Malformed{"same keys as no object"};
            std::vector<std::string> keys = *m_previousKeys;
            put(out, "{");
            for (std::size_t i = 0; i < keys.size(); ++i) {
                if (i)
                    put(out, ",");
                member(out, keys[i], depth);
            }
            put(out, "}");
            m_previousKeys = std::move(keys);
            return;
        }
        }
        throw Malformed{"unknown value tag"};
    }

    void member(std::string* out, std::string_view key, int depth)
    {
        if (out) {
            appendQuoted(*out, key);
            out->push_back(':');
        }
        value(out, depth + 1);
    }

    std::uint8_t byte()
    {
        if (m_pos >= m_in.size())
            throw Malformed{"truncated"};
        return std::uint8_t(m_in[m_pos++]);
    }

    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = byte();
            v |= std::uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        throw Malformed{"varint too long"};
    }

    std::string_view bytes(std::uint64_t n)
    {
        if (n > m_in.size() - m_pos)
            throw Malformed{"length past the end"};
        const std::string_view s = m_in.substr(m_pos, std::size_t(n));
        m_pos += std::size_t(n);
        return s;
    }

    // Every element takes at least one byte: a count larger than what is left is a lie.
    std::uint64_t count()
    {
        const std::uint64_t n = varint();
        if (n > m_in.size() - m_pos)
            throw Malformed{"count past the end"};
        return n;
    }

    std::string_view key()
    {
        const std::uint64_t k = varint();
        if (k & 1)
            return bytes(k >> 1);
        return dictionary(k >> 1);
    }

    const std::string& dictionary(std::uint64_t id)
    {
        const std::string* s = id <= 0xffffffffu ? m_lookup(std::uint32_t(id)) : nullptr;
        if (!s)
            throw Malformed{"unknown dictionary id"};
        return *s;
    }

    std::int64_t integer(Tag tag)
    {
        const std::uint64_t v = varint();
        std::int64_t result;
        if (tag == Tag::Delta) {
            if (!m_previous)
                throw Malformed{"difference without a previous integer"};
            result = std::int64_t(std::uint64_t(*m_previous) + std::uint64_t(unzigzag(v)));
        } else {
            result = unzigzag(v);
        }
        m_previous = result;
        return result;
    }

    double real()
    {
        const std::string_view b = bytes(8);
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i)
            bits |= std::uint64_t(std::uint8_t(b[std::size_t(i)])) << (8 * i);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    }

    const std::string& string(Tag tag)
    {
        switch (tag) {
        case Tag::String:
            m_strings.emplace_back(bytes(varint()));
            break;
        case Tag::Shared:
            m_strings.push_back(dictionary(varint()));
            break;
        case Tag::Repeat: {
            const std::uint64_t i = varint();
            if (i >= m_strings.size())
                throw Malformed{"repeat of a string not seen"};
            m_strings.push_back(m_strings[std::size_t(i)]);
            break;
        }
        default: {
            static constexpr char kHex[] = "0123456789abcdef";
            const std::string_view b = bytes(varint());
            std::string s;
            s.reserve(b.size() * 2);
            for (const char c : b) {
                s.push_back(kHex[std::uint8_t(c) >> 4]);
                s.push_back(kHex[std::uint8_t(c) & 0xf]);
            }
            m_strings.push_back(std::move(s));
        }
        }
        m_stringBytes += m_strings.back().size();
        if (m_stringBytes > kMaxOutput)
            throw Malformed{"decodes to too much text"};
        return m_strings.back();
    }

    bool atEnd() const { return m_pos == m_in.size(); }

private:
    static void checkSize(const std::string& out)
    {
        if (out.size() > kMaxOutput)
            throw Malformed{"decodes to too much text"};
    }
    void put(std::string* out, std::string_view s)
    {
        if (out) {
            out->append(s);
            checkSize(*out);
        }
    }

    std::string_view m_in;
    std::size_t m_pos = 0;
    const Lookup& m_lookup;
    std::vector<std::string> m_strings;
    std::size_t m_stringBytes = 0;
    std::optional<std::int64_t> m_previous;
    std::optional<std::vector<std::string>> m_previousKeys; // of the last object completed
};

bool fail(std::string* error, const char* why)
{
    if (error)
        *error = std::string("malformed span payload: ") + why;
    return false;
}

// A shared attribute set (header 0x02, an id) stands for the 0x01 blob the dictionary holds under it;
// a compressed list (0x03) and a list by shape (0x04) for the 0x01 blob they are made from.
bool resolveShared(std::string_view& blob, const Lookup& lookup, std::string& holder, std::string* error)
{
    if (blob.empty())
        return true;
    const auto header = std::uint8_t(blob[0]);
    if (header != kSharedSet && header != kCompressed && header != kShaped)
        return true;
    const bool compressed = header == kCompressed;
    std::uint64_t id = 0;
    int shift = 0;
    std::size_t i = 1;
    for (;; ++i, shift += 7) {
        if (i >= blob.size() || shift > 28)
            return fail(error, "bad shared set id");
        id |= std::uint64_t(std::uint8_t(blob[i]) & 0x7f) << shift;
        if (!(std::uint8_t(blob[i]) & 0x80))
            break;
    }
    if (compressed) {
        // header, preset id, raw deflate of a value: inflated behind a 0x01 header.
        const std::string* preset = id <= 0xffffffffu ? lookup(std::uint32_t(id)) : nullptr;
        if (!preset || preset->empty() || (*preset)[0] != kPresetMarker)
            return fail(error, "unknown compression preset");
        holder.assign(1, char(kBinary));
        if (!inflateWithPreset(std::string_view(*preset).substr(1), blob.substr(i + 1), kMaxOutput, holder))
            return fail(error, "bad compressed payload");
        blob = holder;
        return true;
    }
    if (header == kShaped) {
        // header, shape id, the numbers: joined behind a 0x01 header.
        const std::string* shape = id <= 0xffffffffu ? lookup(std::uint32_t(id)) : nullptr;
        if (!shape || shape->empty() || (*shape)[0] != kShapeMarker)
            return fail(error, "unknown list shape");
        holder.assign(1, char(kBinary));
        if (!joinShape(std::string_view(*shape).substr(1), blob.substr(i + 1), holder))
            return fail(error, "numbers that do not fit the list's shape");
        blob = holder;
        return true;
    }
    if (i + 1 != blob.size())
        return fail(error, "bytes after the shared set id");
    const std::string* set = id <= 0xffffffffu ? lookup(std::uint32_t(id)) : nullptr;
    if (!set)
        return fail(error, "unknown shared set id");
    if (set->empty() || std::uint8_t((*set)[0]) != kBinary)
        return fail(error, "shared set is not an encoded value");
    // A copy: the lookup's strings may move when it reads more of the dictionary while decoding.
    holder = *set;
    blob = holder;
    return true;
}

} // namespace

bool decode(std::string_view blob, const Lookup& lookup, std::string& json, std::string* error)
{
    if (blob.empty())
        return true;
    std::string holder;
    if (!resolveShared(blob, lookup, holder, error))
        return false;
    const auto header = std::uint8_t(blob[0]);
    if (header == kRawJson) {
        json.append(blob.substr(1));
        return true;
    }
    if (header != kBinary)
        return fail(error, "unknown header");
    const std::size_t before = json.size();
    try {
        Decoder d(blob.substr(1), lookup);
        d.value(&json, 0);
        if (!d.atEnd())
            throw Malformed{"bytes after the value"};
        return true;
    } catch (const Malformed& m) {
        json.resize(before);
        return fail(error, m.why);
    }
}

bool findMember(std::string_view blob, std::string_view key, const Lookup& lookup, Value& out,
                std::string* error)
{
    out = Value{};
    if (blob.empty())
        return true;
    std::string holder;
    if (!resolveShared(blob, lookup, holder, error))
        return false;
    if (std::uint8_t(blob[0]) != kBinary)
        return fail(error, "not a binary payload");
    try {
        Decoder d(blob.substr(1), lookup);
        if (Tag(d.byte()) != Tag::Object)
            return true; // not an object: no members, as json_extract on an array
        const std::uint64_t n = d.count();
        for (std::uint64_t i = 0; i < n; ++i) {
            const bool match = d.key() == key;
            if (!match) {
                d.value(nullptr, 1);
                continue;
            }
            // Integers and strings may refer to what came before (differences, repeats): decode the
            // value with the decoder's state rather than on its own.
            const auto tag = Tag(d.byte());
            switch (tag) {
            case Tag::Null:
                out.type = Value::Type::Null;
                break;
            case Tag::False:
            case Tag::True:
                out.type = Value::Type::Integer;
                out.integer = tag == Tag::True ? 1 : 0;
                break;
            case Tag::Integer:
            case Tag::Delta:
                out.type = Value::Type::Integer;
                out.integer = d.integer(tag);
                break;
            case Tag::Double:
                out.type = Value::Type::Real;
                out.real = d.real();
                break;
            case Tag::Literal: {
                // As SQLite's JSON reads such a number: an integer if it has the form of one and fits
                // (-0), else a real (1.0, 1E5, integers past 64 bits).
                const std::string_view text = d.bytes(d.varint());
                std::int64_t i = 0;
                const auto r = std::from_chars(text.data(), text.data() + text.size(), i);
                if (r.ec == std::errc() && r.ptr == text.data() + text.size()) {
                    out.type = Value::Type::Integer;
                    out.integer = i;
                } else {
                    out.type = Value::Type::Real;
                    out.real = std::strtod(std::string(text).c_str(), nullptr);
                }
                break;
            }
            case Tag::String:
            case Tag::Shared:
            case Tag::Repeat:
            case Tag::Hex:
                out.type = Value::Type::Text;
                out.text = d.string(tag);
                break;
            case Tag::Array:
            case Tag::Object: {
                // Re-read from the tag, writing JSON.
                out.type = Value::Type::Json;
                // A member may repeat strings or integers of the members before it, so it is written
                // by a decoder that read those first: rare (array- and map-valued attributes).
                Decoder again(blob.substr(1), lookup);
                again.byte();
                const std::uint64_t m = again.count();
                for (std::uint64_t j = 0; j < m; ++j) {
                    const bool hit = again.key() == key && j == i;
                    std::string piece;
                    again.value(&piece, 1);
                    if (hit) {
                        out.text = std::move(piece);
                        break;
                    }
                }
                return true;
            }
            default:
                return fail(error, "unknown value tag");
            }
            return true;
        }
        return true;
    } catch (const Malformed& m) {
        out = Value{};
        return fail(error, m.why);
    }
}

} // namespace seam::payload
