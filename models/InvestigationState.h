#pragma once

#include "Investigation.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace seam {

/// Where the user was looking: what a note remembers (`notes.focus`) and what reopening restores. The
/// pane is the panel that had the keyboard focus ("pageLoads", "waterfall", ...; LinkedViews names).
struct InvestigationFocus
{
    QString filter;
    std::optional<Investigation::TimeRange> timeRange;
    Investigation::Selection selection;
    QString pane;

    friend bool operator==(const InvestigationFocus&, const InvestigationFocus&) = default;

    static InvestigationFocus capture(const Investigation& investigation, const QString& pane = {});
    /// Compact JSON: {"filter", "from_ns", "to_ns", "page_load", "resource", "span", "pane"}, keys left
    /// out when empty or 0.
    QString toJson() const;
    /// nullopt for text that is not a JSON object; unknown keys are ignored (newer Seams may add some).
    static std::optional<InvestigationFocus> fromJson(const QString& json);
    /// Sets the filter, range and selection (one history step when the selection differs).
    void applyTo(Investigation& investigation) const;
};

/// The investigation's saved state, written to the file's `investigation_state` table when the window
/// closes or switches investigation and read back when it is opened again, on any machine: the focus,
/// the selection history, the pinned causes and the pane layout. Pure data: no widgets, no SQL.
struct InvestigationState
{
    InvestigationFocus focus;
    std::vector<Investigation::Selection> history;
    int historyIndex = -1;
    QStringList pinnedCauses;
    QByteArray layout; ///< LinkedViews::saveState()

    friend bool operator==(const InvestigationState&, const InvestigationState&) = default;

    static InvestigationState capture(const Investigation& investigation, const QString& pane,
                                      const QByteArray& layout);
    /// Puts back the filter, range, pinned causes and the history with its current entry. The layout
    /// is the views' to apply.
    void applyTo(Investigation& investigation) const;

    /// The table's keys and values: "focus" (InvestigationFocus JSON), "history" ({"entries": [[page
    /// load, resource, span], ...], "index"}), "pinned_causes" (JSON array), "layout" (base64).
    std::map<std::string, std::string> toKeyValues() const;
    /// Reads what it understands; a missing or malformed key leaves its default. nullopt when there is
    /// no saved state at all.
    static std::optional<InvestigationState> fromKeyValues(const std::map<std::string, std::string>& values);
};

} // namespace seam
