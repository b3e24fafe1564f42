#pragma once
// The view a note made on the command line opens in the window. A note taken in the window saves the
// focus it was taken in; `seam note add` has no window, so its focus is derived from the target: a span
// or trace is shown in the page load that called it (the span selected in the flamegraph), a resource
// in its page load's waterfall, a session at its first page load, a service as the filter
// `service:"S"` (with its window for an incident). The JSON is the window's focus format
// (InvestigationFocus): {"filter", "from_ns", "to_ns", "page_load", "resource", "span", "pane"}.

#include "Notes.h"

#include <QString>
#include <string>

namespace seam::notes {

/// The focus JSON for `target` (checked: lower-case hex ids); empty when the window's own fallback
/// (page loads, cohorts, time ranges) is as good, or the target has no page load in this cache.
std::string focusForTarget(Database& db, const Target& target);

/// The filter that shows the page loads that called `service`: `service:NAME`, quoted as the filter
/// language wants when the name has a space or a quote.
QString serviceFilter(const std::string& service);

} // namespace seam::notes
