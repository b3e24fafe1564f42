#include "ReportPdf.h"

#include "IncidentReport.h"
#include "PdfStamp.h"
#include "ScenePainter.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QHashFunctions>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QTextObjectInterface>

namespace seam::report {
namespace {

/// Draws the chart scenes where the HTML has <img src="chart:N">: registered as the document's image
/// handler, so the charts stay where the HTML put them without editing the laid-out document.
class ChartObject : public QObject, public QTextObjectInterface
{
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)

public:
    explicit ChartObject(const std::vector<Scene>& charts) : m_charts(charts) {}

    QSizeF intrinsicSize(QTextDocument* doc, int, const QTextFormat& format) override
    {
        const Scene* s = scene(format);
        if (!s || s->width <= 0)
            return {};
        const double width = doc->pageSize().width() - 2 * doc->documentMargin();
        return {width, width * s->height / s->width};
    }

    void drawObject(QPainter* painter, const QRectF& rect, QTextDocument*, int,
                    const QTextFormat& format) override
    {
        if (const Scene* s = scene(format))
            paintScene(*painter, *s, rect);
    }

private:
    const Scene* scene(const QTextFormat& format) const
    {
        const QString name = format.toImageFormat().name();
        if (!name.startsWith(QLatin1String("chart:")))
            return nullptr;
        const int i = name.mid(6).toInt();
        return i >= 0 && std::size_t(i) < m_charts.size() ? &m_charts[std::size_t(i)] : nullptr;
    }

    const std::vector<Scene>& m_charts;
};

} // namespace

PdfResult writeReportPdf(const IncidentReportData& data, const QString& path, const std::string& generatedAt,
                         const std::optional<QDateTime>& created)
{
    // Qt's PDF engine keeps the embedded fonts in a QHash and writes them in its order, which follows the
    // process's random hash seed: a fixed seed while the PDF is made gives the same object order each
    // run (the seed only spreads hash-flooding attacks; a report is made from the user's own file).
    struct DeterministicHashes
    {
        DeterministicHashes() { QHashSeed::setDeterministicGlobalSeed(); }
        ~DeterministicHashes() { QHashSeed::resetRandomGlobalSeed(); }
    } deterministic;
    HtmlOptions options;
    options.flavor = HtmlOptions::Flavor::RichText;
    options.generatedAt = generatedAt;
    // Narrower charts scale less onto the A4 text width (about 180 mm): their labels stay about 6 pt.
    options.chartWidth = 760;
    const HtmlReport report = incidentReportHtml(data, options);

    // Into memory first: the stamps Qt writes are made stable before the file exists.
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(15, 15, 15, 18), QPageLayout::Millimeter);
    writer.setResolution(300);
    writer.setTitle(QString::fromStdString(data.title));
    writer.setCreator(QStringLiteral("Seam " SEAM_VERSION));
    writer.setDocumentXmpMetadata(
        reportXmpMetadata(QString::fromStdString(data.title), QStringLiteral("Seam " SEAM_VERSION), created));

    QPainter painter;
    if (!painter.begin(&writer))
        return {false, 0, QStringLiteral("cannot write %1").arg(path)};

    QTextDocument doc;
    doc.documentLayout()->setPaintDevice(&writer);
    ChartObject charts(report.charts);
    doc.documentLayout()->registerHandler(QTextFormat::ImageObject, &charts);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(9);
    doc.setDefaultFont(font);
    doc.setDocumentMargin(0);
    const QRect page = writer.pageLayout().paintRectPixels(writer.resolution());
    const QSizeF body(page.width(), page.height() - writer.resolution() * 0.3); // room for the footer
    doc.setPageSize(body);
    doc.setHtml(QString::fromStdString(report.html));

    const int pages = doc.pageCount();
    QFont footer(font);
    footer.setPointSizeF(7.5);
    for (int p = 0; p < pages; ++p) {
        if (p > 0)
            writer.newPage();
        painter.save();
        painter.translate(0, -p * body.height());
        doc.drawContents(&painter, QRectF(0, p * body.height(), body.width(), body.height()));
        painter.restore();
        painter.setFont(footer);
        painter.setPen(QColor(0x5d, 0x66, 0x76));
        const QRectF foot(0, body.height(), body.width(), page.height() - body.height());
        painter.drawText(foot, Qt::AlignLeft | Qt::AlignBottom, QString::fromStdString(data.title));
        painter.drawText(foot, Qt::AlignRight | Qt::AlignBottom,
                         QStringLiteral("%1 / %2").arg(p + 1).arg(pages));
    }
    painter.end();
    const QByteArray pdf = withStableStamps(buffer.data(), created);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(pdf) != pdf.size() || !file.commit())
        return {false, 0, QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    return {true, pages, {}};
}

} // namespace seam::report

#include "ReportPdf.moc"
