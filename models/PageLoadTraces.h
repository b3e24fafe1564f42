#pragma once

#include <QString>
#include <optional>
#include <vector>

namespace seam {

class Database;

/// What the views need to know of one page load's backend: the traces it reached, and the facts the
/// flamegraph's header puts them in context with.
struct PageLoadTraces
{
    qint64 pageLoadId = 0;
    QString route;
    std::optional<qint64> duration; // ns
    QString services;               // comma-separated, as page_loads.services stores it
    std::vector<qint64> traces;     // traces.id: the document's trace, then the linked resources'

    /// Resolves `pageLoadId`'s traces: two index lookups (page_loads, then links by resource). An
    /// unknown page load gives no traces. Throws SqliteError.
    static PageLoadTraces load(Database& db, qint64 pageLoadId);
};

} // namespace seam
