// bench_spanjsonimport: Jaeger JSON and Zipkin v2 JSON import of generated files
// into a fresh cache (default 8,000 traces: ~190 MB of Jaeger JSON, ~120 MB of Zipkin JSON):
//   Jaeger - {"data": [trace...]}, traces of 24 spans over 6 services, as the Jaeger UI downloads them
//            (processes after the spans, so every trace's spans wait for them), tags of every type
//            (int64 as strings too), a log per span, FOLLOWS_FROM references every 8th span;
//   Zipkin - one array of spans, 24 per trace, client/server pairs sharing their id (shared: true),
//            endpoints, http.* tags, an annotation per span.
// Phases per format, each in its own child process so peak RSS is per phase:
//   read   - the streaming reader into records, discarded (no SQL);
//   import - the `seam import` path (reader -> writer thread -> spans, services, rollups).
//
// Usage: bench_spanjsonimport [--traces N] [--keep DIR]

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

constexpr int kSpansPerTrace = 24;
constexpr int kServices = 6;
constexpr std::int64_t kStartUs = 1709287200000000;

class CountingSink : public BatchSink
{
public:
    void submit(RecordBatch&& batch) override { items += batch.spans.size(); }
    std::uint64_t items = 0;
};

std::string hex16(std::uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

const char* kServiceNames[kServices] = {"frontend", "checkout", "payments", "cart", "inventory", "shipping"};

/// Span j of trace t: parent (j - 1) / 2, service j % kServices, start j ms into the trace.
std::uint64_t spanId(int t, int j)
{
    return (std::uint64_t(t + 1) << 20) | std::uint64_t(j + 1);
}

std::string traceHex(int t)
{
    return hex16(0x4bf92f3577b34da6ull + std::uint64_t(t)) + hex16(0xa3ce929d0e0e4736ull ^ std::uint64_t(t));
}

std::uint64_t generateJaeger(const std::string& path, int traces)
{
    std::ofstream out(path, std::ios::binary);
    out << "{\"data\":[";
    std::string s;
    for (int t = 0; t < traces; ++t) {
        s.clear();
        const std::string trace = traceHex(t);
        s += t ? ",\n" : "\n";
        s += "{\"traceID\":\"" + trace + "\",\"spans\":[";
        for (int j = 0; j < kSpansPerTrace; ++j) {
            const std::int64_t start = kStartUs + std::int64_t(t) * 1000 + j * 1000;
            s += j ? "," : "";
            s += "{\"traceID\":\"" + trace + "\",\"spanID\":\"" + hex16(spanId(t, j)) +
                 "\",\"flags\":1,\"operationName\":\"GET /api/v1/resource/" + std::to_string(j % 7) +
                 "\",\"references\":[";
            if (j) {
                s += "{\"refType\":\"CHILD_OF\",\"traceID\":\"" + trace + "\",\"spanID\":\"" +
                     hex16(spanId(t, (j - 1) / 2)) + "\"}";
                if (j % 8 == 0)
                    s += ",{\"refType\":\"FOLLOWS_FROM\",\"traceID\":\"" + trace + "\",\"spanID\":\"" +
                         hex16(spanId(t, j - 1)) + "\"}";
            }
            s += "],\"startTime\":" + std::to_string(start) +
                 ",\"duration\":" + std::to_string(20000 - j * 500) +
                 ",\"tags\":[{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"" +
                 (j % 2 ? "client" : "server") +
                 "\"},{\"key\":\"http.request.method\",\"type\":\"string\",\"value\":\"GET\"},"
                 "{\"key\":\"http.response.status_code\",\"type\":\"int64\",\"value\":200},"
                 "{\"key\":\"url.full\",\"type\":\"string\",\"value\":\"https://shop.example.com/api/v1/"
                 "resource/" +
                 std::to_string(j) +
                 "?session=8f14e45fceea167a5a36dedd4bea2543\"},"
                 "{\"key\":\"db.rows\",\"type\":\"int64\",\"value\":\"9007199254740993\"},"
                 "{\"key\":\"sampler.param\",\"type\":\"float64\",\"value\":0.25},"
                 "{\"key\":\"cache.hit\",\"type\":\"bool\",\"value\":false},"
                 "{\"key\":\"otel.scope.name\",\"type\":\"string\",\"value\":\"io.opentelemetry.http\"}],"
                 "\"logs\":[{\"timestamp\":" +
                 std::to_string(start + 100) +
                 ",\"fields\":[{\"key\":\"event\",\"type\":\"string\",\"value\":\"retry\"},"
                 "{\"key\":\"attempt\",\"type\":\"int64\",\"value\":1}]}],\"processID\":\"p" +
                 std::to_string(j % kServices + 1) + "\",\"warnings\":null}";
        }
        s += "],\"processes\":{";
        for (int p = 0; p < kServices; ++p)
            s += std::string(p ? "," : "") + "\"p" + std::to_string(p + 1) + "\":{\"serviceName\":\"" +
                 kServiceNames[p] +
                 "\",\"tags\":[{\"key\":\"hostname\",\"type\":\"string\",\"value\":\"host-" +
                 std::to_string(p) +
                 "\"},{\"key\":\"jaeger.version\",\"type\":\"string\",\"value\":\"Go-2.30.0\"}]}";
        s += "},\"warnings\":null}";
        out << s;
    }
    out << "\n],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n";
    return std::uint64_t(traces) * kSpansPerTrace;
}

std::uint64_t generateZipkin(const std::string& path, int traces)
{
    std::ofstream out(path, std::ios::binary);
    out << "[";
    std::string s;
    bool first = true;
    for (int t = 0; t < traces; ++t) {
        s.clear();
        const std::string trace = traceHex(t);
        // Pairs: client half j (odd) in service j % 6 and its shared server half in service (j + 1) % 6.
        for (int j = 0; j < kSpansPerTrace; ++j) {
            const bool server = j % 2 == 0 && j > 0;
            const int idIndex = server ? j - 1 : j;
            const std::int64_t start = kStartUs + std::int64_t(t) * 1000 + j * 1000;
            s += first ? "\n" : ",\n";
            first = false;
            s += "{\"traceId\":\"" + trace + "\",\"id\":\"" + hex16(spanId(t, idIndex)) + "\"";
            if (idIndex > 0)
                s += ",\"parentId\":\"" + hex16(spanId(t, (idIndex - 1) / 2)) + "\"";
            s += std::string(",\"kind\":\"") + (server || j == 0 ? "SERVER" : "CLIENT") + "\"";
            if (server)
                s += ",\"shared\":true";
            s += ",\"name\":\"get /api/v1/resource/" + std::to_string(j % 7) +
                 "\",\"timestamp\":" + std::to_string(start) +
                 ",\"duration\":" + std::to_string(20000 - j * 500) +
                 ",\"localEndpoint\":{\"serviceName\":\"" + kServiceNames[j % kServices] +
                 "\",\"ipv4\":\"10.0.0." + std::to_string(j % kServices + 1) +
                 "\"},\"remoteEndpoint\":{\"serviceName\":\"" + kServiceNames[(j + 1) % kServices] +
                 "\",\"ipv4\":\"10.0.1.7\",\"port\":8080},\"annotations\":[{\"timestamp\":" +
                 std::to_string(start + 100) +
                 ",\"value\":\"wire.send\"}],\"tags\":{\"http.method\":\"GET\",\"http.path\":\"/api/v1/"
                 "resource/" +
                 std::to_string(j) +
                 "\",\"http.status_code\":\"200\",\"http.url\":\"https://shop.example.com/api/v1/resource/" +
                 std::to_string(j) +
                 "?session=8f14e45fceea167a5a36dedd4bea2543\",\"component\":\"finagle\",\"clnt/"
                 "finagle.version\":"
                 "\"6.45.0\"}}";
        }
        out << s;
    }
    out << "\n]\n";
    return std::uint64_t(traces) * kSpansPerTrace;
}

void run(const char* format, const std::string& file, const fs::path& dir, std::uint64_t spans,
         double genSeconds)
{
    const double mb = double(fs::file_size(file)) / (1 << 20);
    std::printf("%s: generated %s, %llu spans, %.1f MiB in %.1f s\n", format, file.c_str(),
                static_cast<unsigned long long>(spans), mb, genSeconds);
    const PhaseResult read = inChild([&] {
        CountingSink sink;
        const double t = now();
        const ImportReport report = importFile(file, sink);
        PhaseResult r;
        r.seconds = now() - t;
        r.items = report.clean() && report.format == format ? sink.items : 0;
        if (!report.clean())
            std::fprintf(stderr, "%s: %s %s\n", format, report.fatalLocation().c_str(),
                         report.fatalMessage().c_str());
        return r;
    });
    const std::string cache = (dir / (std::string(format) + ".seam")).string();
    fs::remove(cache);
    const PhaseResult import = inChild([&] {
        const double t = now();
        PhaseResult r;
        {
            StoreWriter writer(cache);
            ImportRunner runner(writer);
            const ImportRunner::Outcome outcome = runner.importFile(file);
            r.items = outcome.report.clean() ? outcome.report.accepted() : 0;
        }
        r.seconds = now() - t;
        return r;
    });
    auto line = [&](const char* name, const PhaseResult& r) {
        std::printf("  %-7s %8.2f s %10.0f spans/s %8.1f MiB/s  peak RSS %7.1f MiB  (%llu spans)\n", name,
                    r.seconds, double(r.items) / r.seconds, mb / r.seconds, double(r.peakRssKb) / 1024,
                    static_cast<unsigned long long>(r.items));
    };
    line("read", read);
    line("import", import);
}

} // namespace

int main(int argc, char** argv)
{
    int traces = 8000; // ~190 MB of Jaeger JSON, ~120 MB of Zipkin
    std::string keep;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--traces" && i + 1 < argc)
            traces = std::atoi(argv[++i]);
        else if (a == "--keep" && i + 1 < argc)
            keep = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_spanjsonimport [--traces N] [--keep DIR]\n");
            return 2;
        }
    }
    const fs::path dir =
        keep.empty() ? fs::temp_directory_path() / ("bench_spanjsonimport." + std::to_string(getpid()))
                     : fs::path(keep);
    fs::create_directories(dir);
    double t = now();
    const std::string jaeger = (dir / "jaeger.json").string();
    const std::uint64_t jaegerSpans = generateJaeger(jaeger, traces);
    run("jaeger-json", jaeger, dir, jaegerSpans, now() - t);
    if (keep.empty())
        fs::remove(jaeger);
    t = now();
    const std::string zipkin = (dir / "zipkin.json").string();
    const std::uint64_t zipkinSpans = generateZipkin(zipkin, traces);
    run("zipkin-json", zipkin, dir, zipkinSpans, now() - t);
    if (keep.empty())
        fs::remove_all(dir);
    return 0;
}
