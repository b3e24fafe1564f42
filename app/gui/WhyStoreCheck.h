#pragma once

// Runs the Why? pane's "Across the store" check for an investigation pulled from ClickHouse: the
// cache's page-load counts of the scope plus, for the time no pull of each store brought whole (its
// recorded page-load coverage), the store's own counts (ClickHouseCohortCounts) — what `seam why
// --counts --remote` prints. One background job (BackgroundLoader: stale answers dropped), its network
// query aborted on Cancel or a new scope. Credentials as for the chart push-down (memory only).

#include "BackgroundLoader.h"
#include "ClickHouseSource.h"
#include "CohortCounts.h"
#include "WhyStoreSection.h"

#include <QObject>
#include <QPointer>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace seam {

struct WhyStoreRequest
{
    quint64 serial = 0; ///< 0: none (cancels); each check its own
    WhyStoreSection::Scope scope;
    std::vector<remote::ClickHouseSource> sources; ///< with credentials
    std::shared_ptr<std::atomic<bool>> cancel;
    friend bool operator==(const WhyStoreRequest& a, const WhyStoreRequest& b)
    {
        return a.serial == b.serial;
    }
};

struct WhyStoreCounts
{
    quint64 serial = 0;
    WhyStoreSection::Scope scope;
    CohortCounts counts;
    std::int64_t storeLoads = 0, bytes = 0, requests = 0;
    QString error;
    bool cancelled = false;

    /// Throws SqliteError.
    static WhyStoreCounts load(Database& db, const WhyStoreRequest& request);
};

class WhyStoreCheck : public QObject
{
    Q_OBJECT

public:
    /// Fills user and password for a store's display URL; false when the user declined.
    using Credentials = std::function<bool(const QString& source, QString& user, QString& password)>;

    WhyStoreCheck(Credentials credentials, QObject* parent = nullptr);

    /// Serves `section` for the investigation on `cachePath`; nullptr stops.
    void follow(const QString& cachePath, WhyStoreSection* section);

signals:
    /// A check's answer was shown (tests).
    void answered();

private:
    void check(const WhyStoreSection::Scope& scope);
    void cancel();

    Credentials m_credentials;
    QPointer<WhyStoreSection> m_section;
    QStringList m_stores; // the investigation's ClickHouse sources (display URLs)
    BackgroundLoader<WhyStoreCounts, WhyStoreRequest>* m_loader = nullptr;
    std::shared_ptr<std::atomic<bool>> m_running; // the running check's cancel flag
    quint64 m_serial = 0;
};

} // namespace seam
