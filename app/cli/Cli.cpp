#include "Cli.h"

#include "Commands.h"
#include "Output.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <functional>
#include <map>

namespace seam::cli {
namespace {

using Command = std::function<int(const QStringList&)>;

const std::map<QString, Command>& commands()
{
    static const std::map<QString, Command> table = {
        {QStringLiteral("import"), importCommand},     {QStringLiteral("demo"), demoCommand},
        {QStringLiteral("stats"), statsCommand},       {QStringLiteral("pageloads"), pageLoadsCommand},
        {QStringLiteral("pageload"), pageLoadCommand}, {QStringLiteral("trace"), traceCommand},
        {QStringLiteral("services"), servicesCommand}, {QStringLiteral("query"), queryCommand},
        {QStringLiteral("pull"), pullCommand},
        {QStringLiteral("note"), noteCommand},         {QStringLiteral("notes"), notesCommand},
        {QStringLiteral("serve"), serveCommand},       {QStringLiteral("critical-path"), criticalPathCommand},
        {QStringLiteral("why"), whyCommand},           {QStringLiteral("anomalies"), anomaliesCommand},
        {QStringLiteral("impact"), impactCommand},     {QStringLiteral("report"), reportCommand},
        {QStringLiteral("extract"), extractCommand},   {QStringLiteral("export"), exportCommand},
        {QStringLiteral("diff"), diffCommand},
        {QStringLiteral("propagation"), propagationCommand},
    };
    return table;
}

} // namespace

QString usage()
{
    return QStringLiteral(
               "Seam %1: browser RUM and backend traces, stitched together.\n"
               "\n"
               "Usage:\n"
               "  seam [PATH...]                      open the GUI; a cache opens, other files import into a "
               "new cache\n"
               "  seam --demo                         open the GUI on the bundled demo investigation\n"
               "  seam import --db CACHE [--format F] FILE|DIR...\n"
               "                                      import files (format detected from content; .gz "
               "transparent)\n"
               "  seam demo   --db CACHE [--seed N] [--sessions N] [--strip-propagation F]\n"
               "                                      generate the demo investigation (ground truth: "
               "CACHE.truth.json)\n"
               "  seam stats  --db CACHE --json       counts of everything in the cache\n"
               "  seam pageloads --db CACHE --json [--slowest N] [--route R] [--from T] [--to T] [--limit "
               "N]\n"
               "  seam pageload  --db CACHE ID --json resources, links, services, errors, causes of one page "
               "load\n"
               "  seam trace  --db CACHE TRACE_ID (--json | --folded)\n"
               "  seam services --db CACHE --json [--from T] [--to T] [--step S]\n"
               "  seam critical-path --db CACHE PAGELOAD_ID --json\n"
               "                                      what one page load waited for, "
               "frontend/network/backend\n"
               "  seam why --db CACHE --json [--filter QUERY] [--from T] [--to T] [--errors | "
               "--slower-than-quantile Q] [--baseline QUERY]\n"
               "                                      ranked causes of slow (or failed) page loads, and a "
               "verdict\n"
               "  seam diff --db CACHE (--traces A B | --cohorts QUERY_A QUERY_B) [--from T] [--to T]\n"
               "            [--weight self|critical] (--json | --folded)\n"
               "                                      where two traces or cohorts spend their time, node by node\n"
               "  seam query  --db CACHE --json [--max-value-bytes N] [--timeout SECONDS] \"SQL\"\n"
               "                                      read-only SQL over the cache (schema: docs/SCHEMA.md)\n"
               "  seam serve  --db CACHE [--listen 127.0.0.1:4318] [--allow-remote] [--cors-origin "
               "ORIGIN]... "
               "[--allow-host NAME[:PORT]]... [--max-body BYTES]\n"
               "                                      receive OTLP/HTTP traces and logs (and browser RUM) "
               "live\n"
               "  seam anomalies --db CACHE --json [--from T] [--to T] [--service S]\n"
               "                                      incident windows per service from the rollups\n"
               "  seam impact --db CACHE --json --service S [--operation O] [--version V] [--from T --to T]\n"
               "              [--conversion QUERY] [--revenue-attribute KEY]\n"
               "                                      sessions, users, conversions and revenue an incident "
               "touched\n"
               "  seam pull --db CACHE clickhouse://HOST:PORT/DB?table=otel_traces --from T --to T [--max-page-loads N]\n"
               "                                      a window of a remote store into the cache (browser side + "
               "linked traces)\n"
               "  seam pull --db CACHE tempo://HOST:PORT|jaeger://HOST:PORT (--missing-traces [--page-load ID] | --trace ID...)\n"
               "                                      backend traces by id that the cache's browser calls lack\n"
               "  seam pull --db CACHE prometheus://HOST:PORT[?preset=spanmetrics|tempo] --from T --to T\n"
               "                                      RED series of services into the rollups\n"
               "  seam note --db CACHE add (--page-load ID | --trace ID | --span TRACE:SPAN | --service S | "
               "--session ID | --from T --to T) --text TEXT [--tag TAG]... [--author A] [--bookmark]\n"
               "  seam note --db CACHE delete ID\n"
               "  seam notes --db CACHE [--json] [--tag TAG]\n"
               "                                      notes and bookmarks of an incident review\n"
               "  seam report --db CACHE --out FILE.html|FILE.pdf [--title T] [--from T] [--to T] [--dark]\n"
               "                                      the incident report: incidents, impact, causes, notes, "
               "bookmarks\n"
               "  seam extract --db CACHE --out SMALL.seam [--filter QUERY] [--from T] [--to T] [--force]\n"
               "                                      a smaller investigation with the selected page loads\n"
               "  seam export --db CACHE (--trace ID | --page-load ID) --format otlp-json|folded [--out "
               "FILE]\n"
               "  seam export --db CACHE --pageloads [--filter QUERY] [--from T] [--to T] --format csv "
               "[--out "
               "FILE]\n"
               "  seam propagation --db CACHE [--json]\n"
               "                                      where browser trace context does not reach the backend, "
               "why, and the fix\n"
               "\n"
               "Times T: nanoseconds since the epoch or ISO 8601 (UTC if no zone). Steps S: 10s, 1m, 5m, or "
               "ns.\n"
               "Exit codes: 0 done; 1 done but some input was rejected; 2 usage error or fatal error.\n"
               "Each command has --help.\n")
        .arg(QStringLiteral(SEAM_VERSION));
}

bool isCommand(const QStringList& args)
{
    if (args.isEmpty())
        return false;
    const QString& first = args.front();
    return commands().count(first) || first == QLatin1String("--help") || first == QLatin1String("-h") ||
           first == QLatin1String("--version") || first == QLatin1String("-v") ||
           first == QLatin1String("help");
}

int run(const QStringList& args)
{
    if (args.isEmpty())
        return UsageOrFatal;
    const QString& first = args.front();
    if (first == QLatin1String("--help") || first == QLatin1String("-h") || first == QLatin1String("help")) {
        writeOut(usage());
        return Ok;
    }
    if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
        writeOut(QStringLiteral("seam %1\n").arg(QStringLiteral(SEAM_VERSION)));
        return Ok;
    }
    const auto it = commands().find(first);
    if (it == commands().end()) {
        writeErr(QStringLiteral("seam: unknown command '%1'\n\n").arg(first) + usage());
        return UsageOrFatal;
    }
    return it->second(args);
}

bool parseCommand(QCommandLineParser& parser, const QStringList& args, const QString& synopsis, bool& helped)
{
    helped = false;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    QStringList full = args;
    full.front() = QStringLiteral("seam ") + args.front(); // argv[0] stand-in
    if (!parser.parse(full)) {
        writeErr(QStringLiteral("seam %1: %2\nusage: %3\n").arg(args.front(), parser.errorText(), synopsis));
        return false;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(QRegularExpression(QStringLiteral("^Usage: .*\n")),
                     QStringLiteral("Usage: ") + synopsis + QLatin1Char('\n'));
        writeOut(text);
        helped = true;
    }
    return true;
}

QCommandLineOption dbOption()
{
    return QCommandLineOption(QStringList{QStringLiteral("db")},
                              QStringLiteral("The investigation cache file."), QStringLiteral("CACHE"));
}

QCommandLineOption jsonOption()
{
    return QCommandLineOption(QStringList{QStringLiteral("json")}, QStringLiteral("Write JSON to stdout."));
}

} // namespace seam::cli
