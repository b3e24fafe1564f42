// Why RapidJSON's SAX reader: one OTLP JSON document of N spans (the demo's browser + backend mix,
// one document as an exporter's dump or a Jaeger v3 download would be), parsed by the candidates
// Debian offers, each in its own process so peak RSS is its own:
//   qt-dom          QJsonDocument::fromJson (Qt's DOM) and a walk counting spans
//   rapidjson-dom   rapidjson::Document::Parse and the same walk
//   rapidjson-sax   rapidjson::Reader with a handler that counts (the tokenizer's floor)
//   simdjson        simdjson's On Demand API walking to every span (Debian's libsimdjson-dev, when
//                   installed at build time)
//   seam            Seam's OTLP JSON reader and mapper into records, discarded (what import does)
// Every candidate but Seam's reader needs the whole document in memory (simdjson even padded); Seam
// streams a document of any size in bounded memory.
//
// usage: bench_jsonparsers [--spans N] [--keep DIR]

#include "BatchSink.h"
#include "BenchPhase.h"
#include "DemoGenerator.h"
#include "InputSource.h"
#include "ImportFormats.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <google/protobuf/util/json_util.h>
#include <rapidjson/document.h>
#include <rapidjson/reader.h>
#ifdef SEAM_BENCH_SIMDJSON
#include <simdjson.h>
#endif

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace seam;
using namespace seam::bench;

namespace {

std::string hexOfBase64(std::string_view b64)
{
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string bytes;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : b64) {
        const auto v = alphabet.find(c);
        if (v == std::string::npos)
            break;
        buffer = (buffer << 6) | unsigned(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(char((buffer >> bits) & 0xff));
        }
    }
    std::string hex;
    for (unsigned char b : bytes) {
        static const char* digits = "0123456789abcdef";
        hex.push_back(digits[b >> 4]);
        hex.push_back(digits[b & 15]);
    }
    return hex;
}

/// protobuf's JSON has base64 ids; OTLP JSON has hex ones.
std::string toOtlpIds(const std::string& json)
{
    std::string out;
    out.reserve(json.size());
    std::size_t pos = 0;
    for (;;) {
        std::size_t best = std::string::npos, keyLen = 0;
        for (const char* key : {"\"traceId\":\"", "\"spanId\":\"", "\"parentSpanId\":\""}) {
            const auto at = json.find(key, pos);
            if (at < best) {
                best = at;
                keyLen = std::strlen(key);
            }
        }
        if (best == std::string::npos)
            break;
        const std::size_t valueStart = best + keyLen;
        const std::size_t valueEnd = json.find('"', valueStart);
        out.append(json, pos, valueStart - pos);
        out += hexOfBase64(std::string_view(json).substr(valueStart, valueEnd - valueStart));
        pos = valueEnd;
    }
    out.append(json, pos, std::string::npos);
    return out;
}

std::uint64_t writeFile(const std::string& path, std::uint64_t targetSpans)
{
    DemoOptions options;
    options.sessions = int(targetSpans / 180) + 10;
    DemoGenerator generator(options);
    opentelemetry::proto::trace::v1::TracesData all;
    std::uint64_t spans = 0;
    std::atomic<bool> stop{false};
    generator.generate(
        [&](const opentelemetry::proto::trace::v1::TracesData& chunk) {
            for (const auto& rs : chunk.resource_spans()) {
                if (spans >= targetSpans) {
                    stop = true;
                    return;
                }
                *all.add_resource_spans() = rs;
                for (const auto& ss : rs.scope_spans())
                    spans += std::uint64_t(ss.spans_size());
            }
        },
        [](const opentelemetry::proto::logs::v1::LogsData&) {}, &stop);
    google::protobuf::util::JsonPrintOptions print;
    print.always_print_enums_as_ints = true;
    std::string json;
    google::protobuf::util::MessageToJsonString(all, &json, print);
    std::ofstream(path, std::ios::binary) << toOtlpIds(json);
    return spans;
}

QByteArray readAll(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        std::exit(2);
    return f.readAll();
}

struct CountingHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, CountingHandler>
{
    std::uint64_t spanIds = 0;
    bool lastKeyWasSpanId = false;
    bool Key(const char* s, rapidjson::SizeType n, bool)
    {
        lastKeyWasSpanId = n == 6 && std::memcmp(s, "spanId", 6) == 0;
        spanIds += lastKeyWasSpanId ? 1 : 0;
        return true;
    }
    bool Default() { return true; }
};

