#pragma once

#include "Sqlite.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace seam {

class DimensionCache;

/// Sets web vitals on page loads, and on the report of the source that measured each (a merged page
/// load's canonical value is chosen among its reports). The vitals that come together for one page
/// load and report (a page's web-vitals report carries several) are one UPDATE of each row instead of
/// one per vital, setting only the columns they name: an UPDATE rewrites the index entries of every
/// column it sets (page_loads_by_ttfb, page_loads_by_lcp), equal or not.
class VitalWriter
{
public:
    struct Vital
    {
        std::int64_t pageLoad = 0;
        std::string_view name; ///< ttfb, fcp, lcp, inp (milliseconds) or cls
        double value = 0;
        std::string_view reportKey; ///< the report's page-load key as the importer gave it ("": none)
        std::int64_t session = 0;   ///< the report's session when it has no key (0: none)
    };

    explicit VitalWriter(Database& db);
    ~VitalWriter();

    /// Whether Seam keeps this vital (not a custom one).
    static bool kept(std::string_view name) { return column(name) >= 0; }

    /// Writes `vitals` in their order (the last value of a vital wins), those Seam does not keep
    /// skipped. Consecutive vitals of one page load and report go in one statement each.
    void write(std::span<const Vital> vitals, DimensionCache& dimensions);

private:
    static constexpr int kColumns = 5;
    static int column(std::string_view name);

    /// UPDATE page_loads / page_load_reports for the columns in `mask`, prepared when first needed.
    Statement& pageLoadUpdate(unsigned mask);
    Statement& reportUpdate(unsigned mask);

    Database& m_db;
    std::array<std::unique_ptr<Statement>, 1 << kColumns> m_pageLoadUpdates, m_reportUpdates;
};

} // namespace seam
