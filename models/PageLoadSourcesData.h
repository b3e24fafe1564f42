#pragma once
// What the "Sources" details tab shows: the selected page load's reports (one per source that reported
// the navigation, with the values each gave), its calls with the sources that reported each, and its
// error split; and the investigation's propagation
// health. Read off the GUI thread by the loaders below.

#include "BackgroundLoader.h"
#include "PageLoadReports.h"
#include "PropagationHealth.h"

#include <QtGlobal>
#include <vector>

namespace seam {

class Database;

struct PageLoadSourcesData
{
    qint64 pageLoadId = 0;
    std::vector<PageLoadReport> reports;
    std::vector<PageLoadCall> calls; // each call with the sources that reported it
    qint64 jsErrors = 0, networkErrors = 0;

    static PageLoadSourcesData load(Database& db, qint64 pageLoadId);
};

struct PropagationHealthData
{
    std::vector<PropagationGroup> groups;

    /// `generation` only tells one request from the next (0 cancels).
    static PropagationHealthData load(Database& db, int generation);
};

using PageLoadSourcesLoader = BackgroundLoader<PageLoadSourcesData, qint64>;
using PropagationHealthLoader = BackgroundLoader<PropagationHealthData, int>;

} // namespace seam
