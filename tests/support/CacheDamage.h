#pragma once

// Test helpers for caches that are damaged or that cannot be written.
//
// Damage: the B-tree page header of one leaf page of a table or index is overwritten, so SQLite finds
// the page invalid (SQLITE_CORRUPT when read, a finding of PRAGMA quick_check) and the rest of the
// file stays readable, like a bad sector or a torn copy.
//
// Read-only: tests run as root in CI, and root ignores permission bits through CAP_DAC_OVERRIDE (and
// CAP_DAC_READ_SEARCH). Without them root is held to the bits like any user, which is what a read-only
// folder, file or mount does to a normal user. Bind mounts and chattr +i need privileges or file
// systems a CI box may not give; dropping capabilities works everywhere and nothing is simulated: the
// kernel really refuses the writes. In-process, DacOverrideDropped clears them from the calling
// thread's effective set (SQLite opens files on the calling thread); for the seam binary,
// dropDacOverrideBeforeExec() removes them for good in the child process before exec.

#include "Sqlite.h"

#include <QCryptographicHash>
#include <QFile>
#include <QString>
#include <cstdint>
#include <linux/capability.h>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace seam::test {

inline QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&f);
    return hash.result().toHex();
}

/// The page number of a leaf page of `name` (a table or index) of a checkpointed database: from its
/// root, following the middle child of each interior page.
inline std::int64_t leafPageOf(const std::string& path, const std::string& name)
{
    std::int64_t page = 0;
    {
        Database db(path, Database::Mode::ReadOnly);
        Statement st = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = ?1");
        st.bindText(1, name);
        if (!st.step())
            throw std::runtime_error("no table or index " + name);
        page = st.int64(0);
    }
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + path);
    const QByteArray header = f.read(100);
    const auto byte = [](const QByteArray& b, int i) { return std::uint32_t(std::uint8_t(b.at(i))); };
    std::uint32_t pageSize = byte(header, 16) << 8 | byte(header, 17);
    if (pageSize == 1)
        pageSize = 65536;
    for (;;) {
        f.seek((page - 1) * qint64(pageSize));
        const QByteArray p = f.read(pageSize);
        const int at = page == 1 ? 100 : 0;
        const std::uint32_t type = byte(p, at);
        if (type == 10 || type == 13) // leaf index, leaf table
            return page;
        if (type != 2 && type != 5)
            throw std::runtime_error("unexpected page type on page " + std::to_string(page));
        const int cells = int(byte(p, at + 3) << 8 | byte(p, at + 4));
        const int pointer = at + 12 + 2 * (cells / 2);
        const std::uint32_t cell = byte(p, pointer) << 8 | byte(p, pointer + 1);
        page = std::int64_t(byte(p, int(cell)) << 24 | byte(p, int(cell) + 1) << 16 |
                            byte(p, int(cell) + 2) << 8 | byte(p, int(cell) + 3));
    }
}

/// Overwrites the B-tree header and cell pointers of `page` with garbage.
inline void damagePage(const std::string& path, std::int64_t page)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadWrite))
        throw std::runtime_error("cannot write " + path);
    const QByteArray header = f.read(100);
    std::uint32_t pageSize = std::uint32_t(std::uint8_t(header.at(16))) << 8 | std::uint8_t(header.at(17));
    if (pageSize == 1)
        pageSize = 65536;
    f.seek((page - 1) * qint64(pageSize) + (page == 1 ? 100 : 0));
    f.write(QByteArray(24, char(0xA5)));
}

constexpr std::uint32_t kDacCaps = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);

/// While it lives, the calling thread is held to permission bits even as root (see above).
class DacOverrideDropped
{
public:
    DacOverrideDropped()
    {
        if (syscall(SYS_capget, &m_header, m_saved) != 0)
            throw std::runtime_error("capget failed");
        __user_cap_data_struct data[2] = {m_saved[0], m_saved[1]};
        data[0].effective &= ~kDacCaps;
        if (syscall(SYS_capset, &m_header, data) != 0)
            throw std::runtime_error("capset failed");
    }
    ~DacOverrideDropped() { syscall(SYS_capset, &m_header, m_saved); }
    DacOverrideDropped(const DacOverrideDropped&) = delete;
    DacOverrideDropped& operator=(const DacOverrideDropped&) = delete;

private:
    __user_cap_header_struct m_header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct m_saved[2] = {};
};

/// For QProcess::setChildProcessModifier: the child (and what it execs) loses the capabilities for
/// good, bounding set included, since exec gives root its permitted set back from it. Only
/// async-signal-safe calls. A failure ends the child with 126, which the tests report.
inline void dropDacOverrideBeforeExec()
{
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0 ||
        prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) != 0) {
        if (geteuid() == 0)
            _exit(126);
        return; // not root: permission bits bind already
    }
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (syscall(SYS_capget, &header, data) != 0)
        _exit(126);
    data[0].effective &= ~kDacCaps;
    data[0].permitted &= ~kDacCaps;
    data[0].inheritable &= ~kDacCaps;
    if (syscall(SYS_capset, &header, data) != 0)
        _exit(126);
}

} // namespace seam::test
