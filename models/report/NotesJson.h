#pragma once

#include "Notes.h"

#include <QJsonArray>
#include <QJsonObject>

namespace seam {

/// `seam notes --json` (README "Notes"): one object per note, in the store's stable order. Times as ISO
/// 8601 (`created`, `from`, ...) with the nanoseconds beside them (`created_ns`, `from_ns`, ...).
QJsonArray notesJson(const std::vector<notes::Note>& notes);
QJsonObject noteJson(const notes::Note& note);
/// `{kind, ...}`: `id` for page_load, resource and session; `trace_id` (+ `span_id`) for trace and span;
/// `service` for service and incident; `filter` for cohort; `from`/`to` where the target has a range.
QJsonObject noteTargetJson(const notes::Target& target);

} // namespace seam
