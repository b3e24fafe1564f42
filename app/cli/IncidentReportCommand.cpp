// `seam report`: the incident report of a cache as one HTML file (inline SVG) or a PDF. Arguments and
// files only: the content is models/report (IncidentReportData, IncidentReport, pdf/ReportPdf).

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Format.h"
#include "IncidentReport.h"
#include "IncidentReportData.h"
#include "Output.h"
#include "ReportPdf.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSaveFile>

namespace seam::cli {

bool commandNeedsGuiApplication(const QStringList& args)
{
    // The PDF lays text out with fonts, which need a QGuiApplication (offscreen: no display needed).
    return !args.isEmpty() && args.front() == QLatin1String("report");
}

int reportCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("report");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("FILE.html or FILE.pdf."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption title(QStringLiteral("title"), QStringLiteral("The report's title."),
                                   QStringLiteral("T"));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("Range start (default: the cache's)."), QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Range end."), QStringLiteral("T"));
    const QCommandLineOption dark(QStringLiteral("dark"),
                                  QStringLiteral("HTML: dark whatever the reader's preference."));
    const QCommandLineOption stamp(QStringLiteral("stamp"),
                                   QStringLiteral("Write when the report was made (else the same cache gives "
                                                  "the same bytes). The time is SOURCE_DATE_EPOCH when "
                                                  "set."));
    parser.addOptions({out, title, from, to, dark, stamp});
    bool helped = false;
    const QString synopsis = QStringLiteral(
        "seam report --db CACHE --out FILE.html|FILE.pdf [--title T] [--from T] [--to T] [--dark] "
        "[--stamp]");
    if (!parseCommand(parser, args, synopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const QString path = parser.value(out);
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (path.isEmpty() || (suffix != QLatin1String("html") && suffix != QLatin1String("htm") &&
                           suffix != QLatin1String("pdf"))) {
        writeErr(QStringLiteral("seam report: --out FILE.html or FILE.pdf is required\nusage: %1\n")
                     .arg(synopsis));
        return UsageOrFatal;
    }
    report::ReportOptions options;
    options.title = parser.value(title).toStdString();
    if (!optionalTimeArg(parser, from, options.from, cmd) || !optionalTimeArg(parser, to, options.to, cmd))
        return UsageOrFatal;
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const report::IncidentReportData data = report::gatherIncidentReport(*db, options);
        // Reproducible builds' convention: SOURCE_DATE_EPOCH, when set, is the time --stamp writes.
        std::optional<QDateTime> created;
        if (parser.isSet(stamp)) {
            bool epochOk = false;
            const qint64 epoch = qEnvironmentVariable("SOURCE_DATE_EPOCH").toLongLong(&epochOk);
            created =
                epochOk ? QDateTime::fromSecsSinceEpoch(epoch, Qt::UTC) : QDateTime::currentDateTimeUtc();
        }
        const std::string generatedAt =
            created ? isoTime(created->toMSecsSinceEpoch() * 1'000'000).toStdString() : std::string();
        if (suffix == QLatin1String("pdf")) {
            const report::PdfResult r = report::writeReportPdf(data, path, generatedAt, created);
            if (!r.ok) {
                writeErr(QStringLiteral("seam report: %1\n").arg(r.error));
                return int(UsageOrFatal);
            }
            writeErr(
                QStringLiteral("%1: %2 incident(s), %3 note(s), %4 bookmarked page load(s), %5 page(s)\n")
                    .arg(path)
                    .arg(data.incidents.size())
                    .arg(data.notes.size())
                    .arg(data.bookmarks.size())
                    .arg(r.pages));
            return int(Ok);
        }
        report::HtmlOptions html;
        html.dark = parser.isSet(dark);
        html.generatedAt = generatedAt;
        const std::string text = report::incidentReportHtml(data, html).html;
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) ||
            file.write(text.data(), qint64(text.size())) != qint64(text.size()) || !file.commit()) {
            writeErr(QStringLiteral("seam report: cannot write %1: %2\n").arg(path, file.errorString()));
            return int(UsageOrFatal);
        }
        writeErr(QStringLiteral("%1: %2 incident(s), %3 note(s), %4 bookmarked page load(s), %5 bytes\n")
                     .arg(path)
                     .arg(data.incidents.size())
                     .arg(data.notes.size())
                     .arg(data.bookmarks.size())
                     .arg(text.size()));
        return int(Ok);
    });
}

} // namespace seam::cli
