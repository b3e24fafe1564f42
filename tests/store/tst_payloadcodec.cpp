// Span payloads in binary form (models/store/PayloadCodec, KeyDictionary, PayloadFunctions and the
// writer's side in models/ingest/SpanPayloads): JSON -> binary -> JSON gives the same bytes, the
// binary form is much smaller, malformed bytes are refused, the SQL functions type values as
// json_extract does, and a writer whose dictionary disagrees with the file still writes what it read.

#include "KeyDictionary.h"
#include "PayloadCodec.h"
#include "PayloadFormat.h"
#include "PayloadShape.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

// What importers write (compact, JsonWriter's escapes), and some that they do not.
const char* const kPayloads[] = {
    R"({"db.system":"postgresql","db.statement":"SELECT * FROM t WHERE id = 42","server.port":5432})",
    R"({"http.url":"https://x/a?b=1","url.full":"https://x/a?b=1","session.id":"0123456789abcdef0123456789abcdef"})",
    R"({"n":-7,"f":0.1,"big":18446744073709551615,"e":1e+300,"t":true,"no":false,"z":null,"neg0":-0,"one":1.0})",
    R"({"arr":[1,2,3,"x",[true,null],{}],"kv":{"nested":{"deep":"v"},"k2":1.5},"empty":[]})",
    "{\"esc\":\"quote\\\" back\\\\ nl\\n tab\\t cr\\r bs\\b ff\\f ctl\\u0001 \\u001f uni \xc3\xa9 "
    "\xe6\x97\xa5 "
    "\xf0\x9f\x98\x80\",\"bad\":\"\xff\xfe\"}",
    R"([{"t":1795165407882436233,"name":"fetchStart"},{"t":1795165407882436300,"name":"responseEnd","attributes":{"k":"v"}}])",
    R"([{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","attributes":{}}])",
    R"({})",
    R"([])",
    R"({"a":1,"a":2,"":"empty key","x":"0123456789ABCDEF0123"})",
    R"({"i":9223372036854775807,"j":-9223372036854775808,"d":-1.5e-7,"h":"abc"})",
    // Objects inside objects with the same keys (fuzz_payload, 2026-12-07: once decoded wrong).
    R"({"a":{"b":{"b":[]}}})",
    R"([{"k":{"k":1}},{"k":{"k":{"k":2}}},{"k":3}])",
    // Not the writer's form: kept as text, still exact.
    R"({ "a" : 1 })",
    R"({"u":"\u00e9"})",
    R"({"s":"a\/b"})",
    R"({"trailing":1} )",
    R"({"unterminated":)",
    "not json at all",
};

struct MapLookup
{
    KeyDictionary& dictionary;
    payload::Lookup lookup()
    {
        return [this](std::uint32_t id) { return dictionary.find(id); };
    }
};

std::string encoded(KeyDictionary& dictionary, std::string_view json)
{
    std::vector<std::uint32_t> used;
    auto lock = dictionary.lock();
    return payload::encode(json, dictionary, used);
}

} // namespace

class TestPayloadCodec : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) { return m_dir.filePath(QLatin1String(name)).toStdString(); }

