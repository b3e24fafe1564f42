// Writes a small seed corpus per fuzz target into DIR/<format>/: real-looking OTLP (the demo's browser
// and backend telemetry, cut small) in each encoding, so the fuzzers start from deep inside the
// formats rather than from empty input. Public sample files are added by scripts/run-fuzz.sh.
//
// usage: make_fuzz_seeds DIR

#include "DemoGenerator.h"
#include "OtlpTestData.h"

#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace fs = std::filesystem;
using namespace seam;

namespace {

void write(const fs::path& dir, const std::string& name, const std::string& bytes)
{
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary) << bytes;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2)
        return 2;
    const fs::path out = argv[1];

    // A few resource spans of the demo: a browser app (document load, fetches, RUM events) and backends.
    DemoOptions options;
    options.sessions = 2;
    DemoGenerator generator(options);
    std::vector<opentelemetry::proto::trace::v1::TracesData> chunks;
    std::atomic<bool> stop{false};
    generator.generate(
        [&](const opentelemetry::proto::trace::v1::TracesData& chunk) {
            opentelemetry::proto::trace::v1::TracesData small;
            for (const auto& rs : chunk.resource_spans()) {
                auto* copy = small.add_resource_spans();
                *copy->mutable_resource() = rs.resource();
                for (const auto& ss : rs.scope_spans()) {
                    auto* scope = copy->add_scope_spans();
                    *scope->mutable_scope() = ss.scope();
                    for (int i = 0; i < std::min(ss.spans_size(), 4); ++i)
                        *scope->add_spans() = ss.spans(i);
                }
                if (small.resource_spans_size() >= 3)
                    break;
            }
            chunks.push_back(std::move(small));
            if (chunks.size() >= 4)
                stop = true;
        },
        [](const opentelemetry::proto::logs::v1::LogsData&) {}, &stop);

    std::string logs;
    test::logs(3).SerializeToString(&logs);
    int n = 0;
    for (const auto& chunk : chunks) {
        std::string bytes, json;
        chunk.SerializeToString(&bytes);
        google::protobuf::util::MessageToJsonString(chunk, &json);
        const std::string name = "demo" + std::to_string(n++);
        write(out / "otlp-protobuf-traces", name, bytes);
        write(out / "otlp-protobuf-stream", name + "-be", test::frame(bytes) + test::frame(bytes));
        write(out / "otlp-protobuf-stream", name + "-le", test::frame(bytes, false));
        write(out / "otlp-json", name + ".json", json);
        write(out / "auto", name, bytes);
        write(out / "auto", name + ".json", json);
        write(out / "auto", name + ".gz", test::gzip(bytes));
    }
    write(out / "otlp-protobuf-logs", "logs", logs);
    write(out / "auto", "logs", logs);
    return 0;
}
