#include "Format.h"
#include "PageLoadTableModel.h"
#include "Store.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <limits>
#include <optional>

using namespace seam;

namespace {

constexpr int kRows = 100'000;
constexpr int kSessions = 1000;
constexpr qint64 kT0 = 1'763'629'200'000'000'000; // 2025-11-20T09:00:00Z
const char* const kRoutes[] = {"/", "/product/:id", "/search", "/cart", "/checkout"};
const char* const kBrowsers[] = {"Chrome", "Safari", "Firefox", "Edge"};
const char* const kCountries[] = {"DE", "US", "FR"};

// Page load n (1-based, = its id) starts n seconds after kT0; durations are scattered, some unknown.
std::optional<qint64> durationOf(int n)
{
    if (n % 997 == 0)
        return std::nullopt;
    return qint64(n) * 7919 % 10'000 * 1'000'000; // 0 .. 9.999 s
}

/// A cache of kRows page loads written directly with SQL: the model only reads these two tables, and
/// going through the importer path would make the fixture the slowest part of the test.
void writeCache(const std::string& path)
{
    Database db = store::openForWriting(path);
    Transaction tx(db);
    auto session = db.prepare(
        "INSERT INTO sessions(id, key, browser, country, app_version) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (int s = 1; s <= kSessions; ++s) {
        const std::string key = "session-" + std::to_string(s);
        session.bind(1, s).bindText(2, key).bindText(3, kBrowsers[s % 4]).bindText(4, kCountries[s % 3]);
        session.bindText(5, s % 10 == 0 ? "4.1.3" : "4.2.0").run();
    }
    auto page =
        db.prepare("INSERT INTO page_loads(id, key, session_id, url, route, start_ns, duration_ns, ttfb_ns, "
                   "lcp_ns, error_count, backend_ns, services) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    for (int n = 1; n <= kRows; ++n) {
        const std::string key = "page-" + std::to_string(n);
        const std::string route = kRoutes[n % 5];
        const std::string url = "https://shop.example" + route + "?n=" + std::to_string(n);
        page.bind(1, n).bindText(2, key).bind(3, n % kSessions + 1).bindText(4, url).bindText(5, route);
        page.bind(6, kT0 + qint64(n) * 1'000'000'000);
        if (const auto d = durationOf(n))
            page.bind(7, *d).bind(8, *d / 10).bind(9, *d / 2);
        else
            page.bindNull(7).bindNull(8).bindNull(9);
        page.bind(10, n % 50 == 0 ? 1 : 0);
        if (route == "/checkout")
            page.bind(11, std::int64_t(120'000'000)).bindText(12, "gateway,payments");
        else
            page.bindNull(11).bindNull(12);
        page.run();
    }
    // Every page load has its report, as the writer gives it one (the sort keys come with it).
    db.exec("INSERT INTO page_load_reports(page_load_id, key, format, session_id, url, route, start_ns) "
            "SELECT id, key, 'otel', session_id, url, route, start_ns FROM page_loads");
    tx.commit();
}

bool waitCounted(PageLoadTableModel& model)
{
    return QTest::qWaitFor([&] { return !model.isCounting(); }, 30'000);
}

/// The row's value for `role` once its page has arrived (invalid if it never does, or has none).
QVariant waitData(PageLoadTableModel& model, int row, int column, int role = Qt::UserRole)
{
    const QModelIndex index = model.index(row, column);
    // Display is valid for every loaded row (an empty string when the value is unknown).
    if (!QTest::qWaitFor([&] { return model.data(index, Qt::DisplayRole).isValid(); }, 10'000))
        return {};
    return model.data(index, role);
}

} // namespace

class TestPageLoadTableModel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    std::optional<Database> m_db;

    std::vector<qint64> expectedIds(const QString& filterText, const char* orderBy)
    {
        const auto f = PageLoadFilter::parse(filterText);
        auto st =
            m_db->prepare("SELECT p.id FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id WHERE " +
                          f.sql() + " ORDER BY " + orderBy);
        f.bind(st);
        std::vector<qint64> ids;
        while (st.step())
            ids.push_back(st.int64(0));
        return ids;
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("table.seam"));
        QElapsedTimer t;
        t.start();
        writeCache(m_path.toStdString());
        qDebug("fixture: %d page loads in %lld ms", kRows, t.elapsed());
        m_db.emplace(store::openForReading(m_path.toStdString()));
    }

    void countsEveryRowAndLoadsDeepRows()
    {
        PageLoadTableModel model(m_path);
        QSignalSpy counted(&model, &PageLoadTableModel::countFinished);
        QVERIFY(waitCounted(model));
        QCOMPARE(counted.size(), 1);
        QCOMPARE(counted[0][0].toInt(), kRows);
        QCOMPARE(model.rowCount(), kRows);
        QCOMPARE(model.columnCount(), int(PageLoadTableModel::ColumnCount));

        // By start ascending (the default), row r is page load r + 1.
        const int deep = kRows - 7;
        QCOMPARE(model.pageLoadIdAt(deep), qint64(deep + 1));
        QCOMPARE(model.data(model.index(deep, 0), PageLoadTableModel::PageLoadIdRole).toLongLong(),
                 qint64(deep + 1));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(!model.data(model.index(deep, PageLoadTableModel::Route)).isValid()); // not loaded yet
        QTRY_VERIFY(model.data(model.index(deep, PageLoadTableModel::Route)).isValid());
        QVERIFY(!changed.isEmpty());
        const int pageStart = deep / PageLoadTableModel::kPageSize * PageLoadTableModel::kPageSize;
        QVERIFY(std::any_of(changed.begin(), changed.end(), [&](const QList<QVariant>& args) {
            return args[0].toModelIndex().row() == pageStart &&
                   args[1].toModelIndex().row() == kRows - 1; // the last page is partial
        }));
        QCOMPARE(model.data(model.index(deep, PageLoadTableModel::Route)).toString(),
                 QString::fromLatin1(kRoutes[(deep + 1) % 5]));
        QCOMPARE(model.data(model.index(deep, PageLoadTableModel::Start), Qt::UserRole).toLongLong(),
                 kT0 + qint64(deep + 1) * 1'000'000'000);
        QCOMPARE(model.data(model.index(deep, PageLoadTableModel::Browser)).toString(),
                 QString::fromLatin1(kBrowsers[((deep + 1) % kSessions + 1) % 4]));
        QCOMPARE(model.rowOfPageLoad(qint64(deep + 1)), deep);
        QCOMPARE(model.rowOfPageLoad(kRows + 1), -1);
        QCOMPARE(model.pageLoadIdAt(kRows), qint64(-1));
    }

    void formatsAndRoles()
    {
        PageLoadTableModel model(m_path);
        QVERIFY(waitCounted(model));
        // Page load 4 is a /checkout with a backend time, from a Safari session in FR.
        const int row = 3;
        const auto at = [&](int column, int role) { return model.data(model.index(row, column), role); };
        QCOMPARE(waitData(model, row, PageLoadTableModel::LoadTime).toLongLong(), *durationOf(4));
        QCOMPARE(at(PageLoadTableModel::LoadTime, Qt::DisplayRole).toString(),
                 formatDuration(*durationOf(4)));
        QCOMPARE(at(PageLoadTableModel::Backend, Qt::DisplayRole).toString(), QStringLiteral("120 ms"));
        QCOMPARE(at(PageLoadTableModel::Backend, Qt::UserRole).toLongLong(), qint64(120'000'000));
        QCOMPARE(at(PageLoadTableModel::Services, Qt::DisplayRole).toString(),
                 QStringLiteral("gateway, payments"));
        QCOMPARE(at(PageLoadTableModel::Services, Qt::UserRole).toString(),
                 QStringLiteral("gateway,payments"));
        QCOMPARE(at(PageLoadTableModel::Services, Qt::ToolTipRole).toString(),
                 QStringLiteral("gateway\npayments"));
        QCOMPARE(at(PageLoadTableModel::Url, Qt::ToolTipRole).toString(),
                 QStringLiteral("https://shop.example/checkout?n=4"));
        QCOMPARE(at(PageLoadTableModel::Errors, Qt::DisplayRole).toInt(), 0);
        QCOMPARE(at(PageLoadTableModel::AppVersion, Qt::DisplayRole).toString(), QStringLiteral("4.2.0"));
        QCOMPARE(at(PageLoadTableModel::Country, Qt::DisplayRole).toString(), QStringLiteral("FR"));
        QCOMPARE(at(PageLoadTableModel::Start, Qt::DisplayRole).toString(),
                 QDateTime::fromMSecsSinceEpoch((kT0 + 4'000'000'000) / 1'000'000)
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
        QCOMPARE(at(PageLoadTableModel::LoadTime, Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        QCOMPARE(at(PageLoadTableModel::Route, Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignLeft | Qt::AlignVCenter));
        // Page load 1 is not a /checkout: unknown backend time is no value, not zero.
        QVERIFY(waitData(model, 0, PageLoadTableModel::Route).isValid());
        QVERIFY(!model.data(model.index(0, PageLoadTableModel::Backend), Qt::UserRole).isValid());
        QCOMPARE(model.data(model.index(0, PageLoadTableModel::Backend)).toString(), QString());
        QCOMPARE(model.headerData(PageLoadTableModel::LoadTime, Qt::Horizontal).toString(),
                 QStringLiteral("Load time"));
    }

    void sortsByLoadTime()
    {
        PageLoadTableModel model(m_path);
        QVERIFY(waitCounted(model));
        model.sort(PageLoadTableModel::LoadTime, Qt::DescendingOrder);
        QVERIFY(model.isCounting());
        QVERIFY(waitCounted(model));
        QCOMPARE(model.rowCount(), kRows);
        const auto descending = expectedIds(QString(), "p.duration_ns DESC, p.id DESC");
        QCOMPARE(model.pageLoadIdAt(0), descending.front());
        QCOMPARE(waitData(model, 0, PageLoadTableModel::LoadTime).toLongLong(), qint64(9'999'000'000));
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int row = 0; row < PageLoadTableModel::kPageSize; ++row) {
            const qint64 d =
                model.data(model.index(row, PageLoadTableModel::LoadTime), Qt::UserRole).toLongLong();
            QVERIFY(d <= previous);
            previous = d;
        }
        // Unknown durations come last when descending...
        QVERIFY(waitData(model, kRows - 1, PageLoadTableModel::Route).isValid());
        QVERIFY(!model.data(model.index(kRows - 1, PageLoadTableModel::LoadTime), Qt::UserRole).isValid());

        // ... and first ascending. Reversing a complete result needs no query, and gives what one would.
        model.sort(PageLoadTableModel::LoadTime, Qt::AscendingOrder);
        QVERIFY(!model.isCounting());
        const auto ascending = expectedIds(QString(), "p.duration_ns, p.id");
        QCOMPARE(int(ascending.size()), model.rowCount());
        for (int row : {0, 1, 50, 99, 100, 5000, kRows / 2, kRows - 1})
            QCOMPARE(model.pageLoadIdAt(row), ascending[std::size_t(row)]);
        QVERIFY(waitData(model, 1, PageLoadTableModel::Route).isValid());
        QVERIFY(!model.data(model.index(0, PageLoadTableModel::LoadTime), Qt::UserRole).isValid());

        // A text column, through the sessions join.
        model.sort(PageLoadTableModel::Browser, Qt::AscendingOrder);
        QVERIFY(waitCounted(model));
        QCOMPARE(waitData(model, 0, PageLoadTableModel::Browser).toString(), QStringLiteral("Chrome"));
        QCOMPARE(waitData(model, kRows - 1, PageLoadTableModel::Browser).toString(),
                 QStringLiteral("Safari"));
        QCOMPARE(model.rowOfPageLoad(model.pageLoadIdAt(kRows / 2)), kRows / 2);
    }

    void filterNarrowsTheCount()
    {
        PageLoadTableModel model(m_path);
        QVERIFY(waitCounted(model));
        for (const QString& text :
             {QStringLiteral("route:/checkout"), QStringLiteral("browser:safari duration>5s"),
              QStringLiteral("-country:DE errors>0"), QStringLiteral("route:/nowhere")}) {
            const auto filter = PageLoadFilter::parse(text);
            QVERIFY(filter.isValid());
            model.setFilter(filter);
            QVERIFY(waitCounted(model));
            const auto expected = expectedIds(text, "p.start_ns, p.id");
            QCOMPARE(model.rowCount(), int(expected.size()));
            QVERIFY(model.rowCount() < kRows);
            if (!expected.empty()) {
                QCOMPARE(model.pageLoadIdAt(0), expected.front());
                QCOMPARE(model.pageLoadIdAt(model.rowCount() - 1), expected.back());
            }
        }
        model.setFilter(PageLoadFilter::parse(QStringLiteral("route:/checkout")));
        QVERIFY(waitCounted(model));
        QCOMPARE(model.rowCount(), kRows / 5);
        for (int row : {0, model.rowCount() / 2, model.rowCount() - 1})
            QCOMPARE(waitData(model, row, PageLoadTableModel::Route).toString(), QStringLiteral("/checkout"));
    }

    void staleResultsAreDropped()
    {
        PageLoadTableModel model(m_path);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(waitCounted(model));
        // Ask for deep pages, then change filter and sort again and again without letting results in:
        // the loader is still busy with (or has already posted) pages and ids of older generations.
        for (int row : {kRows - 1, kRows / 2, kRows / 3})
            QVERIFY(!model.data(model.index(row, PageLoadTableModel::Url)).isValid());
        model.sort(PageLoadTableModel::Url, Qt::DescendingOrder); // an unindexed sort of every row
        model.setFilter(PageLoadFilter::parse(QStringLiteral("browser:Edge")));
        QTest::qWait(5); // let older generations' results reach the queue
        model.setFilter(PageLoadFilter::parse(QStringLiteral("route:/cart")));
        QTest::qSleep(200); // without events: the loader posts /cart's first ids, which arrive stale
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setFilter(PageLoadFilter::parse(QStringLiteral("route:/search country:FR")));
        QVERIFY(waitCounted(model));

        const auto expected =
            expectedIds(QStringLiteral("route:/search country:FR"), "p.url DESC, p.id DESC");
        QCOMPARE(model.rowCount(), int(expected.size()));
        int insertedRows = 0;
        for (const auto& args : inserted)
            insertedRows += args[2].toInt() - args[1].toInt() + 1;
        QCOMPARE(insertedRows, int(expected.size())); // nothing from the older filters was inserted
        for (const auto& args : changed)
            QVERIFY(args[1].toModelIndex().row() < model.rowCount());
        for (int row = 0; row < model.rowCount(); row += 97) {
            QCOMPARE(model.pageLoadIdAt(row), expected[std::size_t(row)]);
            QCOMPARE(waitData(model, row, PageLoadTableModel::Route).toString(), QStringLiteral("/search"));
            QCOMPARE(model.data(model.index(row, PageLoadTableModel::Country)).toString(),
                     QStringLiteral("FR"));
        }
    }

    void modelTesterThroughFilterAndSortChanges()
    {
        PageLoadTableModel model(m_path);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(waitCounted(model));
        // Loaded and unloaded rows, at both ends.
        for (int row : {0, 1, 300, kRows - 1}) {
            QVERIFY(waitData(model, row, PageLoadTableModel::Route).isValid());
        }
        model.setFilter(PageLoadFilter::parse(QStringLiteral("status:error")));
        QVERIFY(waitCounted(model));
        QCOMPARE(model.rowCount(), kRows / 50);
        model.sort(PageLoadTableModel::Ttfb, Qt::DescendingOrder);
        QVERIFY(waitCounted(model));
        QVERIFY(waitData(model, 0, PageLoadTableModel::Ttfb).isValid());
        model.sort(PageLoadTableModel::Ttfb, Qt::AscendingOrder);
        QVERIFY(waitData(model, model.rowCount() - 1, PageLoadTableModel::Ttfb).isValid());
        model.sort(-1, Qt::AscendingOrder);
        QVERIFY(waitCounted(model));
        QCOMPARE(model.pageLoadIdAt(0), qint64(50));
        model.setFilter(PageLoadFilter::parse(QStringLiteral("route:/nowhere")));
        QVERIFY(waitCounted(model));
        QCOMPARE(model.rowCount(), 0);
        model.setFilter(PageLoadFilter::parse(QStringLiteral("browsr:x"))); // invalid: no rows
        QVERIFY(waitCounted(model));
        QCOMPARE(model.rowCount(), 0);
        model.setFilter(PageLoadFilter());
        model.refresh();
        QVERIFY(waitCounted(model));
        QCOMPARE(model.rowCount(), kRows);
    }

    void missingCacheFails()
    {
        PageLoadTableModel model(m_dir.filePath(QStringLiteral("missing.seam")));
        QSignalSpy failed(&model, &PageLoadTableModel::queryFailed);
        QTRY_VERIFY(!failed.isEmpty());
        QVERIFY(!model.isCounting());
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPageLoadTableModel)
#include "tst_pageloadtablemodel.moc"
