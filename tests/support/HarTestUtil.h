#pragma once

// Shared helpers of the HAR import tests (tst_harimport: mapping; tst_harinput: bad and hostile input):
// import bytes or files, read records and rows back, build small HAR documents.

#include "ImportFormats.h"
#include "ImportRunner.h"
#include "ImportTestUtil.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QString>
#include <QStringList>
#include <zlib.h>

namespace seam::hartest {

using importtest::importIntoCache;
using importtest::rejects;
using importtest::rows;

inline const QString kData = (seam::test::dataDir() + QStringLiteral("/har/"));
inline const QString kPublic = (seam::test::publicFixturesDir() + QStringLiteral("/har/"));
constexpr TimeNs kCheckoutStart = 1709287200000000000; // 2024-03-01T10:00:00Z

struct Result
{
    ImportReport report;
    RecordBatch records;
};

inline RecordBatch merged(CollectingSink& sink)
{
    RecordBatch all;
    for (RecordBatch& b : sink.batches) {
        auto move = [](auto& to, auto& from) { to.insert(to.end(), from.begin(), from.end()); };
        move(all.spans, b.spans);
        move(all.sessions, b.sessions);
        move(all.pageLoads, b.pageLoads);
        move(all.resources, b.resources);
    }
    return all;
}

inline Result importBytes(const std::string& bytes, std::string format = {})
{
    CollectingSink sink;
    auto in = InputSource::fromBuffer(bytes);
    Result r;
    r.report = importSource(*in, sink, nullptr, std::move(format));
    r.records = merged(sink);
    return r;
}

inline Result importPath(const QString& path)
{
    CollectingSink sink;
    Result r;
    r.report = importFile(path.toStdString(), sink);
    r.records = merged(sink);
    return r;
}

/// A minimal HAR around the given entries JSON (one page "p1" at 2024-03-01T10:00:00Z).
inline std::string harDoc(const std::string& entries, const std::string& pagesFirst = "true")
{
    const std::string pages =
        R"("pages":[{"startedDateTime":"2024-03-01T10:00:00Z","id":"p1","title":"t","pageTimings":{"onLoad":500}}])";
    if (pagesFirst == "true")
        return R"({"log":{"version":"1.2","creator":{"name":"test","version":"1"},)" + pages +
               R"(,"entries":[)" + entries + "]}}";
    return R"({"log":{"version":"1.2","entries":[)" + entries + "]," + pages + "}}";
}

inline std::string entry(int ms, const std::string& url, const std::string& extra = {})
{
    char start[64];
    std::snprintf(start, sizeof start, "2024-03-01T10:00:%02d.%03dZ", ms / 1000, ms % 1000);
    return std::string(R"({"pageref":"p1","startedDateTime":")") + start +
           R"(","time":10,"request":{"method":"GET","url":")" + url +
           R"(","headers":[]},"response":{"status":200,"headers":[],"content":{"size":1,"mimeType":"application/json"}},"timings":{"send":1,"wait":8,"receive":1})" +
           extra + "}";
}

inline std::string gzip(const std::string& bytes)
{
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, uLong(bytes.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = uInt(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

} // namespace seam::hartest
