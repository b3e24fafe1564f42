#include "WhyJson.h"

#include <QJsonArray>

namespace seam {
namespace {

QJsonValue textOrNull(const std::string& s)
{
    return s.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(QString::fromStdString(s));
}

QJsonObject group(const WhyGroup& g)
{
    return QJsonObject{{QStringLiteral("page_loads"), qint64(g.pageLoads)},
                       {QStringLiteral("p50_ms"), g.p50Ms},
                       {QStringLiteral("p75_ms"), g.p75Ms},
                       {QStringLiteral("sampled"), qint64(g.sampled)}};
}

QJsonObject cause(const WhyCause& c, int rank)
{
    QJsonObject o{
        {QStringLiteral("kind"), QString::fromLatin1(whyCauseKindName(c.kind))},
        {QStringLiteral("field"), QString::fromStdString(c.field)},
        {QStringLiteral("value"), textOrNull(c.value)},
        {QStringLiteral("service"), textOrNull(c.service)},
        {QStringLiteral("operation"), textOrNull(c.operation)},
        {QStringLiteral("selection_share"), c.selectionShare},
        {QStringLiteral("baseline_share"), c.baselineShare},
        {QStringLiteral("delta_ms"), c.deltaMs},
        {QStringLiteral("p_value"), c.pValue},
        {QStringLiteral("q_value"), c.qValue},
        {QStringLiteral("text"), QString::fromStdString(c.text)},
    };
    if (c.kind != WhyCause::Kind::Attribute) {
        o.insert(QStringLiteral("selection_mean_ms"), c.selectionMeanMs);
        o.insert(QStringLiteral("baseline_mean_ms"), c.baselineMeanMs);
    }
    if (rank > 0) {
        o.insert(QStringLiteral("rank"), rank);
        QJsonArray consequences;
        for (const WhyCause& d : c.consequences)
            consequences.append(cause(d, 0));
        o.insert(QStringLiteral("consequences"), consequences);
    }
    return o;
}

} // namespace

QJsonObject whyJson(const WhyResult& r)
{
    QJsonArray causes;
    int rank = 0;
    for (const WhyCause& c : r.causes)
        causes.append(cause(c, ++rank));
    const WhyVerdict& v = r.verdict;
    return QJsonObject{
        {QStringLiteral("selection"), group(r.selection)},
        {QStringLiteral("baseline"), group(r.baseline)},
        {QStringLiteral("verdict"), QJsonObject{{QStringLiteral("side"), QString::fromStdString(v.side)},
                                                {QStringLiteral("backend_ms_delta"), v.backendMsDelta},
                                                {QStringLiteral("frontend_ms_delta"), v.frontendMsDelta},
                                                {QStringLiteral("network_ms_delta"), v.networkMsDelta},
                                                {QStringLiteral("text"), QString::fromStdString(v.text)}}},
        {QStringLiteral("causes"), causes},
    };
}

} // namespace seam
