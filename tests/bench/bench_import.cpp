// bench_import: OTLP protobuf import of N spans (default 1,000,000) into a fresh cache, next to the
// floor measured in the same run:
//   decode  - protobuf decoding alone (each ResourceSpans parsed with the generated code);
//   read    - Seam's streaming reader + OTLP mapper into records, discarded (no SQL);
//   insert  - a bare SQLite insert of the same span rows (11 columns, no index, WAL, prepared
//             statement, 50k-row transactions) - the "floor" DESIGN.md §8 describes;
//   import  - the real thing: `seam import` path (reader -> writer thread -> spans, traces, RUM,
//             rollups, correlation).
//   schema  - the schema's floor: the import's rows copied by SQLite alone into an empty cache with the
//             same tables and indexes, 200k rows a transaction (SchemaFloor.h); what the writer adds
//             over it is its look-ups, updates and correlation.
// Each phase runs in its own child process so peak RSS is per phase.
//
// Usage: bench_import [--spans N] [--backend-only] [--keep DIR] [--input FILE] [--only PHASE]
// --backend-only drops the browser's spans: an APM-only dump, no RUM to derive.
// --input reuses a file an earlier run kept (--keep) instead of generating one; --only runs one phase
// (decode, read, insert, import, schema) in this process, e.g. under `valgrind --tool=callgrind`.
// --page-writes counts the pages the import writes (WAL frames, checkpoint copies) per B-tree.

#include "BatchSink.h"
#include "BenchPhase.h"
#include "DemoGenerator.h"
#include "ImportFormats.h"
#include "ImportRunner.h"
#include "InputSource.h"
#include "PageWriteCounter.h"
#include "SchemaFloor.h"
#include "Sqlite.h"
#include "StoreWriter.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace seam;
using namespace seam::bench;
namespace fs = std::filesystem;

