#pragma once
// Same report, same PDF bytes. Qt 6.4's PDF writer stamps every file with the time (/CreationDate in
// the document information, with no setter) and writes an XMP packet with that time and random
// document and instance ids. The packet is replaced by ours (QPdfWriter::setDocumentXmpMetadata); the
// date is rewritten in place with a replacement of the same length, so the cross-reference offsets
// stay valid: the date asked for, or blanks (no date).

#include <QByteArray>
#include <QDateTime>
#include <optional>

namespace seam::report {

/// The XMP metadata packet of the report (title, creator tool, and the creation date only when one is
/// given): handed to QPdfWriter, it replaces Qt's own packet with its time and random ids.
QByteArray reportXmpMetadata(const QString& title, const QString& creator,
                             const std::optional<QDateTime>& created);

/// `pdf` with its /CreationDate set to `created` (UTC) or blanked. Returns `pdf` unchanged when it has
/// none.
QByteArray withStableStamps(QByteArray pdf, const std::optional<QDateTime>& created);

} // namespace seam::report
