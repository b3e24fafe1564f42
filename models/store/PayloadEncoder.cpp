#include "JsonRuns.h"
#include "KeyDictionary.h"
#include "PayloadCodec.h"
#include "PayloadFormat.h"

#include <charconv>
#include <cstring>
#include <memory>
#include <optional>

namespace seam::payload {
namespace {

// Thrown (and caught in encode()) when the JSON is not in the compact form the decoder would write
// back; the text is then stored as it is.
struct NotCanonical
{};

// Nesting where keys still go to the dictionary: the attributes object (1), an event or link (2) and
// its attributes (3). Deeper objects are values (kvlists) whose keys may be anything: written inline.
constexpr int kDictionaryDepth = 3;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMinHex = 16;
constexpr std::size_t kMinRepeat = 8;
constexpr std::size_t kRepeatWindow = 64;
constexpr std::size_t kMinCompressed = 24;

class Encoder
{
public:
    Encoder(std::string_view json, KeyDictionary& dictionary, std::vector<std::uint32_t>& usedIds)
        : m_in(json), m_dict(dictionary), m_used(usedIds)
    {}

    std::string run()
    {
        m_out.reserve(m_in.size() / 2 + 16);
        m_strings.reserve(16);
        m_out.push_back(char(kBinary));
        value(0, 0);
        if (m_pos != m_in.size())
            throw NotCanonical{};
        m_isObject = Tag(m_out[1]) == Tag::Object;
        return std::move(m_out);
    }

private:
    char peek() const
    {
        if (m_pos >= m_in.size())
            throw NotCanonical{};
        return m_in[m_pos];
    }
    void expect(char c)
    {
        if (peek() != c)
            throw NotCanonical{};
        ++m_pos;
    }
    void literal(std::string_view word)
    {
        if (m_in.substr(m_pos, word.size()) != word)
            throw NotCanonical{};
        m_pos += word.size();
    }

    void value(int depth, std::uint32_t context)
    {
        if (depth > kMaxDepth)
            throw NotCanonical{};
        const char c = peek();
        switch (c) {
        case '{':
            object(depth + 1);
            return;
        case '[':
            array(depth + 1, context);
            return;
        case '"':
            stringValue(context);
            return;
        case 't':
            literal("true");
            m_out.push_back(char(Tag::True));
            return;
        case 'f':
            literal("false");
            m_out.push_back(char(Tag::False));
            return;
        case 'n':
            literal("null");
            m_out.push_back(char(Tag::Null));
            return;
        default:
            number();
        }
    }

    void object(int depth)
    {
        expect('{');
        const std::size_t countAt = m_out.size();
        m_out.push_back(char(Tag::Object));
        std::uint64_t count = 0;
        std::string keys; // the members' key encodings, in order: the object's shape
        const std::size_t valuesFrom = m_valueSpans.size(); // where each member's value is in m_out
        if (peek() != '}') {
            for (;;) {
                const std::string_view key = quoted();
                expect(':');
                std::uint32_t id = 0;
                if (depth <= kDictionaryDepth)
                    id = m_dict.keyId(key);
                if (depth == 1)
                    addToShape(key);
                const std::size_t keyAt = m_out.size();
                if (id != 0) {
                    appendVarint(m_out, std::uint64_t(id) << 1);
                    m_used.push_back(id);
                } else {
                    appendVarint(m_out, (std::uint64_t(key.size()) << 1) | 1);
                    m_out.append(key);
                }
                // The top level's shape is never compared (nothing follows it): no bookkeeping there.
                if (depth > 1)
                    keys.append(m_out, keyAt, m_out.size() - keyAt);
                const std::size_t valueAt = m_out.size();
                value(depth, id);
                if (depth > 1)
                    m_valueSpans.emplace_back(valueAt, m_out.size());
                ++count;
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                break;
            }
        }
        expect('}');
        // An object with the keys of the object before it (the next event of a list, the next link):
        // its values only. Never the top level, which readers look members up in.
        if (depth > 1 && count > 0 && m_previousShape && keys == *m_previousShape) {
            std::string onlyValues;
            for (std::size_t i = valuesFrom; i < m_valueSpans.size(); ++i)
                onlyValues.append(m_out, m_valueSpans[i].first,
                                  m_valueSpans[i].second - m_valueSpans[i].first);
            m_out.resize(countAt);
            m_out.push_back(char(Tag::SameKeys));
            m_out.append(onlyValues);
        } else {
            insertCount(countAt, count);
        }
        if (depth > 1) {
            m_previousShape = std::move(keys);
            m_valueSpans.resize(valuesFrom);
        }
    }

    void array(int depth, std::uint32_t context)
    {
        expect('[');
        const std::size_t countAt = m_out.size();
        m_out.push_back(char(Tag::Array));
        std::uint64_t count = 0;
        if (peek() != ']') {
            for (;;) {
                value(depth, context);
                ++count;
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                break;
            }
        }
        expect(']');
        insertCount(countAt, count);
    }

