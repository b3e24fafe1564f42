#pragma once

// The fields of the page-load filter language (PageLoadFilter): their kinds, SQL columns and help
// text, shared by the parser (PageLoadFilterParser.cpp), completion and the Help menu's syntax page,
// so that what the help says is what the parser accepts.

#include <QLatin1String>
#include <QString>
#include <QStringView>
#include <span>
#include <string>

namespace seam::filter_fields {

enum class Kind
{
    Text,        // exact or ~substring
    Services,    // one element of the comma-separated page_loads.services
    Duration,    // ns column, values with a unit
    Count,       // non-negative integer column
    Number,      // real column (CLS)
    Status,      // error / ok, or an HTTP status of the document or a call (404, 5xx, >=500)
    Operation,   // service:operation reached by one of the page load's linked backend traces
    SourceFormat // the data source format the page load came from (otlp, datadog, faro, har, demo)
};

struct Field
{
    QLatin1String name;
    Kind kind;
    const char* column;
    bool caseInsensitive = false; // values people type in any case ("safari", "de")
    const char* help = "";        // one line for the Help menu
    const char* example = "";
};

std::span<const Field> fields();
const Field* findField(QStringView name);
bool isNumeric(Kind kind);
/// " (did you mean browser?)" for a name at most two edits from a field's, else empty.
QString didYouMean(QStringView name);
/// `text` for a LIKE pattern with ESCAPE '\'.
std::string likeEscaped(const QString& text);
bool isFieldChar(QChar c);
bool isOperatorChar(QChar c);

} // namespace seam::filter_fields
