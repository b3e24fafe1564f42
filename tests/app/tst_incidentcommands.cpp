// `seam anomalies` (and `seam impact`) through the real binary: exit codes and the JSON contract
// (README "JSON output"), on a small demo investigation.

#include "DemoFixture.h"
#include "TestPaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestIncidentCommands : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;
    QJsonObject m_truth;

    struct Result
    {
        int exitCode = -1;
        QByteArray out, err;
        QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    };

    static Result seam(const QStringList& args)
    {
        QProcess p;
        p.start(seam::test::seamBinary(), args);
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

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
        m_demo = m_dir.filePath(QStringLiteral("demo.seam"));
        if (!copyDemoFixture(QStringLiteral("800-seed9"), m_demo)) {
            const Result r =
                seam({QStringLiteral("demo"), QStringLiteral("--db"), m_demo, QStringLiteral("--sessions"),
                      QStringLiteral("800"), QStringLiteral("--seed"), QStringLiteral("9")});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        QFile truth(m_demo + QStringLiteral(".truth.json"));
        QVERIFY(truth.open(QIODevice::ReadOnly));
        m_truth = QJsonDocument::fromJson(truth.readAll()).object();
    }

    void anomaliesJsonShape()
    {
        const Result r =
            seam({QStringLiteral("anomalies"), QStringLiteral("--db"), m_demo, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray windows = r.json().array();
        QVERIFY(!windows.isEmpty());
        for (const auto& v : windows) {
            const QJsonObject w = v.toObject();
            for (const char* key : {"service", "version", "metrics", "start", "start_ns", "end", "end_ns",
                                    "peak", "baseline", "score", "origin_rank", "incident", "details"})
                QVERIFY2(w.contains(QLatin1String(key)), key);
            QVERIFY(w[QStringLiteral("end_ns")].toDouble() > w[QStringLiteral("start_ns")].toDouble());
            QVERIFY(w[QStringLiteral("origin_rank")].toInt() >= 1);
            for (const auto& m : w[QStringLiteral("metrics")].toArray())
                QVERIFY(QStringList({QStringLiteral("error_rate"), QStringLiteral("latency_p95"),
                                     QStringLiteral("latency_p50"), QStringLiteral("requests")})
                            .contains(m.toString()));
        }
        // The lock's origin: payments, the window of the truth (times are exact in JSON: integers).
        const QJsonObject lock = incident("payments-db-lock");
        bool found = false;
        for (const auto& v : windows) {
            const QJsonObject w = v.toObject();
            if (w[QStringLiteral("service")].toString() != QLatin1String("payments"))
                continue;
            found = true;
            QCOMPARE(w[QStringLiteral("origin_rank")].toInt(), 1);
            QVERIFY(std::llabs(w[QStringLiteral("start_ns")].toVariant().toLongLong() -
                               lock[QStringLiteral("start_ns")].toVariant().toLongLong()) <=
                    10'000'000'000LL);
            QCOMPARE(w[QStringLiteral("unit")].toString(), QStringLiteral("ms"));
            QVERIFY(w[QStringLiteral("peak")].toDouble() > 5 * w[QStringLiteral("baseline")].toDouble());
        }
        QVERIFY(found);
        // --service filters; --from/--to outside the data give an empty array.
        const Result one =
            seam({QStringLiteral("anomalies"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("--service"), QStringLiteral("catalog")});
        QCOMPARE(one.exitCode, 0);
        for (const auto& v : one.json().array())
            QCOMPARE(v.toObject()[QStringLiteral("service")].toString(), QStringLiteral("catalog"));
        QVERIFY(!one.json().array().isEmpty());
        const Result none =
            seam({QStringLiteral("anomalies"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("--from"), QStringLiteral("2030-01-01T00:00:00Z")});
        QCOMPARE(none.exitCode, 0);
        QVERIFY(none.json().isArray() && none.json().array().isEmpty());
    }

    void impactJsonShape()
    {
        const QJsonObject lock = incident("payments-db-lock");
        const Result r =
            seam({QStringLiteral("impact"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("--service"), QStringLiteral("payments"), QStringLiteral("--from"),
                  lock[QStringLiteral("start_ns")].toVariant().toString(), QStringLiteral("--to"),
                  lock[QStringLiteral("end_ns")].toVariant().toString(), QStringLiteral("--conversion"),
                  QStringLiteral("route:/checkout/confirmation"), QStringLiteral("--revenue-attribute"),
                  QStringLiteral("order.value")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = r.json().object();
        for (const char* key : {"window", "page_loads", "sessions", "users", "failed_actions", "conversions",
                                "revenue", "notes"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        const QJsonObject pl = o[QStringLiteral("page_loads")].toObject();
        QVERIFY(pl[QStringLiteral("affected")].toInt() > 0);
        QVERIFY(pl[QStringLiteral("affected")].toInt() <= pl[QStringLiteral("reached")].toInt());
        QVERIFY(pl[QStringLiteral("reached")].toInt() <= pl[QStringLiteral("total")].toInt());
        const QJsonObject c = o[QStringLiteral("conversions")].toObject();
        for (const char* key :
             {"definition", "affected_sessions", "affected_rate", "unaffected_rate", "lost", "ci95"})
            QVERIFY2(c.contains(QLatin1String(key)), key);
        QCOMPARE(c[QStringLiteral("ci95")].toArray().size(), 2);
        QCOMPARE(o[QStringLiteral("revenue")].toObject()[QStringLiteral("attribute")].toString(),
                 QStringLiteral("order.value"));
        // Without --from/--to: the service's anomaly window; without a conversion: said in notes.
        const Result auto_ =
            seam({QStringLiteral("impact"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("--service"), QStringLiteral("payments")});
        QCOMPARE(auto_.exitCode, 0);
        const QJsonObject a = auto_.json().object();
        QVERIFY(!a.contains(QStringLiteral("conversions")));
        QVERIFY(!a[QStringLiteral("notes")].toArray().isEmpty());
        QVERIFY(
            std::llabs(
                a[QStringLiteral("window")].toObject()[QStringLiteral("start_ns")].toVariant().toLongLong() -
                lock[QStringLiteral("start_ns")].toVariant().toLongLong()) <= 10'000'000'000LL);
        // Usage errors.
        QCOMPARE(seam({QStringLiteral("impact"), QStringLiteral("--db"), m_demo}).exitCode, 2);
        QCOMPARE(seam({QStringLiteral("impact"), QStringLiteral("--db"), m_demo, QStringLiteral("--service"),
                       QStringLiteral("nope")})
                     .exitCode,
                 2);
        QCOMPARE(
            seam({QStringLiteral("impact"), QStringLiteral("--db"), m_demo, QStringLiteral("--service"),
                  QStringLiteral("payments"), QStringLiteral("--conversion"), QStringLiteral("checkout")})
                .exitCode,
            2);
    }

    void anomaliesUsageErrors()
    {
        QCOMPARE(seam({QStringLiteral("anomalies"), QStringLiteral("--json")}).exitCode, 2);
        QCOMPARE(seam({QStringLiteral("anomalies"), QStringLiteral("--db"), m_demo, QStringLiteral("--from"),
                       QStringLiteral("yesterday")})
                     .exitCode,
                 2);
        QCOMPARE(seam({QStringLiteral("anomalies"), QStringLiteral("--help")}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestIncidentCommands)
#include "tst_incidentcommands.moc"
