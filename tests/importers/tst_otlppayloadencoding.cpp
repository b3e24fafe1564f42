// The OTLP mapper encodes span payloads straight from the protobuf values when its sink names a cache
// dictionary (BatchSink::payloadDictionary), instead of writing JSON that encodeSpanPayloads reads
// back. Property: over random OTLP messages (fixed seed) both ways give the same bytes, the same
// dictionary ids and strings, and the blobs decode to the JSON the mapper writes.

#include "BatchSink.h"
#include "ImportReport.h"
#include "KeyDictionary.h"
#include "OtlpMapper.h"
#include "OtlpRandomMessages.h"
#include "PayloadCodec.h"
#include "SpanPayloads.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QTest>
#include <limits>

using namespace seam;
namespace pb = opentelemetry::proto;

class TestOtlpPayloadEncoding : public QObject
{
    Q_OBJECT
private:
    static constexpr int kMessages = 3000;
    static constexpr std::uint64_t kSeed = 20261206;

    // What the random messages lack: instance attributes on the resource (added to backend spans),
    // invalid UTF-8 (JsonWriter writes U+FFFD), non-finite and integral doubles, huge integers, event
    // lists that repeat but for their times and values (stored by shape).
    static void addEdges(test::Choices& c, pb::trace::v1::TracesData& data)
    {
        for (auto& rs : *data.mutable_resource_spans()) {
            if (c.percent(50)) {
                auto* kv = rs.mutable_resource()->add_attributes();
                kv->set_key(c.percent(50) ? "host.name" : "k8s.pod.name");
                kv->mutable_value()->set_string_value("web-" + std::to_string(c.below(4)));
            }
            if (c.percent(20)) {
                auto* kv = rs.mutable_resource()->add_attributes();
                kv->set_key("service.instance.id");
                kv->mutable_value()->set_int_value(std::int64_t(c.below(3)));
            }
            for (auto& ss : *rs.mutable_scope_spans()) {
                for (auto& span : *ss.mutable_spans()) {
                    if (c.percent(10)) {
                        auto* kv = span.add_attributes();
                        kv->set_key(c.percent(50) ? "host.name" : std::string("bad\xff key", 8));
                        kv->mutable_value()->set_string_value(std::string("caf\xc3 \xe9\xed\xa0\x80x", 10));
                    }
                    if (c.percent(10)) {
                        span.clear_events();
                        const std::uint64_t start = span.start_time_unix_nano();
                        for (const char* name :
                             {"fetchStart", "requestStart", "responseStart", "responseEnd"}) {
                            auto* e = span.add_events();
                            e->set_name(name);
                            e->set_time_unix_nano(start + c.below(1000000000));
                        }
                        if (c.percent(50)) {
                            auto* kv = span.mutable_events(3)->add_attributes();
                            kv->set_key("http.response_content_length");
                            kv->mutable_value()->set_int_value(std::int64_t(c.below(100000)));
                        }
                    }
                    if (c.percent(10)) {
                        auto* kv = span.add_attributes();
                        kv->set_key("n");
                        const double values[] = {std::numeric_limits<double>::quiet_NaN(),
                                                 std::numeric_limits<double>::infinity(),
                                                 3.0,
                                                 1e21,
                                                 -0.0,
                                                 0.1};
                        kv->mutable_value()->set_double_value(values[c.below(std::size(values))]);
                    }
                    if (c.percent(5)) {
                        auto* kv = span.add_attributes();
                        kv->set_key("big");
                        kv->mutable_value()->set_int_value(std::numeric_limits<std::int64_t>::min());
                    }
                }
            }
        }
    }

    static RecordBatch map(const pb::trace::v1::TracesData& data, KeyDictionary* dictionary)
    {
        CollectingSink sink(dictionary);
        ImportReport report;
        {
            BatchBuilder builder(sink, std::size_t(1) << 30);
            OtlpMapper mapper(builder, report);
            for (const auto& rs : data.resource_spans())
                mapper.addResourceSpans(rs, "test");
        }
        RecordBatch all;
        for (RecordBatch& b : sink.batches)
            all.append(std::move(b));
        return all;
    }

