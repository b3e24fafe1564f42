// The incident report's building blocks in-process: CSV quoting (RFC 4180), markup escaping and
// locale-free numbers, SVG from a scene, text fitting on UTF-8 boundaries, and the report of an
// investigation with nothing in it.

#include "ChartScene.h"
#include "Csv.h"
#include "IncidentReport.h"
#include "IncidentReportData.h"
#include "MarkupText.h"
#include "Store.h"
#include "SvgScene.h"

#include <QTemporaryDir>
#include <QTest>
#include <clocale>

using namespace seam;
using namespace seam::report;

class TestIncidentReport : public QObject
{
    Q_OBJECT

private slots:
    void csvQuotesOnlyWhatMustBe()
    {
        QCOMPARE(csvField("plain"), std::string("plain"));
        QCOMPARE(csvField(""), std::string(""));
        QCOMPARE(csvField("a,b"), std::string("\"a,b\""));
        QCOMPARE(csvField("say \"hi\""), std::string("\"say \"\"hi\"\"\""));
        QCOMPARE(csvField("two\nlines"), std::string("\"two\nlines\""));
        QCOMPARE(csvField("cr\r"), std::string("\"cr\r\""));
        QCOMPARE(csvField(" spaced "), std::string(" spaced ")); // spaces are data, not quoted
        QCOMPARE(csvRecord({"1", "a,b", "\""}), std::string("1,\"a,b\",\"\"\"\"\r\n"));
    }

    void markupIsEscapedAndNumbersIgnoreTheLocale()
    {
        QCOMPARE(escapeMarkup("<a href=\"x\">&'</a>"),
                 std::string("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"));
        QCOMPARE(escapeMarkup(std::string("nul\0byte", 8)), std::string("nul byte")); // XML has no NUL
        // A German locale would make printf write "1,5": the SVG must not change with it.
        const char* german = std::setlocale(LC_NUMERIC, "de_DE.UTF-8");
        QCOMPARE(number(1.5), std::string("1.5"));
        QCOMPARE(number(12.0), std::string("12"));
        QCOMPARE(number(-0.04), std::string("0"));
        QCOMPARE(number(2.25, 2), std::string("2.25"));
        std::setlocale(LC_NUMERIC, "C");
        if (!german)
            qInfo("de_DE.UTF-8 is not installed: checked in the C locale only");
    }

    void svgCarriesInksTooltipsAndLabels()
    {
        Scene s;
        s.width = 100;
        s.height = 20;
        s.label = "chart <1>";
        s.rect(0, 0, 10.25, 5, Ink::Error, "tip & more");
        s.rect(1, 1, 2, 2, Ink::Hue, {}, 120);
        s.text(50, 10, "a < b", Ink::Muted, 9, SceneShape::Anchor::Middle);
        s.line(0, 0, 100, 0, Ink::Grid, 0.5, true);
        const std::string svg = sceneToSvg(s);
        QVERIFY(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 20\""));
        QVERIFY(svg.find("aria-label=\"chart &lt;1&gt;\"") != std::string::npos);
        // 10.25 is exact in binary: to_chars rounds it half to even.
        QVERIFY(
            svg.find("<rect x=\"0\" y=\"0\" width=\"10.2\" height=\"5\" class=\"f-error\"><title>tip &amp; "
                     "more</title></rect>") != std::string::npos);
        QVERIFY(svg.find("fill=\"hsl(120,55%,55%)\"") != std::string::npos);
        QVERIFY(svg.find(">a &lt; b</text>") != std::string::npos);
        QVERIFY(svg.find("text-anchor=\"middle\"") != std::string::npos);
        QVERIFY(svg.find("stroke-dasharray") != std::string::npos);
        QCOMPARE(sceneToSvg(s), svg);
    }

    void fitTextCutsOnCharacters()
    {
        QCOMPARE(fitText("short", 100, 10), std::string("short"));
        const std::string cut = fitText("äöüäöüäöüäöü", 31, 10); // room for 5 characters at 6.2 each
        QCOMPARE(cut, std::string("äöüä…"));
        QCOMPARE(fitText("anything", 5, 10), std::string()); // not even two characters: nothing
        QCOMPARE(hueOf("payments"), hueOf("payments"));
        QVERIFY(hueOf("payments") >= 0 && hueOf("payments") < 360);
    }

    void emptyInvestigationSaysSo()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("empty.seam")).toStdString();
        {
            Database create = store::openForWriting(path);
        }
        Database db = store::openForReading(path);
        ReportOptions options;
        options.title = "Nothing <here>";
        const IncidentReportData data = gatherIncidentReport(db, options);
        QVERIFY(data.incidents.empty());
        QVERIFY(data.notes.empty());
        const std::string html = incidentReportHtml(data).html;
        QVERIFY(html.find("<title>Nothing &lt;here&gt;</title>") != std::string::npos);
        QVERIFY(html.find("No incident window was found in this range.") != std::string::npos);
        QVERIFY(html.find("No notes or bookmarks in this range.") != std::string::npos);
        HtmlOptions rich;
        rich.flavor = HtmlOptions::Flavor::RichText;
        const HtmlReport r = incidentReportHtml(data, rich);
        QCOMPARE(r.charts.size(), std::size_t(1)); // the (empty) timeline
        QVERIFY(r.html.find("<img src=\"chart:0\"") != std::string::npos);
        QVERIFY(r.html.find("<svg") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestIncidentReport)
#include "tst_incidentreport.moc"
