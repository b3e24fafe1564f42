// Anomaly detection over 24 hours of rollups for 50 services (10 s buckets: 432,000 rows), with a
// few planted incidents, then over one hour of the same cache: prints the time of each (the whole
// analysis, reading included) and how many windows it found.
//
// bench_anomalies [--services N] [--hours H] [--keep FILE]
// bench_anomalies --cache FILE   the same questions of an existing cache (scripts/build-bench-caches.sh):
//                                the whole of it, and the hour in its middle

#include "Anomalies.h"
#include "RollupFactory.h"
#include "Store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

using namespace seam;

namespace {

/// The process's CPU time: on a machine shared with builds the wall clock says more about them.
double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    int services = 50;
    int hours = 24;
    std::string path = (std::filesystem::temp_directory_path() / "bench_anomalies.seam").string();
    bool keep = false;
    bool existing = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--services"))
            services = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--hours"))
            hours = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--keep")) {
            path = argv[i + 1];
            keep = true;
        } else if (!std::strcmp(argv[i], "--cache")) {
            path = argv[i + 1];
            keep = existing = true;
        }
    }
    constexpr TimeNs kT0 = 1'763'596'800'000'000'000; // 2025-11-20T00:00:00Z
    constexpr TimeNs kMinute = 60'000'000'000;
    const TimeNs end = kT0 + hours * 60 * kMinute;
    if (existing && !std::filesystem::exists(path)) {
        std::fprintf(stderr, "no cache at %s\n", path.c_str());
        return 2;
    }
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
    // Median of `runs` (the machine is shared), with the windows found.
    const auto run = [&](const char* what, const AnomalyOptions& o, int runs) {
        std::vector<double> ms, cpu;
        AnomalyResult r;
        for (int i = 0; i < runs; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            const double c0 = cpuMs();
            r = detectAnomalies(db, o);
            cpu.push_back(cpuMs() - c0);
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        std::sort(cpu.begin(), cpu.end());
        std::printf("%-28s %8.1f ms wall %8.1f ms cpu  %zu windows, %zu notes\n", what, ms[ms.size() / 2],
                    cpu[cpu.size() / 2], r.windows.size(), r.notes.size());
        return cpu[cpu.size() / 2];
    };
    run("whole cache (cold)", {}, 1);
    const double whole = run("whole cache", {}, 3);
    AnomalyOptions hour;
    hour.from = kT0 + 12 * 60 * kMinute;
    if (existing) {
        // The hour in the middle of the cache's rollups, on the hour.
        const TimeNs first = db.queryInt("SELECT min(bucket_ns) FROM rollups");
        const TimeNs last = db.queryInt("SELECT max(bucket_ns) FROM rollups");
        hours = int((last - first) / (60 * kMinute)) + 1;
        hour.from = (first + (last - first) / 2) / (60 * kMinute) * (60 * kMinute);
        std::printf("%s: %lld rollup rows over %d h\n", path.c_str(),
                    static_cast<long long>(db.queryInt("SELECT count(*) FROM rollups")), hours);
    }
    hour.to = hour.from.value() + 60 * kMinute;
    const double oneHour = run("one hour of it", hour, 3);
    AnomalyOptions charts = hour; // what the service charts ask: no trace is read for the origin
    charts.rankOrigins = false;
    const double chartsHour = run("one hour, no origin ranking", charts, 3);
    std::printf("\n%d h / 1 h window (cpu): %.1f ms / %.1f ms = %.1fx (the window is %dx)\n", hours, whole,
                oneHour, whole / std::max(oneHour, 0.001), hours);
    std::printf("origin ranking's share of the hour: %.1f ms\n", oneHour - chartsHour);
    if (!keep)
        std::filesystem::remove(path);
    return 0;
}
