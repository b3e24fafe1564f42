#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step v12 (issue 11, revenue carried by the browser): `action_values`, the numeric custom
/// attributes of a user action (a Datadog RUM action's `context`, a Faro event's `attributes`), e.g. the
/// `order.value` of a "purchase" action when no span carries it. One row per (action, key), WITHOUT
/// ROWID: impact reads a session's actions in a time range (actions_by_session) and each one's value by
/// key. A deleted action takes its values along (trigger), so a reused action id never finds another's.
/// Guarded (IF NOT EXISTS). Called inside migrate()'s transaction.
void addActionValues(Database& db);

} // namespace schema
} // namespace seam
