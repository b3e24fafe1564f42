#pragma once
// The one spelling of durations, offsets, percentages and times that Seam shows: every view, the
// import summary and the command line's text output call these, so one duration reads the same in
// the table, the flamegraph's tooltip, the error list and the terminal. Here, in analysis, because
// both the CLI (through report) and the GUI (through models and views) reach this room.
//
// Durations: whole nanoseconds below 1 µs ("850 ns"); then µs, ms or s with one decimal below 100 of
// the unit and whole from 100 ("8.5 µs", "12.3 ms", "850 µs", "3.9 s"): two or three significant
// digits, the unit chosen on the rounded value so 999.96 ms reads "1.0 s", never "1000 ms". From 60 s
// whole seconds after minutes ("2 min 5 s"), from 60 min whole minutes after hours ("1 h 2 min").
// A negative duration (clock skew) gets a minus sign, U+2212 ("−1.2 ms").

#include <QString>
#include <cstdint>
#include <optional>

namespace seam {

/// "850 ns", "8.5 µs", "12.3 ms", "120 ms", "3.9 s", "2 min 5 s", "1 h 2 min", "−1.2 ms".
QString formatDuration(std::int64_t ns);

/// A moment relative to another one (an event after the span start, an error after the page load
/// start): the duration with its sign, "+12.3 ms", "−850 µs", "+0 ns".
QString formatOffset(std::int64_t ns);

/// A fraction (error rate, share, confidence; 1 = 100%) as a percentage: "0%" for exactly none,
/// "<0.1%" for a little, one decimal below 100 ("0.3%", "24.0%", "99.9%"), whole from 100 ("100%",
/// "250%"), "−5.0%" below zero, "–" (en dash) for NaN and infinities.
QString formatPercent(double fraction);

/// "2026-11-20T09:00:00.000Z" from ns since the epoch (UTC, milliseconds).
QString isoTime(std::int64_t ns);

/// A time as a user types it on the command line: ns since the epoch, or ISO 8601 (with or without
/// zone; UTC assumed without one; milliseconds kept). nullopt when it is neither. Reads isoTime().
std::optional<std::int64_t> parseTime(const QString& text);

} // namespace seam
