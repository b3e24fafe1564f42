// `seam note` (add or delete a note) and `seam notes` (list them). The notes themselves are
// models/store/Notes; this parses, opens the cache for writing (which migrates a v1 cache) and prints.

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Format.h"
#include "NoteFocus.h"
#include "Notes.h"
#include "NotesJson.h"
#include "Output.h"
#include "QtText.h"
#include "Store.h"

#include <QFileInfo>
#include <QJsonDocument>

namespace seam::cli {
namespace {

const QString kNoteSynopsis = QStringLiteral(
    "seam note --db CACHE add (--page-load ID | --resource ID | --trace ID | --span TRACE:SPAN | --session "
    "ID | "
    "--service S [--from T --to T] | --filter QUERY [--from T --to T] | --from T --to T) --text TEXT "
    "[--title T] [--tag TAG]... [--author A] [--bookmark]\n"
    "       seam note --db CACHE delete ID");

struct TargetOptions
{
    QCommandLineOption pageLoad{QStringLiteral("page-load"), QStringLiteral("A page load (page_loads.id)."),
                                QStringLiteral("ID")};
    QCommandLineOption resource{QStringLiteral("resource"), QStringLiteral("A resource (resources.id)."),
                                QStringLiteral("ID")};
    QCommandLineOption trace{QStringLiteral("trace"), QStringLiteral("A trace (32 hex digits)."),
                             QStringLiteral("ID")};
    QCommandLineOption span{QStringLiteral("span"), QStringLiteral("A span: TRACE_ID:SPAN_ID in hex."),
                            QStringLiteral("TRACE:SPAN")};
    QCommandLineOption session{QStringLiteral("session"), QStringLiteral("A session (sessions.id)."),
                               QStringLiteral("ID")};
    QCommandLineOption service{QStringLiteral("service"),
                               QStringLiteral("A service; with --from/--to an incident window of it."),
                               QStringLiteral("S")};
    QCommandLineOption filter{
        QStringLiteral("filter"),
        QStringLiteral("A cohort: page loads matching QUERY (optionally in --from/--to)."),
        QStringLiteral("QUERY")};
    QCommandLineOption from{QStringLiteral("from"), QStringLiteral("Start of the time range."),
                            QStringLiteral("T")};
    QCommandLineOption to{QStringLiteral("to"), QStringLiteral("End of the time range."),
                          QStringLiteral("T")};
};

/// The target the options name, or nullopt (printed) when they name none, several, or a malformed one.
std::optional<notes::Target> targetFromOptions(const QCommandLineParser& parser, const TargetOptions& o,
                                               const QString& cmd)
{
    using notes::TargetKind;
    const std::pair<const QCommandLineOption*, TargetKind> objects[] = {
        {&o.pageLoad, TargetKind::PageLoad}, {&o.resource, TargetKind::Resource},
        {&o.trace, TargetKind::Trace},       {&o.span, TargetKind::Span},
        {&o.session, TargetKind::Session},   {&o.service, TargetKind::Service},
        {&o.filter, TargetKind::Cohort}};
    notes::Target t;
    int named = 0;
    QString value;
    for (const auto& [option, kind] : objects)
        if (parser.isSet(*option)) {
            ++named;
            t.kind = kind;
            value = parser.value(*option);
        }
    const bool ranged = parser.isSet(o.from) || parser.isSet(o.to);
    if (named > 1 || (named == 0 && !ranged)) {
        writeErr(
            QStringLiteral("seam %1: name one target (--page-load, --resource, --trace, --span, --session, "
                           "--service, --filter, or --from/--to)\nusage: %2\n")
                .arg(cmd, kNoteSynopsis));
        return std::nullopt;
    }
    if (!optionalTimeArg(parser, o.from, t.from, cmd) || !optionalTimeArg(parser, o.to, t.to, cmd))
        return std::nullopt;
    if (named == 0)
        t.kind = TargetKind::TimeRange;
    else if (ranged && t.kind == TargetKind::Service)
        t.kind = TargetKind::Incident;
    else if (ranged && t.kind != TargetKind::Cohort) {
        writeErr(QStringLiteral("seam %1: --from/--to go with --service, --filter or alone\n").arg(cmd));
        return std::nullopt;
    }
    bool ok = true;
    switch (t.kind) {
    case TargetKind::PageLoad:
    case TargetKind::Resource:
    case TargetKind::Session:
        t.id = value.toLongLong(&ok);
        break;
    case TargetKind::Span: {
        const QStringList parts = value.split(QLatin1Char(':'));
        ok = parts.size() == 2;
        t.traceId = parts.value(0).toStdString();
        t.spanId = parts.value(1).toStdString();
        break;
    }
    case TargetKind::Trace:
        t.traceId = value.toStdString();
        break;
    default:
        t.name = value.toStdString();
        break;
    }
    if (!ok) {
        writeErr(QStringLiteral("seam %1: '%2' is not a valid %3\n")
                     .arg(cmd, value, QLatin1String(notes::targetKindName(t.kind))));
        return std::nullopt;
    }
    return t;
}

/// The cache opened for writing (migrated to the current schema); nullopt (printed) when it is missing:
/// a note never creates an investigation.
std::optional<Database> openForNotes(const QCommandLineParser& parser, const QString& cmd)
{
    const QString path = parser.value(QStringLiteral("db"));
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        writeErr(path.isEmpty() ? QStringLiteral("seam %1: --db CACHE is required\n").arg(cmd)
                                : QStringLiteral("seam %1: %2: no such file\n").arg(cmd, path));
        return std::nullopt;
    }
    try {
        return store::openForWriting(path.toStdString());
    } catch (const SqliteError& e) {
        writeErr(QStringLiteral("seam %1: %2\n").arg(cmd, QString::fromStdString(e.what())));
        return std::nullopt;
    }
}

int addNote(const QCommandLineParser& parser, const TargetOptions& o, Database& db, const QString& cmd)
{
    const auto target = targetFromOptions(parser, o, cmd);
    if (!target)
        return UsageOrFatal;
    notes::Note note;
    note.target = *target;
    note.text = parser.value(QStringLiteral("text")).toStdString();
    note.title = parser.value(QStringLiteral("title")).toStdString();
    note.bookmark = parser.isSet(QStringLiteral("bookmark"));
    note.author = parser.isSet(QStringLiteral("author"))
                      ? parser.value(QStringLiteral("author")).toStdString()
                      : notes::defaultAuthor();
    for (const QString& tag : parser.values(QStringLiteral("tag")))
        note.tags.push_back(tag.toStdString());
    if (note.text.empty() && !note.bookmark) {
        writeErr(QStringLiteral("seam %1: --text is required (or --bookmark)\n").arg(cmd));
        return UsageOrFatal;
    }
    try {
        // The view the note opens in the window (it has no window to take one from).
        note.target = notes::checkTarget(db, note.target);
        note.focus = notes::focusForTarget(db, note.target);
        const std::int64_t id = notes::addNote(db, note);
        writeOut(QStringLiteral("%1\n").arg(id));
        return Ok;
    } catch (const notes::TargetError& e) {
        writeErr(QStringLiteral("seam %1: %2\n").arg(cmd, QString::fromStdString(e.what())));
        return UsageOrFatal;
    }
}

} // namespace

int noteCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("note");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    TargetOptions o;
    parser.addOptions(
        {o.pageLoad, o.resource, o.trace, o.span, o.session, o.service, o.filter, o.from, o.to});
    parser.addOptions({
        {QStringLiteral("text"), QStringLiteral("What the note says."), QStringLiteral("TEXT")},
        {QStringLiteral("title"), QStringLiteral("A short title."), QStringLiteral("T")},
        {QStringLiteral("tag"), QStringLiteral("A tag (repeat for more)."), QStringLiteral("TAG")},
        {QStringLiteral("author"), QStringLiteral("Who wrote it (default: the OS user)."),
         QStringLiteral("A")},
        {QStringLiteral("bookmark"), QStringLiteral("A bookmark rather than a note.")},
    });
    parser.addPositionalArgument(QStringLiteral("add|delete"), QStringLiteral("What to do."));
    bool helped = false;
    if (!parseCommand(parser, args, kNoteSynopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    const bool isAdd = action == QLatin1String("add") && positional.size() == 1;
    const bool isDelete = action == QLatin1String("delete") && positional.size() == 2;
    if (!isAdd && !isDelete) {
        writeErr(QStringLiteral("seam note: give 'add' or 'delete ID'\nusage: %1\n").arg(kNoteSynopsis));
        return UsageOrFatal;
    }
    bool ok = true;
    const qint64 id = isDelete ? positional[1].toLongLong(&ok) : 0;
    if (!ok) {
        writeErr(QStringLiteral("seam note: '%1' is not a note id\n").arg(positional[1]));
        return UsageOrFatal;
    }
    auto db = openForNotes(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        if (isAdd)
            return addNote(parser, o, *db, cmd);
        if (!notes::deleteNote(*db, id)) {
            writeErr(QStringLiteral("seam note: no note %1\n").arg(id));
            return int(UsageOrFatal);
        }
        return int(Ok);
    });
}

int notesCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("notes");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption tag(QStringLiteral("tag"), QStringLiteral("Only notes with this tag."),
                                 QStringLiteral("TAG"));
    parser.addOption(tag);
    bool helped = false;
    if (!parseCommand(parser, args, QStringLiteral("seam notes --db CACHE [--json] [--tag TAG]"), helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    // Read-only: a v1 cache is listed as it is (no authors or tags there yet), not migrated.
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        std::optional<std::string> only;
        if (parser.isSet(tag))
            only = parser.value(tag).toStdString();
        const std::vector<notes::Note> list = notes::listNotes(*db, only);
        if (parser.isSet(jsonOption())) {
            writeJson(QJsonDocument(notesJson(list)));
            return int(Ok);
        }
        for (const notes::Note& n : list) {
            const QJsonObject target = noteTargetJson(n.target);
            QStringList about{target[QStringLiteral("kind")].toString()};
            for (const char* key : {"id", "service", "filter", "trace_id", "span_id"})
                if (const QJsonValue v = target[QLatin1String(key)]; !v.isUndefined())
                    about << v.toVariant().toString();
            if (n.target.from && n.target.to)
                about << isoTime(*n.target.from) + QStringLiteral("..") + isoTime(*n.target.to);
            QStringList tags;
            for (const std::string& t : n.tags)
                tags << QLatin1Char('#') + qs(t);
            writeOut(
                QStringLiteral("%1  %2  %3  %4%5  %6%7\n")
                    .arg(n.id)
                    .arg(isoTime(n.createdNs), n.author.empty() ? QStringLiteral("-") : qs(n.author),
                         about.join(QLatin1Char(' ')), n.bookmark ? QStringLiteral(" (bookmark)") : QString(),
                         qs(n.text),
                         tags.isEmpty() ? QString() : QLatin1String("  ") + tags.join(QLatin1Char(' '))));
        }
        return int(Ok);
    });
}

} // namespace seam::cli
