#include "PdfStamp.h"

#include <algorithm>

namespace seam::report {
namespace {

QByteArray xmlEscaped(const QString& text)
{
    return text.toHtmlEscaped().toUtf8();
}

/// Overwrites pdf[from, from + replacement.size()) — the caller keeps lengths equal.
void overwrite(QByteArray& pdf, qsizetype from, const QByteArray& replacement)
{
    std::copy(replacement.begin(), replacement.end(), pdf.begin() + from);
}

} // namespace

QByteArray reportXmpMetadata(const QString& title, const QString& creator,
                             const std::optional<QDateTime>& created)
{
    QByteArray xmp = "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>\n"
                     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                     "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                     "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                     "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">";
    xmp += xmlEscaped(title);
    xmp += "</rdf:li></rdf:Alt></dc:title>\n</rdf:Description>\n"
           "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmp:CreatorTool=\"";
    xmp += xmlEscaped(creator);
    xmp += '"';
    if (created) {
        const QByteArray when = created->toUTC().toString(Qt::ISODate).toLatin1();
        xmp += " xmp:CreateDate=\"" + when + "\" xmp:ModifyDate=\"" + when + '"';
    }
    xmp += "/>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end='w'?>";
    return xmp;
}

QByteArray withStableStamps(QByteArray pdf, const std::optional<QDateTime>& created)
{
    // The information dictionary's date: "/CreationDate (D:YYYYMMDDHHmmSS...)".
    const QByteArray key = "/CreationDate (";
    if (const qsizetype at = pdf.lastIndexOf(key); at >= 0) {
        const qsizetype close = pdf.indexOf(')', at + key.size());
        if (close > at) {
            const qsizetype length = close + 1 - at;
            QByteArray entry;
            if (created)
                entry =
                    key + created->toUTC().toString(QStringLiteral("'D:'yyyyMMddHHmmss'Z'")).toLatin1() + ')';
            // Shorter than Qt's (its zone is +HH'mm'): spaces pad the dictionary; no date: spaces only.
            if (entry.size() > length)
                entry.clear();
            entry = entry.leftJustified(length, ' ');
            overwrite(pdf, at, entry);
        }
    }
    return pdf;
}

} // namespace seam::report
