#include "ClickHouseEngine.h"

#include "DemoGenerator.h"
#include "ExporterRows.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>

namespace seam::test {

ClickHouseEngine::~ClickHouseEngine()
{
    if (m_front.state() == QProcess::Running) {
        m_front.terminate();
        if (!m_front.waitForFinished(5000))
            m_front.kill();
    }
}

QString ClickHouseEngine::url(bool withPassword) const
{
    return QStringLiteral("clickhouse://%1%2@127.0.0.1:%3/otel?table=otel_traces")
        .arg(QString::fromLatin1(kUser),
             withPassword ? QLatin1Char(':') + QString::fromLatin1(kPassword) : QString())
        .arg(m_port);
}

QString ClickHouseEngine::start(const QString& dir, int sessions, bool& skip)
{
    skip = false;
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
    if (node.isEmpty() || npm.isEmpty()) {
        skip = true;
        return QStringLiteral("node and npm are needed to run the ClickHouse engine (chdb): not installed");
    }
    const QString nodeDir = QStringLiteral(SEAM_REMOTE_NODE_DIR);
    QDir().mkpath(nodeDir);
    for (const char* f : {"front.mjs", "package.json", "otel_traces.sql"}) {
        const QString to = nodeDir + QLatin1Char('/') + QLatin1String(f);
        const QString from = QStringLiteral(SEAM_CLICKHOUSE_FRONT_DIR "/") + QLatin1String(f);
        // Another test may be starting its engine from the same folder: replace only what differs.
        QFile current(to), wanted(from);
        if (current.open(QIODevice::ReadOnly) && wanted.open(QIODevice::ReadOnly) &&
            current.readAll() == wanted.readAll())
            continue;
        current.close();
        QFile::remove(to);
        if (!QFile::copy(from, to))
            return QStringLiteral("cannot copy %1 to %2").arg(from, to);
    }
    if (!QFile::exists(nodeDir + QStringLiteral("/node_modules/chdb/package.json"))) {
        QProcess p;
        p.setWorkingDirectory(nodeDir);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(npm, {QStringLiteral("install"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        if (!p.waitForFinished(600000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            skip = true;
            return QStringLiteral("npm could not install chdb (registry unreachable?): ") +
                   QString::fromUtf8(p.readAll()).right(400);
        }
    }

    DemoOptions options;
    options.seed = 11;
    options.sessions = sessions;
    DemoGenerator generator(options);
    QDir().mkpath(dir + QStringLiteral("/files"));
    QByteArray rows;
    int chunk = 0;
    QString error;
    generator.generate(
        [&](const opentelemetry::proto::trace::v1::TracesData& traces) {
            const QString name =
                dir + QStringLiteral("/files/chunk-%1.pb").arg(chunk++, 4, 10, QLatin1Char('0'));
            QFile f(name);
            if (!f.open(QIODevice::WriteOnly)) {
                error = QStringLiteral("cannot write ") + name;
                return;
            }
            f.write(QByteArray::fromStdString(traces.SerializeAsString()));
            m_files << name;
            appendExporterRows(traces, rows);
        },
        [](const auto&) {});
    if (!error.isEmpty())
        return error;
    m_spans = rows.count('\n');
    QFile rowsFile(dir + QStringLiteral("/otel_traces.jsonl"));
    if (!rowsFile.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write ") + rowsFile.fileName();
    rowsFile.write(rows);
    rowsFile.close();

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
    m_front.setProcessEnvironment(env);
    m_front.setWorkingDirectory(nodeDir);
    m_front.setProcessChannelMode(QProcess::SeparateChannels);
    m_front.start(node,
                  {QStringLiteral("front.mjs"), QStringLiteral("--dir"), dir + QStringLiteral("/engine"),
                   QStringLiteral("--ddl"), QStringLiteral("otel_traces.sql"), QStringLiteral("--rows"),
                   rowsFile.fileName(), QStringLiteral("--user"), QString::fromLatin1(kUser),
                   QStringLiteral("--password"), QString::fromLatin1(kPassword)});
    if (!m_front.waitForStarted(10000))
        return QStringLiteral("node did not start");
    QByteArray banner;
    QElapsedTimer waited;
    waited.start();
    while (!banner.contains('\n') && waited.elapsed() < 120000 && m_front.state() == QProcess::Running) {
        m_front.waitForReadyRead(500);
        banner += m_front.readAllStandardOutput();
    }
    if (!banner.startsWith("listening "))
        return QString::fromUtf8(banner + m_front.readAllStandardError());
    m_port = banner.mid(10).trimmed().toInt();
    return m_port > 0 ? QString() : QStringLiteral("no port in the front's banner");
}

} // namespace seam::test
