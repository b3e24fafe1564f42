#include "PageWriteCounter.h"

#include "VfsShim.h"
#include "WalFormat.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <pthread.h>
#include <sqlite3.h>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seam::bench {
namespace {

using wal_format::bigEndian32;

struct Counts
{
    std::mutex mutex;
    std::unordered_map<std::uint32_t, std::uint64_t> walFrames;    // page -> frames appended
    std::unordered_map<std::uint32_t, std::uint64_t> checkpointed; // page -> copies into the file
    std::unordered_map<std::uint32_t, std::uint64_t> writerReads;  // page -> misses of the writer's cache
    std::unordered_map<std::int64_t, std::uint32_t> walFramePage;  // frame index -> page, this log
};

// Only the writer thread's reads count: they are its page cache's misses, which is what a big import
// waits on; readers' and the checkpointer's reads are other work.
bool onWriterThread()
{
    thread_local const bool writer = [] {
        char name[16] = {};
        pthread_getname_np(pthread_self(), name, sizeof name);
        return std::string_view(name) == "seam-writer";
    }();
    return writer;
}

Counts& counts()
{
    static Counts c;
    return c;
}

sqlite3_vfs* g_real = nullptr;

enum class Kind
{
    Database,
    Wal,
    Other
};

struct CountedFile
{
    sqlite_vfs::ShimFile shim; // first: SQLite's handle and the real file
    Kind kind;
    std::int64_t frameSize; // 24 + page size, from the log's header; 0 until seen
    sqlite3_file* real() { return shim.real; }
};

CountedFile* counted(sqlite3_file* f)
{
    return reinterpret_cast<CountedFile*>(f);
}

int xWrite(sqlite3_file* f, const void* p, int n, sqlite3_int64 off)
{
    CountedFile* s = counted(f);
    const auto* b = static_cast<const unsigned char*>(p);
    if (s->kind == Kind::Wal) {
        // Seam's writers batch a commit's frames into a few large writes (models/store/WalWriteBatching):
        // every frame header that starts in the write counts. The log's header gives the frame size.
        std::lock_guard lock(counts().mutex);
        if (off == 0 && n >= wal_format::kHeader) {
            s->frameSize = wal_format::frameSizeOf(b);
            counts().walFramePage.clear(); // the log restarts
        }
        if (s->frameSize == 0) {
            if (n == wal_format::kFrameHeader) // SQLite's own two writes per frame
                ++counts().walFrames[bigEndian32(b)];
        } else {
            wal_format::forEachFrameStart(off, n, s->frameSize, 4, [&](std::int64_t at) {
                const std::uint32_t page = bigEndian32(b + (at - off));
                ++counts().walFrames[page];
                counts().walFramePage[(at - wal_format::kHeader) / s->frameSize] = page;
            });
        }
    } else if (s->kind == Kind::Database && off > 0 && n >= 512) {
        // Page-sized writes past the header page are a checkpoint's copies.
        std::lock_guard lock(counts().mutex);
        ++counts().checkpointed[std::uint32_t(off / n) + 1];
    }
    return s->real()->pMethods->xWrite(s->real(), p, n, off);
}

int xRead(sqlite3_file* f, void* p, int n, sqlite3_int64 off)
{
    CountedFile* s = counted(f);
    if (n >= 512 && onWriterThread()) {
        std::lock_guard lock(counts().mutex);
        if (s->kind == Kind::Database && off % n == 0) {
            ++counts().writerReads[std::uint32_t(off / n) + 1];
        } else if (s->kind == Kind::Wal && s->frameSize > 0 && n == s->frameSize - wal_format::kFrameHeader) {
            // wal.c reads a frame's page at its offset past the frame header.
            const auto it = counts().walFramePage.find(
                (off - wal_format::kHeader - wal_format::kFrameHeader) / s->frameSize);
            if (it != counts().walFramePage.end())
                ++counts().writerReads[it->second];
        }
    }
    return s->real()->pMethods->xRead(s->real(), p, n, off);
}

const sqlite3_io_methods kMethods = [] {
    sqlite3_io_methods m = sqlite_vfs::passThroughMethods();
    m.xRead = xRead;
    m.xWrite = xWrite;
    return m;
}();

int xOpen(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags)
{
    CountedFile* s = counted(f);
    s->kind = (flags & SQLITE_OPEN_MAIN_DB) ? Kind::Database
              : (flags & SQLITE_OPEN_WAL)   ? Kind::Wal
                                            : Kind::Other;
    s->frameSize = 0;
    return sqlite_vfs::openRealFile(vfs, name, &s->shim, flags, outFlags, &kMethods);
}

sqlite3_vfs g_shim;

} // namespace

