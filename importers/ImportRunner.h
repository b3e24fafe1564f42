#pragma once

#include "ImportReport.h"
#include "WriteFailure.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace seam {

class StoreWriter;

/// Imports files into an investigation through its StoreWriter: one `sources` row per file, the
/// file's records delivered in batches (parsing here, SQL on the writer thread, so the two overlap),
/// and the outcome — accepted, rejected with locations, fatal errors, cancellation — recorded.
/// Shared by `seam import` and the GUI's import action.
///
/// The report counts what was committed: when a commit fails (disk full, read-only, locked by another
/// program, I/O error) reading stops, the report's accepted() becomes the items of the batches that
/// did commit (read() keeps what was read), its fatal error says why, and writeFailure is set.
class ImportRunner
{
public:
    struct Outcome
    {
        std::string path;
        std::int64_t sourceId = 0;
        ImportReport report;
        double seconds = 0;
        /// Set when writing to the cache failed: the import stopped there (nothing later is written).
        WriteFailure writeFailure;
    };
    /// (raw bytes read, raw total) of the current file.
    using Progress = std::function<void(const std::string& path, std::uint64_t done, std::uint64_t total)>;

    explicit ImportRunner(StoreWriter& writer) : m_writer(writer) {}

    void setFormat(std::string format) { m_format = std::move(format); }
    void setCancelFlag(const std::atomic<bool>* cancel) { m_cancel = cancel; }
    void setProgress(Progress progress) { m_progress = std::move(progress); }

    /// Files as given; directories expanded recursively (sorted, hidden files skipped). Paths that do
    /// not exist are reported in `missing`.
    static std::vector<std::string> expand(const std::vector<std::string>& paths,
                                           std::vector<std::string>& missing);

    Outcome importFile(const std::string& path);

private:
    StoreWriter& m_writer;
    std::string m_format;
    const std::atomic<bool>* m_cancel = nullptr;
    Progress m_progress;
};

} // namespace seam
