#pragma once

// A trace store that answers "the trace with this id": Grafana Tempo (`tempo://host:3200[/prefix]`,
// GET /api/v2/traces/<id>, asked for protobuf) or Jaeger (`jaeger://host:16686[/prefix]`, the api/v3
// GET /api/v3/traces/<id>, OTLP JSON inside {"result": ...}). `secure=1` switches to HTTPS. A bearer
// token comes from SEAM_TRACES_TOKEN, or user:password from the URL or SEAM_TRACES_USER /
// SEAM_TRACES_PASSWORD; none of them appears in display(). Neither API pages a search (Tempo's
// search returns at most `limit` traces, Jaeger's is capped by depth): a search (TraceSearch) is one
// bounded request whose answer says when it hit its bound, then traces by id.

#include <QString>
#include <QUrl>
#include <optional>

namespace seam::remote {

struct HttpRequest;
struct HttpResponse;

struct TraceStore
{
    enum class Kind
    {
        Tempo,
        Jaeger
    };
    Kind kind = Kind::Tempo;
    QString host;
    int port = 0;
    bool secure = false;
    QString pathPrefix;            ///< a reverse proxy's prefix, without trailing '/'
    QString user, password, token; ///< never written anywhere

    QUrl traceUrl(const QString& traceIdHex) const;
    /// Tempo's GET /api/search or Jaeger's GET /api/v3/traces (the query is the caller's).
    QUrl searchUrl() const;
    /// The bearer token or the user:password as the Authorization header, when there is one.
    void authorize(HttpRequest& request) const;
    /// "HTTP 401 (authentication refused): <first 300 bytes>" or the transport error.
    static QString failureReason(const HttpResponse& response);
    /// "Tempo at host:port": how messages name the store.
    QString where() const;
    QString display() const;
    QString kindName() const
    {
        return kind == Kind::Tempo ? QStringLiteral("Tempo") : QStringLiteral("Jaeger");
    }

    static std::optional<TraceStore> parse(const QString& url, QString& error);
};

} // namespace seam::remote
