// The WAL write batching of Seam's writers (models/store/WalWriteBatching): a commit's frames reach
// the file in a few large writes instead of two per page; every commit is in the file when it returns
// (another connection reads it at once, a SIGKILL right after keeps it); spilled frames of a rolled-back
// transaction, a checkpoint that truncates the log from another connection and a reopened file leave a
// consistent database.

#include "Sqlite.h"

#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <random>
#include <set>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace seam;

namespace {

// Beneath the batching: counts the write calls that reach a WAL file. Registered as the default VFS
// before the first writer opens, so the batching VFS wraps it.
struct WriteCounter
{
    sqlite3_vfs* real = nullptr;
    sqlite3_vfs vfs{};
    const sqlite3_io_methods* realMethods = nullptr;
    sqlite3_io_methods methods{};
    std::set<sqlite3_file*> walFiles;
    long walWrites = 0;
};
WriteCounter g_counter;

int countingWrite(sqlite3_file* f, const void* p, int n, sqlite3_int64 off)
{
    if (g_counter.walFiles.count(f))
        ++g_counter.walWrites;
    return g_counter.realMethods->xWrite(f, p, n, off);
}

int countingClose(sqlite3_file* f)
{
    g_counter.walFiles.erase(f);
    return g_counter.realMethods->xClose(f);
}

int countingOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags)
{
    const int rc = g_counter.real->xOpen(g_counter.real, name, f, flags, outFlags);
    // Only log files are counted (the unix VFS gives them other methods than databases: no locks).
    if (rc == SQLITE_OK && f->pMethods && (flags & SQLITE_OPEN_WAL)) {
        if (!g_counter.realMethods) {
            g_counter.realMethods = f->pMethods;
            g_counter.methods = *f->pMethods;
            g_counter.methods.xWrite = countingWrite;
            g_counter.methods.xClose = countingClose;
        }
        if (f->pMethods == g_counter.realMethods) {
            f->pMethods = &g_counter.methods;
            g_counter.walFiles.insert(f);
        }
    }
    return rc;
}

void useWal(Database& db)
{
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA wal_autocheckpoint=0");
}

// One transaction of `rows` rows whose random blobs land all over an index (pages dirtied everywhere).
void insertRows(Database& db, std::mt19937_64& random, int rows)
{
    auto st = db.prepare("INSERT INTO t(v) VALUES (?1)");
    for (int i = 0; i < rows; ++i) {
        std::string v(200, '\0');
        for (char& c : v)
            c = char(random());
        st.bindBlob(1, v.data(), int(v.size()));
        st.run();
    }
}

} // namespace

class TestWalWriteBatching : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) { return m_dir.filePath(QLatin1String(name)).toStdString(); }

private slots:
    void initTestCase()
    {
        g_counter.real = sqlite3_vfs_find(nullptr);
        g_counter.vfs = *g_counter.real;
        g_counter.vfs.zName = "test-write-counter";
        g_counter.vfs.xOpen = countingOpen;
        sqlite3_vfs_register(&g_counter.vfs, 1);
    }

    void aCommitIsAFewWritesNotTwoPerPage()
    {
        const std::string file = path("few.db");
        Database db(file, Database::Mode::ReadWrite);
        useWal(db);
        db.exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB); CREATE INDEX t_by_v ON t(v)");
        std::mt19937_64 random(1);
        {
            Transaction tx(db);
            insertRows(db, random, 3000);
            tx.commit();
        }
        db.exec("PRAGMA wal_checkpoint(PASSIVE)"); // all copied: the next commit starts the log over
        const long before = g_counter.walWrites;
        {
            Transaction tx(db);
            insertRows(db, random, 1000); // about 300 pages dirtied: 600 calls unbatched
            tx.commit();
        }
        const long calls = g_counter.walWrites - before;
        // The commit's frames (4 KiB + 24 bytes each) went 64 KiB at a time: 16 frames a call, not 0.5.
        auto frames = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
        QVERIFY(frames.step());
        const long logFrames = long(frames.int64(1));
        qInfo("a commit of %ld frames: %ld write calls", logFrames, calls);
        QVERIFY2(logFrames > 100, std::to_string(logFrames).c_str());
        QVERIFY2(calls * 8 < logFrames, (std::to_string(calls) + " calls").c_str());
    }

    void everyCommitIsSeenAtOnceAndTheFileStaysWhole()
    {
        const std::string file = path("seen.db");
        Database writer(file, Database::Mode::ReadWrite);
        useWal(writer);
        writer.exec("PRAGMA cache_size=-200"); // a small cache: big transactions spill frames early
        writer.exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB); CREATE INDEX t_by_v ON t(v)");
        Database other(file, Database::Mode::ReadWrite); // checkpoints, and truncates the log
        Database reader(file, Database::Mode::ReadOnly);
        std::mt19937_64 random(2);
        int rows = 0;
        for (int i = 1; i <= 40; ++i) {
            if (i % 7 == 0) {
                // Spilled, then rolled back: its frames are past the last commit.
                Transaction tx(writer);
                insertRows(writer, random, 3000);
            }
            {
                Transaction tx(writer);
                insertRows(writer, random, 50 + i * 10);
                tx.commit();
            }
            rows += 50 + i * 10;
            QCOMPARE(reader.queryInt("SELECT count(*) FROM t"), std::int64_t(rows));
            QCOMPARE(reader.queryInt("SELECT count(*) FROM t INDEXED BY t_by_v WHERE v IS NOT NULL"),
                     std::int64_t(rows));
            if (i % 5 == 0)
                other.exec(i % 10 == 0 ? "PRAGMA wal_checkpoint(TRUNCATE)"
                                       : "PRAGMA wal_checkpoint(PASSIVE)");
        }
        auto check = reader.prepare("PRAGMA integrity_check");
        QVERIFY(check.step());
        QCOMPARE(std::string(check.text(0)), std::string("ok"));
    }

    void aCommitSurvivesSigkillRightAfterIt()
    {
        const std::string file = path("killed.db");
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::close(pipeFds[0]);
            Database db(file, Database::Mode::ReadWrite);
            useWal(db);
            db.exec("PRAGMA cache_size=-200");
            db.exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB); CREATE INDEX t_by_v ON t(v)");
            std::mt19937_64 random(3);
            for (int i = 0; i < 20; ++i) {
                Transaction tx(db);
                insertRows(db, random, 100);
                tx.commit();
            }
            const char done = 1;
            [[maybe_unused]] const auto n = ::write(pipeFds[1], &done, 1);
            Transaction tx(db); // killed in the middle of this one, with spilled frames held
            insertRows(db, random, 3000);
            ::raise(SIGKILL);
            ::_exit(1);
        }
        ::close(pipeFds[1]);
        char done = 0;
        QCOMPARE(::read(pipeFds[0], &done, 1), ssize_t(1));
        ::close(pipeFds[0]);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        Database db(file, Database::Mode::ReadWrite);
        QCOMPARE(db.queryInt("SELECT count(*) FROM t"), std::int64_t(20 * 100));
        auto check = db.prepare("PRAGMA integrity_check");
        QVERIFY(check.step());
        QCOMPARE(std::string(check.text(0)), std::string("ok"));
    }
};

QTEST_GUILESS_MAIN(TestWalWriteBatching)
#include "tst_walwritebatching.moc"
