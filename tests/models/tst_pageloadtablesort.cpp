// Every sortable column of the page-load table (PageLoadTableModel through its loader), both ways, with
// and without a filter: the order is the one the joined values give (NULLs first ascending, ties by id
// in the sort's direction), computed here from the raw tables, not from the sort keys the table reads.
// The fixture changes sessions, services and reports after the page loads were written, as imports do,
// so the sort keys the triggers maintain must have followed. And each sort is a walk of an index: the
// query plan sorts nothing (that is what makes the first screen of a million rows cheap).

#include "PageLoadReports.h"
#include "PageLoadSortKeys.h"
#include "PageLoadTableLoader.h"
#include "PageLoadTableModel.h"
#include "Store.h"

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <optional>
#include <sqlite3.h>
#include <variant>

using namespace seam;

namespace {

constexpr int kRows = 2000;
constexpr int kSessions = 40;
constexpr qint64 kT0 = 1'763'629'200'000'000'000;
const char* const kRoutes[] = {"/", "/product/:id", "/search", "/cart", "/checkout"};
const char* const kBrowsers[] = {"Chrome", "Safari", "Firefox", "Edge"};
const char* const kFormats[] = {"otel", "datadog", "faro", "har"};

using Key = std::variant<std::monostate, qint64, std::string>; // SQLite's order: NULL < integer < text

void insertSessions(Database& db, int from, int to)
{
    auto st = db.prepare(
        "INSERT INTO sessions(id, key, browser, country, app_version) VALUES (?1, ?2, ?3, ?4, ?5)");
    const char* const countries[] = {"DE", "US", nullptr};
    for (int s = from; s <= to; ++s) {
        const std::string key = "session-" + std::to_string(s); // bound without a copy
        st.bind(1, s).bindText(2, key);
        s % 5 == 0 ? st.bindNull(3) : st.bindText(3, kBrowsers[s % 4]);
        countries[s % 3] ? st.bindText(4, countries[s % 3]) : st.bindNull(4);
        s % 4 == 0 ? st.bindNull(5) : st.bindText(5, s % 2 ? "4.1.3" : "4.2.0");
        st.run();
    }
}

/// Page loads with many ties and NULLs in every column, some without a session or with one that does
/// not exist; half of the sessions and one app service arrive after their page loads.
void writeCache(const std::string& path)
{
    Database db = store::openForWriting(path);
    Transaction tx(db);
    db.exec("INSERT INTO services(id, name, version) VALUES (2, 'shop-web', '')");
    insertSessions(db, 1, kSessions / 2);
    auto page =
        db.prepare("INSERT INTO page_loads(id, key, session_id, app_service_id, url, route, start_ns, "
                   "duration_ns, ttfb_ns, lcp_ns, error_count, backend_ns, services) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    auto report = db.prepare("INSERT INTO page_load_reports(page_load_id, key, format, url, route, start_ns) "
                             "VALUES (?1, ?2, ?3, '', '', 0)");
    const auto optional = [&](int column, bool null, qint64 value) {
        null ? page.bindNull(column) : page.bind(column, value);
    };
    for (int n = 1; n <= kRows; ++n) {
        const std::string key = "page-" + std::to_string(n); // bound without a copy, as the ones below
        const std::string url = "https://shop.example/p/" + std::to_string(n % 300);
        const std::string reportKeys[] = {"r-" + key, "r2-" + key, "r3-" + key};
        page.bind(1, n).bindText(2, key);
        if (n % 50 == 0)
            page.bindNull(3);
        else
            page.bind(3, n % 97 == 0 ? 999 : n % kSessions + 1);
        n % 3 == 2 ? page.bindNull(4) : page.bind(4, n % 3 + 1);
        page.bindText(5, url).bindText(6, kRoutes[n % 5]);
        page.bind(7, kT0 + qint64(n % 500) * 1'000'000'000);
        optional(8, n % 11 == 0, qint64(n) * 7919 % 1000 * 1'000'000);
        optional(9, n % 13 == 0, qint64(n % 100) * 1'000'000);
        optional(10, n % 7 == 0, qint64(n % 250) * 1'000'000);
        page.bind(11, n % 9 == 0 ? n % 4 : 0);
        optional(12, n % 4 != 0, qint64(n % 60) * 1'000'000);
        const char* const services[] = {"gateway,payments", "cart", "gateway"};
        n % 4 == 0 ? page.bindText(13, services[n % 3]) : page.bindNull(13);
        page.run();
        report.bind(1, n).bindText(2, reportKeys[0]).bindText(3, kFormats[n % 4]).run();
        if (n % 10 == 0)
            report.bind(1, n).bindText(2, reportKeys[1]).bindText(3, "har").run();
        if (n % 15 == 0)
            report.bind(1, n).bindText(2, reportKeys[2]).bindText(3, "otel").run();
    }
    insertSessions(db, kSessions / 2 + 1, kSessions);
    db.exec("INSERT INTO services(id, name, version) VALUES (1, 'shop-web', '5.0.0')");
    // What later batches do: a session learns its browser, a page load its session, reports merge.
    db.exec("UPDATE sessions SET browser = 'Opera', app_version = NULL WHERE id IN (3, 22)");
    db.exec("UPDATE page_loads SET session_id = 5 WHERE id IN (50, 97)");
    db.exec("UPDATE page_load_reports SET page_load_id = 11 WHERE key = 'r-page-12'");
    db.exec("DELETE FROM page_load_reports WHERE key IN ('r2-page-20', 'r-page-21')");
    tx.commit();
}

int compareKeys(const Key& a, const Key& b)
{
    if (a.index() != b.index())
        return a.index() < b.index() ? -1 : 1;
    if (const auto* x = std::get_if<qint64>(&a))
        return *x < std::get<qint64>(b) ? -1 : (*x > std::get<qint64>(b) ? 1 : 0);
    if (const auto* x = std::get_if<std::string>(&a))
        return x->compare(std::get<std::string>(b)); // memcmp order: SQLite's BINARY collation
    return 0;
}

Key keyAt(Statement& st, int column)
{
    if (st.isNull(column))
        return {};
    if (st.columnType(column) == SQLITE_INTEGER)
        return st.int64(column);
    return std::string(st.text(column));
}

} // namespace

class TestPageLoadTableSort : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    std::optional<Database> m_db;

