#pragma once

#include "ClockSkew.h"

#include <QString>
#include <optional>
#include <vector>

namespace seam {

class Database;

/// One backend span drawn under the browser call that caused it. Times are on the browser's clock:
/// the call's clock shift is already applied.
struct WaterfallSpan
{
    qint64 spanId = 0;
    qint64 parentSpanId = 0;
    int depth = 0; ///< 0 for the entry span (or a backend root) under the call
    QString service;
    QString operation;
    qint64 start = 0; ///< ns since the epoch
    qint64 end = 0;
    bool error = false;
};

/// One resource of the page load, with its link to the backend when the correlator found one.
struct WaterfallResource
{
    qint64 id = 0; ///< resources.id
    QString type;
    QString method;
    QString url;
    std::optional<int> status;
    qint64 start = 0; ///< ns since the epoch
    std::optional<qint64> duration;
    // Phases (ns) as the Resource Timing API reports them; absent for cross-origin loads.
    std::optional<qint64> dns, connect, ssl, ttfb, download;

    qint64 traceRowId = 0;  ///< links.trace; 0 when not linked
    qint64 entrySpanId = 0; ///< links.span_id: the backend span that served the call; 0 when unknown
    QString linkMethod;
    double confidence = 0;
    /// Added to the backend's times to place them inside the call (clock skew); 0 when they fit.
    qint64 clockShift = 0;
    /// The backend spans of the linked trace under the call, depth-first in start order.
    std::vector<WaterfallSpan> spans;
    /// Spans left out beyond kMaxSpansPerCall.
    int omittedSpans = 0;

    bool isLinked() const { return traceRowId != 0; }
    /// A link found by timing and route rather than propagated ids: drawn as a guess.
    bool isInferred() const
    {
        return isLinked() && (linkMethod == QLatin1String("inferred") || confidence < 1.0);
    }
    qint64 end() const { return start + duration.value_or(0); }
};

/// Something that happened at a moment of the page's life: a long task or a JS error.
struct WaterfallEvent
{
    qint64 time = 0;     ///< ns since the epoch
    qint64 duration = 0; ///< 0 for errors
    QString message;     ///< errors: type and message
};

/// A piece of the page load's critical path (analysis/CriticalPath): what the load waited for then.
struct WaterfallCriticalSegment
{
    int side = 0;     ///< CriticalSide: 0 frontend, 1 network, 2 backend
    qint64 start = 0; ///< ns since the epoch (browser clock)
    qint64 end = 0;
    int resource = -1; ///< index into WaterfallData::resources, -1 for the page's own time
    qint64 spanId = 0; ///< backend segments: the span whose own time it is
    QString label;     ///< "payments: SELECT …", "download /img/hero.webp", "main thread"
};

/// Everything the waterfall of one page load draws, read in one go off the GUI thread.
struct WaterfallData
{
    /// A trace with thousands of spans under one call is summarised: the rows would be unreadable and
    /// the view is a map, the flamegraph shows the detail.
    static constexpr int kMaxSpansPerCall = 2000;

    qint64 pageLoadId = 0;
    QString route;
    QString url;
    qint64 start = 0; ///< ns since the epoch
    std::optional<qint64> duration;
    // Marks, relative to start (ns).
    std::optional<qint64> ttfb, fcp, lcp;

    std::vector<WaterfallResource> resources; ///< by start
    std::vector<WaterfallEvent> longTasks;    ///< by time
    std::vector<WaterfallEvent> errors;       ///< by time
    /// The critical path: by start, tiling [start, start + duration] (empty when it cannot be read).
    std::vector<WaterfallCriticalSegment> criticalPath;

    /// The latest moment anything drawn ends (at least the load end).
    qint64 end() const;
    /// The page load's own extent: its load end, stretched for calls it started before then (up to
    /// half its duration again); end() when the load end is unknown. Later calls are not the load's.
    qint64 ownEnd() const;
    /// Backend span ids on the critical path, sorted, unique.
    std::vector<qint64> criticalSpanIds() const;

    /// Reads page load `pageLoadId` from `db`. An unknown id gives an empty result (pageLoadId 0).
    /// Throws SqliteError.
    static WaterfallData load(Database& db, qint64 pageLoadId);
};

} // namespace seam
