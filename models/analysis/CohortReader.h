#pragma once
// What RootCause reads from a cache: the selection and baseline page loads (cheap: page_loads and
// sessions only), then, for a sample of each, the evidence rows are built from: browser attributes,
// resource domains and names, backend attributes of the linked traces, and critical-path time per
// service/operation and per phase.

#include "RootCause.h"
#include "Sqlite.h"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace seam {

struct CohortLoad
{
    std::int64_t id = 0;
    std::string key; ///< the importer's natural key: stable across re-imports (sampling hashes it)
    std::string route;
    double durationMs = 0;
    bool failed = false;
};

struct Cohorts
{
    std::vector<CohortLoad> selection, baseline; ///< in the cache's order (sampleLoads orders by key)
};

/// Splits the loads of the options' range into selection and baseline (RootCause.h: method).
Cohorts selectCohorts(Database& db, const WhyOptions& options);

/// At most `cap` loads (all of them when fewer), chosen by a hash of their keys (deterministic,
/// independent of the input's order), ordered by key.
std::vector<CohortLoad> sampleLoads(const std::vector<CohortLoad>& loads, int cap);

/// A thing a load may carry (an attribute value) or spend critical-path time in (a segment key).
struct FeatureKey
{
    WhyCause::Kind kind = WhyCause::Kind::Attribute;
    std::string field, value, service, operation;
    bool isPath = false; ///< a critical-path key (ms per load) rather than an attribute value
    int side = -1;       ///< critical-path keys: CriticalSide

    auto tie() const { return std::tie(isPath, kind, field, service, operation, value); }
    bool operator<(const FeatureKey& o) const { return tie() < o.tie(); }
};

struct LoadFeatures
{
    double durationMs = 0;
    std::vector<std::int32_t> attributes;              ///< feature ids, sorted, unique
    std::vector<std::pair<std::int32_t, double>> path; ///< feature id -> critical-path ms, by id
    double sideMs[3] = {0, 0, 0};                      ///< frontend, network, backend
};

/// Reads the features of loads, interning keys in one table shared by both groups.
class FeatureReader
{
public:
    explicit FeatureReader(Database& db);
    ~FeatureReader();
    FeatureReader(const FeatureReader&) = delete;
    FeatureReader& operator=(const FeatureReader&) = delete;

    LoadFeatures read(const CohortLoad& load);
    const std::vector<FeatureKey>& keys() const { return m_keys; }

private:
    std::int32_t intern(FeatureKey key);
    void browserAttributes(std::int64_t pageLoadId, const std::string& route, std::vector<std::int32_t>& out);
    void backendAttributes(std::int64_t traceRowId, std::vector<std::int32_t>& out);

    struct Impl;
    Impl* m_impl;
    std::vector<FeatureKey> m_keys;
    std::map<FeatureKey, std::int32_t> m_ids;
};

} // namespace seam
