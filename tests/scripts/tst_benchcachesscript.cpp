// scripts/build-bench-caches.sh (issue 15): one POSIX sh script for every large cache the benchmarks
// read. Run with dash (no bash-isms) and -n: it names exactly the caches missing from its folder, reuses
// the ones there, takes the old positional form, and prints bench commands that read its caches.

#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestBenchCachesScript : public QObject
{
    Q_OBJECT

    struct Result
    {
        int exitCode = -1;
        QString out;
    };

    static Result run(const QStringList& args)
    {
        const QString root = QDir((seam::test::dataDir() + QStringLiteral("/../.."))).canonicalPath();
        const QString shell = QStandardPaths::findExecutable(QStringLiteral("dash")).isEmpty()
                                  ? QStringLiteral("sh")
                                  : QStringLiteral("dash");
        QProcess p;
        p.setWorkingDirectory(root);
        p.start(shell, QStringList{QStringLiteral("scripts/build-bench-caches.sh")} + args);
        if (!p.waitForFinished(30000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
    }

    static void touch(const QString& path)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }

private slots:
    void namesOnlyTheMissingCaches()
    {
        QTemporaryDir dir;
        touch(dir.filePath(QStringLiteral("why-2000.seam")));
        touch(dir.filePath(QStringLiteral("pageloads-10000.seam")));
        const Result r =
            run({QStringLiteral("-n"), QStringLiteral("-d"), dir.path(), QStringLiteral("-s"),
                 QStringLiteral("2000,50000"), QStringLiteral("-p"), QStringLiteral("10000,1000000")});
        QCOMPARE(r.exitCode, 0);
        const QString toBuild =
            r.out.section(QStringLiteral("to build:"), 1).section(QStringLiteral("measure"), 0, 0);
        QVERIFY2(toBuild.contains(QStringLiteral("why-50000.seam")), qPrintable(r.out));
        QVERIFY2(toBuild.contains(QStringLiteral("pageloads-1000000.seam")), qPrintable(r.out));
        QVERIFY2(!toBuild.contains(QStringLiteral("why-2000.seam")), qPrintable(r.out));
        QVERIFY2(!toBuild.contains(QStringLiteral("pageloads-10000.seam")), qPrintable(r.out));
        // The benches are pointed at these caches, not at caches of their own.
        for (const QString& command :
             {QStringLiteral("bench_why --keep %1 --sessions 2000,50000"),
              QStringLiteral("bench_impact --small %1/why-2000.seam --large %1/why-50000.seam"),
              QStringLiteral("bench_clicktoviews --keep %1 --sizes 10000 --cache %1/why-50000.seam"),
              QStringLiteral("bench_anomalies --cache %1/why-50000.seam"),
              QStringLiteral("bench_pageloadtable --keep %1 --reuse --sizes 10000,1000000")})
            QVERIFY2(r.out.contains(command.arg(dir.path())), qPrintable(command));
        QVERIFY(QDir(dir.path()).entryList(QDir::Files).size() == 2); // -n builds nothing
    }

    void everythingPresentBuildsNothing()
    {
        QTemporaryDir dir;
        for (const char* name : {"why-300.seam", "pageloads-500.seam"})
            touch(dir.filePath(QLatin1String(name)));
        // Without -n: nothing is missing, so no bench program runs (none need be built).
        const Result r = run({QStringLiteral("-d"), dir.path(), QStringLiteral("-s"), QStringLiteral("300"),
                              QStringLiteral("-p"), QStringLiteral("500")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("all present")), qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("building")), qPrintable(r.out));
    }

    void theOldPositionalFormStillWorks()
    {
        QTemporaryDir dir;
        const Result r = run(
            {dir.path(), QStringLiteral("100,200"), QStringLiteral("-n"), QStringLiteral("-p"), QString()});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(dir.filePath(QStringLiteral("why-100.seam"))), qPrintable(r.out));
        QVERIFY2(r.out.contains(dir.filePath(QStringLiteral("why-200.seam"))), qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("pageloads-")), qPrintable(r.out));
    }

    void aBadOptionIsAUsageError()
    {
        const Result r = run({QStringLiteral("-x")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.contains(QStringLiteral("usage:")));
    }
};

QTEST_MAIN(TestBenchCachesScript)
#include "tst_benchcachesscript.moc"
