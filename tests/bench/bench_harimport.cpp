// bench_harimport: HAR import of a generated DevTools-style file (default ~200 MB: 2,000 pages of 30
// entries, request/response headers, JSON/JS/CSS bodies inline, a 1.5 MB base64 image every 50th page
// (longer than the reader keeps of a string), a traceparent on every fetch) into a fresh cache:
//   read   - Seam's streaming HAR reader into records, discarded (no SQL);
//   import - the real thing: `seam import` path (reader -> writer thread -> resources, page loads,
//            sessions, correlation).
// Each phase runs in its own child process so peak RSS is per phase.
//
// Usage: bench_harimport [--pages N] [--entries-per-page M] [--keep DIR]

#include "BatchSink.h"
#include "BenchPhase.h"
#include "ImportRunner.h"
#include "InputSource.h"
#include "ImportFormats.h"
#include "StoreWriter.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
    void submit(RecordBatch&& batch) override { items += batch.resources.size() + batch.pageLoads.size(); }
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

std::string hex(std::uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

/// Writes the HAR; returns the number of entries.
std::uint64_t generate(const std::string& path, int pages, int perPage)
{
    std::ofstream out(path, std::ios::binary);
    const std::int64_t t0 = 1709287200000; // 2024-03-01T10:00:00Z
    std::uint64_t rng = 0x9e3779b97f4a7c15ull;
    auto next = [&] {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
    };
    const std::string body(1500, 'x');
    const std::string image(1500 * 1024, 'Q'); // base64-looking
    out << "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"WebInspector\", "
           "\"version\": "
           "\"537.36\"},\n    \"pages\": [\n";
    for (int p = 0; p < pages; ++p)
        out << (p ? ",\n" : "") << "      {\"startedDateTime\": \"" << iso(t0 + std::int64_t(p) * 20000)
            << "\", \"id\": \"page_" << p << "\", \"title\": \"https://shop.example.com/product/" << p
            << "\", \"pageTimings\": {\"onContentLoad\": 812.5, \"onLoad\": 1430.25}}";
    out << "\n    ],\n    \"entries\": [\n";
    std::uint64_t entries = 0;
    for (int p = 0; p < pages; ++p) {
        for (int e = 0; e < perPage; ++e) {
            const std::int64_t start = t0 + std::int64_t(p) * 20000 + e * 40;
            const bool doc = e == 0, fetch = e % 3 == 1, bigImage = e == 7 && p % 50 == 0;
            const char* type = doc ? "document" : fetch ? "fetch" : bigImage ? "image" : "script";
            const char* mime = doc        ? "text/html"
                               : fetch    ? "application/json"
                               : bigImage ? "image/png"
                                          : "application/javascript";
            std::string url = doc ? "https://shop.example.com/product/" + std::to_string(p)
                                  : "https://shop.example.com/" +
                                        std::string(fetch ? "api/item/" : "static/") +
                                        std::to_string(next() % 100000) + (fetch ? "" : ".js");
            out << (entries ? ",\n" : "") << "      {\"pageref\": \"page_" << p
                << "\", \"startedDateTime\": \"" << iso(start)
                << "\", \"time\": 123.456, \"_resourceType\": \"" << type
                << "\", \"request\": {\"method\": \"" << (fetch ? "POST" : "GET") << "\", \"url\": \"" << url
                << "\", \"httpVersion\": \"h2\", \"headers\": [{\"name\": \":authority\", \"value\": "
                   "\"shop.example.com\"}, {\"name\": \"accept\", \"value\": \"*/*\"}, {\"name\": "
                   "\"user-agent\", "
                   "\"value\": \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                   "Gecko) "
                   "Chrome/122.0.0.0 Safari/537.36\"}, {\"name\": \"cookie\", \"value\": "
                   "\"session=abcdef0123456789; "
                   "prefs=dark\"}";
            if (fetch)
                out << ", {\"name\": \"traceparent\", \"value\": \"00-" << hex(next()) << hex(next()) << "-"
                    << hex(next()) << "-01\"}";
            out << "], \"queryString\": [], \"cookies\": [], \"headersSize\": -1, \"bodySize\": 0}, "
                   "\"response\": "
                   "{\"status\": 200, \"statusText\": \"\", \"httpVersion\": \"h2\", \"headers\": "
                   "[{\"name\": "
                   "\"content-type\", \"value\": \""
                << mime
                << "\"}, {\"name\": \"cache-control\", \"value\": \"max-age=3600\"}, {\"name\": "
                   "\"server-timing\", "
                   "\"value\": \"cdn-cache;desc=HIT, edge;dur=1\"}], \"cookies\": [], \"content\": "
                   "{\"size\": 1500, "
                   "\"mimeType\": \""
                << mime << "\", ";
            if (bigImage)
                out << "\"text\": \"" << image << "\", \"encoding\": \"base64\"";
            else if (doc)
                out << "\"text\": \"<html><head><meta name=\\\"traceparent\\\" content=\\\"00-" << hex(next())
                    << hex(next()) << "-" << hex(next()) << "-01\\\"></head><body>" << body
                    << "</body></html>\"";
            else
                out << "\"text\": \"" << body << "\"";
            out << "}, \"redirectURL\": \"\", \"headersSize\": -1, \"bodySize\": 1200, \"_transferSize\": "
                   "1500}, "
                   "\"cache\": {}, \"timings\": {\"blocked\": 1.5, \"dns\": -1, \"ssl\": -1, \"connect\": "
                   "-1, "
                   "\"send\": 0.25, \"wait\": 100.5, \"receive\": 21.2, \"_blocked_queueing\": 1.1}, "
                   "\"serverIPAddress\": \"10.0.0.1\", \"_initiator\": {\"type\": \"script\", \"stack\": "
                   "{\"callFrames\": [{\"functionName\": \"load\", \"url\": "
                   "\"https://shop.example.com/app.js\", "
                   "\"lineNumber\": 10, \"columnNumber\": 4}]}}, \"connection\": \"443\"}";
            ++entries;
        }
    }
    out << "\n    ]\n  }\n}\n";
    return entries;
}

} // namespace

