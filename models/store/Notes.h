#pragma once

// Notes and bookmarks of an incident review (schema v2, docs/SCHEMA.md "notes"): on any object of the
// investigation, with author, tags and the focus of the window they were taken in. Plain structs and
// functions over a Database; the CLI and the window both call these.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace seam {

class Database;

namespace notes {

/// What a note is about. The names are the `notes.target_type` values and the CLI's JSON `kind`s.
enum class TargetKind
{
    PageLoad,  ///< page_loads.id
    Resource,  ///< resources.id
    Span,      ///< a backend span: trace id + span id
    Trace,     ///< a trace id
    Session,   ///< sessions.id
    Service,   ///< a service name
    TimeRange, ///< from..to
    Incident,  ///< a service over from..to
    Cohort,    ///< a filter (the window's filter language) over from..to
};

const char* targetKindName(TargetKind kind);
std::optional<TargetKind> targetKindFromName(std::string_view name);

struct Target
{
    TargetKind kind = TargetKind::TimeRange;
    std::int64_t id = 0;                  ///< PageLoad, Resource, Session
    std::string traceId;                  ///< Span, Trace: 32 lower-case hex digits
    std::string spanId;                   ///< Span: 16 lower-case hex digits
    std::string name;                     ///< Service, Incident: the service; Cohort: the filter
    std::optional<std::int64_t> from, to; ///< ns since the epoch (TimeRange, Incident, Cohort)

    friend bool operator==(const Target&, const Target&) = default;
};

struct Note
{
    std::int64_t id = 0;
    std::int64_t createdNs = 0;
    std::optional<std::int64_t> updatedNs;
    bool bookmark = false;
    Target target;
    std::string title;
    std::string text;
    std::string author;
    std::vector<std::string> tags; ///< normalised (see normaliseTags), sorted
    std::string focus;             ///< compact JSON of the window's focus, empty when none
};

/// A target that names nothing in the cache (an unknown page load, trace, span, session or service),
/// or a malformed one (bad hex, a range that ends before it starts).
class TargetError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Trimmed, lower-case, a leading '#' dropped, empty ones dropped, each once, sorted: "#DB-lock " and
/// "db-lock" are one tag, so filtering by tag finds both.
std::vector<std::string> normaliseTags(const std::vector<std::string>& tags);
/// The OS user (USER, else USERNAME, else LOGNAME, else the account of the process), "" when none.
std::string defaultAuthor();
/// Checks that `target` names something in the cache and returns it normalised (hex lower-cased).
/// Throws TargetError.
Target checkTarget(Database& db, const Target& target);

/// Adds `note` (created now unless createdNs is set; author as given; with its id when set, as an undone
/// deletion writes it back) after checkTarget. Needs a writable v2 connection. Returns the new id.
/// Throws TargetError, SqliteError.
std::int64_t addNote(Database& db, Note note);
/// Replaces text, title, author, tags, bookmark and focus of note `note.id` and sets updated_ns to now.
/// The target stays. False when there is no such note.
bool updateNote(Database& db, const Note& note);
/// Deletes the note and its tags. False when there is no such note.
bool deleteNote(Database& db, std::int64_t id);

/// Notes in a stable order (creation time, then id); only those tagged `tag` when given. Reads v1
/// caches too (no author, tags or focus there).
std::vector<Note> listNotes(Database& db, const std::optional<std::string>& tag = std::nullopt);
std::optional<Note> findNote(Database& db, std::int64_t id);

} // namespace notes
} // namespace seam
