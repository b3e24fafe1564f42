#include "ClickHouseEngine.h"

#include "DemoGenerator.h"
#include "ExporterRows.h"
#include "TestPaths.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLockFile>
#include <QSaveFile>
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

QString ClickHouseEngine::prepareNode(bool& skip)
{
    skip = false;
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
    if (node.isEmpty() || npm.isEmpty()) {
        skip = true;
        return QStringLiteral("node and npm are needed to run the ClickHouse engine (chdb): not installed");
    }
    const QString nodeDir = seam::test::remoteNodeDir();
    QDir().mkpath(nodeDir);
    // Several remote tests run at once (ctest -j) and share this folder: one of them at a time copies
    // the front and installs chdb; the others wait here, so none starts node on a half-written script
    // or a half-installed package (a front that exits silently gives no port).
    QLockFile lock(nodeDir + QStringLiteral("/.prepare.lock"));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(900000))
        return QStringLiteral("another test held %1/.prepare.lock for 15 minutes").arg(nodeDir);
    for (const char* f : {"front.mjs", "package.json", "otel_traces.sql"}) {
        const QString to = nodeDir + QLatin1Char('/') + QLatin1String(f);
        const QString from = (seam::test::clickhouseFrontDir() + QStringLiteral("/")) + QLatin1String(f);
        QFile current(to), wanted(from);
        if (!wanted.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read ") + from;
        const QByteArray bytes = wanted.readAll();
        if (current.open(QIODevice::ReadOnly) && current.readAll() == bytes)
            continue;
        current.close();
        // A front already running keeps its file: write aside, then rename over it in one step.
        QSaveFile replacement(to);
        if (!replacement.open(QIODevice::WriteOnly) || replacement.write(bytes) != bytes.size() ||
            !replacement.commit())
            return QStringLiteral("cannot write ") + to;
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
    return {};
}

QString ClickHouseEngine::start(const QString& dir, int sessions, bool& skip,
                                const std::vector<opentelemetry::proto::trace::v1::TracesData>& extra)
{
    if (QString error = prepareNode(skip); !error.isEmpty())
        return error;
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString nodeDir = seam::test::remoteNodeDir();

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
    for (const auto& traces : extra) {
        const QString name = dir + QStringLiteral("/files/extra-%1.pb").arg(chunk++, 4, 10, QLatin1Char('0'));
        QFile f(name);
        if (!f.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write ") + name;
        f.write(QByteArray::fromStdString(traces.SerializeAsString()));
        m_files << name;
        appendExporterRows(traces, rows);
    }
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
    if (!banner.startsWith("listening ")) {
        const QByteArray said = banner + m_front.readAllStandardError();
        if (m_front.state() != QProcess::Running)
            return QStringLiteral("the ClickHouse front exited (code %1) before listening: %2")
                .arg(m_front.exitCode())
                .arg(said.isEmpty() ? QStringLiteral("(no output)") : QString::fromUtf8(said));
        return QStringLiteral("the ClickHouse front did not say it listens within 120 s: ") +
               QString::fromUtf8(said);
    }
    m_port = banner.mid(10).trimmed().toInt();
    return m_port > 0 ? QString() : QStringLiteral("no port in the front's banner");
}

} // namespace seam::test
