#include "PageWriteCounter.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <sqlite3.h>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seam::bench {
namespace {

// A WAL frame is a 24-byte header (page number first, big-endian) followed by the page; SQLite writes
// the two with separate xWrite calls (wal.c, walWriteOneFrame), Seam's writers many frames at once.
constexpr int kWalFrameHeader = 24;
constexpr int kWalHeader = 32;

std::uint32_t bigEndian32(const unsigned char* b)
{
    return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 |
           std::uint32_t(b[3]);
}

struct Counts
{
    std::mutex mutex;
    std::unordered_map<std::uint32_t, std::uint64_t> walFrames;    // page -> frames appended
    std::unordered_map<std::uint32_t, std::uint64_t> checkpointed; // page -> copies into the file
};

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

struct ShimFile
{
    sqlite3_file base;
    Kind kind;
    int pageSize;
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

ShimFile* shim(sqlite3_file* f)
{
    return reinterpret_cast<ShimFile*>(f);
}

int xClose(sqlite3_file* f)
{
    return shim(f)->real()->pMethods->xClose(shim(f)->real());
}
int xRead(sqlite3_file* f, void* p, int n, sqlite3_int64 off)
{
    return shim(f)->real()->pMethods->xRead(shim(f)->real(), p, n, off);
}
int xWrite(sqlite3_file* f, const void* p, int n, sqlite3_int64 off)
{
    ShimFile* s = shim(f);
    const auto* b = static_cast<const unsigned char*>(p);
    if (s->kind == Kind::Wal) {
        // Seam's writers batch a commit's frames into a few large writes (models/store/WalWriteBatching):
        // every frame header that starts in the write counts. The log's header gives the frame size.
        if (off == 0 && n >= kWalHeader)
            s->pageSize = int(bigEndian32(b + 8) == 1 ? 65536 : bigEndian32(b + 8));
        std::lock_guard lock(counts().mutex);
        if (s->pageSize == 0) {
            if (n == kWalFrameHeader)
                ++counts().walFrames[bigEndian32(b)];
        } else {
            const sqlite3_int64 frame = kWalFrameHeader + s->pageSize;
            const sqlite3_int64 first = off <= kWalHeader ? 0 : (off - kWalHeader + frame - 1) / frame;
            for (sqlite3_int64 at = kWalHeader + first * frame; at + 4 <= off + n; at += frame)
                ++counts().walFrames[bigEndian32(b + (at - off))];
        }
    } else if (s->kind == Kind::Database && off > 0 && n >= 512) {
        // Page-sized writes past the header page are a checkpoint's copies.
        std::lock_guard lock(counts().mutex);
        ++counts().checkpointed[std::uint32_t(off / n) + 1];
    }
    return s->real()->pMethods->xWrite(s->real(), p, n, off);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size)
{
    return shim(f)->real()->pMethods->xTruncate(shim(f)->real(), size);
}
int xSync(sqlite3_file* f, int flags)
{
    return shim(f)->real()->pMethods->xSync(shim(f)->real(), flags);
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size)
{
    return shim(f)->real()->pMethods->xFileSize(shim(f)->real(), size);
}
int xLock(sqlite3_file* f, int l)
{
    return shim(f)->real()->pMethods->xLock(shim(f)->real(), l);
}
int xUnlock(sqlite3_file* f, int l)
{
    return shim(f)->real()->pMethods->xUnlock(shim(f)->real(), l);
}
int xCheckReservedLock(sqlite3_file* f, int* out)
{
    return shim(f)->real()->pMethods->xCheckReservedLock(shim(f)->real(), out);
}
int xFileControl(sqlite3_file* f, int op, void* arg)
{
    return shim(f)->real()->pMethods->xFileControl(shim(f)->real(), op, arg);
}
int xSectorSize(sqlite3_file* f)
{
    return shim(f)->real()->pMethods->xSectorSize(shim(f)->real());
}
int xDeviceCharacteristics(sqlite3_file* f)
{
    return shim(f)->real()->pMethods->xDeviceCharacteristics(shim(f)->real());
}
int xShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out)
{
    return shim(f)->real()->pMethods->xShmMap(shim(f)->real(), region, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags)
{
    return shim(f)->real()->pMethods->xShmLock(shim(f)->real(), offset, n, flags);
}
void xShmBarrier(sqlite3_file* f)
{
    shim(f)->real()->pMethods->xShmBarrier(shim(f)->real());
}
int xShmUnmap(sqlite3_file* f, int deleteFlag)
{
    return shim(f)->real()->pMethods->xShmUnmap(shim(f)->real(), deleteFlag);
}
int xFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out)
{
    return shim(f)->real()->pMethods->xFetch(shim(f)->real(), off, n, out);
}
int xUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p)
{
    return shim(f)->real()->pMethods->xUnfetch(shim(f)->real(), off, p);
}

