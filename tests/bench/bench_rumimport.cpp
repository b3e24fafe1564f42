// Generates a large Datadog RUM intake file (NDJSON) or Grafana Faro payload log (one payload per
// line), then measures reading it (records into a counting sink) and importing it into a fresh cache
// (StoreWriter), each in a child process so that peak RSS is per phase.
//
//   bench_rumimport [--format datadog|faro] [--views N] [--keep DIR]

#include "BatchSink.h"
#include "BenchPhase.h"
#include "ImportRunner.h"
#include "InputSource.h"
#include "ImportFormats.h"
#include "StoreWriter.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace seam;
using namespace seam::bench;
namespace fs = std::filesystem;

namespace {

class CountingSink : public BatchSink
{
public:
    void submit(RecordBatch&& batch) override { items += batch.size(); }
    std::uint64_t items = 0;
};

std::string iso(std::int64_t ms)
{
    const std::time_t seconds = std::time_t(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
    return buf;
}

struct Rng
{
    std::uint64_t s = 0x9e3779b97f4a7c15ull;
    std::uint64_t operator()()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
};

/// Per view: 3 view versions, 12 resources (4 fetch with _dd trace ids), 2 actions, 1 error, 1 long task.
std::uint64_t generateDatadog(const std::string& path, int views)
{
    std::ofstream out(path, std::ios::binary);
    const std::int64_t t0 = 1709287200000;
    Rng next;
    std::uint64_t events = 0;
    const std::string common =
        R"("application":{"id":"ac8218cf-498b-4d33-bd44-151095959547"},"service":"shop-web",)"
        R"("version":"2.4.1","source":"browser",)";
    for (int v = 0; v < views; ++v) {
        const std::int64_t start = t0 + std::int64_t(v) * 15000;
        const std::string session = "sess-" + std::to_string(v / 20);
        const std::string view = "view-" + std::to_string(v);
        const std::string ctx = R"("session":{"id":")" + session + R"(","type":"user"},"view":{"id":")" +
                                view + R"(","url":"https://shop.example.com/product/)" + std::to_string(v) +
                                R"("})";
        for (int version = 1; version <= 3; ++version) {
            out << R"({"type":"view","date":)" << start << "," << common << R"("session":{"id":")" << session
                << R"(","type":"user"},"view":{"id":")" << view
                << R"(","url":"https://shop.example.com/product/)" << v
                << R"(","referrer":"","loading_time":)" << 900000000 + version * 1000
                << R"(,"first_byte":120000000,"first_contentful_paint":400000000,"largest_contentful_paint":)"
                << 1100000000 + version << R"(,"cumulative_layout_shift":0.05,"time_spent":)"
                << version * 5000000000ll
                << R"(,"action":{"count":2},"error":{"count":1},"resource":{"count":12},"long_task":{"count":1}},)"
                << R"("usr":{"id":"u-)" << v % 997 << R"("},"_dd":{"document_version":)" << version
                << R"(,"format_version":2,"drift":0,"session":{"plan":1}}})" << '\n';
            ++events;
        }
        for (int r = 0; r < 12; ++r) {
            const bool fetch = r % 3 == 0;
            out << R"({"type":"resource","date":)" << start + 100 + r * 50 << "," << common << ctx
                << R"(,"resource":{"id":"res-)" << v << '-' << r << R"(","type":")"
                << (fetch ? "fetch" : "js") << R"(","method":")" << (fetch ? "POST" : "GET")
                << R"(","url":"https://shop.example.com/)" << (fetch ? "api/item/" : "static/chunk-")
                << next() % 100000 << R"(","status_code":200,)"
                << R"("duration":78000000,"transfer_size":1500,"dns":{"start":0,"duration":2000000},)"
                << R"("connect":{"start":2000000,"duration":9000000},"ssl":{"start":5000000,"duration":6000000},)"
                << R"("first_byte":{"start":11000000,"duration":60000000},"download":{"start":71000000,"duration":7000000}})";
            if (fetch)
                out << R"(,"_dd":{"format_version":2,"trace_id":")" << next() << R"(","span_id":")" << next()
                    << R"(","rule_psr":1})";
            out << "}\n";
            ++events;
        }
        for (int a = 0; a < 2; ++a) {
            out << R"({"type":"action","date":)" << start + 2000 + a * 100 << "," << common << ctx
                << R"(,"action":{"id":"act-)" << v << '-' << a
                << R"(","type":"click","loading_time":300000000,"target":{"name":"Add to cart"},"frustration":{"type":[]}}})"
                << '\n';
            ++events;
        }
        out << R"({"type":"error","date":)" << start + 2500 << "," << common << ctx
            << R"(,"error":{"id":"err-)" << v
            << R"x(","type":"TypeError","message":"x is undefined","source":"source","stack":"TypeError: x is undefined\\n  at a (https://shop.example.com/static/app.js:10:5)"}})x"
            << '\n';
        out << R"({"type":"long_task","date":)" << start + 300 << "," << common << ctx
            << R"(,"long_task":{"id":"lt-)" << v << R"(","duration":71455000}})" << '\n';
        events += 2;
    }
    return events;
}

