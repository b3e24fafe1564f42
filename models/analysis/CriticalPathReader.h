#pragma once
// Reads what the critical path of a page load needs from a cache: the load's timings, its resources
// with their links, its long tasks and the backend spans of every linked trace. Statements are
// prepared once, so reading many loads (a cohort) costs index seeks per load, nothing per cache row.

#include "CriticalPath.h"
#include "Sqlite.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace seam {

class CriticalPathReader
{
public:
    /// `db` must outlive the reader. Throws SqliteError.
    explicit CriticalPathReader(Database& db);

    /// The input of page load `pageLoadId`; nullopt when there is no such load. Spans are read in
    /// (start, span id) order and resources in (start, id) order: the same cache gives the same
    /// input whatever order rows were written in. Browser spans are left out (the resources stand
    /// for them). `traceRowIds`, when given, receives traces.id of each input trace.
    std::optional<CriticalPathInput> read(std::int64_t pageLoadId,
                                          std::vector<std::int64_t>* traceRowIds = nullptr);

private:
    std::int32_t nameIndex(CriticalPathInput& in, std::unordered_map<std::int64_t, std::int32_t>& local,
                           std::int64_t id, bool service);
    std::int32_t readTrace(CriticalPathInput& in, std::int64_t traceRowId,
                           std::unordered_map<std::int64_t, std::int32_t>& traces,
                           std::vector<std::int64_t>* traceRowIds);

    Database& m_db;
    Statement m_page, m_resources, m_longTasks, m_spans;
    std::unordered_map<std::int64_t, std::string> m_serviceNames, m_operationNames;
    // Per read(): service / operation id -> index into the input's names.
    std::unordered_map<std::int64_t, std::int32_t> m_serviceIndex, m_operationIndex;
};

} // namespace seam
