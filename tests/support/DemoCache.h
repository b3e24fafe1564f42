#pragma once
// A demo investigation written to a cache for tests that check answers against its ground truth
// (the payments lock on /checkout, the bad catalog deploy, the Safari hero image on /).

#include "DemoGenerator.h"
#include "ImportReport.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <string>

namespace seam::test {

/// Writes a demo of `sessions` sessions to `path`; returns its ground truth ({} on failure).
inline QJsonObject writeDemoCache(const QString& path, int sessions, std::uint64_t seed = 1)
{
    DemoOptions options;
    options.sessions = sessions;
    options.seed = seed;
    StoreWriter writer(path.toStdString());
    const auto source = writer.beginSource("demo", "test");
    auto sink = writer.sinkFor(source);
    DemoGenerator generator(options);
    ImportReport report;
    if (!generator.generateInto(*sink, report))
        return {};
    writer.flush();
    writer.finishSource(source, report);
    return QJsonDocument::fromJson(QByteArray::fromStdString(generator.groundTruthJson())).object();
}

inline QJsonObject demoIncident(const QJsonObject& truth, const char* id)
{
    for (const auto& v : truth[QStringLiteral("incidents")].toArray())
        if (v.toObject()[QStringLiteral("id")].toString() == QLatin1String(id))
            return v.toObject();
    return {};
}

/// The slowest page load of `route` (of `browser` when given), 0 when none.
inline qint64 slowestLoad(const QString& cachePath, const char* route, const char* browser = nullptr)
{
    Database db = store::openForReading(cachePath.toStdString());
    Statement q = db.prepare("SELECT p.id FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
                             "WHERE p.route = ?1 AND (?2 IS NULL OR s.browser = ?2) "
                             "ORDER BY p.duration_ns DESC, p.id LIMIT 1");
    q.bindText(1, route);
    if (browser)
        q.bindText(2, browser);
    else
        q.bindNull(2);
    return q.step() ? q.int64(0) : 0;
}

} // namespace seam::test
