#include "PayloadShape.h"

#include "PayloadFormat.h"

#include <cstdint>
#include <optional>

namespace seam::payload {
namespace {

constexpr int kMaxDepth = 64;
constexpr int kMaxVarint = 10;

struct Unfit
{};

// One walk over the value grammar (PayloadCodec.h) for both directions. The structural bytes come from
// `source` (the value when splitting, the shape when joining) and go to `structure`; the bytes of each
// number come from `numbersIn` (joining) or `source` (splitting) and go to `numbersOut` (splitting) or
// `structure` (joining).
class Walker
{
public:
    Walker(std::string_view source, std::string& structure, std::string_view numbersIn,
           std::string* numbersOut)
        : m_source(source), m_structure(structure), m_numbersIn(numbersIn), m_numbersOut(numbersOut)
    {}

    bool run()
    {
        try {
            value(0);
            return m_at == m_source.size() && m_numberAt == m_numbersIn.size();
        } catch (const Unfit&) {
            return false;
        }
    }

private:
    void value(int depth)
    {
        if (depth > kMaxDepth)
            throw Unfit{};
        const auto tag = Tag(copyByte());
        switch (tag) {
        case Tag::Null:
        case Tag::False:
        case Tag::True:
            return;
        case Tag::Integer:
        case Tag::Delta:
            moveNumber(0);
            return;
        case Tag::Double:
            moveNumber(8);
            return;
        case Tag::Literal:
        case Tag::String:
        case Tag::Hex:
            copyBytes(copyVarint());
            return;
        case Tag::Shared:
        case Tag::Repeat:
            copyVarint();
            return;
        case Tag::Array: {
            const std::uint64_t n = copyCount();
            for (std::uint64_t i = 0; i < n; ++i)
                value(depth + 1);
            return;
        }
        case Tag::Object: {
            const std::uint64_t n = copyCount();
            for (std::uint64_t i = 0; i < n; ++i) {
                const std::uint64_t k = copyVarint();
                if (k & 1)
                    copyBytes(k >> 1);
                value(depth + 1);
            }
            m_lastObjectKeys = n;
            return;
        }
        case Tag::SameKeys: {
            // The keys of the last object completed before this one began (objects inside complete first).
            if (!m_lastObjectKeys || *m_lastObjectKeys == 0)
                throw Unfit{};
            const std::uint64_t n = *m_lastObjectKeys;
            for (std::uint64_t i = 0; i < n; ++i)
                value(depth + 1);
            m_lastObjectKeys = n;
            return;
        }
        }
        throw Unfit{};
    }

    std::uint8_t copyByte()
    {
        if (m_at >= m_source.size())
            throw Unfit{};
        const char c = m_source[m_at++];
        m_structure.push_back(c);
        return std::uint8_t(c);
    }

    std::uint64_t copyVarint()
    {
        std::uint64_t v = 0;
        for (int i = 0; i < kMaxVarint; ++i) {
            const std::uint8_t b = copyByte();
            v |= std::uint64_t(b & 0x7f) << (7 * i);
            if (!(b & 0x80))
                return v;
        }
        throw Unfit{};
    }

    // Every element takes at least one structural byte: a count larger than what is left is a lie, and
    // the walk stays linear in the input whatever it claims.
    std::uint64_t copyCount()
    {
        const std::uint64_t n = copyVarint();
        if (n > m_source.size() - m_at)
            throw Unfit{};
        return n;
    }

    void copyBytes(std::uint64_t n)
    {
        if (n > m_source.size() - m_at)
            throw Unfit{};
        m_structure.append(m_source.data() + m_at, std::size_t(n));
        m_at += std::size_t(n);
    }

    // A number's bytes: `fixed` of them, or (0) a varint's.
    void moveNumber(std::size_t fixed)
    {
        const bool splitting = m_numbersOut != nullptr;
        const std::string_view from = splitting ? m_source : m_numbersIn;
        std::size_t& at = splitting ? m_at : m_numberAt;
        std::string& to = splitting ? *m_numbersOut : m_structure;
        std::size_t n = fixed;
        if (n == 0) {
            while (true) {
                if (at + n >= from.size() || n >= std::size_t(kMaxVarint))
                    throw Unfit{};
                if (!(std::uint8_t(from[at + n++]) & 0x80))
                    break;
            }
        } else if (n > from.size() - at) {
            throw Unfit{};
        }
        to.append(from.data() + at, n);
        at += n;
    }

    std::string_view m_source;
    std::size_t m_at = 0;
    std::string& m_structure;
    std::string_view m_numbersIn;
    std::size_t m_numberAt = 0;
    std::string* m_numbersOut;
    std::optional<std::uint64_t> m_lastObjectKeys;
};

} // namespace

bool splitShape(std::string_view value, std::string& shape, std::string& numbers)
{
    return Walker(value, shape, {}, &numbers).run();
}

bool joinShape(std::string_view shape, std::string_view numbers, std::string& value)
{
    return Walker(shape, value, numbers, nullptr).run();
}

} // namespace seam::payload
