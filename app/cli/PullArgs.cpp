#include "PullArgs.h"

#include "CacheArgs.h"
#include "Cli.h"
#include "Output.h"
#include "Terminal.h"

#include <optional>

namespace seam::cli {

bool pullWindowArgs(const QCommandLineParser& parser, const QCommandLineOption& from,
                    const QCommandLineOption& to, std::int64_t& fromNs, std::int64_t& toNs)
{
    std::optional<std::int64_t> f, t;
    if (!optionalTimeArg(parser, from, f, QStringLiteral("pull")) ||
        !optionalTimeArg(parser, to, t, QStringLiteral("pull")))
        return false;
    if (!f || !t) {
        writeErr(QStringLiteral("seam pull: needs --from T and --to T\n"));
        return false;
    }
    if (*t <= *f) {
        writeErr(QStringLiteral("seam pull: --to must be after --from\n"));
        return false;
    }
    fromNs = *f;
    toNs = *t;
    return true;
}

std::unique_ptr<StoreWriter> openPullWriter(const QString& db)
{
    try {
        return std::make_unique<StoreWriter>(db.toStdString());
    } catch (const std::exception& e) {
        writeErr(QStringLiteral("seam pull: %1\n").arg(QString::fromStdString(e.what())));
        return nullptr;
    }
}

int pullExitCode(const QString& error, const SourceCommits& commits, bool cancelled, const QString& db,
                 bool rejected)
{
    if (!error.isEmpty()) {
        writeErr(QStringLiteral("seam pull: %1 (what was fetched before is kept)\n").arg(error));
        return UsageOrFatal;
    }
    if (commits.failed) {
        writeErr(QStringLiteral("seam pull: cannot write to %1: %2\n")
                     .arg(db, QString::fromStdString(commits.failure.describe())));
        return UsageOrFatal;
    }
    if (cancelled || InterruptGuard::interrupted()) {
        writeErr(QStringLiteral("seam pull: interrupted; what was committed is kept\n"));
        return UsageOrFatal;
    }
    return rejected ? Rejected : Ok;
}

} // namespace seam::cli