namespace {

class DiscardSink : public BatchSink
{
public:
    void submit(RecordBatch&& batch) override { spans += batch.spans.size(); }
    std::uint64_t spans = 0;
};

class KeepSpansSink : public BatchSink
{
public:
    void submit(RecordBatch&& batch) override
    {
        for (auto& s : batch.spans)
            spans.push_back(std::move(s));
    }
    std::vector<SpanRecord> spans;
};

std::uint64_t writeDemoFile(const std::string& path, std::uint64_t targetSpans, bool backendOnly)
{
    std::ofstream out(path, std::ios::binary);
    DemoOptions options;
    // ~210 spans per session in the default mix, ~140 of them backend spans.
    options.sessions = int(targetSpans / (backendOnly ? 120 : 180)) + 100;
    DemoGenerator generator(options);
    std::atomic<bool> stop{false};
    std::uint64_t written = 0;
    std::string bytes;
    generator.generate(
        [&](const opentelemetry::proto::trace::v1::TracesData& chunk) {
            if (written >= targetSpans) {
                stop = true;
                return;
            }
            // Serialized TracesData messages concatenate into one valid TracesData (repeated field 1).
            opentelemetry::proto::trace::v1::TracesData kept;
            for (const auto& rs : chunk.resource_spans()) {
                bool browser = false;
                for (const auto& kv : rs.resource().attributes())
                    browser = browser ||
                              (kv.key() == "telemetry.sdk.language" && kv.value().string_value() == "webjs");
                if (backendOnly && browser)
                    continue;
                *kept.add_resource_spans() = rs;
                for (const auto& ss : rs.scope_spans())
                    written += std::uint64_t(ss.spans_size());
            }
            kept.SerializeToString(&bytes);
            out.write(bytes.data(), std::streamsize(bytes.size()));
        },
        [](const opentelemetry::proto::logs::v1::LogsData&) {}, &stop);
    return written;
}

void report(const char* name, const PhaseResult& r, const char* unit)
{
    std::printf("%-8s %10.0f %s/s  %7.2f s  peak RSS %6.1f MiB  (%llu %s)", name, double(r.items) / r.seconds,
                unit, r.seconds, double(r.peakRssKb) / 1024.0, static_cast<unsigned long long>(r.items),
                unit);
    // CPU beside wall time: on a shared machine the wall time of one configuration varies by +-15% from
    // run to run, the CPU it took by less.
    if (r.cpuSeconds > 0)
        std::printf("  CPU %.2f s (%.2f cores)", r.cpuSeconds, r.cpuSeconds / r.seconds);
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv)
{
    std::uint64_t target = 1'000'000;
    std::string dir;
    std::string input;
    std::string only;
    bool pageWrites = false;
    bool backendOnly = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--backend-only"))
            backendOnly = true;
        else if (!std::strcmp(argv[i], "--spans") && i + 1 < argc)
            target = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--keep") && i + 1 < argc)
            dir = argv[++i];
        else if (!std::strcmp(argv[i], "--input") && i + 1 < argc)
            input = argv[++i];
        else if (!std::strcmp(argv[i], "--page-writes"))
            pageWrites = true;
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else {
            std::fprintf(stderr,
                         "usage: bench_import [--spans N] [--backend-only] [--keep DIR] [--input FILE] "
                         "[--only decode|read|insert|import|schema] [--page-writes]\n");
            return 2;
        }
    }
    const bool keep = !dir.empty();
    if (!keep)
        dir = fs::temp_directory_path() / ("seam-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string file = input.empty() ? dir + "/spans.pb" : input;

    // The schema phase reads the kept cache, not the input: a kept DIR's file stays as it is.
    if (input.empty() && only != "schema") {
        const double g0 = now();
        const std::uint64_t spans = writeDemoFile(file, target, backendOnly);
        std::printf("input    %llu spans of the demo shop, %.1f MiB OTLP protobuf (TracesData), generated in "
                    "%.1f s\n",
                    static_cast<unsigned long long>(spans), double(fs::file_size(file)) / (1 << 20),
                    now() - g0);
    }
    // --only: the phase runs here rather than in a child (profilers follow one process).
    auto phase = [&](const char* name, auto fn) {
        if (only.empty())
            return inChild(fn);
        if (only != name)
            return PhaseResult{1, 0, 0, 0};
        PhaseResult r = fn();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        r.peakRssKb = usage.ru_maxrss;
        return r;
    };

    const PhaseResult decode = phase("decode", [&] {
        // Protobuf decoding alone: walk the top-level field 1 frames and parse each ResourceSpans.
        std::ifstream in(file, std::ios::binary);
        std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const double t0 = now();
        // Frame by frame over the whole buffer: one CodedInputStream cannot take more than 2 GiB (a
        // 10M-span file is 3.4 GB).
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(all.data());
        const std::size_t size = all.size();
        std::size_t at = 0;
        const auto varint = [&](std::uint64_t& v) {
            v = 0;
            for (int shift = 0; at < size && shift < 64; shift += 7) {
                const std::uint8_t b = bytes[at++];
                v |= std::uint64_t(b & 0x7f) << shift;
                if (!(b & 0x80))
                    return true;
            }
            return false;
        };
        opentelemetry::proto::trace::v1::ResourceSpans rs;
        PhaseResult r;
        std::uint64_t tag = 0, len = 0;
        while (at < size && varint(tag) && tag == 10 && varint(len) && len <= size - at) {
            rs.ParseFromArray(bytes + at, int(len));
            at += len;
            for (const auto& ss : rs.scope_spans())
                r.items += std::uint64_t(ss.spans_size());
        }
        r.seconds = now() - t0;
        return r;
    });
    const PhaseResult readMap = phase("read", [&] {
        DiscardSink sink;
        const double t0 = now();
        importFile(file, sink);
        return PhaseResult{now() - t0, sink.spans, 0};
    });
    const PhaseResult insert = phase("insert", [&] {
        KeepSpansSink sink;
        importFile(file, sink);
        const std::string db = dir + "/floor.sqlite";
        fs::remove(db);
        fs::remove(db + "-wal");
        Database d(db, Database::Mode::ReadWrite);
        d.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
        d.exec(
            "CREATE TABLE spans(trace_id BLOB, span_id INTEGER, parent INTEGER, service INTEGER, name "
            "INTEGER, "
            "kind INTEGER, start_ns INTEGER, end_ns INTEGER, status INTEGER, attributes TEXT, events TEXT)");
        auto st = d.prepare("INSERT INTO spans VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        const double t0 = now();
        std::size_t i = 0;
        d.exec("BEGIN");
        for (const SpanRecord& s : sink.spans) {
            st.bindBlob(1, s.traceId.bytes.data(), 16)
                .bind(2, s.spanId)
                .bind(3, s.parentSpanId)
                .bind(4, 1)
                .bind(5, 1);
            st.bind(6, int(s.kind)).bind(7, s.start).bind(8, s.end).bind(9, int(s.statusCode));
            st.bindTextOrNull(10, s.attributesJson).bindTextOrNull(11, s.eventsJson);
            st.run();
            if (++i % 50000 == 0) {
                d.exec("COMMIT");
                d.exec("BEGIN");
            }
        }
        d.exec("COMMIT");
        return PhaseResult{now() - t0, sink.spans.size(), 0};
    });
    const PhaseResult import = phase("import", [&] {
        // The writer prints where its time went (per stage) when it closes.
        setenv("SEAM_PROFILE_WRITER", "1", 1);
        const std::string db = dir + "/import.seam";
        for (const char* suffix : {"", "-wal", "-shm"})
            fs::remove(db + suffix);
        if (pageWrites)
            installPageWriteCounter();
        const double t0 = now();
        const double cpu0 = processCpuSeconds();
        std::uint64_t accepted = 0;
        {
            StoreWriter writer(db);
            ImportRunner runner(writer);
            accepted = runner.importFile(file).report.accepted();
        } // includes the final commit and WAL checkpoint
        const double seconds = now() - t0;
        PhaseResult r{seconds, accepted, 0};
        r.cpuSeconds = processCpuSeconds() - cpu0;
        if (pageWrites)
            std::fputs(pageWriteReport(db).c_str(), stderr);
        return r;
    });
    // Needs the import's cache: this run's, or with --only schema one an earlier run kept (--keep).
    const PhaseResult schemaFloor = phase("schema", [&] {
        const std::string db = dir + "/import.seam";
        if (!fs::exists(db)) {
            std::fprintf(stderr, "schema: %s does not exist (run the import phase first)\n", db.c_str());
            return PhaseResult{1, 0, 0, 0};
        }
        const SchemaFloor floor = measureSchemaFloor(db, dir + "/schema-floor.seam");
        for (std::size_t i = 0; i < floor.tables.size() && i < 8; ++i) {
            const TableFloor& t = floor.tables[i];
            std::fprintf(stderr, "  schema floor %-24s %10llu rows %7.2f s %7.2f us a row\n", t.name.c_str(),
                         static_cast<unsigned long long>(t.rows), t.seconds,
                         1e6 * t.seconds / double(t.rows));
        }
        for (const char* suffix : {"", "-wal", "-shm"})
            fs::remove(dir + "/schema-floor.seam" + suffix);
        return PhaseResult{floor.seconds, floor.rows, 0};
    });

    std::printf("\n");
    report("decode", decode, "spans");
    report("read", readMap, "spans");
    report("insert", insert, "rows");
    report("import", import, "spans");
    report("schema", schemaFloor, "rows");
    const double floorRate =
        std::min(double(readMap.items) / readMap.seconds, double(insert.items) / insert.seconds);
    const double importRate = double(import.items) / import.seconds;
    std::printf("\n");
    // With --only a phase runs alone: a ratio needs both of its phases.
    if (readMap.items && insert.items) {
        std::printf("floor (min of read and bare insert, as they overlap on two threads): %.0f spans/s\n",
                    floorRate);
        if (import.items)
            std::printf("import reaches %.0f%% of the floor; target >= 300000 spans/s and >= %d%% (%s)\n",
                        100.0 * importRate / floorRate, backendOnly ? 60 : 50,
                        backendOnly ? "backend only" : "demo mix");
    }
    if (import.items && schemaFloor.items)
        std::printf("the import takes %.2fx the schema floor (SQLite writing its %llu rows and their indexes "
                    "alone: %.2f s)\n",
                    import.seconds / schemaFloor.seconds, static_cast<unsigned long long>(schemaFloor.items),
                    schemaFloor.seconds);
    if (!keep)
        fs::remove_all(dir);
    return 0;
}
