#include "CriticalPathJson.h"

#include "CriticalPathReader.h"

#include <QJsonArray>

namespace seam {
namespace {

QJsonValue nameOrNull(const CriticalPathInput& in, std::int32_t index)
{
    if (index < 0 || std::size_t(index) >= in.names.size())
        return QJsonValue::Null;
    return QString::fromStdString(in.names[std::size_t(index)]);
}

double ms(std::int64_t ns)
{
    return double(ns) / 1e6;
}

} // namespace

QJsonObject criticalPathJson(Database& db, std::int64_t pageLoadId)
{
    CriticalPathReader reader(db);
    const auto input = reader.read(pageLoadId);
    if (!input)
        return {};
    const CriticalPath path = criticalPath(*input);
    QJsonArray segments;
    for (const CriticalSegment& s : path.segments) {
        segments.append(QJsonObject{
            {QStringLiteral("side"), QString::fromLatin1(criticalSideName(s.side))},
            {QStringLiteral("label"), QString::fromStdString(criticalSegmentLabel(*input, s))},
            {QStringLiteral("service"), nameOrNull(*input, s.service)},
            {QStringLiteral("operation"), nameOrNull(*input, s.operation)},
            {QStringLiteral("start_ns"), qint64(s.start)},
            {QStringLiteral("end_ns"), qint64(s.end)},
            {QStringLiteral("ms"), ms(s.end - s.start)},
        });
    }
    return QJsonObject{
        {QStringLiteral("page_load"), qint64(pageLoadId)},
        {QStringLiteral("duration_ms"), ms(path.end - path.start)},
        {QStringLiteral("by_side"),
         QJsonObject{{QStringLiteral("frontend"), ms(path.bySide[int(CriticalSide::Frontend)])},
                     {QStringLiteral("network"), ms(path.bySide[int(CriticalSide::Network)])},
                     {QStringLiteral("backend"), ms(path.bySide[int(CriticalSide::Backend)])}}},
        {QStringLiteral("segments"), segments},
    };
}

} // namespace seam