const sqlite3_io_methods kMethods = {3,
                                     xClose,
                                     xRead,
                                     xWrite,
                                     xTruncate,
                                     xSync,
                                     xFileSize,
                                     xLock,
                                     xUnlock,
                                     xCheckReservedLock,
                                     xFileControl,
                                     xSectorSize,
                                     xDeviceCharacteristics,
                                     xShmMap,
                                     xShmLock,
                                     xShmBarrier,
                                     xShmUnmap,
                                     xFetch,
                                     xUnfetch};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags)
{
    ShimFile* s = shim(f);
    s->base.pMethods = nullptr;
    s->kind = (flags & SQLITE_OPEN_MAIN_DB) ? Kind::Database
              : (flags & SQLITE_OPEN_WAL)   ? Kind::Wal
                                            : Kind::Other;
    s->pageSize = 0;
    const int rc = g_real->xOpen(g_real, name, s->real(), flags, outFlags);
    // SQLite calls xClose only when pMethods is set: set it only when the real file opened.
    if (s->real()->pMethods)
        s->base.pMethods = &kMethods;
    return rc;
}

sqlite3_vfs g_shim;

} // namespace

void installPageWriteCounter()
{
    g_real = sqlite3_vfs_find(nullptr);
    g_shim = *g_real;
    g_shim.zName = "seam-page-write-counter";
    g_shim.szOsFile = int(sizeof(ShimFile)) + g_real->szOsFile;
    g_shim.xOpen = xOpen;
    // The real VFS's own methods get g_real back, never the shim (they read its pAppData).
    g_shim.xDelete = [](sqlite3_vfs*, const char* n, int d) { return g_real->xDelete(g_real, n, d); };
    g_shim.xAccess = [](sqlite3_vfs*, const char* n, int f, int* o) {
        return g_real->xAccess(g_real, n, f, o);
    };
    g_shim.xFullPathname = [](sqlite3_vfs*, const char* n, int m, char* o) {
        return g_real->xFullPathname(g_real, n, m, o);
    };
    g_shim.xDlOpen = [](sqlite3_vfs*, const char* n) { return g_real->xDlOpen(g_real, n); };
    g_shim.xDlError = [](sqlite3_vfs*, int n, char* m) { g_real->xDlError(g_real, n, m); };
    g_shim.xDlSym = [](sqlite3_vfs*, void* h, const char* s) { return g_real->xDlSym(g_real, h, s); };
    g_shim.xDlClose = [](sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); };
    g_shim.xRandomness = [](sqlite3_vfs*, int n, char* o) { return g_real->xRandomness(g_real, n, o); };
    g_shim.xSleep = [](sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); };
    g_shim.xCurrentTime = [](sqlite3_vfs*, double* t) { return g_real->xCurrentTime(g_real, t); };
    g_shim.xGetLastError = [](sqlite3_vfs*, int n, char* o) { return g_real->xGetLastError(g_real, n, o); };
    g_shim.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* t) {
        return g_real->xCurrentTimeInt64(g_real, t);
    };
    g_shim.xSetSystemCall = [](sqlite3_vfs*, const char* n, sqlite3_syscall_ptr p) {
        return g_real->xSetSystemCall(g_real, n, p);
    };
    g_shim.xGetSystemCall = [](sqlite3_vfs*, const char* n) { return g_real->xGetSystemCall(g_real, n); };
    g_shim.xNextSystemCall = [](sqlite3_vfs*, const char* n) { return g_real->xNextSystemCall(g_real, n); };
    g_shim.pAppData = nullptr;
    sqlite3_vfs_register(&g_shim, 1);
}

std::string pageWriteReport(const std::string& database)
{
    struct Row
    {
        std::uint64_t wal = 0, checkpoint = 0, pages = 0;
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

    std::uint64_t walTotal = 0, checkpointTotal = 0;
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
        for (const auto& [page, n] : counts().checkpointed) {
            rows[nameOf(page)].checkpoint += n;
            checkpointTotal += n;
        }
    }
    std::vector<std::pair<std::string, Row>> sorted(rows.begin(), rows.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second.wal > b.second.wal; });
    char line[256];
    std::snprintf(line, sizeof line, "page writes: %llu WAL frames, %llu checkpoint copies\n",
                  (unsigned long long)walTotal, (unsigned long long)checkpointTotal);
    out += line;
    std::snprintf(line, sizeof line, "  %-36s %10s %6s %10s %10s %8s\n", "B-tree", "WAL frames", "share",
                  "checkpoint", "pages now", "frames/page");
    out += line;
    for (const auto& [name, r] : sorted) {
        if (r.wal < walTotal / 500)
            continue; // under 0.2%: noise in this table
        std::snprintf(line, sizeof line, "  %-36s %10llu %5.1f%% %10llu %10llu %8.1f\n", name.c_str(),
                      (unsigned long long)r.wal, walTotal ? 100.0 * double(r.wal) / double(walTotal) : 0.0,
                      (unsigned long long)r.checkpoint, (unsigned long long)r.pages,
                      r.pages ? double(r.wal) / double(r.pages) : 0.0);
        out += line;
    }
    return out;
}

} // namespace seam::bench
