// The allocator Seam gives SQLite (models/store/SqliteAllocator.h): blocks keep what was written to
// them through reallocation, report their capacity, are reused after a free, and may be freed on
// another thread than the one that allocated them; SQLite itself uses it once a connection is open.

#include "Sqlite.h"
#include "SqliteAllocator.h"
#include "Store.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <random>
#include <sqlite3.h>
#include <thread>
#include <vector>

using namespace seam;

class TestSqliteAllocator : public QObject
{
    Q_OBJECT

private slots:
    // First: later tests may leave this thread's lists at their bound, and then a free goes to free().
    void aFreedBlockIsReused()
    {
        const sqlite3_mem_methods& m = sqlite_allocator::methods();
        void* a = m.xMalloc(100);
        m.xFree(a);
        void* b = m.xMalloc(110); // the same 112-byte class
        QCOMPARE(b, a);
        m.xFree(b);
        void* big = m.xMalloc(5000); // past kLargest: malloc's own
        QCOMPARE(m.xSize(big), 5000 + 0);
        m.xFree(big);
    }

    void blocksHoldTheirBytesThroughReallocation()
    {
        const sqlite3_mem_methods& m = sqlite_allocator::methods();
        std::mt19937 random(3);
        struct Block
        {
            void* p;
            int size;
            unsigned char fill;
        };
        std::vector<Block> blocks;
        for (int i = 0; i < 20'000; ++i) {
            const int size = 1 + int(random() % (i % 50 == 0 ? 9000 : 700));
            if (!blocks.empty() && random() % 3 == 0) { // free or grow/shrink one, checking its bytes
                Block& b = blocks[random() % blocks.size()];
                for (int k = 0; k < b.size; ++k)
                    QCOMPARE(static_cast<unsigned char*>(b.p)[k], b.fill);
                if (random() % 2) {
                    void* q = m.xRealloc(b.p, size);
                    QVERIFY(q);
                    for (int k = 0; k < std::min(size, b.size); ++k)
                        QCOMPARE(static_cast<unsigned char*>(q)[k], b.fill);
                    b.p = q;
                    b.size = size;
                    std::memset(q, b.fill, std::size_t(size));
                } else {
                    m.xFree(b.p);
                    b = blocks.back();
                    blocks.pop_back();
                }
                continue;
            }
            void* p = m.xMalloc(size);
            QVERIFY(p);
            QCOMPARE(reinterpret_cast<std::uintptr_t>(p) % 8, std::uintptr_t(0));
            QVERIFY(m.xSize(p) >= size);
            QCOMPARE(m.xSize(p), m.xRoundup(size));
            const auto fill = static_cast<unsigned char>(i);
            std::memset(p, fill, std::size_t(size));
            blocks.push_back({p, size, fill});
        }
        for (const Block& b : blocks)
            m.xFree(b.p);
    }

    void blocksMayBeFreedOnAnotherThread()
    {
        const sqlite3_mem_methods& m = sqlite_allocator::methods();
        std::vector<void*> blocks;
        std::thread([&] {
            for (int i = 0; i < 10'000; ++i)
                blocks.push_back(m.xMalloc(16 + i % 500));
        }).join();
        for (void* p : blocks)
            m.xFree(p); // onto this thread's lists, up to their bound; the rest to free()
        std::thread([&] {
            for (int i = 0; i < 10'000; ++i)
                m.xFree(m.xMalloc(16 + i % 500)); // a thread that ends with cached blocks
        }).join();
    }

    void sqliteUsesIt()
    {
        if (!sqlite_allocator::enabled())
            QSKIP("not installed under AddressSanitizer");
        QTemporaryDir dir;
        Database db = store::openForWriting(dir.filePath(QStringLiteral("a.seam")).toStdString());
        void* p = sqlite3_malloc(100);
        QCOMPARE(sqlite3_msize(p), sqlite3_uint64(112)); // a 16-byte class; malloc would say 104 or 120
        sqlite3_free(p);
        QCOMPARE(db.queryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'spans'"), 1);
    }
};

QTEST_GUILESS_MAIN(TestSqliteAllocator)
#include "tst_sqliteallocator.moc"
