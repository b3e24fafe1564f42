#include "WhyCauseTerm.h"

#include "PageLoadFilter.h"

namespace seam {

QString filterTerm(const QString& field, const QString& value)
{
    const bool quote = value.isEmpty() || value.startsWith(QLatin1Char('-')) ||
                       value.contains(QLatin1Char(' ')) || value.contains(QLatin1Char('"')) ||
                       value.contains(QLatin1Char('\\'));
    if (!quote)
        return field + QLatin1Char(':') + value;
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('"'), QLatin1String("\\\""));
    return field + QStringLiteral(":\"") + escaped + QLatin1Char('"');
}

QString causeFilterTerm(const WhyCause& cause)
{
    const QString field = QString::fromStdString(cause.field);
    const QString value = QString::fromStdString(cause.value);
    const QString service = QString::fromStdString(cause.service);
    if (cause.kind == WhyCause::Kind::Operation)
        return PageLoadFilter::operationTerm(service, QString::fromStdString(cause.operation));
    if (cause.kind != WhyCause::Kind::Attribute)
        return {}; // browser phases ("download /img/hero.webp") have no field in the filter language
    if (!service.isEmpty()) {
        if (field == QLatin1String("operation"))
            return PageLoadFilter::operationTerm(service, value);
        return filterTerm(QStringLiteral("service"), service);
    }
    // RootCause's browser fields that the filter language has, by its names.
    if (field == QLatin1String("route") || field == QLatin1String("browser") ||
        field == QLatin1String("os") || field == QLatin1String("device") || field == QLatin1String("country"))
        return filterTerm(field, value);
    if (field == QLatin1String("app.version"))
        return filterTerm(QStringLiteral("version"), value);
    return {};
}

QString withFilterTerm(const QString& filter, const QString& term)
{
    const QString current = filter.trimmed();
    if (term.isEmpty())
        return current;
    if (current.isEmpty())
        return term;
    // Whole terms only: "route:/" is not in "route:/checkout". Quoted terms hold spaces, so no split.
    const QString padded = QLatin1Char(' ') + current + QLatin1Char(' ');
    if (padded.contains(QLatin1Char(' ') + term + QLatin1Char(' ')))
        return current;
    return current + QLatin1Char(' ') + term;
}

} // namespace seam