class DiscardSink : public BatchSink
{
public:
    void submit(RecordBatch&& batch) override { spans += batch.spans.size(); }
    std::uint64_t spans = 0;
};

} // namespace

int main(int argc, char** argv)
{
    std::uint64_t target = 300'000;
    std::string dir = "/tmp";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--spans") == 0)
            target = std::strtoull(argv[i + 1], nullptr, 10);
        else if (std::strcmp(argv[i], "--keep") == 0)
            dir = argv[i + 1];
    }
    const std::string path = dir + "/bench-otlp-" + std::to_string(target) + ".json";
    std::printf("writing %s ...\n", path.c_str());
    // Written by a child so that the parent stays small: children inherit (and count) its pages.
    const std::uint64_t spans = inChild([&] { return PhaseResult{0, writeFile(path, target), 0}; }).items;
    const double mib = double(std::ifstream(path, std::ios::ate | std::ios::binary).tellg()) / (1 << 20);
    std::printf("%llu spans, %.0f MiB, one document\n\n", static_cast<unsigned long long>(spans), mib);

    const PhaseResult qt = inChild([&] {
        const double t0 = now();
        const QJsonDocument doc = QJsonDocument::fromJson(readAll(path));
        std::uint64_t n = 0;
        for (const QJsonValue rs : doc.object().value(QLatin1String("resourceSpans")).toArray())
            for (const QJsonValue ss : rs.toObject().value(QLatin1String("scopeSpans")).toArray())
                n += std::uint64_t(ss.toObject().value(QLatin1String("spans")).toArray().size());
        return PhaseResult{now() - t0, n, 0};
    });
    const PhaseResult dom = inChild([&] {
        const double t0 = now();
        const QByteArray bytes = readAll(path);
        rapidjson::Document doc;
        doc.Parse(bytes.constData(), std::size_t(bytes.size()));
        std::uint64_t n = 0;
        if (!doc.HasParseError())
            for (const auto& rs : doc["resourceSpans"].GetArray())
                for (const auto& ss : rs["scopeSpans"].GetArray())
                    n += ss["spans"].Size();
        return PhaseResult{now() - t0, n, 0};
    });
    const PhaseResult sax = inChild([&] {
        const double t0 = now();
        const QByteArray bytes = readAll(path);
        rapidjson::Reader reader;
        rapidjson::StringStream stream(bytes.constData());
        CountingHandler handler;
        reader.Parse(stream, handler);
        return PhaseResult{now() - t0, handler.spanIds, 0};
    });
#ifdef SEAM_BENCH_SIMDJSON
    const PhaseResult simd = inChild([&] {
        const double t0 = now();
        simdjson::padded_string bytes;
        if (simdjson::padded_string::load(path).get(bytes))
            return PhaseResult{now() - t0, 0, 0};
        simdjson::ondemand::parser parser;
        simdjson::ondemand::document doc;
        std::uint64_t n = 0;
        if (!parser.iterate(bytes).get(doc)) {
            for (auto rs : doc["resourceSpans"].get_array())
                for (auto ss : rs["scopeSpans"].get_array())
                    for (auto span : ss["spans"].get_array()) {
                        std::string_view id;
                        if (!span["spanId"].get_string().get(id))
                            ++n;
                    }
        }
        return PhaseResult{now() - t0, n, 0};
    });
#endif
    const PhaseResult seamReader = inChild([&] {
        const double t0 = now();
        DiscardSink sink;
        auto in = InputSource::openFile(path);
        importSource(*in, sink, nullptr, "otlp-json");
        return PhaseResult{now() - t0, sink.spans, 0};
    });

    std::printf("%-16s %10s %12s %10s %14s\n", "parser", "seconds", "spans/s", "MiB/s", "peak RSS MiB");
    const auto row = [&](const char* name, const PhaseResult& r, const char* note) {
        std::printf("%-16s %10.2f %12.0f %10.1f %14.0f  %s\n", name, r.seconds, double(r.items) / r.seconds,
                    mib / r.seconds, double(r.peakRssKb) / 1024, note);
    };
    row("qt-dom", qt, "whole document in memory");
    row("rapidjson-dom", dom, "whole document in memory");
    row("rapidjson-sax", sax, "tokenizer only (file in memory here)");
#ifdef SEAM_BENCH_SIMDJSON
    row("simdjson", simd, "On Demand, padded document in memory");
#else
    std::printf("%-16s (not built: install libsimdjson-dev and reconfigure)\n", "simdjson");
#endif
    row("seam", seamReader, "streamed from disk, mapped to records");
    return 0;
}
