// scripts/run-fuzz.sh's seed folders (issue 18): its seed_from helper, taken from the script and run
// by bash, must give every format its own samples, stop on a folder that does not exist, and let only
// the public samples of ../shared be absent. The fuzzers themselves are not built here.

#include "TestPaths.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestRunFuzzScript : public QObject
{
    Q_OBJECT
private:
    struct Result
    {
        int exitCode = -1;
        QString errors;
    };

    /// Runs `calls` after the script's seed_from definition, from the checkout root, with seeds going to
    /// `work` and the public samples expected in `publicDir`.
    static Result run(const QString& work, const QString& publicDir, const QString& calls)
    {
        const QString root = QDir((seam::test::dataDir() + QStringLiteral("/../.."))).canonicalPath();
        const QString script =
            QStringLiteral("set -euo pipefail\n"
                           "work=\"$1\"; public=\"$2\"\n"
                           "eval \"$(sed -n '/^seed_from() {/,/^}/p' scripts/run-fuzz.sh)\"\n"
                           "declare -F seed_from >/dev/null\n") +
            calls;
        QProcess bash;
        bash.setWorkingDirectory(root);
        bash.start(QStringLiteral("bash"),
                   {QStringLiteral("-c"), script, QStringLiteral("bash"), work, publicDir});
        if (!bash.waitForFinished(30000))
            return {};
        return {bash.exitStatus() == QProcess::NormalExit ? bash.exitCode() : -1,
                QString::fromUtf8(bash.readAllStandardError())};
    }

    static int filesIn(const QString& dir) { return int(QDir(dir).entryList(QDir::Files).size()); }

private slots:
    void everyFormatGetsItsOwnSamples()
    {
        // Outside the dev machine (no ../shared): the script's own seed_from lines, as they are.
        QTemporaryDir work;
        QVERIFY(QDir().mkpath(work.filePath(QStringLiteral("seeds/auto"))));
        const Result r = run(work.path(), work.filePath(QStringLiteral("no-shared/fixtures/public")),
                             QStringLiteral("eval \"$(grep '^seed_from ' scripts/run-fuzz.sh)\"\n"));
        QCOMPARE(r.exitCode, 0);
        for (const char* format : {"har", "datadog-rum", "faro", "jaeger-json", "zipkin-json"})
            QVERIFY2(filesIn(work.filePath(QStringLiteral("seeds/") + QLatin1String(format))) > 0, format);
    }

    void missingSeedFolderStops()
    {
        QTemporaryDir work;
        const Result r = run(work.path(), work.filePath(QStringLiteral("no-shared/fixtures/public")),
                             QStringLiteral("seed_from har tests/data/har tests/data/no-such-folder\n"));
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.errors.contains(QStringLiteral("tests/data/no-such-folder")), qPrintable(r.errors));
        // A typo under ../shared is a mistake too when ../shared is there.
        QVERIFY(QDir().mkpath(work.filePath(QStringLiteral("shared/fixtures/public"))));
        const Result typo = run(work.path(), work.filePath(QStringLiteral("shared/fixtures/public")),
                                QStringLiteral("seed_from har \"$public/hra\"\n"));
        QVERIFY(typo.exitCode != 0);
    }

    void publicSamplesAreOptional()
    {
        QTemporaryDir work;
        const Result r = run(work.path(), work.filePath(QStringLiteral("no-shared/fixtures/public")),
                             QStringLiteral("seed_from har \"$public/har\" tests/data/har\n"));
        QCOMPARE(r.exitCode, 0);
        QVERIFY(filesIn(work.filePath(QStringLiteral("seeds/har"))) > 0);
    }
};

QTEST_GUILESS_MAIN(TestRunFuzzScript)
#include "tst_runfuzzscript.moc"
