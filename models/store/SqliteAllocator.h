#pragma once

struct sqlite3_mem_methods;

namespace seam::sqlite_allocator {

/// The memory allocator Seam gives SQLite (SQLITE_CONFIG_MALLOC, set before SQLite initialises).
///
/// Debian builds SQLite without its lookaside pool (SQLITE_OMIT_LOOKASIDE), so every cursor, record and
/// value a statement steps through is a malloc and a free: 1.27M allocations for a 100k-span import, and
/// with glibc's slow paths (its per-thread cache holds 7 blocks of a size) 15% of the writer's
/// instructions. This keeps freed blocks of up to kLargest bytes on per-thread free lists, one per 16-byte
/// size class, bounded by kCachedBytes a thread, and hands them out again; larger blocks, and blocks past
/// the bound, go straight to malloc and free. A block records its capacity in the 8 bytes before it
/// (xSize). A block freed on another thread than the one that allocated it joins that thread's lists.
const sqlite3_mem_methods& methods();

/// Whether Seam installs methods() (not under AddressSanitizer, which should see SQLite's blocks).
bool enabled();

constexpr unsigned kLargest = 1024;
constexpr unsigned kCachedBytes = 4u << 20;

} // namespace seam::sqlite_allocator
