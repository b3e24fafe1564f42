// Diff tests for the importers, in the style of Perfetto's: each case in tests/data/diff/*.case
// imports its input files into a fresh cache (StoreWriter + ImportRunner::importFile, the path of
// `seam import`, link inference off so the rows are exact) and compares what the import reported and
// what SQL queries over the cache return with the expected text in the case file.
//
// A case file:
//
//     # What the case shows, in words (comment lines start with #).
//     input: har/checkout.har              paths relative to tests/data; "public/..." means the
//     input: har/checkout-backend.json     shared public fixtures (the case is skipped without them)
//     report:
//     har/checkout.har: har, imported 10, rejected 0, warnings 0
//       reject line 7: ...                 each reject sample, then "fatal ..." and "first warning ..."
//     query:
//     SELECT type, url FROM resources ORDER BY start_ns
//     expected:
//     document|https://shop.example.com/checkout?step=2
//     query:
//     ...                                  as many query / expected blocks as the case needs
//
// Rows are written as columns joined by "|", NULL as "-" (as the suites' rows() helpers do), and a
// backslash, newline or carriage return inside a value as \\, \n, \r. Trailing blank lines of a block
// are not rows.
//
// To write or refresh the expected text after an intended change, run the test with SEAM_DIFF_UPDATE=1
// (e.g. `SEAM_DIFF_UPDATE=1 build/dev/tests/tst_importdiff`): every case file is rewritten with what
// the import gives now, the test passes, and `git diff tests/data/diff` shows what changed.

#include "ImportReport.h"
#include "ImportRunner.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {

const QString kCases = (seam::test::dataDir() + QStringLiteral("/diff"));

struct Block
{
    QStringList query; // its lines
    QStringList expected;
};

struct Case
{
    QStringList header; // comments and inputs, kept as written
    QStringList inputs;
    QStringList report;
    QList<Block> blocks;
};

void dropTrailingBlanks(QStringList& lines)
{
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
        lines.removeLast();
}

bool parseCase(const QString& path, Case& c, QString& error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        error = QStringLiteral("cannot read ") + path;
        return false;
    }
    enum class In
    {
        Header,
        Report,
        Query,
        Expected
    } in = In::Header;
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
    for (const QString& line : lines) {
        if (line == QLatin1String("report:")) {
            in = In::Report;
        } else if (line.startsWith(QLatin1String("query:"))) {
            in = In::Query;
            c.blocks.append(Block());
            if (const QString rest = line.mid(6).trimmed(); !rest.isEmpty())
                c.blocks.last().query << rest;
        } else if (line == QLatin1String("expected:") && in == In::Query) {
            in = In::Expected;
        } else if (in == In::Header) {
            if (line.startsWith(QLatin1String("input:")))
                c.inputs << line.mid(6).trimmed();
            else if (!line.startsWith(QLatin1Char('#')) && !line.trimmed().isEmpty()) {
                error = QStringLiteral("unexpected line before report: ") + line;
                return false;
            }
            c.header << line;
        } else if (in == In::Report) {
            c.report << line;
        } else if (in == In::Query) {
            c.blocks.last().query << line;
        } else {
            c.blocks.last().expected << line;
        }
    }
    dropTrailingBlanks(c.header);
    dropTrailingBlanks(c.report);
    for (Block& b : c.blocks) {
        dropTrailingBlanks(b.query);
        dropTrailingBlanks(b.expected);
    }
    if (c.inputs.isEmpty() || c.blocks.isEmpty()) {
        error = QStringLiteral("a case needs at least one input: and one query:");
        return false;
    }
    return true;
}

