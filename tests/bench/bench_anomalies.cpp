// Anomaly detection over 24 hours of rollups for 50 services (10 s buckets: 432,000 rows), with a
// few planted incidents, then over one hour of the same cache: prints the time of each (the whole
// analysis, reading included) and how many windows it found.
//
// bench_anomalies [--services N] [--hours H] [--keep FILE]

#include "Anomalies.h"
#include "RollupFactory.h"
#include "Store.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

using namespace seam;

int main(int argc, char** argv)
{
    int services = 50;
    int hours = 24;
    std::string path = (std::filesystem::temp_directory_path() / "bench_anomalies.seam").string();
    bool keep = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--services"))
            services = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--hours"))
            hours = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--keep")) {
            path = argv[i + 1];
            keep = true;
        }
    }
    constexpr TimeNs kT0 = 1'763'596'800'000'000'000; // 2025-11-20T00:00:00Z
    constexpr TimeNs kMinute = 60'000'000'000;
    const TimeNs end = kT0 + hours * 60 * kMinute;
    if (!keep || !std::filesystem::exists(path)) {
        std::filesystem::remove(path);
        Database db = store::openForWriting(path);
        test::RollupFactory f(db, 11);
        const auto t0 = std::chrono::steady_clock::now();
        db.exec("BEGIN");
        for (int s = 0; s < services; ++s) {
            const auto id = f.service("svc-" + std::to_string(s));
            const double rate = 2.0 + 3.0 * (s % 10); // 0.2 .. 2.9 requests per second
            const double median = 20.0 + 10.0 * (s % 7);
            for (TimeNs t = kT0; t < end; t += test::RollupFactory::kBucket) {
                // Every seventh service has a 10-minute incident at a different hour.
                const TimeNs incident = kT0 + (1 + s % 20) * 60 * kMinute;
                const bool bad = s % 7 == 0 && t >= incident && t < incident + 10 * kMinute;
                f.bucket(id, t, rate * 10, bad && s % 2 ? 0.2 : 0.005, bad && !(s % 2) ? median * 6 : median);
            }
        }
        db.exec("COMMIT");
        std::printf("wrote %d services x %d h of 10 s rollups in %.1f s\n", services, hours,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    Database db = store::openForReading(path);
    const auto run = [&](const char* what, const AnomalyOptions& o) {
        const auto t0 = std::chrono::steady_clock::now();
        const AnomalyResult r = detectAnomalies(db, o);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%-28s %8.1f ms  %zu windows, %zu notes\n", what, ms, r.windows.size(), r.notes.size());
    };
    run("whole cache (cold)", {});
    run("whole cache", {});
    AnomalyOptions hour;
    hour.from = kT0 + 12 * 60 * kMinute;
    hour.to = hour.from.value() + 60 * kMinute;
    run("one hour of it", hour);
    if (!keep)
        std::filesystem::remove(path);
    return 0;
}
