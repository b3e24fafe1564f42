#pragma once
// The incident report as PDF: the report's rich-text HTML laid out by QTextDocument, its charts drawn
// as vectors by ScenePainter inside the text flow (a QTextObjectInterface per chart: QTextDocument
// cannot render inline SVG, and rasterised images would blur in print and lose their text), paged by
// hand onto a QPdfWriter (A4, page numbers). Needs a QGuiApplication (fonts).

#include "IncidentReportData.h"

#include <QString>
#include <string>

namespace seam::report {

struct PdfResult
{
    bool ok = false;
    int pages = 0;
    QString error;
};

PdfResult writeReportPdf(const IncidentReportData& data, const QString& path,
                         const std::string& generatedAt = {});

} // namespace seam::report
