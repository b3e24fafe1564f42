#include "DemoInvestigation.h"

#include "DemoGenerator.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

namespace seam {

DemoInvestigationResult writeDemoInvestigation(const std::string& path, const DemoOptions& options,
                                               const std::function<void(double fraction)>& progress,
                                               const std::atomic<bool>* cancel)
{
    DemoInvestigationResult result;
    StoreWriter writer(path);
    // The options in the source's description: `seam query` on sources says how the demo was made.
    const std::string description = "demo seed=" + std::to_string(options.seed) +
                                    " sessions=" + std::to_string(options.sessions) +
                                    " strip=" + std::to_string(options.stripPropagation);
    const std::int64_t source = writer.beginSource("demo", description);
    DemoGenerator generator(options);
    {
        auto sink = writer.sinkFor(source);
        result.finished = generator.generateInto(*sink, result.report, cancel, progress);
    }
    result.report.cancelled = !result.finished;
    writer.flush();
    writer.finishSource(source, result.report);
    result.groundTruthJson = generator.groundTruthJson();
    if (result.finished) {
        writer.runInTransaction([&](Database& db) {
            auto st = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('demo_ground_truth', ?1)");
            st.bindText(1, result.groundTruthJson);
            st.run();
        });
    }
    return result; // the writer commits and checkpoints as it goes out of scope
}

bool isCompleteDemoInvestigation(const std::string& path)
{
    if (!store::isCacheFile(path))
        return false;
    try {
        Database db = store::openForReading(path);
        return db.queryInt("SELECT count(*) FROM meta WHERE key = 'demo_ground_truth'") == 1;
    } catch (const SqliteError&) {
        return false;
    }
}

} // namespace seam
