#include "Cli.h"
#include "Commands.h"
#include "LiveReceiver.h"
#include "Output.h"
#include "RequestPolicy.h"
#include "Sqlite.h"
#include "StoreWriter.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace seam::cli {
namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

/// "HOST:PORT", "[v6]:PORT", ":PORT" or "HOST" (port 4318). localhost means 127.0.0.1.
bool parseListen(const QString& text, QHostAddress& address, quint16& port)
{
    QString host = text;
    QString portText = QStringLiteral("4318");
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0)
            return false;
        host = text.mid(1, close - 1);
        const QString rest = text.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(QLatin1Char(':')))
                return false;
            portText = rest.mid(1);
        }
    } else if (const qsizetype colon = text.lastIndexOf(QLatin1Char(':')); colon >= 0) {
        if (text.indexOf(QLatin1Char(':')) != colon)
            return false; // a bare IPv6 address needs brackets
        host = text.left(colon);
        portText = text.mid(colon + 1);
    }
    bool ok = false;
    const uint p = portText.toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    port = quint16(p);
    if (host.isEmpty() || host == QLatin1String("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return false;
    return true;
}

/// "67108864", "64M", "64MiB", "512k".
bool parseBytes(const QString& text, qint64& bytes)
{
    QString t = text.trimmed().toLower();
    if (t.endsWith(QLatin1String("ib")))
        t.chop(2);
    else if (t.endsWith(QLatin1Char('b')))
        t.chop(1);
    qint64 unit = 1;
    if (t.endsWith(QLatin1Char('k')))
        unit = qint64(1) << 10;
    else if (t.endsWith(QLatin1Char('m')))
        unit = qint64(1) << 20;
    else if (t.endsWith(QLatin1Char('g')))
        unit = qint64(1) << 30;
    if (unit != 1)
        t.chop(1);
    bool ok = false;
    const qint64 n = t.toLongLong(&ok);
    if (!ok || n <= 0 || n > (qint64(4) << 30) / unit)
        return false;
    bytes = n * unit;
    return true;
}

QString statusLine(const LiveStats& s)
{
    return QStringLiteral(
               "%1 spans/s  %2 spans  %3 logs  %4 requests  %5 rejected  %6 busy  %7 queued  %8 conn")
        .arg(qint64(s.spansPerSecond))
        .arg(s.acceptedSpans)
        .arg(s.acceptedLogs)
        .arg(s.requests)
        .arg(s.failedRequests + s.rejectedRecords)
        .arg(s.busyRequests)
        .arg(s.queuedRecords)
        .arg(s.connections);
}

} // namespace

