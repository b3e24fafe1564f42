#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace seam {

/// Appends compact JSON to a std::string. No DOM, no allocation besides the string's own growth: the
/// importers write attribute and event JSON straight into the record they fill.
///
/// Commas are derived from the last byte written (nothing before the first value, none after '{',
/// '[' or ':'), so the writer keeps no nesting stack and can resume on a string that already holds
/// JSON. Callers are responsible for balanced begin/end calls and for key() before object members.
class JsonWriter
{
public:
    explicit JsonWriter(std::string& out) : m_out(out), m_start(out.size()) {}

    void beginObject() { open('{'); }
    void endObject() { m_out.push_back('}'); }
    void beginArray() { open('['); }
    void endArray() { m_out.push_back(']'); }

    void key(std::string_view name);
    void string(std::string_view value);
    void int64(std::int64_t value);
    void uint64(std::uint64_t value);
    /// NaN and infinities have no JSON form: they are written as null.
    void number(double value);
    void boolean(bool value);
    void null();

    std::string& out() { return m_out; }

    /// Appends `value` as a quoted JSON string: '"', '\\' and control characters escaped, invalid
    /// UTF-8 replaced by U+FFFD so that whatever reads the store later never chokes on our output.
    static void appendQuoted(std::string& out, std::string_view value);

private:
    void separate()
    {
        if (m_out.size() > m_start) {
            const char last = m_out.back();
            if (last != '{' && last != '[' && last != ':')
                m_out.push_back(',');
        }
    }
    void open(char c)
    {
        separate();
        m_out.push_back(c);
    }

    std::string& m_out;
    std::size_t m_start;
};

} // namespace seam
