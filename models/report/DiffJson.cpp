#include "DiffJson.h"

#include "FoldedFrame.h"

#include <QJsonArray>
#include <cmath>
#include <map>

namespace seam {
namespace {

QJsonObject sideJson(const DiffSide& s)
{
    QJsonObject o;
    o[QStringLiteral("kind")] = QString::fromStdString(s.kind);
    o[QStringLiteral("label")] = QString::fromStdString(s.label);
    if (s.kind == "trace") {
        QJsonArray traces;
        for (const std::string& t : s.traces)
            traces.append(QString::fromStdString(t));
        o[QStringLiteral("traces")] = traces;
    } else {
        o[QStringLiteral("page_loads")] = qint64(s.pageLoads);
        o[QStringLiteral("sampled")] = qint64(s.sampled);
    }
    return o;
}

QJsonValue optional(const std::optional<double>& v)
{
    return v && std::isfinite(*v) ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

std::int64_t micros(double ms)
{
    return std::llround(ms * 1000.0);
}

} // namespace

QJsonObject diffJson(const DiffResult& r)
{
    QJsonObject out;
    out[QStringLiteral("a")] = sideJson(r.a);
    out[QStringLiteral("b")] = sideJson(r.b);
    out[QStringLiteral("weight")] = QString::fromLatin1(diffWeightName(r.weight));
    QJsonArray nodes;
    for (const DiffNode& n : r.nodes) {
        QJsonArray path;
        for (const std::string& f : n.path)
            path.append(QString::fromStdString(f));
        QJsonObject o;
        o[QStringLiteral("path")] = path;
        o[QStringLiteral("service")] = QString::fromStdString(n.service);
        o[QStringLiteral("operation")] = QString::fromStdString(n.operation);
        o[QStringLiteral("a_ms")] = n.aMs;
        o[QStringLiteral("b_ms")] = n.bMs;
        o[QStringLiteral("delta_ms")] = n.deltaMs;
        o[QStringLiteral("relative")] = optional(n.relative);
        o[QStringLiteral("delta_ci95")] =
            n.deltaCi95 ? QJsonValue(QJsonArray{n.deltaCi95->first, n.deltaCi95->second}) : QJsonValue();
        o[QStringLiteral("p_value")] = optional(n.pValue);
        o[QStringLiteral("q_value")] = optional(n.qValue);
        o[QStringLiteral("significant")] = n.significant;
        o[QStringLiteral("a_count")] = qint64(n.loadsA);
        o[QStringLiteral("b_count")] = qint64(n.loadsB);
        nodes.append(o);
    }
    out[QStringLiteral("nodes")] = nodes;
    return out;
}

std::vector<std::string> diffFolded(const DiffResult& r)
{
    // Two paths can meet once ';' in a name is spelled ','; their values add up, as in folded input.
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> stacks;
    for (const DiffNode& n : r.nodes) {
        std::string stack;
        for (const std::string& f : n.path) {
            if (!stack.empty())
                stack += ';';
            stack += foldedFrame(f);
        }
        auto& [a, b] = stacks[stack];
        a += micros(n.aMs);
        b += micros(n.bMs);
    }
    std::vector<std::string> lines;
    for (const auto& [stack, v] : stacks)
        if (v.first != 0 || v.second != 0)
            lines.push_back(stack + " " + std::to_string(v.first) + " " + std::to_string(v.second));
    return lines;
}

} // namespace seam
