// Prints what checking a cache for damage costs when it is opened: PRAGMA quick_check over the whole
// file, the bounded checks readers and writers run (models/CacheCheck.h), and openForWriting with its
// check. Run it on a big cache to choose the budgets, e.g. one made by
//   seam demo --db big.seam --sessions 20000        (about 2.7 GB, 4.2 M spans)
//
// usage: bench_cachecheck CACHE [--runs N] [--recover TARGET]
// The first run reads from disk unless the file is in the page cache; later runs from memory.
// --recover: also times recoverCache(CACHE, TARGET) (TARGET must not exist), the GUI's recovery.

#include "CacheCheck.h"
#include "RecoverCache.h"
#include "Sqlite.h"
#include "Store.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

using namespace seam;

namespace {

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void printCheck(const char* what, const store::QuickCheck& c)
{
    std::printf("  %-34s %8.3f s  %s%s\n", what, c.seconds, c.complete ? "whole file" : "budget ran out",
                c.damaged ? ", DAMAGED" : "");
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_cachecheck CACHE [--runs N]\n");
        return 2;
    }
    const std::string path = argv[1];
    int runs = 2;
    std::string recoverInto;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--runs") == 0)
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (std::strcmp(argv[i], "--recover") == 0)
            recoverInto = argv[i + 1];
    }
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (ec) {
        std::fprintf(stderr, "bench_cachecheck: %s: %s\n", path.c_str(), ec.message().c_str());
        return 2;
    }
    try {
        Database probe = store::openForReading(path);
        std::printf("%s: %.1f MiB, %lld pages, %lld spans\n", path.c_str(), double(bytes) / 1048576.0,
                    static_cast<long long>(probe.queryInt("PRAGMA page_count")),
                    static_cast<long long>(probe.queryInt("SELECT count(*) FROM spans")));
        for (int run = 1; run <= runs; ++run) {
            std::printf("run %d\n", run);
            {
                Database db = store::openForReading(path);
                printCheck("quick_check, no budget (reader)", store::quickCheck(db, std::chrono::hours(1)));
            }
            {
                Database db = store::openForReading(path);
                printCheck("reader budget", store::quickCheck(db, store::kReaderCheckBudget));
            }
            {
                Database db = store::openForReading(path);
                printCheck("writer budget", store::quickCheck(db, store::kWriterCheckBudget));
            }
            const auto started = std::chrono::steady_clock::now();
            {
                Database writer = store::openForWriting(path);
            }
            std::printf("  %-34s %8.3f s\n", "openForWriting (with its check)", seconds(started));
        }
        if (!recoverInto.empty()) {
            const auto started = std::chrono::steady_clock::now();
            const RecoverReport report = recoverCache(path, recoverInto);
            const double s = seconds(started);
            std::printf("recoverCache: %.1f s, %.0f rows/s: %s\n", s, double(report.copied()) / s,
                        report.summary().c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_cachecheck: %s\n", e.what());
        return 1;
    }
    return 0;
}
