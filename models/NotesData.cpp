#include "NotesData.h"

#include "Ids.h"
#include "InvestigationState.h"
#include "QtText.h"
#include "Sqlite.h"

#include <set>

namespace seam {

NotesData NotesData::load(Database& db, const NotesRequest&)
{
    NotesData data;
    data.notes = notes::listNotes(db);
    std::set<std::string> tags;
    Statement pageOfResource = db.prepare("SELECT page_load_id FROM resources WHERE id = ?");
    for (const notes::Note& n : data.notes) {
        tags.insert(n.tags.begin(), n.tags.end());
        if (n.target.kind == notes::TargetKind::PageLoad)
            data.notedPageLoads.insert(n.target.id);
        if (n.target.kind == notes::TargetKind::Span)
            if (const auto span = spanIdFromHex(n.target.spanId))
                data.notedSpans.insert(qint64(*span));
        if (n.target.kind == notes::TargetKind::Resource) {
            data.notedResources.insert(n.target.id);
            pageOfResource.bind(1, n.target.id);
            if (pageOfResource.step() && !pageOfResource.isNull(0))
                data.notedPageLoads.insert(pageOfResource.int64(0));
            pageOfResource.reset();
        }
        // A note on a span or trace taken in the window names the page load it was selected under.
        if (n.target.kind == notes::TargetKind::Span || n.target.kind == notes::TargetKind::Trace)
            if (const auto focus = InvestigationFocus::fromJson(qs(n.focus));
                focus && focus->selection.pageLoad)
                data.notedPageLoads.insert(focus->selection.pageLoad);
    }
    for (const std::string& tag : tags)
        data.tags << qs(tag);
    return data;
}

} // namespace seam
