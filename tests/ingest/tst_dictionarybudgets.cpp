// The payload dictionary's budgets across processes (schema v15, attribute_keys.owner): a key shares at
// most 2,048 distinct values, and a writer that opens the cache again counts the ones already shared
// under each key, so importing more values of that key (or the same file again) adds no dictionary row.
// Before v15 every writer started the budgets at zero and shared another 2,048 values per key.

#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

constexpr int kValues = 3000; // more than a key's budget (2,048)

/// One trace of `kValues` spans, each with a distinct `order.id` (a high-cardinality key) and a
/// repeated `region` (a low-cardinality one).
RecordBatch orders(int round)
{
    RecordBatch b;
    const TraceId trace = traceId(round);
    for (int i = 0; i < kValues; ++i) {
        SpanRecord s = span(trace, SpanId(0x1000 + i), i ? 0x1000 : 0, backend("orders"), "GET /orders",
                            SpanKind::Server, kT0 + std::int64_t(i) * 1'000'000, 1);
        s.attributesJson = "{\"order.id\":\"ord-" + std::to_string(round) + "-" + std::to_string(i) +
                           "\",\"region\":\"eu-west-" + std::to_string(i % 3) + "\"}";
        b.spans.push_back(std::move(s));
    }
    return b;
}

/// Writes `batch` with a writer of its own (and so a dictionary read from the file), then closes it.
void writeWithNewWriter(const std::string& cache, RecordBatch batch)
{
    StoreWriter writer(cache);
    const auto source = writer.beginSource("test", "orders");
    writer.submit(source, std::move(batch));
    QVERIFY2(writer.flush(), writer.lastError().c_str());
}

qint64 count(const std::string& cache, const char* sql)
{
    Database db = store::openForReading(cache);
    return db.queryInt(sql);
}

} // namespace

class TestDictionaryBudgets : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void aReopenedCacheKeepsEachKeysBudget()
    {
        const std::string cache = m_dir.filePath(QStringLiteral("budgets.seam")).toStdString();
        writeWithNewWriter(cache, orders(1));
        const char* const orderValues =
            "SELECT count(*) FROM attribute_keys WHERE owner = (SELECT id FROM attribute_keys WHERE key = "
            "'order.id' AND owner IS NULL)";
        QCOMPARE(count(cache, orderValues), 2048);
        const qint64 rows = count(cache, "SELECT count(*) FROM attribute_keys");
        // Besides: the keys, the scope, the three regions, and whole attribute sets (at most 256 of one
        // shape, each with its shape as owner).
        const qint64 sets = count(cache, "SELECT count(*) FROM attribute_keys WHERE typeof(key) = 'blob' AND "
                                         "owner IS NOT NULL");
        QVERIFY2(sets > 0 && sets <= 256, QByteArray::number(sets).constData());
        QVERIFY2(rows > 2048 + sets && rows < 2048 + sets + 16, QByteArray::number(rows).constData());

        // Another writer, other values of the same key: none is shared, the budget is spent.
        writeWithNewWriter(cache, orders(2));
        QCOMPARE(count(cache, orderValues), 2048);
        QCOMPARE(count(cache, "SELECT count(*) FROM attribute_keys"), rows);
        // The same spans again (a re-import): nothing new either.
        writeWithNewWriter(cache, orders(1));
        QCOMPARE(count(cache, "SELECT count(*) FROM attribute_keys"), rows);

        // Every value reads back, shared or inline.
        QCOMPARE(count(cache, "SELECT count(*) FROM spans"), 2 * kValues);
        QCOMPARE(
            count(cache,
                  "SELECT count(*) FROM spans s JOIN traces t ON t.id = s.trace JOIN span_payloads p ON "
                  "p.id = s.payload WHERE span_attribute(p.attributes, 'order.id') = 'ord-' || "
                  "(t.trace_lo - 11255808) || '-' || (s.span_id - 4096) AND span_attribute(p.attributes, "
                  "'region') = 'eu-west-' || ((s.span_id - 4096) % 3)"),
            2 * kValues);
    }
};

QTEST_GUILESS_MAIN(TestDictionaryBudgets)
#include "tst_dictionarybudgets.moc"
