#include "PropagationJson.h"

#include "QtText.h"

#include <QJsonObject>

namespace seam {

QJsonArray propagationJson(const std::vector<PropagationGroup>& groups)
{
    QJsonArray out;
    for (const PropagationGroup& g : groups) {
        QJsonObject o;
        o[QStringLiteral("app_version")] =
            g.appVersion.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(qs(g.appVersion));
        o[QStringLiteral("origin")] = qs(g.origin);
        o[QStringLiteral("route")] = qs(g.route);
        o[QStringLiteral("calls")] = qint64(g.calls);
        o[QStringLiteral("linked_by_id")] = qint64(g.linkedById);
        o[QStringLiteral("linked_inferred")] = qint64(g.linkedInferred);
        o[QStringLiteral("unlinked")] = qint64(g.unlinked);
        QJsonObject reasons;
        for (PropagationReason r :
             {PropagationReason::NoTraceContext, PropagationReason::BackendStartedNewTrace,
              PropagationReason::BackendTraceMissing, PropagationReason::CrossOriginBlocked}) {
            const auto it = g.reasons.find(r);
            reasons[QLatin1String(propagationReasonName(r))] = qint64(it == g.reasons.end() ? 0 : it->second);
        }
        o[QStringLiteral("reasons")] = reasons;
        o[QStringLiteral("advice")] =
            g.advice.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(qs(g.advice));
        out.append(o);
    }
    return out;
}

} // namespace seam