    // The attribute set's keys in order: sets of one shape share a budget in the dictionary.
    void addToShape(std::string_view key)
    {
        for (const char c : key)
            m_shape = (m_shape ^ std::uint8_t(c)) * 1099511628211ull;
        m_shape = (m_shape ^ 0xff) * 1099511628211ull;
    }

public:
    bool isObject() const { return m_isObject; }
    std::uint64_t shape() const { return m_shape; }

private:
    // The count goes after the tag, but is only known at the end: insert it there (a few bytes moved).
    void insertCount(std::size_t tagAt, std::uint64_t count)
    {
        std::string varint;
        appendVarint(varint, count);
        m_out.insert(tagAt + 1, varint);
    }

    // A JSON string in the writer's form, unescaped; anything else throws. Without escapes (nearly
    // always) a view of the input; else of a copy that lives as long as the encoder.
    std::string_view quoted()
    {
        expect('"');
        const std::size_t first = m_pos;
        m_pos = json::plainRunEnd(m_in, m_pos, false);
        if (m_pos < m_in.size() && m_in[m_pos] == '"')
            return m_in.substr(first, m_pos++ - first);
        m_pos = first;
        m_unescaped.push_back(std::make_unique<std::string>(unescaped()));
        return *m_unescaped.back();
    }

    std::string unescaped()
    {
        std::string s;
        for (;;) {
            if (m_pos >= m_in.size())
                throw NotCanonical{};
            const auto c = std::uint8_t(m_in[m_pos]);
            if (c == '"') {
                ++m_pos;
                return s;
            }
            if (c < 0x20)
                throw NotCanonical{};
            if (c != '\\') {
                const std::size_t start = m_pos;
                m_pos = json::plainRunEnd(m_in, m_pos, false);
                s.append(m_in.substr(start, m_pos - start));
                continue;
            }
            if (m_pos + 1 >= m_in.size())
                throw NotCanonical{};
            const char e = m_in[m_pos + 1];
            m_pos += 2;
            switch (e) {
            case '"':
                s.push_back('"');
                break;
            case '\\':
                s.push_back('\\');
                break;
            case 'n':
                s.push_back('\n');
                break;
            case 'r':
                s.push_back('\r');
                break;
            case 't':
                s.push_back('\t');
                break;
            case 'b':
                s.push_back('\b');
                break;
            case 'f':
                s.push_back('\f');
                break;
            case 'u': {
                // Only the form the writer uses: \u00xx, lower-case, for control characters without a
                // short escape.
                if (m_pos + 4 > m_in.size() || m_in.substr(m_pos, 2) != "00")
                    throw NotCanonical{};
                const int hi = hexDigit(m_in[m_pos + 2]);
                const int lo = hexDigit(m_in[m_pos + 3]);
                const int ch = hi * 16 + lo;
                if (hi < 0 || lo < 0 || hi > 1 || std::string_view(shortEscape(char(ch))).size() != 0)
                    throw NotCanonical{};
                s.push_back(char(ch));
                m_pos += 4;
                break;
            }
            default:
                throw NotCanonical{};
            }
        }
    }

    void stringValue(std::uint32_t context)
    {
        const std::string_view s = quoted();
        const std::size_t index = m_strings.size();
        if (s.size() >= kMinRepeat) {
            const std::size_t from = index > kRepeatWindow ? index - kRepeatWindow : 0;
            for (std::size_t i = from; i < index; ++i) {
                if (m_strings[i] == s) {
                    m_out.push_back(char(Tag::Repeat));
                    appendVarint(m_out, i);
                    m_strings.push_back(s);
                    return;
                }
            }
        }
        if (const std::uint32_t id = m_dict.valueId(context, s)) {
            m_out.push_back(char(Tag::Shared));
            appendVarint(m_out, id);
            m_used.push_back(id);
        } else if (isLowerHex(s)) {
            m_out.push_back(char(Tag::Hex));
            appendVarint(m_out, s.size() / 2);
            for (std::size_t i = 0; i < s.size(); i += 2)
                m_out.push_back(char(hexDigit(s[i]) * 16 + hexDigit(s[i + 1])));
        } else {
            m_out.push_back(char(Tag::String));
            appendVarint(m_out, s.size());
            m_out.append(s);
        }
        m_strings.push_back(s);
    }

    static bool isLowerHex(std::string_view s)
    {
        if (s.size() < kMinHex || s.size() % 2 != 0)
            return false;
        for (const char c : s)
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                return false;
        return true;
    }

