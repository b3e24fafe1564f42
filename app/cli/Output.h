#pragma once

#include <QJsonDocument>
#include <QString>
#include <cstdio>
#include <string_view>

namespace seam::cli {

inline void writeOut(std::string_view text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
}

inline void writeOut(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    std::fwrite(utf8.constData(), 1, std::size_t(utf8.size()), stdout);
}

inline void writeErr(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    std::fwrite(utf8.constData(), 1, std::size_t(utf8.size()), stderr);
}

inline void writeJson(const QJsonDocument& doc)
{
    const QByteArray bytes = doc.toJson(QJsonDocument::Indented);
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
}

} // namespace seam::cli
