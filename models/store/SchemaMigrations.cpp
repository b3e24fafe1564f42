#include "SchemaMigrations.h"

#include "ActionValues.h"
#include "AttributeKeyOwners.h"
#include "CallMergeSchema.h"
#include "PackedResourceKeys.h"
#include "PageLoadReach.h"
#include "PageLoadReachTraces.h"
#include "PageLoadSortKeys.h"
#include "PageLoadValues.h"
#include "PayloadMigration.h"
#include "RollupCoverage.h"
#include "Schema.h"
#include "SortKeysByWriter.h"
#include "Sqlite.h"
#include "TraceLookup.h"
#include "TraceRowKeys.h"

#include <array>

namespace seam::schema {
namespace {

// v2, incident review: notes carry who wrote them, when they last changed, tags and the focus they were
// taken in; the window's state lives in the file so that it reopens the same on any machine.
//
// Tags are a table rather than a JSON array column: "the notes tagged db-lock" is an indexed lookup,
// the list of tags in use is a DISTINCT over an index, and `seam query` users join it without JSON
// functions. The focus stays a compact JSON text: nothing selects on its parts, and its fields may grow
// without a migration. The window state gets its own key/value table rather than `meta`: `meta` holds
// facts about the data (bucket width, the conversion definition), written by imports and analyses;
// this is the user's view of it, rewritten at every close, and kept apart so neither side clobbers the
// other's keys.
constexpr const char* kToV2 = R"sql(
ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN updated_ns INTEGER;
ALTER TABLE notes ADD COLUMN focus TEXT;
CREATE INDEX notes_by_target ON notes(target_type, target_id);
CREATE TABLE note_tags (
    note_id INTEGER NOT NULL,
    tag     TEXT NOT NULL,
    PRIMARY KEY (note_id, tag)
) WITHOUT ROWID;
CREATE INDEX note_tags_by_tag ON note_tags(tag, note_id);
CREATE TABLE investigation_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_ns INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

void toVersion2(Database& db)
{
    db.exec(kToV2);
}

// v17, events by shape (issue 15): span payloads may be lists stored by shape (header 0x04,
// PayloadShape.h). Nothing to change in the file: its payloads stay as they are and read as before. The
// version says that a Seam which cannot read the new form must not open the file.
void allowListsByShape(Database&) {}

// v3, one navigation with several reports: page_load_reports and the page load's error split
// (Schema.cpp, migrateToReconciliation, which also gives every existing page load its own report).
constexpr std::array kSteps = {
    MigrationStep{2, &toVersion2},
    MigrationStep{3, &migrateToReconciliation},
    // v4, one call and one visit across sources (CallMergeSchema.cpp).
    MigrationStep{4, &migrateToCallMerging},
    // v5, impact speed (issue 11): page_load_reach (PageLoadReach.cpp), backfilled from links and spans.
    MigrationStep{5, &addPageLoadReach},
    // v6, the page-load table's sorts at a million rows: an index per sortable column (PageLoadSortKeys).
    MigrationStep{6, &addPageLoadSortKeys},
    // v7, remote push-down: which ranges of a remote store the rollups hold whole (RollupCoverage.cpp).
    MigrationStep{7, &addRollupCoverage},
    // v8, a cache a third the size: span payloads in binary form with a string dictionary
    // (PayloadMigration.cpp).
    MigrationStep{8, &migrateToBinaryPayloads},
    // v9, the writer's speed (issue 15): a new page load's sort keys come with its insert, the report's
    // trigger only fills what another writer left out (SortKeysByWriter.cpp).
    MigrationStep{9, &letWritersSetSortKeys},
    // v10, the cache under 250 bytes a span (issue 15): page_load_reach's index by page load gives way to
    // page_load_reach_traces (PageLoadReachTraces.cpp).
    MigrationStep{10, &addPageLoadReachTraces},
    // v11, the cache under 250 bytes a span (issue 15): resources' keys packed, page_load_reach without
    // span_id (PackedResourceKeys.cpp).
    MigrationStep{11, &packResourceKeys},
    // v12, revenue carried by the browser (issue 11): numeric custom attributes of user actions
    // (ActionValues.cpp).
    MigrationStep{12, &addActionValues},
    // v13, revenue carried by the browser (issue 11): numeric custom attributes of a page load, a
    // Datadog view's context (PageLoadValues.cpp).
    MigrationStep{13, &addPageLoadValues},
    // v14, the writer at 10M spans (issue 15): traces found through traces_by_lo, trace_id's own index
    // gone (TraceLookup.cpp).
    MigrationStep{14, &lookUpTracesByLowBits},
    // v15, re-imports that no longer grow the dictionary (issue 15): what each shared string was shared
    // under (AttributeKeyOwners.cpp).
    MigrationStep{15, &addAttributeKeyOwners},
    // v16, the writer at 10M spans (issue 15): OTLP resource keys name their trace by row, in arrival
    // order (TraceRowKeys.cpp).
    MigrationStep{16, &packKeysByTraceRow},
    // v17, events by shape instead of deflated (issue 15): a new payload header only.
    MigrationStep{17, &allowListsByShape},
};
static_assert(kSteps.back().toVersion == kSchemaVersion, "every version needs its step");

} // namespace

std::span<const MigrationStep> migrationSteps()
{
    return kSteps;
}

} // namespace seam::schema
