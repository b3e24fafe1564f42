// seam query: one read-only SQL statement over a cache, its result streamed as JSON.

#include "Cli.h"
#include "Commands.h"
#include "InvestigationFile.h"
#include "Output.h"
#include "QueryStream.h"
#include "Store.h"

#include <QFileInfo>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <optional>
#include <sqlite3.h>
#include <stdexcept>

namespace seam::cli {
namespace {

const QString kCommand = QStringLiteral("query");

void fail(const QString& message)
{
    writeErr(QStringLiteral("seam query: %1\n").arg(message));
}

std::optional<QueryStream::Options> parseOptions(const QCommandLineParser& parser,
                                                 const QCommandLineOption& maxValueBytes,
                                                 const QCommandLineOption& timeout)
{
    QueryStream::Options options;
    if (parser.isSet(maxValueBytes)) {
        bool ok = false;
        options.maxValueBytes = parser.value(maxValueBytes).toLongLong(&ok);
        if (!ok || options.maxValueBytes < 0) {
            fail(QStringLiteral("--max-value-bytes needs a number of bytes (0: no cap), not '%1'")
                     .arg(parser.value(maxValueBytes)));
            return std::nullopt;
        }
    }
    if (parser.isSet(timeout)) {
        bool ok = false;
        const double seconds = parser.value(timeout).toDouble(&ok);
        // Up to a year: beyond that the clock arithmetic could overflow, and no one means it.
        if (!ok || !(seconds > 0) || seconds > 366 * 86400.0) {
            fail(QStringLiteral("--timeout needs a positive number of seconds, not '%1'")
                     .arg(parser.value(timeout)));
            return std::nullopt;
        }
        options.timeout = std::chrono::milliseconds(std::max<long long>(1, (long long)(seconds * 1000)));
    }
    return options;
}

int runQuery(const QString& path, const std::string& sql, const QueryStream::Options& options,
             const QString& timeoutText)
{
    std::uint64_t written = 0;
    const QString incomplete = QStringLiteral(" (the output is incomplete)");
    // Before any connection: SQLite would create a -wal and -shm beside a foreign WAL-mode database.
    if (const auto why = store::whyNotAnInvestigation(path.toStdString())) {
        fail(path + QStringLiteral(": ") + QString::fromStdString(store::notAnInvestigationMessage(*why)));
        return UsageOrFatal;
    }
    try {
        Database db = store::openForReading(path.toStdString());
        QueryStream stream(db);
        stream.run(sql, options, [&](std::string_view chunk) {
            if (std::fwrite(chunk.data(), 1, chunk.size(), stdout) != chunk.size())
                throw std::runtime_error(std::string("cannot write the output: ") + std::strerror(errno));
            written += chunk.size();
        });
        if (std::fflush(stdout) != 0)
            throw std::runtime_error(std::string("cannot write the output: ") + std::strerror(errno));
        return Ok;
    } catch (const QueryError& e) {
        if (e.code() == SQLITE_NOMEM)
            fail(QStringLiteral("out of memory in SQLite%1: select fewer or smaller values (substr(), "
                                "length()), or sort less")
                     .arg(written ? incomplete : QString()));
        else if (e.kind() == QueryError::Kind::TimedOut)
            fail(QStringLiteral("stopped: the query ran longer than --timeout %1 s").arg(timeoutText) +
                 (written ? incomplete : QString()));
        else
            fail(QString::fromStdString(e.what()) + (written ? incomplete : QString()));
    } catch (const SqliteError& e) {
        fail(QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        // The value cap keeps our own memory small; SQLite still holds each row's values whole.
        fail(QStringLiteral("out of memory%1: select fewer or smaller values (substr(), length()), or "
                            "lower --max-value-bytes")
                 .arg(written ? incomplete : QString()));
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()) + (written ? incomplete : QString()));
    } catch (...) {
        fail(QStringLiteral("unexpected error") + (written ? incomplete : QString()));
    }
    std::fflush(stdout);
    return UsageOrFatal;
}

} // namespace

int queryCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption maxValueBytes(
        QStringLiteral("max-value-bytes"),
        QStringLiteral("Cut text and blob values longer than N bytes (default 1048576; 0: no cap)."),
        QStringLiteral("N"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Stop a query running longer (default: no limit)."),
                                     QStringLiteral("SECONDS"));
    parser.addOptions({maxValueBytes, timeout});
    parser.addPositionalArgument(QStringLiteral("SQL"), QStringLiteral("One read-only SQL statement."));
    bool helped = false;
    if (!parseCommand(parser, args,
                      QStringLiteral("seam query --db CACHE --json [--max-value-bytes N] [--timeout SECONDS] "
                                     "\"SQL\""),
                      helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    if (parser.positionalArguments().size() != 1) {
        fail(QStringLiteral("give exactly one SQL statement (quote it)"));
        return UsageOrFatal;
    }
    const auto options = parseOptions(parser, maxValueBytes, timeout);
    if (!options)
        return UsageOrFatal;
    const QString path = parser.value(dbOption());
    if (path.isEmpty()) {
        fail(QStringLiteral("--db CACHE is required"));
        return UsageOrFatal;
    }
    if (!QFileInfo::exists(path)) {
        fail(QStringLiteral("%1: no such file").arg(path));
        return UsageOrFatal;
    }
    return runQuery(path, parser.positionalArguments().front().toStdString(), *options,
                    parser.value(timeout));
}

} // namespace seam::cli
