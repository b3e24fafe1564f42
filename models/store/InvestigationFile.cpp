#include "InvestigationFile.h"

#include "CacheError.h"
#include "CacheOpen.h"

#include <cstdint>
#include <filesystem>
#include <fstream>

namespace seam::store {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSqliteMagic("SQLite format 3\0", 16);

std::uint32_t bigEndian(const unsigned char* p, int bytes)
{
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = v << 8 | p[i];
    return v;
}

/// CacheError texts name the path and say the file was left untouched ("P is not a Seam cache (WHAT);
/// it was left untouched"): the message here names neither, so keep WHAT.
std::string reasonOf(const CacheError& e, const std::string& path)
{
    std::string what = e.what();
    const std::string prefix = path + " is not a Seam cache (";
    const std::string suffix = "); it was left untouched";
    if (what.starts_with(prefix) && what.ends_with(suffix))
        return what.substr(prefix.size(), what.size() - prefix.size() - suffix.size());
    if (what.starts_with(path + " "))
        return what.substr(path.size() + 1);
    return what;
}

/// A cache cut short (an interrupted copy or download) still has the header announcing its full size;
/// SQLite would only notice when it reads a page past the end. The size in the header counts only when
/// "version-valid-for" (offset 92) matches the change counter (offset 24), as SQLite itself requires.
std::optional<std::string> truncation(const std::string& path)
{
    // A writer at work (it has a -wal) may be checkpointing, growing the file after its header: only a
    // file at rest is judged by its size.
    std::error_code walError;
    if (fs::exists(path + "-wal", walError))
        return std::nullopt;
    unsigned char header[100] = {};
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(header), sizeof header))
        return "truncated: shorter than an SQLite header";
    std::uint32_t pageSize = bigEndian(header + 16, 2);
    if (pageSize == 1)
        pageSize = 65536;
    const std::uint32_t pages = bigEndian(header + 28, 4);
    if (pages == 0 || bigEndian(header + 24, 4) != bigEndian(header + 92, 4))
        return std::nullopt;
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    const std::uintmax_t expected = std::uintmax_t(pages) * pageSize;
    if (ec || size >= expected)
        return std::nullopt;
    return "truncated: " + std::to_string(size) + " bytes of the " + std::to_string(expected) +
           " its header announces";
}

} // namespace

std::optional<std::string> whyNotAnInvestigation(const std::string& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        return std::string("no such file");
    if (fs::is_directory(path, ec))
        return std::string("a folder");
    if (fs::file_size(path, ec) == 0 && !ec)
        return std::string("the file is empty");
    try {
        if (checkBeforeWriting(path) == FileKind::New)
            return std::string("an SQLite database without any table");
    } catch (const CacheError& e) {
        if (e.reason() == CacheError::Reason::ReadOnly)
            return std::string("it cannot be read");
        return reasonOf(e, path);
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
    return truncation(path);
}

std::string notAnInvestigationMessage(const std::string& reason)
{
    return "This file is not a Seam investigation (or is damaged): " + reason;
}

bool looksLikeInvestigationFile(const std::string& path)
{
    if (fs::path(path).extension() == ".seam")
        return true;
    char head[16] = {};
    std::ifstream in(path, std::ios::binary);
    return in.read(head, sizeof head) && std::string_view(head, sizeof head) == kSqliteMagic;
}

} // namespace seam::store
