#include "PageLoadFilterFields.h"

#include <algorithm>
#include <vector>

namespace seam::filter_fields {
namespace {

// The app version lives on the session when the RUM agent reported one, else on the app's service.
constexpr const char* kAppVersion =
    "coalesce(s.app_version, (SELECT version FROM services WHERE id = p.app_service_id))";

const Field kFields[] = {
    {QLatin1String("route"), Kind::Text, "p.route", false, "the page's route (URL path with ids as :id)",
     "route:/checkout"},
    {QLatin1String("url"), Kind::Text, "p.url", false, "the full URL", "url:~promo="},
    {QLatin1String("duration"), Kind::Duration, "p.duration_ns", false, "the page load time", "duration>2s"},
    {QLatin1String("status"), Kind::Status, "p.error_count", false,
     "error or ok (any RUM error), or an HTTP status of the document or of one of its calls: 502, 5xx, "
     ">=500",
     "status:5xx"},
    {QLatin1String("errors"), Kind::Count, "p.error_count", false,
     "errors of the page load: JS errors and failed calls (HTTP >= 500) together", "errors>0"},
    {QLatin1String("js_errors"), Kind::Count, "(p.error_count - p.network_error_count)", false,
     "JavaScript errors only", "js_errors>0"},
    {QLatin1String("network_errors"), Kind::Count, "p.network_error_count", false,
     "failed calls only (HTTP >= 500, network failures the SDK reported)", "network_errors>0"},
    {QLatin1String("service"), Kind::Services, "p.services", false,
     "a backend service the page's calls reached", "service:payments"},
    {QLatin1String("backend"), Kind::Duration, "p.backend_ns", false,
     "time spent in the backend (linked traces)", "backend>500ms"},
    {QLatin1String("browser"), Kind::Text, "s.browser", true, "browser name", "browser:Safari"},
    {QLatin1String("os"), Kind::Text, "s.os", true, "operating system", "os:iOS"},
    {QLatin1String("device"), Kind::Text, "s.device", true, "device type", "device:mobile"},
    {QLatin1String("country"), Kind::Text, "s.country", true, "country code", "-country:US"},
    {QLatin1String("version"), Kind::Text, kAppVersion, false, "the app's version", "version:4.2.0"},
    {QLatin1String("user"), Kind::Text, "s.user_id", false, "user id", "user:u-123"},
    {QLatin1String("session"), Kind::Text, "s.key", false, "session id", "session:~abc"},
    {QLatin1String("ttfb"), Kind::Duration, "p.ttfb_ns", false, "time to first byte", "ttfb>800ms"},
    {QLatin1String("fcp"), Kind::Duration, "p.fcp_ns", false, "first contentful paint", "fcp>1.8s"},
    {QLatin1String("lcp"), Kind::Duration, "p.lcp_ns", false, "largest contentful paint", "lcp>2.5s"},
    {QLatin1String("inp"), Kind::Duration, "p.inp_ns", false, "interaction to next paint", "inp>200ms"},
    {QLatin1String("cls"), Kind::Number, "p.cls", false, "cumulative layout shift", "cls>0.1"},
    {QLatin1String("resources"), Kind::Count, "p.resource_count", false, "number of resources loaded",
     "resources>100"},
    {QLatin1String("operation"), Kind::Operation, "p.id", false,
     "a backend service:operation one of its traces reached (exact)", "operation:\"payments:POST /charge\""},
    {QLatin1String("source"), Kind::SourceFormat, "p.source_id", true,
     "a source that reported it (a page load several sources reported matches each): otlp or otel, "
     "datadog, faro, har, demo, live",
     "source:datadog"},
};

int editDistance(QStringView a, QStringView b)
{
    std::vector<int> row(std::size_t(b.size()) + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[std::size_t(j)];
            const int cost = a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1;
            row[std::size_t(j)] = std::min({above + 1, row[std::size_t(j - 1)] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row.back();
}

} // namespace

std::span<const Field> fields()
{
    return kFields;
}

const Field* findField(QStringView name)
{
    for (const Field& f : kFields)
        if (name.compare(f.name, Qt::CaseInsensitive) == 0)
            return &f;
    return nullptr;
}

bool isNumeric(Kind kind)
{
    return kind == Kind::Duration || kind == Kind::Count || kind == Kind::Number;
}

QString didYouMean(QStringView name)
{
    const Field* best = nullptr;
    int bestDistance = 3; // more than two edits away is a different word, not a typo
    for (const Field& f : kFields) {
        const int d = editDistance(name, QString(f.name));
        if (d < bestDistance) {
            best = &f;
            bestDistance = d;
        }
    }
    return best ? QStringLiteral(" (did you mean %1?)").arg(best->name) : QString();
}

std::string likeEscaped(const QString& text)
{
    std::string out;
    for (const char c : text.toStdString()) {
        if (c == '\\' || c == '%' || c == '_')
            out += '\\';
        out += c;
    }
    return out;
}

bool isFieldChar(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
           (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) || c == QLatin1Char('_'); // js_errors
}

bool isOperatorChar(QChar c)
{
    return c == QLatin1Char(':') || c == QLatin1Char('>') || c == QLatin1Char('<') || c == QLatin1Char('=');
}

} // namespace seam::filter_fields
