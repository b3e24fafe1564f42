// `seam diff` through the real binary on a small demo investigation: cohorts (JSON and folded),
// two traces, and the errors (unknown trace, empty cohort, bad query, bad options) with exit code 2.

#include "DemoFixture.h"
#include "TestPaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
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

class TestDiffCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;
    const QString m_normal = QStringLiteral("route:/checkout duration<=2s");
    const QString m_slow = QStringLiteral("route:/checkout duration>2s");

    Run diff(const QStringList& rest) const
    {
        return runSeam(QStringList{QStringLiteral("diff"), QStringLiteral("--db"), m_db} + rest);
    }

    QString checkoutTrace(const char* order) const
    {
        const Run list =
            runSeam({QStringLiteral("pageloads"), QStringLiteral("--db"), m_db, QStringLiteral("--json"),
                     QStringLiteral("--route"), QStringLiteral("/checkout")});
        if (list.exitCode != 0)
            return {};
        QJsonArray loads = QJsonDocument::fromJson(list.out).array();
        QString best;
        double bestMs = qstrcmp(order, "slowest") == 0 ? -1 : 1e18;
        for (const QJsonValue& v : loads) {
            const QJsonObject l = v.toObject();
            const double ms = l[QStringLiteral("duration_ms")].toDouble();
            if (l[QStringLiteral("trace_id")].isNull())
                continue;
            if (qstrcmp(order, "slowest") == 0 ? ms > bestMs : ms < bestMs) {
                bestMs = ms;
                best = l[QStringLiteral("trace_id")].toString();
            }
        }
        return best;
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
    }

    void cohortsJson()
    {
        const Run run = diff({QStringLiteral("--cohorts"), m_normal, m_slow, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(o[QStringLiteral("weight")].toString(), QStringLiteral("critical"));
        const QJsonObject a = o[QStringLiteral("a")].toObject();
        QCOMPARE(a[QStringLiteral("kind")].toString(), QStringLiteral("cohort"));
        QCOMPARE(a[QStringLiteral("label")].toString(), m_normal);
        QVERIFY(a[QStringLiteral("page_loads")].toInt() >
                o[QStringLiteral("b")][QStringLiteral("page_loads")].toInt());
        const QJsonArray nodes = o[QStringLiteral("nodes")].toArray();
        QVERIFY(nodes.size() > 5);
        const QJsonObject top = nodes.first().toObject();
        QCOMPARE(top[QStringLiteral("service")].toString(), QStringLiteral("payments"));
        QCOMPARE(top[QStringLiteral("operation")].toString(), QStringLiteral("SELECT payment_accounts"));
        QCOMPARE(top[QStringLiteral("path")].toArray().first().toString(), QStringLiteral("browser"));
        QCOMPARE(top[QStringLiteral("path")].toArray().last().toString(),
                 QStringLiteral("payments SELECT payment_accounts"));
        QVERIFY(top[QStringLiteral("delta_ms")].toDouble() > 1000);
        QVERIFY(top[QStringLiteral("significant")].toBool());
        QVERIFY(top[QStringLiteral("q_value")].toDouble() < 0.001);
        const QJsonArray ci = top[QStringLiteral("delta_ci95")].toArray();
        QCOMPARE(ci.size(), 2);
        QVERIFY(ci[0].toDouble() > 1000 && ci[0].toDouble() < top[QStringLiteral("delta_ms")].toDouble());
        QVERIFY(ci[1].toDouble() > top[QStringLiteral("delta_ms")].toDouble());
        // Sorted by |delta|, and every field of the contract present.
        double last = 1e18;
        for (const QJsonValue& v : nodes) {
            const QJsonObject n = v.toObject();
            for (const char* key : {"path", "service", "operation", "a_ms", "b_ms", "delta_ms", "relative",
                                    "p_value", "q_value", "significant"})
                QVERIFY2(n.contains(QLatin1String(key)), key);
            const double d = std::abs(n[QStringLiteral("delta_ms")].toDouble());
            QVERIFY(d <= last);
            last = d;
            QCOMPARE(n[QStringLiteral("delta_ms")].toDouble(),
                     n[QStringLiteral("b_ms")].toDouble() - n[QStringLiteral("a_ms")].toDouble());
        }
    }

    void cohortsFolded()
    {
        const Run run = diff({QStringLiteral("--cohorts"), m_normal, m_slow, QStringLiteral("--folded"),
                              QStringLiteral("--weight"), QStringLiteral("self")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QVERIFY(lines.size() > 5);
        static const QRegularExpression line(QStringLiteral("^(\\S[^;]*(;[^;]+)*) (\\d+) (\\d+)$"));
        QByteArray previous;
        bool lock = false;
        for (const QByteArray& l : lines) {
            const auto m = line.match(QString::fromUtf8(l));
            QVERIFY2(m.hasMatch(), l.constData());
            QVERIFY2(previous < l, l.constData()); // sorted by stack, one line each
            previous = l;
            QVERIFY(m.captured(3).toLongLong() + m.captured(4).toLongLong() > 0);
            if (m.captured(1).endsWith(QStringLiteral(";payments SELECT payment_accounts")))
                lock = lock || m.captured(4).toLongLong() > 10 * m.captured(3).toLongLong();
        }
        QVERIFY(lock);
    }

    void twoTraces()
    {
        const QString slow = checkoutTrace("slowest"), fast = checkoutTrace("fastest");
        QVERIFY(!slow.isEmpty() && !fast.isEmpty() && slow != fast);
        const Run run = diff({QStringLiteral("--traces"), fast, slow, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(o[QStringLiteral("a")][QStringLiteral("kind")].toString(), QStringLiteral("trace"));
        QCOMPARE(o[QStringLiteral("b")][QStringLiteral("traces")].toArray().first().toString(), slow);
        const QJsonArray nodes = o[QStringLiteral("nodes")].toArray();
        QVERIFY(!nodes.isEmpty());
        QVERIFY(nodes.first()[QStringLiteral("p_value")].isNull()); // one trace each: no test
        QVERIFY(nodes.first()[QStringLiteral("delta_ms")].toDouble() > 0);
        const Run folded = diff({QStringLiteral("--traces"), fast, slow, QStringLiteral("--folded")});
        QCOMPARE(folded.exitCode, 0);
        QVERIFY(!folded.out.isEmpty());
    }

    void errorsExitTwo()
    {
        Run run = diff({QStringLiteral("--traces"), QStringLiteral("0123456789abcdef0123456789abcdef"),
                        QStringLiteral("00000000000000000000000000000001"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("no trace 0123456789abcdef0123456789abcdef"), run.err.constData());
        QVERIFY(run.out.isEmpty());
        run = diff({QStringLiteral("--cohorts"), m_normal, QStringLiteral("route:/nowhere"),
                    QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("no page load matches B 'route:/nowhere'"), run.err.constData());
        run = diff(
            {QStringLiteral("--cohorts"), QStringLiteral("duration>fast"), m_slow, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("query A"), run.err.constData());
        run = diff({QStringLiteral("--cohorts"), m_normal, m_slow});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("--json or --folded"));
        run = diff({QStringLiteral("--cohorts"), m_normal, m_slow, QStringLiteral("--json"),
                    QStringLiteral("--weight"), QStringLiteral("total")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("--weight"));
        run = diff({QStringLiteral("--traces"), m_normal, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestDiffCommand)
#include "tst_diffcommand.moc"
