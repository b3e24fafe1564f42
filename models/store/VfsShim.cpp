#include "VfsShim.h"

namespace seam::sqlite_vfs {
namespace {

// The real file's offset in the block SQLite allocates for a shim's file: after the shim's struct,
// 8-byte aligned as SQLite aligns its own allocations.
int realFileOffset(int shimFileSize)
{
    return (shimFileSize + 7) & ~7;
}

constexpr sqlite3_io_methods kPassThrough = {
    3,
    [](sqlite3_file* f) { return realFile(f)->pMethods->xClose(realFile(f)); },
    [](sqlite3_file* f, void* p, int n, sqlite3_int64 off) {
        return realFile(f)->pMethods->xRead(realFile(f), p, n, off);
    },
    [](sqlite3_file* f, const void* p, int n, sqlite3_int64 off) {
        return realFile(f)->pMethods->xWrite(realFile(f), p, n, off);
    },
    [](sqlite3_file* f, sqlite3_int64 size) { return realFile(f)->pMethods->xTruncate(realFile(f), size); },
    [](sqlite3_file* f, int flags) { return realFile(f)->pMethods->xSync(realFile(f), flags); },
    [](sqlite3_file* f, sqlite3_int64* size) { return realFile(f)->pMethods->xFileSize(realFile(f), size); },
    [](sqlite3_file* f, int l) { return realFile(f)->pMethods->xLock(realFile(f), l); },
    [](sqlite3_file* f, int l) { return realFile(f)->pMethods->xUnlock(realFile(f), l); },
    [](sqlite3_file* f, int* out) { return realFile(f)->pMethods->xCheckReservedLock(realFile(f), out); },
    [](sqlite3_file* f, int op, void* arg) {
        return realFile(f)->pMethods->xFileControl(realFile(f), op, arg);
    },
    [](sqlite3_file* f) { return realFile(f)->pMethods->xSectorSize(realFile(f)); },
    [](sqlite3_file* f) { return realFile(f)->pMethods->xDeviceCharacteristics(realFile(f)); },
    [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
        return realFile(f)->pMethods->xShmMap(realFile(f), region, size, extend, out);
    },
    [](sqlite3_file* f, int offset, int n, int flags) {
        return realFile(f)->pMethods->xShmLock(realFile(f), offset, n, flags);
    },
    [](sqlite3_file* f) { realFile(f)->pMethods->xShmBarrier(realFile(f)); },
    [](sqlite3_file* f, int deleteFlag) { return realFile(f)->pMethods->xShmUnmap(realFile(f), deleteFlag); },
    [](sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
        return realFile(f)->pMethods->xFetch(realFile(f), off, n, out);
    },
    [](sqlite3_file* f, sqlite3_int64 off, void* p) {
        return realFile(f)->pMethods->xUnfetch(realFile(f), off, p);
    },
};

} // namespace

const sqlite3_io_methods& passThroughMethods()
{
    return kPassThrough;
}

sqlite3_vfs* realVfs(sqlite3_vfs* shim)
{
    return static_cast<sqlite3_vfs*>(shim->pAppData);
}

sqlite3_vfs passThroughVfs(sqlite3_vfs* real, const char* name, int shimFileSize,
                           int (*xOpen)(sqlite3_vfs*, sqlite3_filename, sqlite3_file*, int, int*))
{
    sqlite3_vfs v = *real;
    v.zName = name;
    v.szOsFile = realFileOffset(shimFileSize) + real->szOsFile;
    v.pAppData = real;
    v.pNext = nullptr;
    v.xOpen = xOpen;
    // The real VFS's methods get the real VFS back, never the shim (they read their own pAppData).
    v.xDelete = [](sqlite3_vfs* s, const char* n, int d) { return realVfs(s)->xDelete(realVfs(s), n, d); };
    v.xAccess = [](sqlite3_vfs* s, const char* n, int fl, int* o) {
        return realVfs(s)->xAccess(realVfs(s), n, fl, o);
    };
    v.xFullPathname = [](sqlite3_vfs* s, const char* n, int m, char* o) {
        return realVfs(s)->xFullPathname(realVfs(s), n, m, o);
    };
    // Entries the real VFS leaves empty (an older version, no extension loading) stay empty.
    if (real->xDlOpen) {
        v.xDlOpen = [](sqlite3_vfs* s, const char* n) { return realVfs(s)->xDlOpen(realVfs(s), n); };
        v.xDlError = [](sqlite3_vfs* s, int n, char* m) { realVfs(s)->xDlError(realVfs(s), n, m); };
        v.xDlSym = [](sqlite3_vfs* s, void* h, const char* sym) {
            return realVfs(s)->xDlSym(realVfs(s), h, sym);
        };
        v.xDlClose = [](sqlite3_vfs* s, void* h) { realVfs(s)->xDlClose(realVfs(s), h); };
    }
    v.xRandomness = [](sqlite3_vfs* s, int n, char* o) { return realVfs(s)->xRandomness(realVfs(s), n, o); };
    v.xSleep = [](sqlite3_vfs* s, int us) { return realVfs(s)->xSleep(realVfs(s), us); };
    v.xCurrentTime = [](sqlite3_vfs* s, double* t) { return realVfs(s)->xCurrentTime(realVfs(s), t); };
    v.xGetLastError = [](sqlite3_vfs* s, int n, char* o) {
        return realVfs(s)->xGetLastError(realVfs(s), n, o);
    };
    if (real->iVersion >= 2 && real->xCurrentTimeInt64)
        v.xCurrentTimeInt64 = [](sqlite3_vfs* s, sqlite3_int64* t) {
            return realVfs(s)->xCurrentTimeInt64(realVfs(s), t);
        };
    if (real->iVersion >= 3 && real->xSetSystemCall) {
        v.xSetSystemCall = [](sqlite3_vfs* s, const char* n, sqlite3_syscall_ptr p) {
            return realVfs(s)->xSetSystemCall(realVfs(s), n, p);
        };
        v.xGetSystemCall = [](sqlite3_vfs* s, const char* n) {
            return realVfs(s)->xGetSystemCall(realVfs(s), n);
        };
        v.xNextSystemCall = [](sqlite3_vfs* s, const char* n) {
            return realVfs(s)->xNextSystemCall(realVfs(s), n);
        };
    }
    return v;
}

int openRealFile(sqlite3_vfs* shim, sqlite3_filename name, ShimFile* f, int flags, int* outFlags,
                 const sqlite3_io_methods* methods)
{
    sqlite3_vfs* real = realVfs(shim);
    f->base.pMethods = nullptr;
    // passThroughVfs sized the block as the shim's struct (rounded up) plus the real VFS's file.
    f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + (shim->szOsFile - real->szOsFile));
    const int rc = real->xOpen(real, name, f->real, flags, outFlags);
    if (f->real->pMethods)
        f->base.pMethods = methods;
    return rc;
}

} // namespace seam::sqlite_vfs