private slots:
    void theRoundTripGivesTheSameBytes()
    {
        KeyDictionary dictionary;
        MapLookup keys{dictionary};
        int binary = 0;
        for (const char* json : kPayloads) {
            const std::string blob = encoded(dictionary, json);
            std::string back;
            std::string error;
            QVERIFY2(payload::decode(blob, keys.lookup(), back, &error), error.c_str());
            QCOMPARE(back, std::string(json));
            binary += blob[0] != 0 ? 1 : 0;
        }
        // Every payload in the writer's form is binary; the others are kept as text.
        QCOMPARE(binary, 13);
    }

    void typicalPayloadsShrink()
    {
        KeyDictionary dictionary;
        const std::string attrs =
            R"({"http.request.method":"GET","http.route":"/api/cart","url.path":"/api/cart","url.scheme":"http",)"
            R"("server.address":"storefront-bff","server.port":8080,"network.protocol.version":"1.1",)"
            R"("http.response.status_code":200})";
        const std::string events =
            R"([{"t":1795165407882436233,"name":"fetchStart"},{"t":1795165407882436233,"name":"domainLookupStart"},)"
            R"({"t":1795165407882636232,"name":"requestStart"},{"t":1795165407919722375,"name":"responseStart"}])";
        encoded(dictionary, attrs); // the first span teaches the dictionary its keys and values
        encoded(dictionary, events);
        const std::string a = encoded(dictionary, attrs);
        const std::string e = encoded(dictionary, events);
        QVERIFY2(a.size() * 6 < attrs.size(), std::to_string(a.size()).c_str());
        QVERIFY2(e.size() * 3 < events.size(), std::to_string(e.size()).c_str());
    }

    void repeatedSetsAndShapesAreShared()
    {
        KeyDictionary dictionary;
        MapLookup keys{dictionary};
        // A whole attribute set seen before is one id; the next event of a list repeats no keys.
        const std::string set = R"({"db.system":"redis","db.operation":"GET","server.port":6379})";
        const std::string first = encoded(dictionary, set);
        const std::string again = encoded(dictionary, set);
        QCOMPARE(again, first);
        QCOMPARE(int(first[0]), 2);
        QVERIFY(first.size() <= 3);
        const std::string twoEvents = R"([{"t":1,"name":"fetchStart"},{"t":2,"name":"fetchEnd"}])";
        const std::string threeEvents =
            R"([{"t":1,"name":"fetchStart"},{"t":2,"name":"fetchEnd"},{"t":3,"name":"x"}])";
        const std::string two = encoded(dictionary, twoEvents);
        const std::string three = encoded(dictionary, threeEvents);
        // The third event: tag 13, a difference (2 bytes), a short string (3); with keys it would be 9.
        QVERIFY2(three.size() - two.size() == 6, std::to_string(three.size() - two.size()).c_str());
        // Events with attributes: the next event still repeats no keys (its attributes, which complete
        // before it, do not hide the event before it).
        const std::string withAttributes =
            R"([{"t":1,"name":"a","attributes":{"k":"v"}},{"t":2,"name":"b","attributes":{"k":"w"}}])";
        const std::string eventWithAttributes = encoded(dictionary, withAttributes);
        const std::string oneEvent = encoded(dictionary, R"([{"t":1,"name":"a","attributes":{"k":"v"}}])");
        // Tag 13, a difference (2 bytes), a short string (3), the attributes (6); with keys it would be 16.
        QVERIFY2(eventWithAttributes.size() - oneEvent.size() == 12,
                 std::to_string(eventWithAttributes.size() - oneEvent.size()).c_str());
        for (const auto& [blob, json] : {std::pair{first, set},
                                         {two, twoEvents},
                                         {three, threeEvents},
                                         {eventWithAttributes, withAttributes}}) {
            std::string back;
            QVERIFY(payload::decode(blob, keys.lookup(), back));
            QCOMPARE(back, json);
        }
        // A shape's distinct sets stop entering the dictionary past a bound (values with ids).
        const std::size_t before = dictionary.size();
        for (int i = 0; i < 2000; ++i)
            encoded(dictionary, "{\"db.rows\":" + std::to_string(i) + "}");
        QCOMPARE(dictionary.size() - before, std::size_t(1 + 256)); // the key, 256 sets
    }

    void listsThatDifferInTheirNumbersAloneAreStoredByShape()
    {
        KeyDictionary dictionary;
        MapLookup keys{dictionary};
        const auto fetch = [](std::int64_t t0, int step, const char* lcp) {
            std::string json = "[";
            const char* names[] = {"fetchStart",   "domainLookupStart", "connectStart",
                                   "requestStart", "responseStart",     "responseEnd"};
            for (int i = 0; i < 6; ++i)
                json += (i ? "," : "") + std::string("{\"t\":") + std::to_string(t0 + i * step) +
                        ",\"name\":\"" + names[i] + "\"}";
            // A double among the numbers (web vitals carry theirs as event attributes).
            json += ",{\"t\":" + std::to_string(t0 + 9 * step) +
                    ",\"name\":\"browser.web_vital\",\"attributes\":{\"value\":" + lcp + "}}]";
            return json;
        };
        const std::string a = fetch(1795165407882436233, 1500000, "307.25");
        const std::string b = fetch(1795165409000000000, 23456789, "1890.5");
        const std::string c = fetch(1795165411000000000, -777, "0.125"); // times out of order
        const std::string first = encoded(dictionary, a);
        QVERIFY(first[0] != char(payload::kShaped)); // seen once: not filed
        const std::string second = encoded(dictionary, b);
        const std::string third = encoded(dictionary, c);
        const std::string again = encoded(dictionary, a);
        QCOMPARE(int(second[0]), int(payload::kShaped));
        QCOMPARE(int(third[0]), int(payload::kShaped));
        QCOMPARE(int(again[0]), int(payload::kShaped));
        QCOMPARE(second.substr(0, 2), third.substr(0, 2)); // one shape id
        // Header, id, the times (first whole, then differences) and the double: no structure.
        QVERIFY2(again.size() < 9 + 7 * 5 + 8, std::to_string(again.size()).c_str());
        for (const auto& [blob, json] : {std::pair{first, a}, {second, b}, {third, c}, {again, a}}) {
            std::string back, error;
            QVERIFY2(payload::decode(blob, keys.lookup(), back, &error), error.c_str());
            QCOMPARE(back, json);
        }
        // Another list of names is another shape; attribute sets are never stored by shape.
        const std::string other =
            R"([{"t":1,"name":"a"},{"t":2,"name":"b"},{"t":3,"name":"c"},{"t":4,"name":"d"}])";
        encoded(dictionary, other);
        const std::string otherShaped = encoded(dictionary, other);
        QCOMPARE(int(otherShaped[0]), int(payload::kShaped));
        QVERIFY(otherShaped.substr(0, 2) != second.substr(0, 2));
        const std::string set = R"({"n":1,"m":2,"name":"a long enough attribute set"})";
        QVERIFY(encoded(dictionary, set)[0] != char(payload::kShaped));
        QVERIFY(encoded(dictionary, set)[0] != char(payload::kShaped));

        // Numbers that do not fit their shape are refused, leaving nothing behind.
        std::string out, error;
        const auto refused = [&](const std::string& bytes) {
            out.clear();
            error.clear();
            return !payload::decode(bytes, keys.lookup(), out, &error) && !error.empty() && out.empty();
        };
        QVERIFY(refused(second.substr(0, second.size() - 1)));    // a number cut short
        QVERIFY(refused(second + std::string(1, '\x05')));        // a number too many
        QVERIFY(refused(second.substr(0, 2)));                    // no numbers at all
        QVERIFY(refused(std::string("\x04\xff\xff\x7f\x02", 5))); // a shape the dictionary lacks
        std::string keyAsShape("\x04", 1);                        // the id of a key, not of a shape
        keyAsShape.push_back(char(dictionary.keyId("name")));
        QVERIFY(refused(keyAsShape + std::string("\x02", 1)));
        QVERIFY(refused(std::string("\x04", 1))); // no id

        // Splitting and joining give the value back, for every value of the writer's form.
        for (const char* json : kPayloads) {
            KeyDictionary fresh;
            const std::string blob = encoded(fresh, json);
            if (blob[0] != char(payload::kBinary))
                continue;
            std::string shape, numbers, joined;
            QVERIFY2(payload::splitShape(std::string_view(blob).substr(1), shape, numbers), json);
            QVERIFY2(payload::joinShape(shape, numbers, joined), json);
            QCOMPARE(joined, blob.substr(1));
            QVERIFY(!payload::joinShape(shape, numbers + "x", joined));
        }
    }

    void listsThatNeverRepeatStayOutOfTheDictionary()
    {
        KeyDictionary dictionary;
        const auto shapes = [&] {
            std::size_t n = 0;
            for (std::uint32_t id = 1; id <= dictionary.size(); ++id)
                n += dictionary.text(id).starts_with(payload::kShapeMarker);
            return n;
        };
        // Exceptions with their messages: every list a new shape, none seen twice.
        for (int i = 0; i < 3000; ++i)
            encoded(dictionary, "[{\"t\":1,\"name\":\"exception\",\"attributes\":{\"exception.message\":"
                                "\"order " +
                                    std::to_string(i) +
                                    " not found, an error long enough to be kept inline\"}}]");
        QCOMPARE(shapes(), std::size_t(0));
        // Shapes that repeat are filed up to a bound (4,096), whatever the input.
        for (int i = 0; i < 5000; ++i) {
            const std::string list = "[{\"t\":1,\"name\":\"event " + std::to_string(i) +
                                     "\"},{\"t\":2,\"name\":\"two\"},{\"t\":3,\"name\":\"three\"},"
                                     "{\"t\":4,\"name\":\"four\"}]";
            encoded(dictionary, list);
            encoded(dictionary, list);
        }
        QCOMPARE(shapes(), std::size_t(4096));
    }

    void highCardinalityValuesStayInline()
    {
        // URLs with ids: past 2048 distinct values a key's values (and past 256 its sets) stop entering the
        // dictionary, which would otherwise grow with the data.
        KeyDictionary dictionary;
        for (int i = 0; i < 10000; ++i)
            encoded(dictionary, "{\"url.full\":\"https://shop.example/product/" + std::to_string(i) + "\"}");
        QVERIFY2(dictionary.size() < 2400,
                 std::to_string(dictionary.size()).c_str()); // 2048 values, 256 sets
    }

    void malformedBytesAreRefused()
    {
        KeyDictionary dictionary;
        MapLookup keys{dictionary};
        for (const char* json : kPayloads) {
            const std::string blob = encoded(dictionary, json);
            if (blob[0] != 1)
                continue;
            // Every proper prefix of a value is incomplete.
            for (std::size_t n = 1; n < blob.size(); ++n) {
                std::string out;
                QVERIFY2(!payload::decode(std::string_view(blob).substr(0, n), keys.lookup(), out), json);
                QVERIFY(out.empty());
            }
        }
        std::string out, error;
        const auto refused = [&](std::string bytes) {
            out.clear();
            return !payload::decode(bytes, keys.lookup(), out, &error) && !error.empty();
        };
        QVERIFY(refused(std::string("\x02{}", 3)));                       // unknown header
        QVERIFY(refused(std::string("\x01\x0d", 2)));                     // unknown tag
        QVERIFY(refused(std::string("\x01\x0c\x01\xf0\x7f\x00", 6)));     // key id not in the dictionary
        QVERIFY(refused(std::string("\x01\x09\x00", 3)));                 // repeat of nothing
        QVERIFY(refused(std::string("\x01\x04\x02", 3)));                 // difference without an integer
        QVERIFY(refused(std::string("\x01\x0b\xff\xff\xff\xff\x0f", 7))); // count past the end
        QVERIFY(refused(std::string("\x01\x07\x05"
                                    "ab",
                                    5))); // string past the end
        QVERIFY(
            refused(std::string("\x01\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 13))); // long varint
        QVERIFY(refused(std::string("\x01\x00\x00", 3)));         // bytes after the value
        QVERIFY(refused(std::string("\x01\x0b\x01\x0d\x00", 5))); // same keys as no object
        QVERIFY(refused(std::string("\x02\xff\xff\x7f", 4)));     // shared set not in the dictionary
        QVERIFY(refused(std::string("\x02", 1)));                 // shared set without id
        std::string deep(1, '\x01');
        for (int i = 0; i < 300; ++i)
            deep += std::string("\x0b\x01", 2); // arrays of one array of one ...
        QVERIFY(refused(deep + std::string(1, '\x00')));
        // Repeats that would decode to far more than any payload: refused, not allocated.
        std::string bomb("\x01\x0b", 2);
        bomb += "\xc0\x84\x3d"; // 1,000,000 elements
        bomb += std::string("\x07\xc0\x84\x3d", 4) + std::string(1000000, 'x');
        for (int i = 1; i < 1000000 - 1; ++i)
            bomb += std::string("\x09\x00", 2);
        QVERIFY(refused(bomb));
    }

    void sqlFunctionsTypeValuesAsJsonExtract()
    {
        const auto file = path("functions.seam");
        {
            StoreWriter w(file);
            const auto source = w.beginSource("file", "test");
            RecordBatch b;
            int n = 0;
            for (const char* json : kPayloads) {
                SpanRecord s =
                    span(traceId(1), SpanId(100 + n), 0, backend("api"), "GET", SpanKind::Server, kT0 + n, 5);
                s.attributesJson = json;
                s.eventsJson = n == 0 ? kPayloads[5] : "";
                s.scope = "io.opentelemetry.jdbc";
                b.spans.push_back(std::move(s));
                ++n;
            }
            w.submit(source, std::move(b));
            QVERIFY(w.flush());
        }
        Database db = store::openForReading(file);
        // The text each span was given, decoded by SQL, and every member typed as json_extract would.
        auto rows = db.prepare("SELECT s.span_id, span_attributes(p.attributes), typeof(p.attributes), "
                               "span_scope(p.scope), typeof(p.scope) FROM spans s JOIN span_payloads p "
                               "ON p.id = s.payload ORDER BY s.span_id");
        int n = 0;
        while (rows.step()) {
            QCOMPARE(std::string(rows.text(1)), std::string(kPayloads[n]));
            QCOMPARE(std::string(rows.text(2)), std::string("blob"));
            QCOMPARE(std::string(rows.text(3)), std::string("io.opentelemetry.jdbc"));
            QCOMPARE(std::string(rows.text(4)), std::string("integer"));
            ++n;
        }
        QCOMPARE(n, int(std::size(kPayloads)));
        // Members of the objects among them (the others are no JSON object json_each could walk).
        const std::string objects =
            "WITH x AS MATERIALIZED (SELECT p.attributes AS b, span_attributes(p.attributes) AS a FROM "
            "span_payloads p WHERE json_valid(span_attributes(p.attributes)) AND "
            "json_type(span_attributes(p.attributes)) = 'object') ";
        QCOMPARE(db.queryInt(objects + "SELECT count(*) FROM x, json_each(x.a) j"), 33);
        const auto mismatches = db.queryInt(
            objects + "SELECT count(*) FROM x, json_each(x.a) j WHERE span_attribute(x.b, j.key) IS NOT "
                      "json_extract(x.a, '$.\"' || j.key || '\"') OR typeof(span_attribute(x.b, j.key)) <> "
                      "typeof(json_extract(x.a, '$.\"' || j.key || '\"'))");
        QCOMPARE(mismatches, 0);
        QCOMPARE(db.queryInt("SELECT span_attribute(1, 100, 'server.port')"), 5432);
        QCOMPARE(db.queryInt("SELECT count(*) FROM span_attributes WHERE trace = 1 AND span_id = 100"), 3);
        auto v = db.prepare("SELECT value FROM span_attributes WHERE span_id = 100 AND key = 'db.system'");
        QVERIFY(v.step());
        QCOMPARE(std::string(v.text(0)), std::string("postgresql"));
        auto ev = db.prepare("SELECT events FROM v_spans WHERE span_id = printf('%016x', 100)");
        QVERIFY(ev.step());
        QCOMPARE(std::string(ev.text(0)), std::string(kPayloads[5]));
    }

    void listsByShapeGoThroughTheCache()
    {
        const auto file = path("shapes.seam");
        std::vector<std::string> lists;
        {
            StoreWriter w(file);
            const auto source = w.beginSource("file", "test");
            RecordBatch b;
            for (int n = 0; n < 3; ++n) {
                SpanRecord s =
                    span(traceId(7), SpanId(10 + n), 0, backend("web"), "GET", SpanKind::Client, kT0 + n, 5);
                s.eventsJson = "[{\"t\":" + std::to_string(kT0 + n) +
                               ",\"name\":\"fetchStart\"},{\"t\":" + std::to_string(kT0 + 7 * n + 3) +
                               ",\"name\":\"requestStart\"},{\"t\":" + std::to_string(kT0 + 9 * n + 4) +
                               ",\"name\":\"responseEnd\"}]";
                lists.push_back(s.eventsJson);
                b.spans.push_back(std::move(s));
            }
            w.submit(source, std::move(b));
            QVERIFY(w.flush());
        }
        Database db = store::openForReading(file);
        // The first list is seen once when it is stored; the two after it are its shape's id and times.
        QCOMPARE(db.queryInt("SELECT count(*) FROM span_payloads WHERE substr(events, 1, 1) = x'04'"), 2);
        QCOMPARE(db.queryInt("SELECT count(*) FROM attribute_keys WHERE typeof(key) = 'blob' AND "
                             "substr(key, 1, 1) = x'04'"),
                 1);
        auto q =
            db.prepare("SELECT span_events(p.events) FROM spans s JOIN span_payloads p ON p.id = s.payload "
                       "ORDER BY s.span_id");
        for (const std::string& json : lists) {
            QVERIFY(q.step());
            QCOMPARE(std::string(q.text(0)), json);
        }
    }

    void aWriterWhoseIdsTheFileGaveAwayRemapsThem()
    {
        // Another process added strings after this one read the dictionary: the ids this process
        // would give its next keys already mean something else in the file.
        const auto file = path("conflict.seam");
        StoreWriter w(file);
        const auto source = w.beginSource("file", "test");
        RecordBatch first;
        first.spans.push_back(span(traceId(1), 1, 0, backend("api"), "GET", SpanKind::Server, kT0, 5));
        w.submit(source, std::move(first));
        QVERIFY(w.flush());
        {
            Database other(file, Database::Mode::ReadWrite);
            other.exec(
                "INSERT INTO attribute_keys(id, key) SELECT max(id) + 1, 'intruder' FROM attribute_keys");
            other.exec(
                "INSERT INTO attribute_keys(id, key) SELECT max(id) + 1, 'intruder-2' FROM attribute_keys");
        }
        RecordBatch second;
        SpanRecord s = span(traceId(2), 2, 0, backend("api"), "POST", SpanKind::Server, kT0, 5);
        s.attributesJson = R"({"order.value":129.5,"payment.method":"card"})";
        s.scope = "com.shop.payments";
        second.spans.push_back(s);
        w.submit(source, std::move(second));
        QVERIFY(w.flush());
        Database db = store::openForReading(file);
        auto q = db.prepare("SELECT span_attributes(attributes), span_scope(scope) FROM span_payloads p "
                            "JOIN spans s ON s.payload = p.id WHERE s.span_id = 2");
        QVERIFY(q.step());
        QCOMPARE(std::string(q.text(0)), s.attributesJson);
        QCOMPARE(std::string(q.text(1)), std::string("com.shop.payments"));
        QCOMPARE(db.queryInt("SELECT count(*) FROM attribute_keys WHERE key LIKE 'intruder%'"), 2);
    }
};

QTEST_GUILESS_MAIN(TestPayloadCodec)
#include "tst_payloadcodec.moc"
