#include "RecordFactory.h"
#include "Store.h"
#include "StoreQueries.h"
#include "StoreWriter.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

class TestStoreQueries : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("q.seam")).toStdString();
        StoreWriter w(m_path);
        for (int i = 0; i < 3; ++i) {
            RecordBatch b = browserBatch(i, traceId(i), 0x42, kT0 + i * 60'000'000'000LL);
            b.pageLoads[0].duration = (i + 1) * 1'000'000'000LL;
            w.submit(0, std::move(b));
            w.submit(0, backendBatch(traceId(i), 0x42, kT0 + i * 60'000'000'000LL,
                                     i == 2 ? StatusCode::Error : StatusCode::Unset));
        }
        QVERIFY(w.flush());
    }

    void stats()
    {
        Database db = store::openForReading(m_path);
        const QJsonObject s = StoreQueries(db).stats();
        QCOMPARE(s[QStringLiteral("spans")].toInt(), 12);
        QCOMPARE(s[QStringLiteral("traces")].toInt(), 3);
        QCOMPARE(s[QStringLiteral("services")].toInt(), 2);
        QCOMPARE(s[QStringLiteral("page_loads")].toInt(), 3);
        QCOMPARE(s[QStringLiteral("linked_resources")].toInt(), 3);
        QCOMPARE(s[QStringLiteral("error_spans")].toInt(), 2);
    }

    void slowestPageLoads()
    {
        Database db = store::openForReading(m_path);
        QList<QJsonObject> rows;
        StoreQueries::PageLoadFilter f;
        f.slowest = 2;
        StoreQueries(db).pageLoads(f, [&](const QJsonObject& o) { rows.append(o); });
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0][QStringLiteral("duration_ms")].toDouble(), 3000.0);
        QCOMPARE(rows[0][QStringLiteral("session")].toObject()[QStringLiteral("browser")].toString(),
                 QStringLiteral("Chrome"));
        QCOMPARE(rows[0][QStringLiteral("services")].toArray().size(), 2);
    }

    void pageLoadDetailNamesTheSlowOperation()
    {
        Database db = store::openForReading(m_path);
        const QJsonObject d = StoreQueries(db).pageLoad(1);
        QCOMPARE(d[QStringLiteral("resources")].toArray().size(), 1);
        const QJsonObject link =
            d[QStringLiteral("resources")].toArray()[0].toObject()[QStringLiteral("link")].toObject();
        QCOMPARE(link[QStringLiteral("method")].toString(), QStringLiteral("trace"));
        const QJsonArray causes = d[QStringLiteral("causes")].toArray();
        QVERIFY(!causes.isEmpty());
        QCOMPARE(causes[0].toObject()[QStringLiteral("operation")].toString(),
                 QStringLiteral("SELECT FOR UPDATE"));
        QVERIFY(StoreQueries(db).pageLoad(999).isEmpty());
    }

    void traceAndFolded()
    {
        Database db = store::openForReading(m_path);
        StoreQueries q(db);
        const QJsonObject t = q.trace(traceId(1).hex());
        QCOMPARE(t[QStringLiteral("span_count")].toInt(), 4);
        QCOMPARE(t[QStringLiteral("spans")].toArray().size(), 4);
        QStringList lines;
        QVERIFY(q.foldedStacks(traceId(1).hex(),
                               [&](const std::string& l) { lines << QString::fromStdString(l); }));
        QVERIFY(lines.contains(QStringLiteral("shop-web:HTTP POST;gateway:POST /api/checkout;payments:POST "
                                              "/charge;payments:SELECT FOR UPDATE 1500000")));
        QVERIFY(q.trace("not-hex").isEmpty());
        QVERIFY(!q.foldedStacks(traceId(77).hex(), [](const std::string&) {}));
    }

    void foldedKeepsEverySpanOfAParentCycle()
    {
        // Hostile parent links: a self-parent span and an A <-> B cycle with equal durations (their
        // child time used to cancel their own, leaving nothing). Names with NUL and newline bytes.
        const std::string path = m_dir.filePath(QStringLiteral("cycle.seam")).toStdString();
        {
            StoreWriter w(path);
            RecordBatch b;
            const TraceId t = traceId(40);
            b.spans.push_back(span(t, 0x1, 0x1, backend("svc"), "self", SpanKind::Server, kT0, 10));
            b.spans.push_back(span(t, 0xa, 0xb, backend("svc"), "a", SpanKind::Internal, kT0, 5));
            b.spans.push_back(span(t, 0xb, 0xa, backend("svc"), "b", SpanKind::Internal, kT0 + 1'000'000, 5));
            b.spans.push_back(span(t, 0xc, 0x1, backend("svc"), std::string("bad\nname\0x", 10),
                                   SpanKind::Internal, kT0, 2));
            w.submit(0, std::move(b));
            QVERIFY(w.flush());
        }
        Database db = store::openForReading(path);
        StoreQueries q(db);
        QStringList lines;
        QVERIFY(q.foldedStacks(traceId(40).hex(),
                               [&](const std::string& l) { lines << QString::fromStdString(l); }));
        lines.sort();
        QCOMPARE(lines, (QStringList{QStringLiteral("svc:a 1000"), QStringLiteral("svc:a;svc:b 5000"),
                                     QStringLiteral("svc:self 8000"),
                                     QStringLiteral("svc:self;svc:bad\\x0aname\\x00x 2000")}));
        const QJsonArray problems = q.trace(traceId(40).hex())[QStringLiteral("problems")].toArray();
        QCOMPARE(problems.size(), 2);
        QCOMPARE(problems[0].toObject()[QStringLiteral("kind")].toString(), QStringLiteral("parent_cycle"));
        QStringList ids;
        for (const auto& p : problems)
            ids << p.toObject()[QStringLiteral("span_id")].toString();
        ids.sort();
        QCOMPARE(ids, (QStringList{QStringLiteral("0000000000000001"), QStringLiteral("000000000000000a")}));
        QVERIFY(q.trace(traceId(1).hex())[QStringLiteral("problems")].toArray().isEmpty());
    }

    void servicesSeries()
    {
        Database db = store::openForReading(m_path);
        const QJsonObject s = StoreQueries(db).services(std::nullopt, std::nullopt, 60'000'000'000LL);
        const QJsonArray list = s[QStringLiteral("services")].toArray();
        QCOMPARE(list.size(), 2);
        const QJsonObject payments = list[1].toObject();
        QCOMPARE(payments[QStringLiteral("name")].toString(), QStringLiteral("payments"));
        QCOMPARE(payments[QStringLiteral("requests")].toInt(), 3);
        QCOMPARE(payments[QStringLiteral("errors")].toInt(), 1);
        QCOMPARE(payments[QStringLiteral("series")].toArray().size(), 3);
        const double p50 = payments[QStringLiteral("p50_ms")].toDouble();
        QVERIFY(p50 > 1500 && p50 < 1700);
    }
};

QTEST_GUILESS_MAIN(TestStoreQueries)
#include "tst_storequeries.moc"
