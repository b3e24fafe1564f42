#include "VitalWriter.h"

#include "DimensionCache.h"
#include "ResourceKey.h"

#include <bit>
#include <optional>
#include <string>

namespace seam {
namespace {

constexpr std::array<const char*, 5> kNames = {"ttfb", "fcp", "lcp", "inp", "cls"};
constexpr std::array<const char*, 5> kColumnNames = {"ttfb_ns", "fcp_ns", "lcp_ns", "inp_ns", "cls"};

/// "a = ?2, b = ?3" for the columns in `mask`, numbered from ?2 (?1 is the page load).
std::string assignments(unsigned mask, const char* separator, const char* form)
{
    std::string sql;
    int parameter = 2;
    for (std::size_t c = 0; c < kColumnNames.size(); ++c) {
        if (!(mask & (1u << c)))
            continue;
        if (!sql.empty())
            sql += separator;
        const std::string p = "?" + std::to_string(parameter++);
        std::string item = form;
        for (std::size_t at; (at = item.find("%c")) != std::string::npos;)
            item.replace(at, 2, kColumnNames[c]);
        for (std::size_t at; (at = item.find("%p")) != std::string::npos;)
            item.replace(at, 2, p);
        sql += item;
    }
    return sql;
}

} // namespace

VitalWriter::VitalWriter(Database& db) : m_db(db) {}

VitalWriter::~VitalWriter() = default;

int VitalWriter::column(std::string_view name)
{
    for (std::size_t c = 0; c < kNames.size(); ++c)
        if (name == kNames[c])
            return int(c);
    return -1;
}

Statement& VitalWriter::pageLoadUpdate(unsigned mask)
{
    auto& st = m_pageLoadUpdates[mask];
    if (!st)
        // Guarded: a report that repeats a value leaves the row (and its sort indexes) alone.
        st = std::make_unique<Statement>(
            m_db.prepare("UPDATE page_loads SET " + assignments(mask, ", ", "%c = %p") +
                         " WHERE id = ?1 AND (" + assignments(mask, " OR ", "%c IS NOT %p") + ")"));
    return *st;
}

Statement& VitalWriter::reportUpdate(unsigned mask)
{
    auto& st = m_reportUpdates[mask];
    if (!st) {
        const int key = std::popcount(mask) + 2, session = key + 1;
        st = std::make_unique<Statement>(m_db.prepare(
            "UPDATE page_load_reports SET " + assignments(mask, ", ", "%c = %p") +
            " WHERE page_load_id = ?1 AND (key = ?" + std::to_string(key) + " OR (?" + std::to_string(key) +
            " IS NULL AND session_id IS ?" + std::to_string(session) + "))"));
    }
    return *st;
}

void VitalWriter::write(std::span<const Vital> vitals, DimensionCache& dimensions)
{
    for (std::size_t first = 0; first < vitals.size();) {
        const Vital& v = vitals[first];
        // The run of vitals for the same page load and report; the last value of each column wins.
        unsigned mask = 0;
        std::array<double, kColumns> values{};
        std::size_t end = first;
        for (; end < vitals.size(); ++end) {
            const Vital& w = vitals[end];
            if (w.pageLoad != v.pageLoad || w.reportKey != v.reportKey || w.session != v.session)
                break;
            const int c = column(w.name);
            if (c < 0)
                continue;
            mask |= 1u << c;
            values[c] = w.value;
        }
        first = end;
        if (!mask)
            continue;
        // The report's key as page_load_reports holds it (an OTLP key of a trace the cache lacks names
        // no report: its text matches nothing, as before v16).
        char keyBuffer[resource_key::kMaxPacked];
        const auto storedKey =
            v.reportKey.empty()
                ? std::nullopt
                : dimensions.storedKey(v.reportKey, DimensionCache::KeyForms::Otlp, false, keyBuffer);
        for (const bool report : {false, true}) {
            Statement& st = report ? reportUpdate(mask) : pageLoadUpdate(mask);
            st.bind(1, v.pageLoad);
            int parameter = 2;
            for (int c = 0; c < kColumns; ++c) {
                if (!(mask & (1u << c)))
                    continue;
                if (kNames[c] == std::string_view("cls"))
                    st.bind(parameter++, values[c]);
                else
                    st.bind(parameter++, std::int64_t(values[c] * 1e6)); // ms -> ns
            }
            if (report) {
                if (storedKey)
                    DimensionCache::bindStoredKey(st, parameter, *storedKey);
                else
                    st.bindTextOrNull(parameter, v.reportKey);
                if (v.session)
                    st.bind(parameter + 1, v.session);
                else
                    st.bindNull(parameter + 1);
            }
            st.run();
        }
    }
}

} // namespace seam
