#pragma once
// The incident report as PDF: the report's rich-text HTML laid out by QTextDocument, its charts drawn
// as vectors by ScenePainter inside the text flow (a QTextObjectInterface per chart: QTextDocument
// cannot render inline SVG, and rasterised images would blur in print and lose their text), paged by
// hand onto a QPdfWriter (A4, page numbers). Needs a QGuiApplication (fonts).

#include "IncidentReportData.h"

#include <QDateTime>
#include <QString>
#include <optional>
#include <string>

namespace seam::report {

struct PdfResult
{
    bool ok = false;
    int pages = 0;
    QString error;
};

/// `created`: the creation date the PDF states; none (the default) states none, so the same data gives
/// the same bytes.
PdfResult writeReportPdf(const IncidentReportData& data, const QString& path,
                         const std::string& generatedAt = {},
                         const std::optional<QDateTime>& created = std::nullopt);

} // namespace seam::report