int serveCommand(const QStringList& args)
{
    const QString synopsis = QStringLiteral("seam serve --db CACHE [--listen HOST:PORT] [--allow-remote] "
                                            "[--cors-origin ORIGIN]... [--allow-host NAME[:PORT]]... "
                                            "[--max-body BYTES]");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Receive OTLP/HTTP traces and logs into the cache."));
    parser.addOption(dbOption());
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address and port to listen on (default 127.0.0.1:4318; "
                                                   "port 0 picks a free one)."),
                                    QStringLiteral("HOST:PORT"));
    const QCommandLineOption allowRemote(QStringLiteral("allow-remote"),
                                         QStringLiteral("Allow listening on a non-loopback address."));
    const QCommandLineOption cors(
        QStringLiteral("cors-origin"),
        QStringLiteral("Let browser pages from ORIGIN post (repeatable; '*' for any but 'null')."),
        QStringLiteral("ORIGIN"));
    const QCommandLineOption allowHost(
        QStringLiteral("allow-host"),
        QStringLiteral("Also accept requests whose Host header is NAME (any port) or NAME:PORT, e.g. behind "
                       "a proxy (repeatable; the listening address and localhost need none)."),
        QStringLiteral("NAME[:PORT]"));
    const QCommandLineOption maxBody(
        QStringLiteral("max-body"), QStringLiteral("Largest request body after decompression (default 64M)."),
        QStringLiteral("BYTES"));
    parser.addOptions({listen, allowRemote, cors, allowHost, maxBody});
    bool helped = false;
    if (!parseCommand(parser, args, synopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    if (!parser.positionalArguments().isEmpty()) {
        writeErr(QStringLiteral("seam serve: unexpected argument '%1'\nusage: %2\n")
                     .arg(parser.positionalArguments().front(), synopsis));
        return UsageOrFatal;
    }
    const QString db = parser.value(dbOption());
    if (db.isEmpty()) {
        writeErr(QStringLiteral("seam serve: --db CACHE is required\nusage: %1\n").arg(synopsis));
        return UsageOrFatal;
    }
    QHostAddress address(QHostAddress::LocalHost);
    quint16 port = 4318;
    if (parser.isSet(listen) && !parseListen(parser.value(listen), address, port)) {
        writeErr(QStringLiteral(
                     "seam serve: --listen wants HOST:PORT (e.g. 127.0.0.1:4318 or [::1]:4318), not '%1'\n")
                     .arg(parser.value(listen)));
        return UsageOrFatal;
    }
    if (!address.isLoopback()) {
        if (!parser.isSet(allowRemote)) {
            writeErr(QStringLiteral("seam serve: %1 is not a loopback address: anyone who can reach it could "
                                    "write into the cache. Add --allow-remote if that is what you want.\n")
                         .arg(address.toString()));
            return UsageOrFatal;
        }
        writeErr(
            QStringLiteral("seam serve: warning: listening on %1, reachable from other machines; there is "
                           "no authentication and no TLS\n")
                .arg(address.toString()));
    }
    LiveOptions options;
    for (const QString& origin : parser.values(cors)) {
        // A setting that cannot equal what a browser sends would silently refuse the pages it names.
        if (live::RequestPolicy::normalizeOrigin(origin).isEmpty()) {
            writeErr(QStringLiteral("seam serve: --cors-origin wants scheme://host[:port] (e.g. "
                                    "http://localhost:3000), * or null, not '%1'\n")
                         .arg(origin));
            return UsageOrFatal;
        }
        options.corsOrigins.append(origin);
    }
    for (const QString& host : parser.values(allowHost)) {
        if (!live::RequestPolicy::parseAuthority(host.trimmed().toUtf8())) {
            writeErr(QStringLiteral("seam serve: --allow-host wants NAME or NAME:PORT (e.g. seam.lan or "
                                    "seam.lan:8080), not '%1'\n")
                         .arg(host));
            return UsageOrFatal;
        }
        options.allowedHosts.append(host);
    }
    if (parser.isSet(maxBody) && !parseBytes(parser.value(maxBody), options.maxBodyBytes)) {
        writeErr(
            QStringLiteral("seam serve: --max-body wants a size such as 67108864, 64M or 512k (up to 4G)\n"));
        return UsageOrFatal;
    }
    options.maxInFlightBytes = std::max(options.maxInFlightBytes, 2 * options.maxBodyBytes);

    std::unique_ptr<StoreWriter> writer;
    try {
        writer = std::make_unique<StoreWriter>(db.toStdString());
    } catch (const std::exception& e) {
        writeErr(QStringLiteral("seam serve: cannot open %1: %2\n").arg(db, QString::fromUtf8(e.what())));
        return UsageOrFatal;
    }

    LiveReceiver receiver(*writer);
    if (!receiver.start(address, port, options)) {
        writeErr(QStringLiteral("seam serve: %1\n").arg(receiver.errorString()));
        return UsageOrFatal;
    }

    // SIGINT/SIGTERM: stop accepting, answer what was received, commit, exit 0.
    if (::pipe(g_signalPipe) != 0) {
        writeErr(QStringLiteral("seam serve: cannot create a pipe\n"));
        return UsageOrFatal;
    }
    ::fcntl(g_signalPipe[1], F_SETFL, O_NONBLOCK);
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        notifier.setEnabled(false);
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });

    const bool tty = ::isatty(STDERR_FILENO) == 1;
    if (tty)
        QObject::connect(&receiver, &LiveReceiver::statsChanged, [](const LiveStats& s) {
            static int ticks = 0;
            if (++ticks % 2 == 0) // once a second
                writeErr(QStringLiteral("\r\033[K") + statusLine(s));
        });

    writeOut(QStringLiteral("listening on %1\n").arg(receiver.url().toString()));
    std::fflush(stdout);
    QCoreApplication::exec();

    if (tty)
        writeErr(QStringLiteral("\r\033[K"));
    writeErr(QStringLiteral("seam serve: stopping: answering requests in progress\n"));
    receiver.stop();
    try {
        writer->flush();
        writer.reset(); // commits and closes
    } catch (const std::exception& e) {
        writeErr(QStringLiteral("seam serve: %1\n").arg(QString::fromUtf8(e.what())));
        return UsageOrFatal;
    }
    const LiveStats s = receiver.stats();
    if (s.refusedRequests > 0)
        writeErr(QStringLiteral("seam serve: %1 request(s) refused for their Origin or Host header (see "
                                "--cors-origin and --allow-host)\n")
                     .arg(s.refusedRequests));
    writeOut(
        QStringLiteral("stopped: %1 spans, %2 logs, %3 records in all from %4 requests; %5 records rejected, "
                       "%6 requests refused, %7 answered busy\n")
            .arg(s.acceptedSpans)
            .arg(s.acceptedLogs)
            .arg(s.acceptedRecords)
            .arg(s.requests)
            .arg(s.rejectedRecords)
            .arg(s.failedRequests)
            .arg(s.busyRequests));
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);
    return Ok;
}

} // namespace seam::cli
