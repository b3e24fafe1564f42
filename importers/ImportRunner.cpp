#include "ImportRunner.h"

#include "InputSource.h"
#include "ImportFormats.h"
#include "StoreWriter.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace seam {

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
    out.sourceId = m_writer.beginSource("file", path);
    auto sink = m_writer.sinkFor(out.sourceId);
    auto source = InputSource::openFile(path);
    std::function<void(std::uint64_t, std::uint64_t)> progress;
    if (m_progress)
        progress = [&](std::uint64_t done, std::uint64_t total) { m_progress(path, done, total); };
    out.report = importSource(*source, *sink, m_cancel, m_format, progress);
    // Everything this file produced is committed before its outcome is recorded.
    if (!m_writer.flush() && !out.report.hasFatal())
        out.report.setFatal("", "writing to the cache failed: " + m_writer.lastError());
    m_writer.finishSource(out.sourceId, out.report);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

} // namespace seam
