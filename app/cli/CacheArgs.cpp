#include "CacheArgs.h"

#include "CacheCheck.h"
#include "Cli.h"
#include "Format.h"
#include "InvestigationFile.h"
#include "Output.h"
#include "Store.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <limits>

namespace seam::cli {

std::optional<Database> openCacheArg(const QCommandLineParser& parser, const QString& command)
{
    const QString path = parser.value(QStringLiteral("db"));
    if (path.isEmpty()) {
        writeErr(QStringLiteral("seam %1: --db CACHE is required\n").arg(command));
        return std::nullopt;
    }
    if (!QFileInfo::exists(path)) {
        writeErr(QStringLiteral("seam %1: %2: no such file\n").arg(command, path));
        return std::nullopt;
    }
    // Before any connection: SQLite would create a -wal and -shm beside a foreign WAL-mode database.
    if (const auto why = store::whyNotAnInvestigation(path.toStdString())) {
        writeErr(QStringLiteral("seam %1: %2: %3\n")
                     .arg(command, path, QString::fromStdString(store::notAnInvestigationMessage(*why))));
        return std::nullopt;
    }
    try {
        Database db = store::openForReading(path.toStdString());
        // Damage the check can see is reported instead of answers read around it.
        store::requireUndamaged(db, store::kReaderCheckBudget);
        return db;
    } catch (const SqliteError& e) {
        writeErr(QStringLiteral("seam %1: %2\n").arg(command, QString::fromStdString(e.what())));
        return std::nullopt;
    }
}

bool optionalTimeArg(const QCommandLineParser& parser, const QCommandLineOption& option,
                     std::optional<std::int64_t>& out, const QString& command)
{
    if (!parser.isSet(option))
        return true;
    out = parseTime(parser.value(option));
    if (!out) {
        writeErr(QStringLiteral("seam %1: --%2: '%3' is not a time (ns since epoch or ISO 8601)\n")
                     .arg(command, option.names().front(), parser.value(option)));
        return false;
    }
    return true;
}

bool positiveArg(const QCommandLineParser& parser, const QCommandLineOption& option, std::int64_t& out,
                 const QString& command)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const std::int64_t value = parser.value(option).toLongLong(&ok);
    if (!ok || value <= 0) {
        writeErr(QStringLiteral("seam %1: --%2 needs a positive number, not '%3'\n")
                     .arg(command, option.names().front(), parser.value(option)));
        return false;
    }
    out = value;
    return true;
}

bool positiveArg(const QCommandLineParser& parser, const QCommandLineOption& option, int& out,
                 const QString& command)
{
    std::int64_t value = out;
    if (!positiveArg(parser, option, value, command))
        return false;
    if (value > std::numeric_limits<int>::max()) {
        writeErr(QStringLiteral("seam %1: --%2: '%3' is too large\n")
                     .arg(command, option.names().front(), parser.value(option)));
        return false;
    }
    out = int(value);
    return true;
}

std::optional<std::int64_t> parseDurationText(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,18})(ns|us|ms|s|m|h)?$"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const std::int64_t n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    std::int64_t factor = 1;
    if (unit == QLatin1String("us"))
        factor = 1'000;
    else if (unit == QLatin1String("ms"))
        factor = 1'000'000;
    else if (unit == QLatin1String("s"))
        factor = 1'000'000'000;
    else if (unit == QLatin1String("m"))
        factor = 60'000'000'000;
    else if (unit == QLatin1String("h"))
        factor = 3'600'000'000'000;
    if (n > std::numeric_limits<std::int64_t>::max() / factor)
        return std::nullopt;
    return n * factor;
}

std::optional<qint64> singleIdArg(const QCommandLineParser& parser, const QString& command,
                                  const QString& what)
{
    bool ok = false;
    const qint64 id = parser.positionalArguments().value(0).toLongLong(&ok);
    if (parser.positionalArguments().size() != 1 || !ok) {
        writeErr(QStringLiteral("seam %1: give exactly one numeric %2\n").arg(command, what));
        return std::nullopt;
    }
    return id;
}

bool filterOption(const QCommandLineParser& parser, const QCommandLineOption& option, PageLoadFilter& out,
                  const QString& command)
{
    out = PageLoadFilter::parse(parser.value(option));
    if (out.isValid())
        return true;
    writeErr(QStringLiteral("seam %1: --%2: %3\n").arg(command, option.names().front(), out.error().message));
    return false;
}

int guardedCommand(const QString& command, const std::function<int()>& body)
{
    try {
        return body();
    } catch (const SqliteError& e) {
        writeErr(QStringLiteral("seam %1: %2\n").arg(command, QString::fromStdString(e.what())));
        return UsageOrFatal;
    }
}

} // namespace seam::cli
