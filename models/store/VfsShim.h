#pragma once

#include <sqlite3.h>

namespace seam::sqlite_vfs {

// A shim is a VFS over another one that changes a few of its file methods and forwards the rest. Seam
// has two: the writers' WAL write batching (WalWriteBatching) and the benchmarks' page-write counter
// (tests/bench/PageWriteCounter). This is their one home for the forwarding.

/// What every file a shim opens starts with: SQLite's handle, then where the real VFS's file lives
/// (SQLite allocates it in the same block, right after the shim's own struct).
struct ShimFile
{
    sqlite3_file base;
    sqlite3_file* real;
};

inline sqlite3_file* realFile(sqlite3_file* f)
{
    return reinterpret_cast<ShimFile*>(f)->real;
}

/// File methods (version 3) that each forward to the real file; a shim copies the table and replaces
/// the entries it changes. Its xClose only closes the real file.
const sqlite3_io_methods& passThroughMethods();

/// A VFS named `name` that forwards every call but xOpen to `real`, for files of `shimFileSize` bytes
/// (a struct starting with ShimFile) followed by the real VFS's file. Register it with sqlite3_vfs_register.
sqlite3_vfs passThroughVfs(sqlite3_vfs* real, const char* name, int shimFileSize,
                           int (*xOpen)(sqlite3_vfs*, sqlite3_filename, sqlite3_file*, int, int*));

/// The VFS a shim made by passThroughVfs wraps.
sqlite3_vfs* realVfs(sqlite3_vfs* shim);

/// For a shim's xOpen, once its own struct is constructed at `f`: opens the real file after it and
/// gives `f` the shim's methods only if that succeeded (SQLite calls xClose only when they are set).
int openRealFile(sqlite3_vfs* shim, sqlite3_filename name, ShimFile* f, int flags, int* outFlags,
                 const sqlite3_io_methods* methods);

} // namespace seam::sqlite_vfs
