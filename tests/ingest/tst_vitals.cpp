// Web vitals reach the page load and the report of the source that measured them (VitalWriter): the
// vitals of one page load that come together are one UPDATE per row, the last value of a vital wins
// within a batch and across batches, a custom vital is not kept, and vitals that arrive before their
// page load wait for it.

#include "RecordFactory.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <string>
#include <vector>

using namespace seam;
using namespace seam::test;

namespace {

VitalRecord vital(const std::string& page, const std::string& name, double value)
{
    VitalRecord v;
    v.pageLoadKey = page;
    v.time = kT0 + 1'000'000'000;
    v.name = name;
    v.value = value;
    return v;
}

/// ttfb, fcp, lcp, inp (ns) and cls of the page load and of its report, "-" for NULL.
std::string vitalsOf(const std::string& path, const std::string& table, const std::string& page)
{
    Database db = store::openForReading(path);
    const std::string id = table == "page_loads" ? "id" : "page_load_id";
    auto st = db.prepare("SELECT ifnull(v.ttfb_ns, '-') || ' ' || ifnull(v.fcp_ns, '-') || ' ' || "
                         "ifnull(v.lcp_ns, '-') || ' ' || ifnull(v.inp_ns, '-') || ' ' || ifnull(v.cls, '-') "
                         "FROM " +
                         table + " v JOIN page_loads p ON p." + "id = v." + id +
                         " WHERE resource_key_text(p.key) = ?1");
    st.bindText(1, page);
    return st.step() ? std::string(st.text(0)) : std::string("(none)");
}

} // namespace

class TestVitals : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void runsOfVitalsKeepTheLastValueOfEach()
    {
        const std::string path = m_dir.filePath(QStringLiteral("runs.seam")).toStdString();
        StoreWriter w(path);
        RecordBatch b = browserBatch(1, traceId(1), 0x42, kT0);
        RecordBatch second = browserBatch(2, traceId(2), 0x43, kT0 + 5'000'000'000);
        b.append(std::move(second));
        for (const VitalRecord& v :
             {vital("page-1", "lcp", 1200), vital("page-1", "fcp", 800), vital("page-1", "lcp", 1500),
              vital("page-1", "cls", 0.05), vital("page-1", "custom", 7), vital("page-2", "ttfb", 90),
              vital("page-1", "inp", 40)})
            b.vitals.push_back(v);
        w.submit(0, std::move(b));
        QVERIFY(w.flush());
        for (const char* table : {"page_loads", "page_load_reports"}) {
            QCOMPARE(vitalsOf(path, table, "page-1"), std::string("- 800000000 1500000000 40000000 0.05"));
            QCOMPARE(vitalsOf(path, table, "page-2"), std::string("90000000 - - - -"));
        }

        // A later batch: a new value replaces, a repeated one changes nothing, the others stay.
        RecordBatch later;
        later.vitals = {vital("page-1", "lcp", 1500), vital("page-1", "fcp", 700),
                        vital("page-2", "cls", 0.2)};
        w.submit(0, std::move(later));
        QVERIFY(w.flush());
        for (const char* table : {"page_loads", "page_load_reports"}) {
            QCOMPARE(vitalsOf(path, table, "page-1"), std::string("- 700000000 1500000000 40000000 0.05"));
            QCOMPARE(vitalsOf(path, table, "page-2"), std::string("90000000 - - - 0.2"));
        }
    }

    void vitalsBeforeTheirPageLoadWaitForIt()
    {
        const std::string path = m_dir.filePath(QStringLiteral("early.seam")).toStdString();
        StoreWriter w(path);
        RecordBatch early;
        early.vitals = {vital("page-3", "ttfb", 50), vital("page-3", "lcp", 900),
                        vital("page-3", "custom", 1)};
        w.submit(0, std::move(early));
        QVERIFY(w.flush());
        w.submit(0, browserBatch(3, traceId(3), 0x44, kT0));
        QVERIFY(w.flush());
        for (const char* table : {"page_loads", "page_load_reports"})
            QCOMPARE(vitalsOf(path, table, "page-3"), std::string("50000000 - 900000000 - -"));
    }
};

QTEST_GUILESS_MAIN(TestVitals)
#include "tst_vitals.moc"
