#pragma once
// What clicking a cause of the "Why?" pane does: the filter-language term (PageLoadFilter) that
// selects the page loads carrying it. Kept apart from the widget so the mapping is tested as data.

#include "RootCause.h"

#include <QString>

namespace seam {

/// `field:value`, the value quoted when it holds spaces, quotes or a leading '-'.
QString filterTerm(const QString& field, const QString& value);

/// The term selecting the page loads that carry `cause`, or "" when the filter language cannot say it
/// (resource names, browser phases). Browser attributes map to their field (route, browser, os, device,
/// country, version); a backend operation (or its critical-path time) to `operation:"svc:op"`; another
/// backend attribute to the loads that reached its service (`service:payments`).
QString causeFilterTerm(const WhyCause& cause);

/// `filter` with `term` ANDed on ("" when both are blank); unchanged when it already holds the term.
QString withFilterTerm(const QString& filter, const QString& term);

} // namespace seam
