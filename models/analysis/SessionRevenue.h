#pragma once

// What a session's conversions were worth over a stretch of time: a numeric attribute (e.g.
// `order.value`) summed over the spans of the traces of the session's page loads that started in the
// stretch (their document traces, their calls' own browser spans, linked or not, and the backend traces
// linked to them: a conversion's value sits on the backend span that took the order, on the document's
// spans or on the browser's span of the call). When no span carries it, over what the browser's RUM SDK
// reported in the stretch: the page loads' values (page_load_values: a Datadog view's context) and the
// user actions' (action_values: a Datadog action's context, a Faro event's attributes). Spans win, so a
// value reported on both sides counts once; and an action that carries its view's value (the Datadog SDK
// copies a view's context onto every event of the view) does not count it again.

#include "Ids.h"
#include "Sqlite.h"

#include <cstdint>
#include <optional>
#include <string>

namespace seam {

class SessionRevenue
{
public:
    SessionRevenue(Database& db, std::string attribute);

    /// The sum, or nullopt when nothing in the stretch carries the attribute as a number.
    std::optional<double> of(std::int64_t session, TimeNs from, TimeNs to);

private:
    std::string m_attribute;
    Statement m_traces;
    Statement m_spanValues;
    Statement m_rumValues;
};

} // namespace seam
