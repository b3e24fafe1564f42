#include "PayloadBuilder.h"

#include "JsonRuns.h"
#include "KeyDictionary.h"
#include "PayloadFormat.h"
#include "PayloadShape.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace seam::payload {
namespace {

// Nesting where keys still go to the dictionary: the attributes object (1), an event or link (2) and
// its attributes (3). Deeper objects are values (kvlists) whose keys may be anything: written inline.
constexpr int kDictionaryDepth = 3;
constexpr std::size_t kMinHex = 16;
constexpr std::size_t kMinRepeat = 8;
constexpr std::size_t kRepeatWindow = 64;
constexpr std::size_t kMinCompressed = 24;

bool isLowerHex(std::string_view s)
{
    if (s.size() < kMinHex || s.size() % 2 != 0)
        return false;
    for (const char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace

Builder::Builder(KeyDictionary& dictionary, std::vector<std::uint32_t>& usedIds, Strings strings,
                 Buffers* buffers)
    : m_dict(dictionary), m_used(usedIds), m_sanitize(strings == Strings::AsJsonWriter),
      m_b(buffers ? *buffers : m_own)
{
    // A lent buffer keeps what the previous payload left: only the contents go.
    m_b.out.clear();
    m_b.strings.clear();
    m_b.arena.clear();
    m_b.valueSpans.clear();
    m_b.previousShape.clear();
    if (!buffers)
        m_b.out.reserve(128);
    m_b.out.push_back(char(kBinary));
}

// JsonWriter writes a byte that starts no valid UTF-8 sequence as U+FFFD: the same string here.
std::string_view Builder::sanitized(std::string_view s)
{
    if (!m_sanitize)
        return s;
    std::size_t i = 0;
    for (;;) {
        // ASCII runs eight bytes at a time: every key and most values are ASCII.
        for (; i + 8 <= s.size(); i += 8) {
            std::uint64_t v;
            std::memcpy(&v, s.data() + i, 8);
            if (v & 0x8080808080808080ull)
                break;
        }
        while (i < s.size() && std::uint8_t(s[i]) < 0x80)
            ++i;
        if (i == s.size())
            return s; // nearly always: ASCII or valid UTF-8
        const std::size_t len = json::utf8SequenceLength(s, i);
        if (len == 0)
            break;
        i += len;
    }
    m_b.scratch.assign(s.substr(0, i));
    while (i < s.size()) {
        const auto c = std::uint8_t(s[i]);
        if (c < 0x80) {
            m_b.scratch.push_back(char(c));
            ++i;
        } else if (const std::size_t len = json::utf8SequenceLength(s, i)) {
            m_b.scratch.append(s.substr(i, len));
            i += len;
        } else {
            m_b.scratch.append("\xef\xbf\xbd");
            ++i;
        }
    }
    return m_b.scratch;
}

void Builder::endValue()
{
    if (m_depth == 0)
        return;
    Frame& f = top();
    // The top level's shape is never compared (nothing follows it): no bookkeeping there.
    if (f.object && depth() > 1)
        m_b.valueSpans.emplace_back(f.valueAt, m_b.out.size());
    ++f.count;
}

Builder::Frame& Builder::push()
{
    if (m_depth == m_b.stack.size())
        m_b.stack.emplace_back();
    Frame& f = m_b.stack[m_depth++];
    f.object = false;
    f.count = 0;
    f.context = 0;
    f.valueAt = 0;
    f.keys.clear();
    f.valuesFrom = 0;
    return f;
}

void Builder::beginObject()
{
    Frame& f = push();
    f.object = true;
    f.countAt = m_b.out.size();
    f.valuesFrom = m_b.valueSpans.size();
    f.hasShapeBefore = m_hasPreviousShape && depth() > 1;
    if (f.hasShapeBefore)
        f.shapeBefore.assign(m_b.previousShape);
    m_b.out.push_back(char(Tag::Object));
}

void Builder::key(std::string_view name)
{
    name = sanitized(name);
    const int d = depth();
    Frame& f = top();
    std::uint32_t id = 0;
    if (d == 1) {
        // The attribute set's keys: the hash files the key in the dictionary and goes into the shape.
        const std::uint64_t h = KeyDictionary::hash(name);
        id = m_dict.keyId(name, h);
        addToShape(h);
    } else if (d <= kDictionaryDepth) {
        id = m_dict.keyId(name);
    }
    const std::size_t keyAt = m_b.out.size();
    if (id != 0) {
        appendVarint(m_b.out, std::uint64_t(id) << 1);
        m_used.push_back(id);
    } else {
        appendVarint(m_b.out, (std::uint64_t(name.size()) << 1) | 1);
        m_b.out.append(name);
    }
    if (d > 1)
        f.keys.append(m_b.out, keyAt, m_b.out.size() - keyAt);
    f.context = id;
    f.valueAt = m_b.out.size();
}

void Builder::endObject()
{
    const int d = depth();
    Frame& f = top();
    // An object with the keys of the object completed before it began (the next event of a list, the
    // next link): its values only. Not the shape of an object inside it, which completes first but
    // which a reader only meets after it needs the keys ({"a":{"a":1}} as a value once encoded so).
    // Never the top level, which readers look members up in. The values move down over the keys, in
    // place.
    if (d > 1 && f.count > 0 && f.hasShapeBefore && f.keys == f.shapeBefore) {
        std::size_t to = f.countAt;
        m_b.out[to++] = char(Tag::SameKeys);
        for (std::size_t i = f.valuesFrom; i < m_b.valueSpans.size(); ++i) {
            const auto [first, last] = m_b.valueSpans[i];
            std::memmove(m_b.out.data() + to, m_b.out.data() + first, last - first);
            to += last - first;
        }
        m_b.out.resize(to);
    } else {
        insertCount(f.countAt, f.count);
    }
    if (d > 1) {
        m_b.previousShape.swap(f.keys); // f's buffer is reused by the next container at this depth
        m_hasPreviousShape = true;
        m_b.valueSpans.resize(f.valuesFrom);
    }
    --m_depth;
    endValue();
}

void Builder::beginArray()
{
    const std::uint32_t ctx = context();
    Frame& f = push();
    f.countAt = m_b.out.size();
    f.context = ctx; // elements are values of the key the array is the value of
    m_b.out.push_back(char(Tag::Array));
}

void Builder::endArray()
{
    insertCount(top().countAt, top().count);
    --m_depth;
    endValue();
}

// The count goes after the tag, but is only known at the end: insert it there (a few bytes moved).
void Builder::insertCount(std::size_t tagAt, std::uint64_t count)
{
    char varint[10];
    std::size_t n = 0;
    while (count >= 0x80) {
        varint[n++] = char((count & 0x7f) | 0x80);
        count >>= 7;
    }
    varint[n++] = char(count);
    m_b.out.insert(tagAt + 1, varint, n);
}

// The attribute set's keys in order: sets of one shape share a budget in the dictionary. The shape is
// a key of that in-memory budget only (never stored), so it is made of the keys' hashes, not their bytes.
void Builder::addToShape(std::uint64_t keyHash)
{
    m_shape = ((m_shape << 23 | m_shape >> 41) ^ keyHash) * 0x9e3779b97f4a7c15ull;
}

void Builder::string(std::string_view s)
{
    s = sanitized(s);
    const std::size_t index = m_b.strings.size();
    if (s.size() >= kMinRepeat) {
        const std::size_t from = index > kRepeatWindow ? index - kRepeatWindow : 0;
        for (std::size_t i = from; i < index; ++i) {
            const auto [at, size] = m_b.strings[i];
            if (size == s.size() && std::memcmp(m_b.arena.data() + at, s.data(), size) == 0) {
                m_b.out.push_back(char(Tag::Repeat));
                appendVarint(m_b.out, i);
                m_b.strings.emplace_back(at, size);
                endValue();
                return;
            }
        }
    }
    if (const std::uint32_t id = m_dict.valueId(context(), s)) {
        m_b.out.push_back(char(Tag::Shared));
        appendVarint(m_b.out, id);
        m_used.push_back(id);
    } else if (isLowerHex(s)) {
        m_b.out.push_back(char(Tag::Hex));
        appendVarint(m_b.out, s.size() / 2);
        for (std::size_t i = 0; i < s.size(); i += 2)
            m_b.out.push_back(char(hexDigit(s[i]) * 16 + hexDigit(s[i + 1])));
    } else {
        m_b.out.push_back(char(Tag::String));
        appendVarint(m_b.out, s.size());
        m_b.out.append(s);
    }
    // Only strings long enough to be repeated need their bytes; every string counts for the index.
    if (s.size() >= kMinRepeat) {
        m_b.strings.emplace_back(std::uint32_t(m_b.arena.size()), std::uint32_t(s.size()));
        m_b.arena.append(s);
    } else {
        m_b.strings.emplace_back(0, std::uint32_t(s.size()));
    }
    endValue();
}

void Builder::integer(std::int64_t v)
{
    const std::uint64_t plain = zigzag(v);
    if (m_previous) {
        const std::uint64_t delta = zigzag(std::int64_t(std::uint64_t(v) - std::uint64_t(*m_previous)));
        if (varintSize(delta) < varintSize(plain)) {
            m_b.out.push_back(char(Tag::Delta));
            appendVarint(m_b.out, delta);
            m_previous = v;
            return;
        }
    }
    m_b.out.push_back(char(Tag::Integer));
    appendVarint(m_b.out, plain);
    m_previous = v;
}

void Builder::int64(std::int64_t value)
{
    integer(value);
    endValue();
}

void Builder::uint64(std::uint64_t value)
{
    if (value <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        int64(std::int64_t(value));
        return;
    }
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    numberText(std::string_view(buf, std::size_t(res.ptr - buf)));
}

void Builder::number(double value)
{
    if (!std::isfinite(value)) {
        null();
        return;
    }
    char buf[32];
    // JsonWriter's text: the shortest form that round-trips.
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    numberText(std::string_view(buf, std::size_t(res.ptr - buf)));
}

void Builder::numberText(std::string_view text)
{
    const bool integral = text.find_first_of(".eE") == std::string_view::npos;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    char buf[40];
    if (integral) {
        std::int64_t v = 0;
        const auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc() && r.ptr == last) {
            const auto w = std::to_chars(buf, buf + sizeof buf, v);
            if (std::string_view(buf, std::size_t(w.ptr - buf)) == text) {
                int64(v);
                return;
            }
        }
    } else {
        double d = 0;
        const auto r = std::from_chars(first, last, d);
        if (r.ec == std::errc() && r.ptr == last) {
            const auto w = std::to_chars(buf, buf + sizeof buf, d);
            if (std::string_view(buf, std::size_t(w.ptr - buf)) == text) {
                m_b.out.push_back(char(Tag::Double));
                std::uint64_t bits;
                std::memcpy(&bits, &d, sizeof bits);
                for (int i = 0; i < 8; ++i)
                    m_b.out.push_back(char(bits >> (8 * i)));
                endValue();
                return;
            }
        }
    }
    m_b.out.push_back(char(Tag::Literal));
    appendVarint(m_b.out, text.size());
    m_b.out.append(text);
    endValue();
}

void Builder::boolean(bool value)
{
    m_b.out.push_back(char(value ? Tag::True : Tag::False));
    endValue();
}

void Builder::null()
{
    m_b.out.push_back(char(Tag::Null));
    endValue();
}

std::string Builder::finish()
{
    if (!started())
        return {};
    // Lent buffers stay with the lender: the blob is a copy of the exact size.
    const std::string_view blob = m_b.out;
    auto result = [&] { return &m_b == &m_own ? std::move(m_b.out) : std::string(blob); };
    // A whole attribute set seen before (the same query, the same static span) is one id.
    if (Tag(blob[1]) == Tag::Object) {
        if (const std::uint32_t id = m_dict.setId(m_shape, blob)) {
            m_used.push_back(id);
            std::string shared(1, char(kSharedSet));
            appendVarint(shared, id);
            return shared;
        }
    }
    if (Tag(blob[1]) == Tag::Array && blob.size() >= kMinCompressed) {
        // A list seen before but for its numbers (the timing events of fetch spans): its shape's id and
        // its numbers, about as small as deflating it and a tenth of the work, both ways.
        m_b.shape.assign(1, kShapeMarker);
        m_b.numbers.clear();
        if (splitShape(blob.substr(1), m_b.shape, m_b.numbers)) {
            if (const std::uint32_t id = m_dict.shapeId(m_b.shape)) {
                m_used.push_back(id);
                std::string shaped(1, char(kShaped));
                appendVarint(shaped, id);
                shaped.append(m_b.numbers);
                return shaped;
            }
        }
        // Other cold lists (events, links): deflated with the dictionary's preset when that is smaller.
        if (const std::uint32_t preset = m_dict.presetId()) {
            std::string packed(1, char(kCompressed));
            appendVarint(packed, preset);
            if (m_dict.compressor().compress(m_dict.preset(), blob.substr(1), packed) &&
                packed.size() < blob.size()) {
                m_used.push_back(preset);
                return packed;
            }
        } else {
            m_dict.learn(blob);
        }
    }
    return result();
}

} // namespace seam::payload
