#include "WalWriteBatching.h"

#include "VfsShim.h"
#include "WalFormat.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <sqlite3.h>
#include <string>

namespace seam::sqlite_vfs {
namespace {

// wal.c writes each frame with two xWrite calls (walWriteOneFrame: the 24-byte header, then the page),
// so a commit of N dirty pages costs 2N system calls. This shim keeps a WAL file's appends in memory
// and hands them to the real file in a few large writes once the transaction's commit frame is complete
// (a frame whose header has a non-zero "database size after commit"), from inside SQLite's write of it:
// before SQLite publishes the frames in the wal-index, so no connection ever looks for a frame that is
// not in the file, and before the commit returns, so a committed transaction survives SIGKILL as
// before. A failed write fails that commit. Anything else that looks at the file (a read, a sync, its
// size, a truncation, a write elsewhere, closing) first writes out what is held. Frames a rolled-back
// transaction spilled stay held until then; SQLite ignores them in the file as it always has (they are
// past the last commit, and the next transaction writes over them).
// The log's format: WalFormat.h.
constexpr std::size_t kMaxWrite = std::size_t(64) << 10;
constexpr std::size_t kMaxHeld = std::size_t(4) << 20; // a huge transaction still writes as it goes

sqlite3_vfs g_vfs;

struct File
{
    ShimFile shim; // first: SQLite's handle and the real file
    bool wal = false;
    std::int64_t frameSize = 0; // 24 + page size, once known
    std::string held;           // appends not yet written, from offset heldFrom
    sqlite3_int64 heldFrom = 0;
    sqlite3_int64 commitEnd = 0; // where the held commit frame ends (0: none held)
    sqlite3_file* real() { return shim.real; }
};

File* file(sqlite3_file* f)
{
    return reinterpret_cast<File*>(f);
}

int writeHeld(File* f)
{
    f->commitEnd = 0;
    if (f->held.empty())
        return SQLITE_OK;
    // The unix VFS writes at most 128 KiB - 1 per call (os_unix.c, seekAndWriteFd masks the length).
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < f->held.size() && rc == SQLITE_OK; done += kMaxWrite) {
        const std::size_t n = std::min(kMaxWrite, f->held.size() - done);
        rc = f->real()->pMethods->xWrite(f->real(), f->held.data() + done, int(n),
                                         f->heldFrom + sqlite3_int64(done));
    }
    f->held.clear();
    if (f->held.capacity() > kMaxHeld * 2)
        std::string().swap(f->held);
    return rc;
}

int xWrite(sqlite3_file* sf, const void* p, int n, sqlite3_int64 off)
{
    File* f = file(sf);
    if (!f->wal)
        return f->real()->pMethods->xWrite(f->real(), p, n, off);
    const auto* b = static_cast<const unsigned char*>(p);
    if (!f->held.empty() && off != f->heldFrom + sqlite3_int64(f->held.size())) {
        if (const int rc = writeHeld(f); rc != SQLITE_OK)
            return rc;
    }
    if (off == 0 && n >= wal_format::kHeader) {
        f->frameSize = wal_format::frameSizeOf(b); // a new log (or a restarted one)
    } else if (f->frameSize == 0) {
        // A log this handle did not start: its header is in the file.
        if (const int rc = writeHeld(f); rc != SQLITE_OK)
            return rc;
        unsigned char header[wal_format::kHeader];
        if (f->real()->pMethods->xRead(f->real(), header, wal_format::kHeader, 0) == SQLITE_OK)
            f->frameSize = wal_format::frameSizeOf(header);
    }
    if (f->frameSize == 0) // not a log this shim understands: written as it comes
        return f->real()->pMethods->xWrite(f->real(), p, n, off);
    if (f->held.empty())
        f->heldFrom = off;
    f->held.append(static_cast<const char*>(p), std::size_t(n));
    // The frame headers that start in this write: a commit frame's ends the transaction.
    wal_format::forEachFrameStart(off, n, f->frameSize, 8, [&](std::int64_t at) {
        if (wal_format::bigEndian32(b + (at - off) + 4) != 0)
            f->commitEnd = at + f->frameSize;
    });
    const sqlite3_int64 heldTo = f->heldFrom + sqlite3_int64(f->held.size());
    if ((f->commitEnd != 0 && heldTo >= f->commitEnd) || f->held.size() >= kMaxHeld)
        return writeHeld(f);
    return SQLITE_OK;
}

// The calls that look at the file write out what is held first.
int xClose(sqlite3_file* sf)
{
    File* f = file(sf);
    const int held = writeHeld(f);
    const int rc = f->real()->pMethods->xClose(f->real());
    f->~File();
    return held != SQLITE_OK ? held : rc;
}
int xRead(sqlite3_file* sf, void* p, int n, sqlite3_int64 off)
{
    File* f = file(sf);
    if (const int rc = writeHeld(f); rc != SQLITE_OK)
        return rc;
    return f->real()->pMethods->xRead(f->real(), p, n, off);
}
int xTruncate(sqlite3_file* sf, sqlite3_int64 size)
{
    File* f = file(sf);
    if (const int rc = writeHeld(f); rc != SQLITE_OK)
        return rc;
    return f->real()->pMethods->xTruncate(f->real(), size);
}
int xSync(sqlite3_file* sf, int flags)
{
    File* f = file(sf);
    if (const int rc = writeHeld(f); rc != SQLITE_OK)
        return rc;
    return f->real()->pMethods->xSync(f->real(), flags);
}
int xFileSize(sqlite3_file* sf, sqlite3_int64* size)
{
    File* f = file(sf);
    if (const int rc = writeHeld(f); rc != SQLITE_OK)
        return rc;
    return f->real()->pMethods->xFileSize(f->real(), size);
}
int xFileControl(sqlite3_file* sf, int op, void* arg)
{
    File* f = file(sf);
    if (const int rc = writeHeld(f); rc != SQLITE_OK)
        return rc;
    return f->real()->pMethods->xFileControl(f->real(), op, arg);
}

const sqlite3_io_methods kMethods = [] {
    sqlite3_io_methods m = passThroughMethods();
    m.xClose = xClose;
    m.xRead = xRead;
    m.xWrite = xWrite;
    m.xTruncate = xTruncate;
    m.xSync = xSync;
    m.xFileSize = xFileSize;
    m.xFileControl = xFileControl;
    return m;
}();

int xOpen(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* sf, int flags, int* outFlags)
{
    File* f = new (sf) File;
    f->wal = (flags & SQLITE_OPEN_WAL) != 0;
    const int rc = openRealFile(vfs, name, &f->shim, flags, outFlags, &kMethods);
    if (!f->shim.base.pMethods) // not opened: SQLite will not call xClose
        f->~File();
    return rc;
}

} // namespace

const char* walWriteBatchingName()
{
    static std::once_flag once;
    std::call_once(once, [] {
        g_vfs = passThroughVfs(sqlite3_vfs_find(nullptr), "seam-wal-batching", int(sizeof(File)), xOpen);
        sqlite3_vfs_register(&g_vfs, 0);
    });
    return g_vfs.zName;
}

} // namespace seam::sqlite_vfs
