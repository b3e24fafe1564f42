#include "CallReconciler.h"

#include "PageLoadReconciler.h"
#include "ResourceKey.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <sqlite3.h>
#include <vector>

namespace seam {
namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Kinds of report that can be the same request: a HAR says "xhr" where an SDK says "fetch".
std::string_view kindOf(std::string_view type)
{
    if (type == "fetch" || type == "xhr")
        return "call";
    return type;
}

struct Row
{
    std::int64_t id = 0;
    std::string reporter, kind, method, url, key;
    std::int64_t start = 0; // in the canonical clock
    std::int64_t trace = 0;
    std::optional<std::int64_t> mergedInto;
    bool packedKey = false; ///< `key` holds the stored bytes until decoded
    int group = -1;
};

struct Group
{
    std::vector<int> rows;
    std::int64_t start = 0;
    const Row* first = nullptr;
    bool has(const std::vector<Row>& all, std::string_view reporter) const
    {
        return std::any_of(rows.begin(), rows.end(), [&](int r) { return all[r].reporter == reporter; });
    }
};

bool sameRequest(const Row& a, const Row& b)
{
    return a.kind == b.kind && a.url == b.url &&
           (a.method.empty() || b.method.empty() || a.method == b.method);
}

void urlKeyFunction(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const std::string key =
        CallReconciler::urlKey(std::string_view(text, std::size_t(sqlite3_value_bytes(argv[0]))));
    sqlite3_result_text(ctx, key.data(), int(key.size()), SQLITE_TRANSIENT);
}

} // namespace

CallReconciler::CallReconciler(Database& db)
    : m_db(db),
      m_offsets(db.prepare(
          "SELECT r.format, min(r.start_ns) - p.start_ns FROM page_load_reports r JOIN page_loads p "
          "ON p.id = r.page_load_id WHERE r.page_load_id = ?1 GROUP BY r.format")),
      m_rows(db.prepare("SELECT id, coalesce(reporter, ''), type, coalesce(method, ''), url, start_ns, "
                        "coalesce(trace, 0), merged_into, key, typeof(key) = 'blob' FROM resources WHERE "
                        "page_load_id = ?1")),
      m_traceOfRow(db.prepare("SELECT trace_id FROM traces WHERE id = ?1")),
      m_setMergedInto(db.prepare("UPDATE resources SET merged_into = ?2 WHERE id = ?1"))
{}

std::string CallReconciler::urlKey(std::string_view url)
{
    url = url.substr(0, url.find('#'));
    const std::size_t schemeEnd = url.find("://");
    if (schemeEnd == std::string_view::npos)
        return std::string(url);
    const std::string scheme = lower(url.substr(0, schemeEnd));
    std::string_view rest = url.substr(schemeEnd + 3);
    const std::size_t authorityEnd = std::min(rest.find('/'), rest.find('?'));
    std::string host = lower(rest.substr(0, authorityEnd));
    rest = authorityEnd == std::string_view::npos ? std::string_view() : rest.substr(authorityEnd);
    const std::string_view defaultPort = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
    if (!defaultPort.empty() && host.ends_with(defaultPort))
        host.resize(host.size() - defaultPort.size());
    std::string_view path = rest.substr(0, rest.find('?'));
    std::string_view query = path.size() < rest.size() ? rest.substr(path.size() + 1) : std::string_view();
    while (!path.empty() && path.back() == '/')
        path.remove_suffix(1);
    std::string key = scheme + "://" + host + std::string(path);
    if (!query.empty())
        key += "?" + std::string(query);
    return key;
}

