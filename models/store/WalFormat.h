#pragma once

// The parts of SQLite's write-ahead log format (https://sqlite.org/fileformat2.html#walformat) that
// Seam's VFS shims read: the WAL write batching (a commit ends at a commit frame) and the benchmarks'
// page-write counter (which page each frame holds).

#include <cstdint>

namespace seam::wal_format {

/// A log starts with a 32-byte header (page size at bytes 8-11); frames follow, each a 24-byte header
/// (page number at bytes 0-3, "database size after commit" at 4-7, non-zero on a commit frame) and the page.
constexpr int kHeader = 32;
constexpr int kFrameHeader = 24;

inline std::uint32_t bigEndian32(const unsigned char* b)
{
    return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 |
           std::uint32_t(b[3]);
}

/// The frame size (24 + page size) a log header gives; 0 if it is not a log header.
inline std::int64_t frameSizeOf(const unsigned char* header)
{
    const std::uint32_t magic = bigEndian32(header);
    if (magic != 0x377f0682 && magic != 0x377f0683)
        return 0;
    std::uint32_t page = bigEndian32(header + 8);
    if (page == 1)
        page = 65536; // how a 64 KiB page is written
    if (page < 512 || page > 65536 || (page & (page - 1)) != 0)
        return 0;
    return kFrameHeader + std::int64_t(page);
}

/// Calls fn(at) for the file offset of each frame header that starts inside a write of `n` bytes at
/// `off` and has its first `need` bytes in it.
template<typename Fn>
void forEachFrameStart(std::int64_t off, std::int64_t n, std::int64_t frameSize, int need, Fn&& fn)
{
    const std::int64_t first = off <= kHeader ? 0 : (off - kHeader + frameSize - 1) / frameSize;
    for (std::int64_t at = kHeader + first * frameSize; at + need <= off + n; at += frameSize)
        fn(at);
}

} // namespace seam::wal_format
