// `seam critical-path` and `seam why` through the real binary, on a small demo investigation whose
// ground truth (CACHE.truth.json) says what the answers must be.

#include "DemoFixture.h"
#include "TestPaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out, err;
};

Run runSeam(const QStringList& args)
{
    QProcess p;
    p.start(::seam::test::seamBinary(), args);
    p.waitForFinished(180'000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace

class TestWhyCommands : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;
    QJsonObject m_truth;

    QJsonObject incident(const char* id) const
    {
        for (const auto& v : m_truth[QStringLiteral("incidents")].toArray())
            if (v.toObject()[QStringLiteral("id")].toString() == QLatin1String(id))
                return v.toObject();
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("demo.seam"));
        if (!copyDemoFixture(QStringLiteral("600"), m_db)) {
            const Run demo = runSeam({QStringLiteral("demo"), QStringLiteral("--db"), m_db,
                                      QStringLiteral("--sessions"), QStringLiteral("600")});
            QCOMPARE(demo.exitCode, 0);
        }
        QFile truth(m_db + QStringLiteral(".truth.json"));
        QVERIFY(truth.open(QIODevice::ReadOnly));
        m_truth = QJsonDocument::fromJson(truth.readAll()).object();
        QVERIFY(!incident("payments-db-lock").isEmpty());
    }

    void criticalPathOfTheSlowestCheckoutIsTheLockedQuery()
    {
        const Run list = runSeam({QStringLiteral("pageloads"), QStringLiteral("--db"), m_db,
                                  QStringLiteral("--json"), QStringLiteral("--slowest"), QStringLiteral("1"),
                                  QStringLiteral("--route"), QStringLiteral("/checkout")});
        QCOMPARE(list.exitCode, 0);
        const QJsonObject load = QJsonDocument::fromJson(list.out).array().at(0).toObject();
        const QString id = QString::number(qint64(load[QStringLiteral("id")].toDouble()));
        const Run run = runSeam(
            {QStringLiteral("critical-path"), QStringLiteral("--db"), m_db, id, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject path = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(path[QStringLiteral("page_load")].toInteger(), id.toLongLong());
        const double duration = path[QStringLiteral("duration_ms")].toDouble();
        QCOMPARE(duration, load[QStringLiteral("duration_ms")].toDouble());

        // The segments tile the load: contiguous in ns, their ms and the sides add up to the duration.
        const QJsonArray segments = path[QStringLiteral("segments")].toArray();
        QVERIFY(!segments.isEmpty());
        qint64 t = segments.first().toObject()[QStringLiteral("start_ns")].toInteger();
        QCOMPARE(t, load[QStringLiteral("start_ns")].toInteger());
        double sum = 0;
        QJsonObject longest;
        for (const QJsonValue& v : segments) {
            const QJsonObject s = v.toObject();
            QCOMPARE(s[QStringLiteral("start_ns")].toInteger(), t);
            t = s[QStringLiteral("end_ns")].toInteger();
            sum += s[QStringLiteral("ms")].toDouble();
            if (s[QStringLiteral("ms")].toDouble() > longest[QStringLiteral("ms")].toDouble())
                longest = s;
        }
        QVERIFY(qAbs(sum - duration) < 1e-3);
        const QJsonObject sides = path[QStringLiteral("by_side")].toObject();
        QVERIFY(qAbs(sides[QStringLiteral("frontend")].toDouble() +
                     sides[QStringLiteral("network")].toDouble() +
                     sides[QStringLiteral("backend")].toDouble() - duration) < 1e-3);

        // The ground truth: the lock makes payments' query the longest thing the load waited for.
        const QJsonObject lock = incident("payments-db-lock");
        QCOMPARE(longest[QStringLiteral("side")].toString(), QStringLiteral("backend"));
        QCOMPARE(longest[QStringLiteral("service")].toString(), lock[QStringLiteral("service")].toString());
        QCOMPARE(longest[QStringLiteral("operation")].toString(),
                 lock[QStringLiteral("operation")].toString());
        QVERIFY(sides[QStringLiteral("backend")].toDouble() > duration / 2);
    }

    void whyJsonShapeAndTheLockedQuery()
    {
        const Run run =
            runSeam({QStringLiteral("why"), QStringLiteral("--db"), m_db, QStringLiteral("--json"),
                     QStringLiteral("--filter"), QStringLiteral("route:/checkout")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject why = QJsonDocument::fromJson(run.out).object();
        for (const char* group : {"selection", "baseline"}) {
            const QJsonObject g = why[QLatin1String(group)].toObject();
            for (const char* key : {"page_loads", "p50_ms", "p75_ms"})
                QVERIFY2(g[QLatin1String(key)].isDouble(), key);
        }
        const QJsonObject verdict = why[QStringLiteral("verdict")].toObject();
        QCOMPARE(verdict[QStringLiteral("side")].toString(), QStringLiteral("backend"));
        for (const char* key : {"backend_ms_delta", "frontend_ms_delta", "network_ms_delta"})
            QVERIFY2(verdict[QLatin1String(key)].isDouble(), key);
        QVERIFY(!verdict[QStringLiteral("text")].toString().isEmpty());
        const QJsonArray causes = why[QStringLiteral("causes")].toArray();
        QVERIFY(!causes.isEmpty());
        int rank = 0;
        for (const QJsonValue& v : causes) {
            const QJsonObject c = v.toObject();
            QCOMPARE(c[QStringLiteral("rank")].toInt(), ++rank);
            QVERIFY(QStringList(
                        {QStringLiteral("attribute"), QStringLiteral("operation"), QStringLiteral("phase")})
                        .contains(c[QStringLiteral("kind")].toString()));
            for (const char* key : {"selection_share", "baseline_share", "delta_ms", "p_value", "q_value"})
                QVERIFY2(c[QLatin1String(key)].isDouble(), key);
            QVERIFY(c[QStringLiteral("q_value")].toDouble() <= 0.05);
            QVERIFY(c[QStringLiteral("consequences")].isArray());
            QVERIFY(c.contains(QStringLiteral("service")) && c.contains(QStringLiteral("operation")));
        }
        const QJsonObject top = causes.first().toObject();
        const QJsonObject lock = incident("payments-db-lock");
        QCOMPARE(top[QStringLiteral("service")].toString(), lock[QStringLiteral("service")].toString());
        QCOMPARE(top[QStringLiteral("operation")].toString(), lock[QStringLiteral("operation")].toString());
    }

    void whyUsage()
    {
        QCOMPARE(runSeam({QStringLiteral("why"), QStringLiteral("--db"), m_db, QStringLiteral("--errors"),
                          QStringLiteral("--slower-than-quantile"), QStringLiteral("0.9")})
                     .exitCode,
                 2);
        QCOMPARE(runSeam({QStringLiteral("why"), QStringLiteral("--db"), m_db,
                          QStringLiteral("--slower-than-quantile"), QStringLiteral("1.5")})
                     .exitCode,
                 2);
        const Run bad = runSeam({QStringLiteral("why"), QStringLiteral("--db"), m_db,
                                 QStringLiteral("--filter"), QStringLiteral("duration>fast")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("--filter"));
    }

    void criticalPathUsage()
    {
        QCOMPARE(runSeam({QStringLiteral("critical-path"), QStringLiteral("--db"), m_db,
                          QStringLiteral("999999999"), QStringLiteral("--json")})
                     .exitCode,
                 2);
        QCOMPARE(runSeam({QStringLiteral("critical-path"), QStringLiteral("--db"), m_db, QStringLiteral("x")})
                     .exitCode,
                 2);
    }
};

QTEST_GUILESS_MAIN(TestWhyCommands)
#include "tst_whycommands.moc"
