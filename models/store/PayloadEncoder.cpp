#include "JsonRuns.h"
#include "KeyDictionary.h"
#include "PayloadBuilder.h"
#include "PayloadCodec.h"
#include "PayloadFormat.h"

#include <memory>

namespace seam::payload {
namespace {

// Thrown (and caught in encode()) when the JSON is not in the compact form the decoder would write
// back; the text is then stored as it is.
struct NotCanonical
{};

// Reads the JSON text and hands its values to the builder (PayloadBuilder.h), which writes the bytes.
class Encoder
{
public:
    Encoder(std::string_view json, Builder& builder) : m_in(json), m_b(builder) {}

    void run()
    {
        value(0);
        if (m_pos != m_in.size())
            throw NotCanonical{};
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

    void value(int depth)
    {
        if (depth > Builder::kMaxDepth)
            throw NotCanonical{};
        const char c = peek();
        switch (c) {
        case '{':
            object(depth + 1);
            return;
        case '[':
            array(depth + 1);
            return;
        case '"':
            m_b.string(quoted());
            return;
        case 't':
            literal("true");
            m_b.boolean(true);
            return;
        case 'f':
            literal("false");
            m_b.boolean(false);
            return;
        case 'n':
            literal("null");
            m_b.null();
            return;
        default:
            number();
        }
    }

    void object(int depth)
    {
        expect('{');
        m_b.beginObject();
        if (peek() != '}') {
            for (;;) {
                m_b.key(quoted());
                expect(':');
                value(depth);
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                break;
            }
        }
        expect('}');
        m_b.endObject();
    }

    void array(int depth)
    {
        expect('[');
        m_b.beginArray();
        if (peek() != ']') {
            for (;;) {
                value(depth);
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                break;
            }
        }
        expect(']');
        m_b.endArray();
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

    void number()
    {
        const std::size_t start = m_pos;
        if (m_pos < m_in.size() && m_in[m_pos] == '-')
            ++m_pos;
        if (m_pos >= m_in.size() || m_in[m_pos] < '0' || m_in[m_pos] > '9')
            throw NotCanonical{};
        if (m_in[m_pos] == '0')
            ++m_pos;
        else
            digits();
        if (m_pos < m_in.size() && m_in[m_pos] == '.') {
            ++m_pos;
            if (digits() == 0)
                throw NotCanonical{};
        }
        if (m_pos < m_in.size() && (m_in[m_pos] == 'e' || m_in[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_in.size() && (m_in[m_pos] == '+' || m_in[m_pos] == '-'))
                ++m_pos;
            if (digits() == 0)
                throw NotCanonical{};
        }
        m_b.numberText(m_in.substr(start, m_pos - start));
    }

    std::size_t digits()
    {
        const std::size_t start = m_pos;
        while (m_pos < m_in.size() && m_in[m_pos] >= '0' && m_in[m_pos] <= '9')
            ++m_pos;
        return m_pos - start;
    }

    std::string_view m_in;
    std::size_t m_pos = 0;
    Builder& m_b;
    std::vector<std::unique_ptr<std::string>> m_unescaped; // the strings that had escapes
};

} // namespace

std::string encode(std::string_view json, KeyDictionary& dictionary, std::vector<std::uint32_t>& usedIds)
{
    if (json.empty())
        return {};
    const std::size_t usedBefore = usedIds.size();
    try {
        Builder builder(dictionary, usedIds, Builder::Strings::AsIs);
        Encoder(json, builder).run();
        return builder.finish();
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
