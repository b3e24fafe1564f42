#pragma once

namespace seam::sqlite_vfs {

/// The name of a VFS, registered on first call, that writes each commit's WAL frames with one system
/// call instead of two per page (WalWriteBatching.cpp). It wraps the default VFS of that moment.
const char* walWriteBatchingName();

} // namespace seam::sqlite_vfs
