#pragma once

#include <cstdint>
#include <string>

// Counts the pages SQLite writes, per B-tree: each frame appended to a -wal file (the commit) and each
// page a checkpoint copies into the database file. Write amplification is where a big import's time
// goes once the B-trees outgrow the page cache: a commit writes every page it dirtied, so an index
// with random keys costs up to a whole page per inserted row. Installed as SQLite's default VFS (a
// shim over the real one), so it sees every connection of the process.
namespace seam::bench {

/// Installs the counting VFS as the process's default. Call before any connection opens.
void installPageWriteCounter();

/// The counts so far, one line per B-tree (the pages' owners looked up with the dbstat virtual table
/// in `database`, which must be closed by every writer), the busiest first.
std::string pageWriteReport(const std::string& database);

} // namespace seam::bench
