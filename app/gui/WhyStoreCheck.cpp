#include "WhyStoreCheck.h"

#include "ClickHouseCohortCounts.h"
#include "RollupGaps.h"
#include "Sqlite.h"
#include "Store.h"

#include <QPushButton>

namespace seam {
namespace {

/// The ClickHouse stores the investigation was pulled from (finished pulls only, as the chart
/// push-down: a failed one may name a mistyped server).
QStringList clickHouseStores(Database& db)
{
    QStringList out;
    Statement st = db.prepare("SELECT DISTINCT path FROM sources WHERE kind = 'clickhouse' AND status IN "
                              "('done', 'cancelled') ORDER BY path");
    while (st.step())
        out << QString::fromUtf8(st.text(0).data(), qsizetype(st.text(0).size()));
    return out;
}

} // namespace

WhyStoreCounts WhyStoreCounts::load(Database& db, const WhyStoreRequest& request)
{
    WhyStoreCounts out;
    out.serial = request.serial;
    out.scope = request.scope;
    const CoveredRange wanted{request.scope.from, request.scope.to};
    const std::string route = request.scope.route.toStdString();
    out.counts = localCohortCounts(db, {wanted}, request.scope.slowNs, route);
    for (const remote::ClickHouseSource& source : request.sources) {
        // Only the time no pull of this store brought whole: its loads are not in the cache.
        const std::vector<CoveredRange> gaps = uncoveredRanges(
            store::rollupCoverage(db, source.display().toStdString(), store::kCoverPageLoads), wanted, 1);
        if (gaps.empty())
            continue;
        const remote::CohortCountsReport fetched =
            remote::fetchCohortCounts(source, gaps, request.scope.slowNs, request.cancel.get());
        out.requests += fetched.requests;
        out.bytes += fetched.bytes;
        if (fetched.cancelled || request.cancel->load()) {
            out.cancelled = true;
            return out;
        }
        if (!fetched.error.isEmpty()) {
            out.error = fetched.error;
            return out;
        }
        CohortCounts pushed;
        for (const remote::RemoteLoadGroup& g : fetched.groups)
            if (route.empty() || g.route == route)
                pushed.addLoads(g.route, g.browser, g.appVersion, g.country, g.slow, g.loads);
        out.storeLoads += pushed.loads.slow + pushed.loads.normal;
        out.counts.merge(pushed);
    }
    return out;
}

WhyStoreCheck::WhyStoreCheck(Credentials credentials, QObject* parent)
    : QObject(parent), m_credentials(std::move(credentials))
{}

void WhyStoreCheck::follow(const QString& cachePath, WhyStoreSection* section)
{
    cancel();
    delete m_loader;
    m_loader = nullptr;
    if (m_section)
        disconnect(m_section, nullptr, this, nullptr);
    m_section = section;
    m_stores.clear();
    if (!section)
        return;
    try {
        // One small read when the investigation opens: whether the pane offers the check at all.
        Database db = store::openForReading(cachePath.toStdString());
        m_stores = clickHouseStores(db);
    } catch (const std::exception&) {
        m_stores.clear(); // an unreadable file has no stores to offer; the views say what is wrong
    }
    section->setAvailable(!m_stores.isEmpty());
    if (m_stores.isEmpty())
        return;
    m_loader = new BackgroundLoader<WhyStoreCounts, WhyStoreRequest>(cachePath, this);
    m_loader->onLoaded(this, [this](const std::shared_ptr<const WhyStoreCounts>& r) {
        if (!r || r->serial != m_serial || !m_section)
            return; // an older check's answer
        m_running.reset();
        if (r->cancelled)
            return;
        if (!r->error.isEmpty())
            m_section->showError(r->scope, r->error);
        else
            m_section->showCounts(
                r->scope, r->counts,
                tr("%1 of them counted by the store (%2 KiB)").arg(r->storeLoads).arg(r->bytes / 1024));
        emit answered();
    });
    connect(m_loader, &BackgroundLoaderBase::failed, this, [this](const QString& message) {
        if (m_section && m_section->scope())
            m_section->showError(*m_section->scope(), message);
    });
    connect(section, &WhyStoreSection::checkRequested, this, &WhyStoreCheck::check);
    connect(section, &WhyStoreSection::cancelRequested, this, &WhyStoreCheck::cancel);
}

void WhyStoreCheck::check(const WhyStoreSection::Scope& scope)
{
    cancel();
    WhyStoreRequest request;
    request.scope = scope;
    for (const QString& name : m_stores) {
        QString error;
        auto source = remote::ClickHouseSource::parse(name, error);
        if (!source)
            continue;
        if (m_credentials && !m_credentials(name, source->user, source->password)) {
            m_section->showError(scope, tr("no password for %1").arg(name));
            return;
        }
        request.sources.push_back(*source);
    }
    request.serial = ++m_serial;
    request.cancel = m_running = std::make_shared<std::atomic<bool>>(false);
    m_loader->load(std::move(request));
}

void WhyStoreCheck::cancel()
{
    // Aborts the store's query (the flag) and drops the job's answer (a new serial).
    if (m_running)
        m_running->store(true);
    m_running.reset();
    ++m_serial;
    if (m_loader)
        m_loader->cancel();
}

} // namespace seam