void CallReconciler::registerUrlKey(Database& db)
{
    sqlite3_create_function_v2(db.handle(), "seam_url_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                               &urlKeyFunction, nullptr, nullptr, nullptr);
}

bool CallReconciler::reconcile(std::int64_t pageLoad)
{
    // Each reporter's clock against the page load's canonical start.
    std::map<std::string, std::int64_t, std::less<>> offsets;
    m_offsets.bind(1, pageLoad);
    while (m_offsets.step())
        offsets.emplace(std::string(m_offsets.text(0)), m_offsets.int64(1));
    m_offsets.reset();

    std::vector<Row> rows;
    bool wasMerged = false;
    m_rows.bind(1, pageLoad);
    while (m_rows.step()) {
        Row r;
        r.id = m_rows.int64(0);
        r.reporter = std::string(m_rows.text(1));
        r.kind = std::string(kindOf(m_rows.text(2)));
        r.method = lower(m_rows.text(3));
        r.url = urlKey(m_rows.text(4));
        const auto offset = offsets.find(r.reporter);
        r.start = m_rows.int64(5) - (offset == offsets.end() ? 0 : offset->second);
        r.trace = m_rows.int64(6);
        if (!m_rows.isNull(7)) {
            r.mergedInto = m_rows.int64(7);
            wasMerged = true;
        }
        r.key = std::string(m_rows.blob(8));
        r.packedKey = m_rows.int64(9) != 0;
        rows.push_back(std::move(r));
    }
    m_rows.reset();
    if (!wasMerged && offsets.size() < 2)
        return false; // one source's page load: nothing to merge, nothing to undo
    // The keys as text (the last tie-break below): their order does not depend on the traces' row ids,
    // so neither does the grouping on the order files were imported in.
    for (Row& r : rows)
        if (r.packedKey)
            r.key = resource_key::decode(r.key, [this](std::int64_t row) -> std::optional<TraceId> {
                m_traceOfRow.bind(1, row);
                std::optional<TraceId> id;
                if (m_traceOfRow.step())
                    id = TraceId::fromBytes(m_traceOfRow.blob(0));
                m_traceOfRow.reset();
                return id;
            });

    // Reporter order, then time: the grouping depends on what was reported, not on the order of imports.
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        const int oa = PageLoadReconciler::canonicalOrder(a.reporter),
                  ob = PageLoadReconciler::canonicalOrder(b.reporter);
        if (oa != ob)
            return oa < ob;
        if (a.reporter != b.reporter)
            return a.reporter < b.reporter;
        if (a.start != b.start)
            return a.start < b.start;
        return a.key < b.key;
    });

    std::vector<Group> groups;
    for (int i = 0; i < int(rows.size()); ++i) {
        Row& r = rows[i];
        int chosen = -1;
        {
            // The same trace id: the same request, whatever the clocks say (rows written before reporters
            // were kept, with no reporter, merge on this evidence only).
            int byTrace = -1, traceMatches = 0;
            if (r.trace) {
                for (int g = 0; g < int(groups.size()); ++g) {
                    if ((!r.reporter.empty() && groups[g].has(rows, r.reporter)) ||
                        groups[g].first->kind != r.kind)
                        continue;
                    const bool shares = std::any_of(groups[g].rows.begin(), groups[g].rows.end(),
                                                    [&](int m) { return rows[m].trace == r.trace; });
                    if (shares) {
                        byTrace = g;
                        ++traceMatches;
                    }
                }
            }
            if (traceMatches == 1) {
                chosen = byTrace;
            } else if (traceMatches == 0 && !r.reporter.empty()) {
                // Else the same request at the same time, unambiguous on both sides.
                std::int64_t best = -1, second = -1;
                for (int g = 0; g < int(groups.size()); ++g) {
                    const Group& group = groups[g];
                    if (group.first->reporter.empty() || group.has(rows, r.reporter) ||
                        !sameRequest(*group.first, r))
                        continue;
                    const std::int64_t d = std::llabs(group.start - r.start);
                    if (d > kTolerance)
                        continue;
                    if (chosen < 0 || d < best) {
                        second = best;
                        best = d;
                        chosen = g;
                    } else if (second < 0 || d < second) {
                        second = d;
                    }
                }
                if (chosen >= 0 && second >= 0 && second - best < kTie)
                    chosen = -1;
                if (chosen >= 0) {
                    // Another report of this reporter that fits the group as well leaves it ambiguous.
                    const Group& group = groups[chosen];
                    for (int j = 0; j < int(rows.size()) && chosen >= 0; ++j)
                        if (j != i && rows[j].reporter == r.reporter && sameRequest(*group.first, rows[j]) &&
                            std::llabs(group.start - rows[j].start) < best + kTie)
                            chosen = -1;
                }
            }
        }
        if (chosen < 0) {
            chosen = int(groups.size());
            groups.emplace_back();
            groups.back().start = r.start;
            groups.back().first = &r;
        }
        groups[chosen].rows.push_back(i);
        r.group = chosen;
    }

    bool changed = false;
    for (const Group& g : groups) {
        // The row that stands for the call: the first with a trace id, else the first in reporter order.
        int canonical = g.rows.front();
        for (int m : g.rows)
            if (rows[m].trace) {
                canonical = m;
                break;
            }
        for (int m : g.rows) {
            const std::optional<std::int64_t> want =
                m == canonical ? std::nullopt : std::optional<std::int64_t>(rows[canonical].id);
            if (rows[m].mergedInto == want)
                continue;
            m_setMergedInto.bind(1, rows[m].id);
            if (want)
                m_setMergedInto.bind(2, *want);
            else
                m_setMergedInto.bindNull(2);
            m_setMergedInto.run();
            changed = true;
        }
    }
    return changed;
}

} // namespace seam
