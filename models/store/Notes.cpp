#include "Notes.h"

#include "Ids.h"
#include "Schema.h"
#include "Sqlite.h"
#include "TraceLookup.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <map>

#if defined(__unix__) || defined(__APPLE__)
#include <pwd.h>
#include <unistd.h>
#endif

namespace seam::notes {
namespace {

constexpr std::array kKindNames = {"page_load", "resource",   "span",     "trace", "session",
                                   "service",   "time_range", "incident", "cohort"};

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool exists(Database& db, const char* sql, std::int64_t id)
{
    Statement st = db.prepare(sql);
    st.bind(1, id);
    return st.step();
}

bool existsText(Database& db, const char* sql, std::string_view text)
{
    Statement st = db.prepare(sql);
    st.bindText(1, text);
    return st.step();
}

TraceId parseTrace(const std::string& hex)
{
    const auto id = TraceId::fromHex(hex);
    if (!id || !id->isValid())
        throw TargetError("'" + hex + "' is not a trace id (32 hex digits)");
    return *id;
}

void requireRange(const Target& t, bool required)
{
    if (required && (!t.from || !t.to))
        throw TargetError(std::string(targetKindName(t.kind)) + " needs a time range (from and to)");
    if (t.from.has_value() != t.to.has_value())
        throw TargetError("a time range needs both from and to");
    if (t.from && *t.to < *t.from)
        throw TargetError("the time range ends before it starts");
}

/// The `target_id` column's text for a checked target (see docs/SCHEMA.md).
std::string targetIdText(const Target& t)
{
    switch (t.kind) {
    case TargetKind::PageLoad:
    case TargetKind::Resource:
    case TargetKind::Session:
        return std::to_string(t.id);
    case TargetKind::Span:
        return t.traceId + ":" + t.spanId;
    case TargetKind::Trace:
        return t.traceId;
    case TargetKind::Service:
    case TargetKind::Incident:
    case TargetKind::Cohort:
        return t.name;
    case TargetKind::TimeRange:
        return {};
    }
    return {};
}

Target targetFromColumns(std::string_view type, std::string_view idText, const Statement& st, int fromCol)
{
    Target t;
    t.kind = targetKindFromName(type).value_or(TargetKind::TimeRange);
    const std::string idString(idText);
    switch (t.kind) {
    case TargetKind::PageLoad:
    case TargetKind::Resource:
    case TargetKind::Session:
        t.id = std::strtoll(idString.c_str(), nullptr, 10);
        break;
    case TargetKind::Span: {
        const auto colon = idString.find(':');
        t.traceId = idString.substr(0, colon);
        if (colon != std::string::npos)
            t.spanId = idString.substr(colon + 1);
        break;
    }
    case TargetKind::Trace:
        t.traceId = idString;
        break;
    case TargetKind::Service:
    case TargetKind::Incident:
    case TargetKind::Cohort:
        t.name = idString;
        break;
    case TargetKind::TimeRange:
        break;
    }
    if (!st.isNull(fromCol))
        t.from = st.int64(fromCol);
    if (!st.isNull(fromCol + 1))
        t.to = st.int64(fromCol + 1);
    return t;
}

void writeTags(Database& db, std::int64_t noteId, const std::vector<std::string>& tags)
{
    Statement del = db.prepare("DELETE FROM note_tags WHERE note_id = ?");
    del.bind(1, noteId);
    del.run();
    Statement ins = db.prepare("INSERT OR IGNORE INTO note_tags(note_id, tag) VALUES (?, ?)");
    for (const std::string& tag : normaliseTags(tags)) {
        ins.bind(1, noteId).bindText(2, tag);
        ins.run();
    }
}

std::string std_trim(std::string_view s)
{
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

} // namespace

const char* targetKindName(TargetKind kind)
{
    return kKindNames[std::size_t(kind)];
}

std::optional<TargetKind> targetKindFromName(std::string_view name)
{
    for (std::size_t i = 0; i < kKindNames.size(); ++i)
        if (name == kKindNames[i])
            return TargetKind(i);
    return std::nullopt;
}

std::vector<std::string> normaliseTags(const std::vector<std::string>& tags)
{
    std::vector<std::string> out;
    for (const std::string& raw : tags) {
        std::string tag = std_trim(raw);
        if (!tag.empty() && tag.front() == '#')
            tag = std_trim(std::string_view(tag).substr(1));
        // ASCII lower-casing only: other scripts stay as typed (no locale-dependent surprises).
        std::transform(tag.begin(), tag.end(), tag.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        if (!tag.empty())
            out.push_back(std::move(tag));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string defaultAuthor()
{
    for (const char* name : {"USER", "USERNAME", "LOGNAME"})
        if (const char* value = std::getenv(name); value && *value)
            return value;
#if defined(__unix__) || defined(__APPLE__)
    // Services and desktop sessions started without a login shell may not set USER.
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name)
        return pw->pw_name;
#endif
    return {};
}

Target checkTarget(Database& db, const Target& target)
{
    Target t = target;
    switch (t.kind) {
    case TargetKind::PageLoad:
        if (!exists(db, "SELECT 1 FROM page_loads WHERE id = ?", t.id))
            throw TargetError("no page load " + std::to_string(t.id));
        break;
    case TargetKind::Resource:
        if (!exists(db, "SELECT 1 FROM resources WHERE id = ?", t.id))
            throw TargetError("no resource " + std::to_string(t.id));
        break;
    case TargetKind::Session:
        if (!exists(db, "SELECT 1 FROM sessions WHERE id = ?", t.id))
            throw TargetError("no session " + std::to_string(t.id));
        break;
    case TargetKind::Trace: {
        const TraceId id = parseTrace(t.traceId);
        t.traceId = id.hex();
        Statement st = db.prepare("SELECT 1 FROM traces WHERE trace_lo = ?2 AND trace_id = ?1");
        trace_lookup::bind(st, 1, 2, id);
        if (!st.step())
            throw TargetError("no trace " + t.traceId);
        break;
    }
    case TargetKind::Span: {
        const TraceId trace = parseTrace(t.traceId);
        const auto span = spanIdFromHex(t.spanId);
        if (!span || *span == 0)
            throw TargetError("'" + t.spanId + "' is not a span id (16 hex digits)");
        t.traceId = trace.hex();
        t.spanId = spanIdHex(*span);
        Statement st = db.prepare(
            "SELECT 1 FROM spans s JOIN traces t ON t.id = s.trace WHERE t.trace_lo = ?3 AND t.trace_id = ?1 "
            "AND s.span_id = ?2");
        trace_lookup::bind(st, 1, 3, trace);
        st.bind(2, *span);
        if (!st.step())
            throw TargetError("no span " + t.spanId + " in trace " + t.traceId);
        break;
    }
    case TargetKind::Service:
    case TargetKind::Incident:
        if (!existsText(db, "SELECT 1 FROM services WHERE name = ?", t.name))
            throw TargetError("no service '" + t.name + "'");
        break;
    case TargetKind::Cohort:
        if (std_trim(t.name).empty())
            throw TargetError("a cohort needs a filter");
        break;
    case TargetKind::TimeRange:
        break;
    }
    requireRange(t, t.kind == TargetKind::TimeRange || t.kind == TargetKind::Incident);
    return t;
}

std::int64_t addNote(Database& db, Note note)
{
    note.target = checkTarget(db, note.target);
    Transaction tx(db);
    Statement st = db.prepare(
        "INSERT INTO notes(created_ns, kind, target_type, target_id, from_ns, to_ns, "
        "title, text, author, updated_ns, focus, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)");
    const std::string idText = targetIdText(note.target);
    st.bind(1, note.createdNs != 0 ? note.createdNs : nowNs())
        .bindText(2, note.bookmark ? "bookmark" : "note")
        .bindText(3, targetKindName(note.target.kind))
        .bindTextOrNull(4, idText)
        .bindTextOrNull(7, note.title)
        .bindText(8, note.text)
        .bindText(9, note.author)
        .bindTextOrNull(10, note.focus);
    // A note written back (undo of its deletion) keeps its id; a new one gets the next.
    note.id != 0 ? st.bindInt64(11, note.id) : st.bindNull(11);
    note.target.from ? st.bindInt64(5, *note.target.from) : st.bindNull(5);
    note.target.to ? st.bindInt64(6, *note.target.to) : st.bindNull(6);
    st.run();
    const std::int64_t id = db.lastInsertRowId();
    writeTags(db, id, note.tags);
    tx.commit();
    return id;
}

bool updateNote(Database& db, const Note& note)
{
    Transaction tx(db);
    Statement st = db.prepare("UPDATE notes SET kind = ?, title = ?, text = ?, author = ?, focus = ?, "
                              "updated_ns = ? WHERE id = ?");
    st.bindText(1, note.bookmark ? "bookmark" : "note")
        .bindTextOrNull(2, note.title)
        .bindText(3, note.text)
        .bindText(4, note.author)
        .bindTextOrNull(5, note.focus)
        .bind(6, nowNs())
        .bind(7, note.id);
    st.run();
    if (db.changes() == 0)
        return false;
    writeTags(db, note.id, note.tags);
    tx.commit();
    return true;
}

bool deleteNote(Database& db, std::int64_t id)
{
    Transaction tx(db);
    Statement st = db.prepare("DELETE FROM notes WHERE id = ?");
    st.bind(1, id);
    st.run();
    if (db.changes() == 0)
        return false;
    Statement tags = db.prepare("DELETE FROM note_tags WHERE note_id = ?");
    tags.bind(1, id);
    tags.run();
    tx.commit();
    return true;
}

std::vector<Note> listNotes(Database& db, const std::optional<std::string>& tag)
{
    const bool v2 = schema::schemaVersion(db) >= 2;
    // v1 has neither the columns nor note_tags: the same shape with their defaults.
    std::string sql =
        v2 ? "SELECT id, created_ns, kind, target_type, target_id, from_ns, to_ns, title, text, "
             "author, updated_ns, focus FROM notes"
           : "SELECT id, created_ns, kind, target_type, target_id, from_ns, to_ns, title, text, "
             "'', NULL, NULL FROM notes";
    if (tag) {
        if (!v2)
            return {};
        sql += " WHERE id IN (SELECT note_id FROM note_tags WHERE tag = ?)";
    }
    sql += " ORDER BY created_ns, id";
    Statement st = db.prepare(sql);
    std::string tagText;
    if (tag) {
        const auto normalised = normaliseTags({*tag});
        tagText = normalised.empty() ? std::string() : normalised.front();
        st.bindText(1, tagText);
    }
    std::vector<Note> out;
    std::map<std::int64_t, std::size_t> index;
    while (st.step()) {
        Note n;
        n.id = st.int64(0);
        n.createdNs = st.int64(1);
        n.bookmark = st.text(2) == "bookmark";
        n.target = targetFromColumns(st.text(3), st.text(4), st, 5);
        n.title = std::string(st.text(7));
        n.text = std::string(st.text(8));
        n.author = std::string(st.text(9));
        if (!st.isNull(10))
            n.updatedNs = st.int64(10);
        n.focus = std::string(st.text(11));
        index[n.id] = out.size();
        out.push_back(std::move(n));
    }
    if (v2 && !out.empty()) {
        Statement tags = db.prepare("SELECT note_id, tag FROM note_tags ORDER BY note_id, tag");
        while (tags.step())
            if (const auto it = index.find(tags.int64(0)); it != index.end())
                out[it->second].tags.emplace_back(tags.text(1));
    }
    return out;
}

std::optional<Note> findNote(Database& db, std::int64_t id)
{
    for (Note& n : listNotes(db))
        if (n.id == id)
            return std::move(n);
    return std::nullopt;
}

} // namespace seam::notes
