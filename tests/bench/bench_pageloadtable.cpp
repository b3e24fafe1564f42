// Prints what the page-load table costs at 10k and 1M page loads: first page, count, a jump to the
// middle, random jumps, sort and filter changes. The point is the shape: what the user waits for
// before seeing rows (first page, a jump) should not grow with the cache; the count may, and it runs
// on the loader thread while the first rows are already shown.
//
// Then every sortable column, on the cache as it is (v4: an index per column, the session's and the
// reports' values copied to page_loads.sort_*) and on a copy without those (what a v3 cache is: the sort
// runs over every row before the first one shows), side by side: the user waits for "first page".
//
// usage: bench_pageloadtable [--sizes 10000,1000000] [--keep DIR [--reuse]] [--columns-only]
//        bench_pageloadtable --keep DIR --reuse --generate-only   writes the fixtures missing in DIR

#include "PageLoadScatterLoader.h"
#include "PageLoadSortKeys.h"
#include "PageLoadTableModel.h"
#include "Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <cstdio>
#include <functional>
#include <random>
#include <time.h>

using namespace seam;

namespace {

constexpr qint64 kT0 = 1'763'629'200'000'000'000;
const char* const kRoutes[] = {"/", "/product/:id", "/search", "/cart", "/checkout", "/account", "/help"};
const char* const kBrowsers[] = {"Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"};
const char* const kCountries[] = {"DE", "US", "FR", "GB", "IT", "ES", "NL", "PL"};

/// Written with SQL directly (a fixture, not an import): page loads and their sessions, nothing else.
void writeCache(const std::string& path, int rows)
{
    Database db = store::openForWriting(path);
    std::mt19937_64 rng(42);
    const int sessions = std::max(1, rows / 20);
    Transaction tx(db);
    auto session = db.prepare(
        "INSERT INTO sessions(id, key, browser, country, app_version) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (int s = 1; s <= sessions; ++s) {
        const std::string key = "session-" + std::to_string(s);
        session.bind(1, s)
            .bindText(2, key)
            .bindText(3, kBrowsers[rng() % 5])
            .bindText(4, kCountries[rng() % 8]);
        session.bindText(5, rng() % 7 == 0 ? "4.1.3" : "4.2.0").run();
    }
    auto page =
        db.prepare("INSERT INTO page_loads(id, key, session_id, url, route, start_ns, duration_ns, ttfb_ns, "
                   "lcp_ns, error_count, backend_ns, services) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    std::lognormal_distribution<double> loadMs(7.0, 0.6); // median ~1.1 s, a long tail
    for (int n = 1; n <= rows; ++n) {
        const std::string key = "page-" + std::to_string(n);
        const std::string route = kRoutes[rng() % 7];
        const std::string url = "https://shop.example" + route + "?n=" + std::to_string(n);
        const qint64 duration = qint64(loadMs(rng) * 1e6);
        page.bind(1, n).bindText(2, key).bind(3, std::int64_t(rng() % std::uint64_t(sessions)) + 1);
        page.bindText(4, url).bindText(5, route).bind(6, kT0 + qint64(n) * 50'000'000);
        page.bind(7, duration)
            .bind(8, duration / 8)
            .bind(9, duration * 2 / 3)
            .bind(10, rng() % 40 == 0 ? 1 : 0);
        if (route == "/checkout" || route == "/cart")
            page.bind(11, duration / 3).bindText(12, "cart,gateway,payments");
        else
            page.bindNull(11).bindNull(12);
        page.run();
    }
    // Every page load has its report, as the writer gives it one (the sort keys come with it).
    db.exec("INSERT INTO page_load_reports(page_load_id, key, format, session_id, url, route, start_ns) "
            "SELECT id, key, 'otel', session_id, url, route, start_ns FROM page_loads");
    tx.commit();
}

/// CPU time of the calling thread: what a job costs, apart from waiting for a shared machine's cores.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double waitMs(const std::function<bool()>& done, qint64 timeoutMs = 120'000)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    return double(t.nsecsElapsed()) / 1e6;
}

bool loaded(PageLoadTableModel& model, int row)
{
    return model.data(model.index(row, PageLoadTableModel::Route)).isValid();
}

double processCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

/// A copy of the cache at `path` without the v4 sort keys: no sort_* columns, their triggers and the
/// indexes of the step, as a v3 cache has it (the loader then orders by the joined values).
QString withoutSortKeys(const QString& path)
{
    const QString copy = path + QStringLiteral(".nosortkeys");
    QFile::remove(copy);
    {
        Database db = store::openForReading(path.toStdString());
        db.exec("PRAGMA query_only = 0");
        auto st = db.prepare("VACUUM INTO ?1");
        st.bindText(1, copy.toStdString()).run();
    }
    Database db(copy.toStdString(), Database::Mode::ReadWrite);
    std::string drop;
    auto objects =
        db.prepare("SELECT type, name FROM sqlite_master WHERE type = 'trigger' OR name IN "
                   "('page_loads_by_url', 'page_loads_by_ttfb', 'page_loads_by_lcp', "
                   "'page_loads_by_errors', 'page_loads_by_backend', 'page_loads_by_services', "
                   "'page_loads_by_browser', 'page_loads_by_country', 'page_loads_by_app_version', "
                   "'page_loads_by_sources')");
    while (objects.step())
        drop += "DROP " + std::string(objects.text(0)) + " " + std::string(objects.text(1)) + ";";
    db.exec(drop);
    for (const char* column : {"sort_browser", "sort_country", "sort_app_version", "sort_sources"})
        db.exec(std::string("ALTER TABLE page_loads DROP COLUMN ") + column);
    return copy;
}

struct SortFigures
{
    double first = 0, count = 0, cpu = 0;
};

/// Each sortable column ascending, from a finished scan of another column: time to the first page's
/// data, to the exact count, and the process's CPU time for both (loader thread included).
std::vector<SortFigures> sortEveryColumn(const QString& path)
{
    std::vector<SortFigures> figures;
    PageLoadTableModel model(path);
    waitMs([&] { return !model.isCounting(); });
    for (int c = 0; c < PageLoadTableModel::ColumnCount; ++c) {
        model.sort(c == PageLoadTableModel::Start ? PageLoadTableModel::Route : PageLoadTableModel::Start);
        waitMs([&] { return !model.isCounting(); });
        SortFigures f;
        const double cpu0 = processCpuMs();
        QElapsedTimer t;
        t.start();
        model.sort(c, Qt::AscendingOrder);
        waitMs([&] { return (model.rowCount() > 0 && loaded(model, 0)) || !model.isCounting(); });
        f.first = double(t.nsecsElapsed()) / 1e6;
        waitMs([&] { return !model.isCounting(); });
        f.count = double(t.nsecsElapsed()) / 1e6;
        f.cpu = processCpuMs() - cpu0;
        figures.push_back(f);
    }
    return figures;
}

/// Time to row 0's data and to the exact count, from the moment `change` runs.
void measureChange(const std::unique_ptr<PageLoadTableModel>& model, const char* what,
                   const std::function<void()>& change)
{
    QElapsedTimer t;
    t.start();
    change();
    waitMs([&] { return (model->rowCount() > 0 && loaded(*model, 0)) || !model->isCounting(); });
    const double first = double(t.nsecsElapsed()) / 1e6;
    waitMs([&] { return !model->isCounting(); });
    const double count = double(t.nsecsElapsed()) / 1e6;
    std::printf("  %-36s first page %8.1f ms   count %8.1f ms   rows %d\n", what, first, count,
                model->rowCount());
}

QString fixture(const QString& dir, int rows, bool reuse)
{
    const QString path = QDir(dir).filePath(QStringLiteral("pageloads-%1.seam").arg(rows));
    QElapsedTimer t;
    t.start();
    if (reuse && QFile::exists(path)) {
        std::printf("%d page loads (fixture reused)\n", rows);
    } else {
        QFile::remove(path);
        writeCache(path.toStdString(), rows);
        std::printf("%d page loads (fixture written in %.1f s)\n", rows, double(t.elapsed()) / 1e3);
    }
    return path;
}

void bench(const QString& path, int rows)
{
    std::printf("%d page loads\n", rows);

    std::unique_ptr<PageLoadTableModel> model;
    measureChange(model, "open (by start)", [&] { model = std::make_unique<PageLoadTableModel>(path); });

    const int middle = model->rowCount() / 2;
    const double jump = waitMs([&] { return loaded(*model, middle); });
    std::printf("  %-36s %8.1f ms\n", "jump to row N/2", jump);

    // Random jumps, as a dragged scrollbar makes them: each is one page query.
    std::mt19937 rng(7);
    double total = 0, worst = 0;
    constexpr int kJumps = 50;
    for (int i = 0; i < kJumps; ++i) {
        const int row = int(rng() % std::uint32_t(model->rowCount()));
        const double ms = waitMs([&] { return loaded(*model, row); });
        total += ms;
        worst = std::max(worst, ms);
    }
    std::printf("  %-36s mean %6.2f ms   worst %6.2f ms\n", "random jumps (50)", total / kJumps, worst);

    measureChange(model, "sort load time desc (indexed)",
                  [&] { model->sort(PageLoadTableModel::LoadTime, Qt::DescendingOrder); });
    measureChange(model, "sort load time asc (reversed)",
                  [&] { model->sort(PageLoadTableModel::LoadTime, Qt::AscendingOrder); });
    measureChange(model, "sort route (indexed)", [&] { model->sort(PageLoadTableModel::Route); });
    measureChange(model, "sort browser (join, unindexed)", [&] { model->sort(PageLoadTableModel::Browser); });
    measureChange(model, "sort start", [&] { model->sort(PageLoadTableModel::Start); });
    measureChange(model, "filter route:/checkout",
                  [&] { model->setFilter(PageLoadFilter::parse(QStringLiteral("route:/checkout"))); });
    measureChange(model, "filter browser:Safari duration>2s", [&] {
        model->setFilter(PageLoadFilter::parse(QStringLiteral("browser:Safari duration>2s")));
    });
    measureChange(model, "filter service:payments status:error", [&] {
        model->setFilter(PageLoadFilter::parse(QStringLiteral("service:payments status:error")));
    });
    const int middleFiltered = model->rowCount() / 2;
    std::printf("  %-36s %8.1f ms\n", "  jump to row N/2 (filtered)",
                waitMs([&] { return loaded(*model, middleFiltered); }));
    // Typing: every keystroke is a new filter; only the last one's rows may land.
    measureChange(model, "5 filters in a row (typing)", [&] {
        for (const char* f : {"r", "route:/c", "route:/ca", "route:/car", "route:/cart"})
            model->setFilter(PageLoadFilter::parse(QString::fromLatin1(f)));
    });

    Database db = store::openForReading(path.toStdString());
    QElapsedTimer c;
    c.start();
    QStringList completions = PageLoadFilter::completions(u"route:/", 7, &db);
    completions += PageLoadFilter::completions(u"browser:", 8, &db);
    std::printf("  %-36s %8.1f ms (%lld values)\n",
                "completions route: + browser:", double(c.nsecsElapsed()) / 1e6, qint64(completions.size()));
    std::printf("  id list held by the model: %.1f MiB\n", double(rows) * 8 / 1024 / 1024);

    // The scatter chart's points: one scan of the matching page loads, decimated, routes of those
    // shown; then the same through the loader (its own thread and connection) as the chart gets them.
    for (const char* text : {"", "route:/checkout", "browser:Safari duration>2s"}) {
        const PageLoadFilter filter = PageLoadFilter::parse(QString::fromLatin1(text));
        QElapsedTimer s;
        s.start();
        const double cpu0 = threadCpuMs();
        const PageLoadScatterData data = PageLoadScatterLoader::loadNow(path.toStdString(), filter);
        const double cpu = threadCpuMs() - cpu0;
        std::printf("  scatter %-28s %8.1f ms (cpu %6.1f ms)   %lld of %lld shown, errors %lld of %lld, p95 "
                    "%.0f ms\n",
                    *text ? text : "(all)", double(s.nsecsElapsed()) / 1e6, cpu, qint64(data.points.size()),
                    data.matched, data.errorsShown, data.errors, double(data.slowThreshold) / 1e6);
    }
    PageLoadScatterLoader loader(path);
    std::shared_ptr<const PageLoadScatterData> arrived;
    loader.onLoaded(&loader, [&](std::shared_ptr<const PageLoadScatterData> d) { arrived = std::move(d); });
    // Typing: only the last filter's points arrive; the scans of the others are interrupted.
    for (const char* f : {"r", "route:/c", "route:/ca", "route:/car", "route:/cart"})
        loader.load(PageLoadFilter::parse(QString::fromLatin1(f)));
    const double typed = waitMs([&] { return arrived != nullptr; });
    std::printf("  scatter 5 filters in a row (loader)  %8.1f ms   %lld points\n\n", typed,
                arrived ? qint64(arrived->points.size()) : qint64(-1));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("sizes"), QStringLiteral("Comma-separated cache sizes."),
                      QStringLiteral("list"), QStringLiteral("10000,1000000")});
    parser.addOption({QStringLiteral("keep"), QStringLiteral("Write the caches to DIR and keep them."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("reuse"),
                      QStringLiteral("With --keep: use the caches already in DIR instead of writing them.")});
    parser.addOption(
        {QStringLiteral("generate-only"), QStringLiteral("Write the fixtures, measure nothing.")});
    parser.addOption({QStringLiteral("columns-only"),
                      QStringLiteral("Measure only the sort of every column (before/after the sort keys).")});
    parser.process(app);

    QTemporaryDir temp;
    const QString dir =
        parser.isSet(QStringLiteral("keep")) ? parser.value(QStringLiteral("keep")) : temp.path();
    QDir().mkpath(dir);
    const bool reuse = parser.isSet(QStringLiteral("reuse")) && parser.isSet(QStringLiteral("keep"));
    std::vector<int> sizes;
    std::vector<std::vector<SortFigures>> before, after;
    for (const QString& size : parser.value(QStringLiteral("sizes")).split(QLatin1Char(','))) {
        const int rows = size.toInt();
        if (rows <= 0) {
            std::fprintf(stderr, "bad size: %s\n", qPrintable(size));
            return 2;
        }
        const QString path = fixture(dir, rows, reuse);
        if (parser.isSet(QStringLiteral("generate-only")))
            continue;
        if (!parser.isSet(QStringLiteral("columns-only")))
            bench(path, rows);
        sizes.push_back(rows);
        const QString old = withoutSortKeys(path);
        before.push_back(sortEveryColumn(old));
        after.push_back(sortEveryColumn(path));
        QFile::remove(old);
    }
    if (sizes.empty())
        return 0;
    // One line per column: first page and count before (no sort keys) and after, per size; the ratio of
    // the largest size's first page to the smallest's.
    std::printf(
        "sort by column (ascending): first page / count / CPU ms, without sort keys (v3) -> with (v4)\n");
    std::printf("%-12s", "column");
    for (int rows : sizes)
        std::printf(" | %-44d", rows);
    std::printf(" | first page, largest / smallest (v4)\n");
    const PageLoadTableModel names(QString::fromLatin1("/nonexistent"));
    for (int c = 0; c < PageLoadTableModel::ColumnCount; ++c) {
        std::printf("%-12s", qPrintable(names.headerData(c, Qt::Horizontal).toString()));
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            const SortFigures& b = before[i][std::size_t(c)];
            const SortFigures& a = after[i][std::size_t(c)];
            std::printf(" | %6.0f/%6.0f/%6.0f -> %5.1f/%6.0f/%6.0f", b.first, b.count, b.cpu, a.first,
                        a.count, a.cpu);
        }
        if (sizes.size() >= 2 && after.front()[std::size_t(c)].first > 0)
            std::printf(" | %.1fx", after.back()[std::size_t(c)].first / after.front()[std::size_t(c)].first);
        std::printf("\n");
    }
    return 0;
}