    /// The ids matching `filterText` sorted by `column` ascending, from the joined values themselves.
    std::vector<qint64> expected(int column, const QString& filterText)
    {
        using C = PageLoadTableModel::Column;
        std::vector<std::string> keys;
        switch (column) {
        case C::Route:
            keys = {"p.route", "p.start_ns"};
            break;
        case C::Url:
            keys = {"p.url"};
            break;
        case C::Start:
            keys = {"p.start_ns"};
            break;
        case C::LoadTime:
            keys = {"p.duration_ns"};
            break;
        case C::Ttfb:
            keys = {"p.ttfb_ns"};
            break;
        case C::Lcp:
            keys = {"p.lcp_ns"};
            break;
        case C::Errors:
            keys = {"p.error_count"};
            break;
        case C::Backend:
            keys = {"p.backend_ns"};
            break;
        case C::Services:
            keys = {"p.services"};
            break;
        case C::Browser:
            keys = {"s.browser"};
            break;
        case C::Country:
            keys = {"s.country"};
            break;
        case C::AppVersion:
            keys = {"coalesce(s.app_version, v.version)"};
            break;
        case C::Sources:
            keys = {pageLoadSourcesSql("p.id")};
            break;
        default:
            break;
        }
        std::string sql = "SELECT p.id";
        for (const std::string& k : keys)
            sql += ", " + k;
        const PageLoadFilter filter = PageLoadFilter::parse(filterText);
        sql +=
            " FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id LEFT JOIN services v ON v.id = "
            "p.app_service_id WHERE " +
            filter.sql();
        Statement st = m_db->prepare(sql);
        filter.bind(st);
        std::vector<std::pair<std::vector<Key>, qint64>> rows;
        while (st.step()) {
            std::vector<Key> k;
            for (int i = 0; i < int(keys.size()); ++i)
                k.push_back(keyAt(st, i + 1));
            rows.emplace_back(std::move(k), st.int64(0));
        }
        std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            for (std::size_t i = 0; i < a.first.size(); ++i)
                if (const int c = compareKeys(a.first[i], b.first[i]))
                    return c < 0;
            return a.second < b.second;
        });
        std::vector<qint64> ids;
        for (const auto& r : rows)
            ids.push_back(r.second);
        return ids;
    }

    static std::vector<qint64> idsOf(PageLoadTableModel& model)
    {
        std::vector<qint64> ids;
        for (int row = 0; row < model.rowCount(); ++row)
            ids.push_back(model.pageLoadIdAt(row));
        return ids;
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("sort.seam"));
        writeCache(m_path.toStdString());
        m_db.emplace(store::openForReading(m_path.toStdString()));
        QVERIFY(schema::hasPageLoadSortKeys(*m_db));
    }

    void everyColumnBothWaysWithAndWithoutAFilter_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("filter");
        const PageLoadTableModel names(m_path);
        for (int c = 0; c < PageLoadTableModel::ColumnCount; ++c) {
            const QByteArray name = names.headerData(c, Qt::Horizontal).toString().toUtf8();
            QTest::newRow(name.constData()) << c << QString();
            QTest::newRow(QByteArray(name + " route:/checkout").constData())
                << c << QStringLiteral("route:/checkout");
            QTest::newRow(QByteArray(name + " -country:DE errors>0").constData())
                << c << QStringLiteral("-country:DE errors>0");
        }
    }

    void everyColumnBothWaysWithAndWithoutAFilter()
    {
        QFETCH(int, column);
        QFETCH(QString, filter);
        const std::vector<qint64> ascending = expected(column, filter);
        QVERIFY(ascending.size() > 50);
        std::vector<qint64> descending(ascending.rbegin(), ascending.rend());

        PageLoadTableModel model(m_path);
        model.setFilter(PageLoadFilter::parse(filter));
        model.sort(column, Qt::AscendingOrder);
        QVERIFY(QTest::qWaitFor([&] { return !model.isCounting(); }, 30'000));
        QCOMPARE(idsOf(model), ascending);
        // Descending as its own query (not the in-place reversal of a finished ascending result).
        model.sort(-1);
        QVERIFY(QTest::qWaitFor([&] { return !model.isCounting(); }, 30'000));
        model.sort(column, Qt::DescendingOrder);
        QVERIFY(model.isCounting());
        QVERIFY(QTest::qWaitFor([&] { return !model.isCounting(); }, 30'000));
        QCOMPARE(idsOf(model), descending);
        // The first row shows the value it was sorted by.
        QVERIFY(QTest::qWaitFor([&] { return model.data(model.index(0, column)).isValid(); }, 10'000));
    }

    void everySortIsAnIndexWalk()
    {
        for (int c = -1; c < PageLoadTableModel::ColumnCount; ++c)
            for (const bool descending : {false, true}) {
                const std::string sql = PageLoadTableLoader::scanSql("1", c, descending, true);
                Statement plan = m_db->prepare("EXPLAIN QUERY PLAN " + sql);
                QString lines;
                while (plan.step())
                    lines += QString::fromUtf8(plan.text(3).data(), qsizetype(plan.text(3).size())) +
                             QLatin1Char('\n');
                QVERIFY2(!lines.contains(QLatin1String("TEMP B-TREE")),
                         qPrintable(QString::number(c) + lines));
            }
    }

    void anOlderCacheSortsByTheJoinedValues()
    {
        // A v3 cache read as it is has no sort keys: the loader orders by the joined columns themselves.
        const std::vector<qint64> ascending = expected(PageLoadTableModel::AppVersion, QString());
        Statement st =
            m_db->prepare(PageLoadTableLoader::scanSql("1", PageLoadTableModel::AppVersion, false, false));
        std::vector<qint64> ids;
        while (st.step())
            ids.push_back(st.int64(0));
        QCOMPARE(ids, ascending);
    }
};

QTEST_MAIN(TestPageLoadTableSort)
#include "tst_pageloadtablesort.moc"
