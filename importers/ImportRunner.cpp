#include "ImportRunner.h"

#include "ImportFormats.h"
#include "InputSource.h"
#include "StoreWriter.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace seam {
namespace {

/// Between the reader and the writer. Readers poll one flag: this sets it when the user cancels
/// (relayed from the caller's flag at every batch and progress report, which is where readers look)
/// or when the writer could not commit this source's batches, and then drops what still comes.
class StopOnFailureSink : public BatchSink
{
public:
    StopOnFailureSink(StoreWriter& writer, std::int64_t sourceId, const std::atomic<bool>* cancel,
                      std::atomic<bool>& stop)
        : m_writer(writer), m_inner(writer.sinkFor(sourceId)), m_sourceId(sourceId), m_cancel(cancel),
          m_stop(stop)
    {}
    void relayCancel()
    {
        if (m_cancel && m_cancel->load(std::memory_order_relaxed))
            m_stop = true;
    }
    void submit(RecordBatch&& batch) override
    {
        relayCancel();
        if (m_writer.sourceFailed(m_sourceId)) {
            m_stop = true;
            return;
        }
        m_inner->submit(std::move(batch));
    }
    KeyDictionary* payloadDictionary() override { return m_inner->payloadDictionary(); }

private:
    StoreWriter& m_writer;
    std::unique_ptr<BatchSink> m_inner;
    std::int64_t m_sourceId;
    const std::atomic<bool>* m_cancel;
    std::atomic<bool>& m_stop;
};

} // namespace

std::vector<std::string> ImportRunner::expand(const std::vector<std::string>& paths,
                                              std::vector<std::string>& missing)
{
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const std::string& p : paths) {
        std::error_code ec;
        const fs::file_status status = fs::status(p, ec);
        if (ec || !fs::exists(status)) {
            missing.push_back(p);
            continue;
        }
        if (!fs::is_directory(status)) {
            files.push_back(p);
            continue;
        }
        std::vector<std::string> inside;
        for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (!name.empty() && name[0] == '.') {
                if (it->is_directory())
                    it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file())
                inside.push_back(it->path().string());
        }
        std::sort(inside.begin(), inside.end());
        files.insert(files.end(), inside.begin(), inside.end());
    }
    return files;
}

ImportRunner::Outcome ImportRunner::importFile(const std::string& path)
{
    Outcome out;
    out.path = path;
    const auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    out.sourceId = m_writer.beginSource("file", path, StoreWriter::OnFailure::StopSource);
    if (!out.sourceId) {
        // Nothing can be written: the file is not read at all.
        out.writeFailure = m_writer.lastFailure();
        out.report.setCommitted(0);
        out.report.setFatal("", out.writeFailure.describe());
        out.seconds = elapsed();
        return out;
    }
    std::atomic<bool> stop{m_cancel && m_cancel->load()};
    StopOnFailureSink sink(m_writer, out.sourceId, m_cancel, stop);
    auto source = InputSource::openFile(path);
    std::function<void(std::uint64_t, std::uint64_t)> progress = [&](std::uint64_t done,
                                                                     std::uint64_t total) {
        sink.relayCancel();
        if (m_progress)
            m_progress(path, done, total);
    };
    out.report = importSource(*source, sink, &stop, m_format, progress);
    // Everything this file produced is committed (or failed) before its outcome is recorded.
    m_writer.flush();
    const SourceCommits commits = m_writer.sourceCommits(out.sourceId);
    if (commits.failed) {
        out.writeFailure = commits.failure;
        // The reader saw our stop, not the user's.
        out.report.cancelled = m_cancel && m_cancel->load();
        out.report.setCommitted(commits.items);
        out.report.setFatal("", out.writeFailure.describe() + "; " + std::to_string(commits.items) + " of " +
                                    std::to_string(out.report.read()) + " records read were committed");
    }
    m_writer.finishSource(out.sourceId, out.report);
    out.seconds = elapsed();
    return out;
}

} // namespace seam