QString writeCase(const Case& c)
{
    QStringList out = c.header;
    out << QStringLiteral("report:") << c.report;
    for (const Block& b : c.blocks)
        out << QStringLiteral("query:") << b.query << QStringLiteral("expected:") << b.expected;
    return out.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString escaped(std::string_view text)
{
    QString v = QString::fromUtf8(text.data(), qsizetype(text.size()));
    v.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    v.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    v.replace(QLatin1Char('\r'), QLatin1String("\\r"));
    return v;
}

QStringList reportLines(const QString& input, const ImportReport& r)
{
    QStringList out;
    out << QStringLiteral("%1: %2, imported %3, rejected %4, warnings %5%6")
               .arg(input, QString::fromStdString(r.format))
               .arg(r.accepted())
               .arg(r.rejected())
               .arg(r.warnings())
               .arg(r.cancelled ? QStringLiteral(", cancelled") : QString());
    for (const ImportReport::Reject& s : r.samples())
        out << QStringLiteral("  reject %1: %2%3")
                   .arg(escaped(s.location), escaped(s.message),
                        s.count > 1 ? QStringLiteral(" (x%1)").arg(s.count) : QString());
    if (r.hasFatal())
        out << QStringLiteral("  fatal %1: %2").arg(escaped(r.fatalLocation()), escaped(r.fatalMessage()));
    if (r.warnings())
        out << QStringLiteral("  first warning %1: %2")
                   .arg(escaped(r.firstWarningLocation()), escaped(r.firstWarningMessage()));
    return out;
}

QStringList queryRows(Database& db, const QString& sql)
{
    QStringList out;
    const std::string text = sql.toStdString();
    Statement st = db.prepare(text.c_str());
    while (st.step()) {
        QStringList cols;
        for (int c = 0; c < st.columnCount(); ++c)
            cols << (st.isNull(c) ? QStringLiteral("-") : escaped(st.text(c)));
        out << cols.join(QLatin1Char('|'));
    }
    return out;
}

/// On a difference, both texts in full: a diff reads easier than the first differing row alone.
bool same(const QString& what, const QStringList& actual, const QStringList& expected)
{
    if (actual == expected)
        return true;
    qWarning("%s differs.\nactual:\n%s\nexpected:\n%s\n(SEAM_DIFF_UPDATE=1 rewrites the case with the "
             "actual text)",
             qPrintable(what), qPrintable(actual.join(QLatin1Char('\n'))),
             qPrintable(expected.join(QLatin1Char('\n'))));
    return false;
}

} // namespace

class TestImportDiff : public QObject
{
    Q_OBJECT

private slots:
    void cases_data();
    void cases();
    void everyCaseFileIsUsed();
};

void TestImportDiff::cases_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = QDir(kCases).entryList({QStringLiteral("*.case")}, QDir::Files, QDir::Name);
    for (const QString& f : files)
        QTest::newRow(qPrintable(f.chopped(5))) << kCases + QLatin1Char('/') + f;
}

void TestImportDiff::cases()
{
    QFETCH(QString, file);
    Case c;
    QString error;
    QVERIFY2(parseCase(file, c, error), qPrintable(error));

    QStringList paths;
    for (const QString& input : c.inputs) {
        if (input.startsWith(QLatin1String("public/"))) {
            if (!QDir(seam::test::publicFixturesDir()).exists())
                QSKIP("the public fixtures are not present");
            paths << seam::test::publicFixturesDir() + input.mid(6);
        } else {
            paths << (seam::test::dataDir() + QStringLiteral("/")) + input;
        }
        QVERIFY2(QFile::exists(paths.last()), qPrintable(QStringLiteral("no input ") + paths.last()));
    }

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string cache = dir.filePath(QStringLiteral("diff.seam")).toStdString();
    QStringList report;
    {
        StoreWriter::Options options;
        options.inferLinks = false; // id-based links only: the rows are exact
        StoreWriter writer(cache, options);
        ImportRunner runner(writer);
        for (int i = 0; i < paths.size(); ++i)
            report << reportLines(c.inputs[i], runner.importFile(paths[i].toStdString()).report);
        writer.flush();
    }
    Database db = store::openForReading(cache);
    QList<QStringList> actual;
    for (const Block& b : c.blocks)
        actual << queryRows(db, b.query.join(QLatin1Char('\n')));

    if (qEnvironmentVariableIsSet("SEAM_DIFF_UPDATE")) {
        c.report = report;
        for (int i = 0; i < c.blocks.size(); ++i)
            c.blocks[i].expected = actual[i];
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text));
        out.write(writeCase(c).toUtf8());
        qInfo("rewrote %s", qPrintable(file));
        return;
    }
    bool ok = same(QStringLiteral("the import report"), report, c.report);
    for (int i = 0; i < c.blocks.size(); ++i)
        ok = same(QStringLiteral("query %1 (%2)").arg(i + 1).arg(c.blocks[i].query.join(QLatin1Char(' '))),
                  actual[i], c.blocks[i].expected) &&
             ok;
    QVERIFY2(ok, "see the differences above");
}

void TestImportDiff::everyCaseFileIsUsed()
{
    // A typo in the extension would silently drop a case: everything in the folder is a case or an input.
    const QStringList all = QDir(kCases).entryList(QDir::Files);
    for (const QString& f : all)
        QVERIFY2(f.endsWith(QLatin1String(".case")), qPrintable(f + QStringLiteral(" is not a .case file")));
    QVERIFY(!QDir(kCases).entryList({QStringLiteral("*.case")}, QDir::Files).isEmpty());
}

QTEST_GUILESS_MAIN(TestImportDiff)
#include "tst_importdiff.moc"
