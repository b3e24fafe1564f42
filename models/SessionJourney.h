#pragma once

#include <QString>
#include <QtGlobal>
#include <optional>
#include <vector>

namespace seam {

class Database;

/// The facts about one RUM session (sessions row) shown above its journey.
struct JourneySession
{
    qint64 id = 0; ///< sessions.id; 0 when the page load has no session (it is then shown alone)
    QString key;
    QString userId;
    QString browser;
    QString browserVersion;
    QString os;
    QString device;
    QString country;
    QString appVersion;
    std::optional<qint64> start; ///< ns since the epoch
    std::optional<qint64> end;
    int pageLoadCount = 0;
    int errorCount = 0;

    std::optional<qint64> length() const
    {
        return start && end && *end >= *start ? std::optional<qint64>(*end - *start) : std::nullopt;
    }
};

/// One step of a session journey: a page view, or something that happened on one (a user action, a
/// failed request, a JavaScript error).
struct JourneyStep
{
    enum class Kind : quint8
    {
        PageView,
        Action,
        FailedResource, ///< status >= 400, or a fetch/XHR without status (network error, aborted, CORS)
        JsError,
    };

    Kind kind = Kind::PageView;
    qint64 rowId = 0;               ///< page_loads.id, actions.id, resources.id or rum_errors.id
    qint64 pageLoadId = 0;          ///< the page load it belongs to (its own id for a page view)
    qint64 resourceId = 0;          ///< resources.id of a failed resource, else 0
    qint64 time = 0;                ///< ns since the epoch
    std::optional<qint64> duration; ///< load time, action or request duration
    /// Route for a page view, action name, resource URL, error message.
    QString label;
    /// Page view: its URL. Action: its type (click, ...). Resource: its type (fetch, ...). Error: its type.
    QString detail;
    QString method;      ///< resources: HTTP method
    int status = 0;      ///< resources: HTTP status, 0 when none (network error)
    QString frustration; ///< actions: comma-separated rage_click, dead_click, error_click
    int errorCount = 0;  ///< page views: page_loads.error_count
    int pageView = -1;   ///< index in steps of the page view this step is grouped under (itself for one)
};

/// The session of a page load as a time-ordered strip of steps, grouped by page view: each page view
/// step is followed by the actions, failed requests and JS errors that happened on it, in time order.
///
/// Bounded: a session may have thousands of page views and a hundred thousand events. At most
/// Limits::pageViews page views are read, those around the selected one, and at most Limits::events
/// other steps, those nearest the selected page view's start (its own first); what is left out is
/// counted. Every query walks a `*_by_session` index over the kept time window only.
struct SessionJourney
{
    struct Limits
    {
        int pageViews = 300;
        int events = 3000;
    };

    /// A page view slower than this to its load event end is marked as slow.
    static constexpr qint64 kSlowPageLoadNs = 3'000'000'000;

    qint64 pageLoadId = 0; ///< the page load asked for; 0 when it is not in the cache
    JourneySession session;
    std::vector<JourneyStep> steps;
    int omittedPageViewsBefore = 0; ///< the session's page views before the first one kept
    int omittedPageViewsAfter = 0;
    int omittedEvents = 0; ///< actions, failed requests and errors in the kept window left out by the cap

    bool isEmpty() const { return steps.empty(); }
    /// Index of the page view step of `pageLoadId`, or -1.
    int pageViewStep(qint64 pageLoadId) const;
    /// Index of the failed resource step of `resourceId`, or -1.
    int resourceStep(qint64 resourceId) const;
    /// The time up to which page view step `index` lasts: the next page view's start, else its own end
    /// (load time, last event, session end).
    qint64 pageViewEnd(int index) const;
    /// Whether the page view at `index` took longer than kSlowPageLoadNs to load.
    bool isSlow(int index) const;

    /// Reads the journey of the session of `pageLoadId`. Throws SqliteError.
    static SessionJourney load(Database& db, qint64 pageLoadId, Limits limits);
    static SessionJourney load(Database& db, qint64 pageLoadId) { return load(db, pageLoadId, Limits()); }
};

} // namespace seam