    void number()
    {
        const std::size_t start = m_pos;
        bool integral = true;
        if (m_pos < m_in.size() && m_in[m_pos] == '-')
            ++m_pos;
        if (m_pos >= m_in.size() || m_in[m_pos] < '0' || m_in[m_pos] > '9')
            throw NotCanonical{};
        if (m_in[m_pos] == '0')
            ++m_pos;
        else
            digits();
        if (m_pos < m_in.size() && m_in[m_pos] == '.') {
            integral = false;
            ++m_pos;
            if (digits() == 0)
                throw NotCanonical{};
        }
        if (m_pos < m_in.size() && (m_in[m_pos] == 'e' || m_in[m_pos] == 'E')) {
            integral = false;
            ++m_pos;
            if (m_pos < m_in.size() && (m_in[m_pos] == '+' || m_in[m_pos] == '-'))
                ++m_pos;
            if (digits() == 0)
                throw NotCanonical{};
        }
        const std::string_view text = m_in.substr(start, m_pos - start);
        const char* first = text.data();
        const char* last = text.data() + text.size();
        char buf[40];
        if (integral) {
            std::int64_t v = 0;
            const auto r = std::from_chars(first, last, v);
            if (r.ec == std::errc() && r.ptr == last) {
                const auto w = std::to_chars(buf, buf + sizeof buf, v);
                if (std::string_view(buf, std::size_t(w.ptr - buf)) == text) {
                    integer(v);
                    return;
                }
            }
        } else {
            double d = 0;
            const auto r = std::from_chars(first, last, d);
            if (r.ec == std::errc() && r.ptr == last) {
                const auto w = std::to_chars(buf, buf + sizeof buf, d);
                if (std::string_view(buf, std::size_t(w.ptr - buf)) == text) {
                    m_out.push_back(char(Tag::Double));
                    std::uint64_t bits;
                    std::memcpy(&bits, &d, sizeof bits);
                    for (int i = 0; i < 8; ++i)
                        m_out.push_back(char(bits >> (8 * i)));
                    return;
                }
            }
        }
        m_out.push_back(char(Tag::Literal));
        appendVarint(m_out, text.size());
        m_out.append(text);
    }

    std::size_t digits()
    {
        const std::size_t start = m_pos;
        while (m_pos < m_in.size() && m_in[m_pos] >= '0' && m_in[m_pos] <= '9')
            ++m_pos;
        return m_pos - start;
    }

    void integer(std::int64_t v)
    {
        const std::uint64_t plain = zigzag(v);
        if (m_previous) {
            const std::uint64_t delta = zigzag(std::int64_t(std::uint64_t(v) - std::uint64_t(*m_previous)));
            if (varintSize(delta) < varintSize(plain)) {
                m_out.push_back(char(Tag::Delta));
                appendVarint(m_out, delta);
                m_previous = v;
                return;
            }
        }
        m_out.push_back(char(Tag::Integer));
        appendVarint(m_out, plain);
        m_previous = v;
    }

    std::string_view m_in;
    std::size_t m_pos = 0;
    KeyDictionary& m_dict;
    std::vector<std::uint32_t>& m_used;
    std::string m_out;
    std::vector<std::string_view> m_strings;               // string values so far, for repeats
    std::vector<std::unique_ptr<std::string>> m_unescaped; // the strings that had escapes
    std::optional<std::int64_t> m_previous;
    std::uint64_t m_shape = 1469598103934665603ull;
    bool m_isObject = false;
    std::optional<std::string> m_previousShape; // key encodings of the last object completed
    std::vector<std::pair<std::size_t, std::size_t>> m_valueSpans; // members' values of open objects
};

} // namespace

std::string encode(std::string_view json, KeyDictionary& dictionary, std::vector<std::uint32_t>& usedIds)
{
    if (json.empty())
        return {};
    const std::size_t usedBefore = usedIds.size();
    try {
        Encoder encoder(json, dictionary, usedIds);
        std::string blob = encoder.run();
        // A whole attribute set seen before (the same query, the same static span) is one id.
        if (encoder.isObject()) {
            if (const std::uint32_t id = dictionary.setId(encoder.shape(), blob)) {
                usedIds.push_back(id);
                std::string shared(1, char(kSharedSet));
                appendVarint(shared, id);
                return shared;
            }
        }
        // Cold lists (events, links): deflated with the dictionary's preset when that is smaller.
        if (Tag(blob[1]) == Tag::Array && blob.size() >= kMinCompressed) {
            if (const std::uint32_t preset = dictionary.presetId()) {
                std::string packed(1, char(kCompressed));
                appendVarint(packed, preset);
                if (dictionary.compressor().compress(dictionary.preset(), std::string_view(blob).substr(1),
                                                     packed) &&
                    packed.size() < blob.size()) {
                    usedIds.push_back(preset);
                    return packed;
                }
            } else {
                dictionary.learn(blob);
            }
        }
        return blob;
    } catch (const NotCanonical&) {
        usedIds.resize(usedBefore);
        std::string raw;
        raw.reserve(json.size() + 1);
        raw.push_back(char(kRawJson));
        raw.append(json);
        return raw;
    }
}

} // namespace seam::payload
