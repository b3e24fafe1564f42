#pragma once

// When the sessions of an impact comparison converted (BusinessImpact): every landmark asks whether its
// session had converted before it and whether it converted within the horizon after it. Asking the
// cache once per session costs an index seek and a row per page load of the session (a 24 h window
// over the 250k-page-load demo cache asks 20,000 sessions: a third of a second), so a route conversion
// is read for many sessions at once, by one range of page_loads_by_route over the stretch they are
// asked about. A session read that way must not have converted earlier than the range: one with a
// page load before it (page_loads_by_session, index only) is read on its own as before, and so is one
// asked about past the range's end. The answers are those of one query per session, only cheaper.

#include "ConversionDefinition.h"
#include "Ids.h"
#include "Sqlite.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <vector>

namespace seam {

class ConversionTimes
{
public:
    /// Throws SqliteError.
    ConversionTimes(Database& db, const ConversionDefinition& definition);

    /// Reads the conversions of `sessions` in [from, to] in one range query, when the definition allows
    /// it (a route without glob characters); sessions already known are left alone. Throws SqliteError.
    void prefetch(const std::vector<std::int64_t>& sessions, TimeNs from, TimeNs to);

    /// It converted before `at`.
    bool before(std::int64_t session, TimeNs at);
    /// It converted in [at, at + horizon].
    bool within(std::int64_t session, TimeNs at, TimeNs horizon);

private:
    struct Known
    {
        std::vector<TimeNs> times;
        /// Every conversion of the session up to this is in `times` (later ones may be missing).
        TimeNs until = std::numeric_limits<TimeNs>::max();
    };
    /// Its conversions up to `until` at least.
    const std::vector<TimeNs>& timesOf(std::int64_t session, TimeNs until);

    ConversionDefinition m_definition;
    Statement m_bySession;
    std::optional<Statement> m_byRoute;    ///< a route without glob characters: by page_loads_by_route
    std::optional<Statement> m_earlier;    ///< a page load of the session before a time
    std::optional<Statement> m_anyEarlier; ///< any page load before a time
    std::unordered_map<std::int64_t, Known> m_known;
};

} // namespace seam
