#pragma once

// Argument helpers shared by the commands that read an existing cache.

#include "PageLoadFilter.h"
#include "Sqlite.h"

#include <QCommandLineParser>
#include <cstdint>
#include <functional>
#include <optional>

namespace seam::cli {

/// Opens the --db cache read-only after a bounded damage check; prints why not and returns nullopt.
std::optional<Database> openCacheArg(const QCommandLineParser& parser, const QString& command);
/// Reads an optional time option (ns since the epoch or ISO 8601); false (printed) when malformed.
bool optionalTimeArg(const QCommandLineParser& parser, const QCommandLineOption& option,
                     std::optional<std::int64_t>& out, const QString& command);
/// A positive number option; absent leaves `out` as it is. False (printed) when it is not one.
bool positiveArg(const QCommandLineParser& parser, const QCommandLineOption& option, int& out,
                 const QString& command);
bool positiveArg(const QCommandLineParser& parser, const QCommandLineOption& option, std::int64_t& out,
                 const QString& command);
/// A duration as ns: a whole number with a unit, ns us ms s m h ("250ms", "2s"); a bare number is ns.
std::optional<std::int64_t> parseDurationText(const QString& text);
/// The one numeric positional argument (a page load id); prints "give exactly one numeric WHAT"
/// and returns nullopt otherwise.
std::optional<qint64> singleIdArg(const QCommandLineParser& parser, const QString& command,
                                  const QString& what);
/// Compiles a filter-language option; prints its error and returns false when it does not parse.
bool filterOption(const QCommandLineParser& parser, const QCommandLineOption& option, PageLoadFilter& out,
                  const QString& command);
/// Runs `body`, turning a SqliteError into a message and exit code 2.
int guardedCommand(const QString& command, const std::function<int()>& body);

} // namespace seam::cli