    static std::string decoded(const std::string& blob, const RecordBatch& batch)
    {
        const payload::Lookup lookup = [&](std::uint32_t id) -> const std::string* {
            for (const auto& [key, text] : batch.payloadKeys)
                if (key == id)
                    return &text;
            return nullptr;
        };
        std::string json;
        std::string error;
        if (!payload::decode(blob, lookup, json, &error))
            return "<" + error + ">";
        return json;
    }

private slots:
    void directEncodingIsTheJsonEncoding()
    {
        test::Choices choices(kSeed);
        // One dictionary per way for the whole run, as a cache has: shared sets and the compression
        // preset come into play once enough payloads went through.
        KeyDictionary viaJson;
        KeyDictionary direct;
        std::size_t spans = 0, withEvents = 0, compressed = 0, shaped = 0, shared = 0, instance = 0;
        for (int i = 0; i < kMessages; ++i) {
            const test::RandomOtlp m = test::randomOtlp(choices);
            if (m.logs)
                continue;
            pb::trace::v1::TracesData data;
            // Requests and TracesData have the same bytes (field 1: resource_spans).
            QVERIFY(data.ParseFromString(m.bytes));
            addEdges(choices, data);

            RecordBatch a = map(data, nullptr);
            std::vector<SpanRecord> json = a.spans; // the JSON the mapper writes, before encoding
            encodeSpanPayloads(a, viaJson);
            RecordBatch b = map(data, &direct);
            QVERIFY(!b.encodedKeyIds.empty() || b.spans.empty() ||
                    std::all_of(b.spans.begin(), b.spans.end(), [](const SpanRecord& s) {
                        return s.encoded.attributes.empty() && s.encoded.scope == 0;
                    }));
            encodeSpanPayloads(b, direct);

            QCOMPARE(b.spans.size(), a.spans.size());
            QCOMPARE(b.payloadKeys, a.payloadKeys);
            for (std::size_t k = 0; k < a.spans.size(); ++k) {
                const EncodedPayload& ea = a.spans[k].encoded;
                const EncodedPayload& eb = b.spans[k].encoded;
                const QByteArray where = "message " + QByteArray::number(i) + " span " +
                                         QByteArray::number(qulonglong(k)) + ": " +
                                         QByteArray::fromStdString(json[k].attributesJson);
                QVERIFY2(eb.done, where.constData());
                QVERIFY2(eb.attributes == ea.attributes, where.constData());
                QVERIFY2(eb.events == ea.events, where.constData());
                QVERIFY2(eb.links == ea.links, where.constData());
                QCOMPARE(eb.scope, ea.scope);
                QCOMPARE(decoded(eb.attributes, b), json[k].attributesJson);
                QCOMPARE(decoded(eb.events, b), json[k].eventsJson);
                QCOMPARE(decoded(eb.links, b), json[k].linksJson);
                ++spans;
                withEvents += !eb.events.empty();
                compressed += !eb.events.empty() && eb.events[0] == '\x03';
                shaped += !eb.events.empty() && eb.events[0] == '\x04';
                shared += !eb.attributes.empty() && eb.attributes[0] == '\x02';
                instance += json[k].attributesJson.find("\"host.name\"") != std::string::npos;
            }
        }
        qInfo(
            "%zu spans, %zu with events (%zu compressed, %zu by shape), %zu shared attribute sets, %zu with "
            "host.name",
            spans, withEvents, compressed, shaped, shared, instance);
        // The property covered what it is about.
        QVERIFY(spans > 1000);
        QVERIFY(compressed > 0);
        QVERIFY(shaped > 0);
        QVERIFY(shared > 0);
        QVERIFY(instance > 0);
    }
};

QTEST_GUILESS_MAIN(TestOtlpPayloadEncoding)
#include "tst_otlppayloadencoding.moc"
