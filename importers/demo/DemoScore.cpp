#include "DemoScore.h"

#include "Sqlite.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <unordered_map>

namespace seam {

InferredLinkScore scoreInferredLinks(Database& db, const std::string& truthJson)
{
    std::unordered_map<std::string, std::string> truth; // resource key -> backend trace id (hex)
    const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(truthJson)).object();
    for (const QJsonValue& v : json.value(QStringLiteral("stripped_fetches")).toArray())
        truth[v[QStringLiteral("resource_key")].toString().toStdString()] =
            v[QStringLiteral("backend_trace_id")].toString().toStdString();

    InferredLinkScore score;
    score.stripped = truth.size();
    auto st = db.prepare("SELECT resource_key_text(r.key), lower(hex(t.trace_id)) FROM links l "
                         "JOIN resources r ON r.id = l.resource_id JOIN traces t ON t.id = l.trace "
                         "WHERE l.method = 'inferred'");
    while (st.step()) {
        ++score.inferred;
        const auto it = truth.find(std::string(st.text(0)));
        if (it != truth.end() && it->second == st.text(1))
            ++score.correct;
    }
    return score;
}

} // namespace seam