void installPageWriteCounter()
{
    g_real = sqlite3_vfs_find(nullptr);
    g_shim = sqlite_vfs::passThroughVfs(g_real, "seam-page-write-counter", int(sizeof(CountedFile)), xOpen);
    sqlite3_vfs_register(&g_shim, 1);
}

std::string pageWriteReport(const std::string& database)
{
    struct Row
    {
        std::uint64_t wal = 0, checkpoint = 0, pages = 0, reads = 0;
    };
    std::map<std::string, Row> rows;
    std::unordered_map<std::uint32_t, std::string> owner;
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, g_real ? g_real->zName : nullptr) ==
        SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT name, pageno FROM dbstat", -1, &st, nullptr) == SQLITE_OK) {
            while (sqlite3_step(st) == SQLITE_ROW) {
                const auto* n = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
                const std::string name = n ? n : "?";
                owner[std::uint32_t(sqlite3_column_int64(st, 1))] = name;
                ++rows[name].pages;
            }
        } else {
            out += std::string("dbstat unavailable: ") + sqlite3_errmsg(db) + "\n";
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);

    std::uint64_t walTotal = 0, checkpointTotal = 0, readTotal = 0;
    {
        std::lock_guard lock(counts().mutex);
        const auto nameOf = [&](std::uint32_t page) -> std::string {
            const auto it = owner.find(page);
            return it == owner.end() ? std::string("(free or header)") : it->second;
        };
        for (const auto& [page, n] : counts().walFrames) {
            rows[nameOf(page)].wal += n;
            walTotal += n;
        }
        for (const auto& [page, n] : counts().writerReads) {
            rows[nameOf(page)].reads += n;
            readTotal += n;
        }
        for (const auto& [page, n] : counts().checkpointed) {
            rows[nameOf(page)].checkpoint += n;
            checkpointTotal += n;
        }
    }
    std::vector<std::pair<std::string, Row>> sorted(rows.begin(), rows.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second.wal > b.second.wal; });
    char line[256];
    std::snprintf(
        line, sizeof line,
        "page writes: %llu WAL frames, %llu checkpoint copies; the writer's page-cache misses: %llu "
        "page reads\n",
        (unsigned long long)walTotal, (unsigned long long)checkpointTotal, (unsigned long long)readTotal);
    out += line;
    std::snprintf(line, sizeof line, "  %-36s %10s %6s %10s %10s %8s %12s\n", "B-tree", "WAL frames", "share",
                  "checkpoint", "pages now", "frames/page", "writer reads");
    out += line;
    for (const auto& [name, r] : sorted) {
        if (r.wal < walTotal / 500 && r.reads < readTotal / 500)
            continue; // under 0.2%: noise in this table
        std::snprintf(line, sizeof line, "  %-36s %10llu %5.1f%% %10llu %10llu %8.1f %12llu\n", name.c_str(),
                      (unsigned long long)r.wal, walTotal ? 100.0 * double(r.wal) / double(walTotal) : 0.0,
                      (unsigned long long)r.checkpoint, (unsigned long long)r.pages,
                      r.pages ? double(r.wal) / double(r.pages) : 0.0, (unsigned long long)r.reads);
        out += line;
    }
    return out;
}

} // namespace seam::bench