/// Per view: one payload with meta, navigation + 12 resource events, a web-vitals measurement, 2 logs and
/// an exception.
std::uint64_t generateFaro(const std::string& path, int views)
{
    std::ofstream out(path, std::ios::binary);
    const std::int64_t t0 = 1709287200000;
    Rng next;
    std::uint64_t items = 0;
    for (int v = 0; v < views; ++v) {
        const std::int64_t start = t0 + std::int64_t(v) * 15000;
        out << R"({"meta":{"sdk":{"name":"@grafana/faro-web-sdk","version":"1.4.0"},"app":{"name":"shop-frontend",)"
            << R"("version":"3.1.0","environment":"production"},"user":{"id":"u-)" << v % 997
            << R"("},"session":{"id":"sess-)" << v / 20 << R"("},"page":{"id":"pg-)" << v
            << R"(","url":"https://shop.example.com/product/)" << v
            << R"("},"browser":{"name":"Chrome","version":"120.0.0.0","os":"Windows 10","mobile":false,)"
            << R"("userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"}},)"
            << R"("events":[{"name":"faro.performance.navigation","domain":"browser","timestamp":")"
            << iso(start + 1500) << R"(","attributes":{"name":"https://shop.example.com/product/)" << v
            << R"(","duration":"1500","ttfb":"180.5","faroNavigationId":"nav-)" << v << R"("}})";
        for (int r = 0; r < 12; ++r)
            out << R"(,{"name":"faro.performance.resource","domain":"browser","timestamp":")"
                << iso(start + 1600 + r * 20)
                << R"(","attributes":{"name":"https://shop.example.com/static/chunk-)" << next() % 100000
                << R"(.js","duration":"120","initiatorType":"script","dnsLookupTime":"3","tcpHandshakeTime":"10",)"
                << R"("tlsNegotiationTime":"6","requestTime":"90","responseTime":"8","encodedBodySize":"340",)"
                << R"("responseStatus":"200","faroResourceId":"res-)" << v << '-' << r << R"("}})";
        out << R"(],"measurements":[{"type":"web-vitals","values":{"lcp":2100.5,"cls":0.12,"fcp":900},"timestamp":")"
            << iso(start + 3000)
            << R"("}],"logs":[{"message":"price loaded","level":"info","context":{"component":"Price"},"timestamp":")"
            << iso(start + 3100) << R"("},{"message":"cart opened","level":"debug","timestamp":")"
            << iso(start + 3200)
            << R"("}],"exceptions":[{"type":"TypeError","value":"Cannot read properties of undefined","timestamp":")"
            << iso(start + 3300)
            << R"x(","stacktrace":{"frames":[{"filename":"https://shop.example.com/static/app.js","function":"render","lineno":12,"colno":7}]}}]})x"
            << '\n';
        items += 17;
    }
    return items;
}

} // namespace

int main(int argc, char** argv)
{
    std::string format = "datadog";
    int views = 100000;
    std::string keep;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--format" && i + 1 < argc)
            format = argv[++i];
        else if (a == "--views" && i + 1 < argc)
            views = std::atoi(argv[++i]);
        else if (a == "--keep" && i + 1 < argc)
            keep = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_rumimport [--format datadog|faro] [--views N] [--keep DIR]\n");
            return 2;
        }
    }
    if (format != "datadog" && format != "faro") {
        std::fprintf(stderr, "unknown format %s\n", format.c_str());
        return 2;
    }
    const fs::path dir = keep.empty()
                             ? fs::temp_directory_path() / ("bench_rumimport." + std::to_string(getpid()))
                             : fs::path(keep);
    fs::create_directories(dir);
    const std::string file = (dir / (format == "datadog" ? "bench.ndjson" : "faro.ndjson")).string();
    const double g0 = now();
    const std::uint64_t events =
        format == "datadog" ? generateDatadog(file, views) : generateFaro(file, views);
    const double mb = double(fs::file_size(file)) / (1 << 20);
    std::printf("generated %s: %d views, %llu events, %.1f MiB in %.1f s\n", file.c_str(), views,
                static_cast<unsigned long long>(events), mb, now() - g0);

    const PhaseResult read = inChild([&] {
        CountingSink sink;
        const double t = now();
        const ImportReport report = importFile(file, sink);
        PhaseResult r;
        r.seconds = now() - t;
        r.items = report.accepted();
        r.rejected = report.rejected() + (report.hasFatal() ? 1 : 0);
        return r;
    });
    const std::string cache = (dir / "bench.seam").string();
    fs::remove(cache);
    const PhaseResult import = inChild([&] {
        const double t = now();
        PhaseResult r;
        {
            StoreWriter writer(cache);
            ImportRunner runner(writer);
            const ImportRunner::Outcome outcome = runner.importFile(file);
            r.items = outcome.report.accepted();
            r.rejected = outcome.report.rejected() + (outcome.report.hasFatal() ? 1 : 0);
        }
        r.seconds = now() - t;
        return r;
    });
    auto line = [&](const char* name, const PhaseResult& r) {
        std::printf(
            "%-7s %8.2f s %10.0f events/s %8.1f MiB/s  peak RSS %7.1f MiB  (%llu events, %llu rejected)\n",
            name, r.seconds, double(r.items) / r.seconds, mb / r.seconds, double(r.peakRssKb) / 1024,
            static_cast<unsigned long long>(r.items), static_cast<unsigned long long>(r.rejected));
    };
    line("read", read);
    line("import", import);
    if (keep.empty())
        fs::remove_all(dir);
    return read.items && import.items && !read.rejected && !import.rejected ? 0 : 1;
}