int main(int argc, char** argv)
{
    int pages = 2000, perPage = 30;
    std::string keep;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--pages" && i + 1 < argc)
            pages = std::atoi(argv[++i]);
        else if (a == "--entries-per-page" && i + 1 < argc)
            perPage = std::atoi(argv[++i]);
        else if (a == "--keep" && i + 1 < argc)
            keep = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_harimport [--pages N] [--entries-per-page M] [--keep DIR]\n");
            return 2;
        }
    }
    const fs::path dir = keep.empty()
                             ? fs::temp_directory_path() / ("bench_harimport." + std::to_string(getpid()))
                             : fs::path(keep);
    fs::create_directories(dir);
    const std::string har = (dir / "bench.har").string();
    const double g0 = now();
    const std::uint64_t entries = generate(har, pages, perPage);
    const double mb = double(fs::file_size(har)) / (1 << 20);
    std::printf("generated %s: %d pages, %llu entries, %.1f MiB in %.1f s\n", har.c_str(), pages,
                static_cast<unsigned long long>(entries), mb, now() - g0);

    const PhaseResult read = inChild([&] {
        CountingSink sink;
        const double t = now();
        const ImportReport report = importFile(har, sink);
        PhaseResult r;
        r.seconds = now() - t;
        r.items = report.clean() ? sink.items : 0;
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
            const ImportRunner::Outcome outcome = runner.importFile(har);
            r.items = outcome.report.clean() ? outcome.report.accepted() : 0;
        }
        r.seconds = now() - t;
        return r;
    });
    auto line = [&](const char* name, const PhaseResult& r) {
        std::printf("%-7s %8.2f s %10.0f items/s %8.1f MiB/s  peak RSS %7.1f MiB  (%llu items)\n", name,
                    r.seconds, double(r.items) / r.seconds, mb / r.seconds, double(r.peakRssKb) / 1024,
                    static_cast<unsigned long long>(r.items));
    };
    line("read", read);
    line("import", import);
    if (keep.empty())
        fs::remove_all(dir);
    return read.items && import.items ? 0 : 1;
}
