#include "RequestPolicy.h"

#include "HttpParser.h"

#include <algorithm>

namespace seam::live {
namespace {

bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

/// 1-65535 in at most five digits; -1 otherwise.
int parsePort(const QByteArray& text)
{
    if (text.isEmpty() || text.size() > 5)
        return -1;
    int port = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return -1;
        port = port * 10 + (c - '0');
    }
    return port >= 1 && port <= 65535 ? port : -1;
}

/// How the receiver is reached, for messages: "127.0.0.1:4318", "[::1]:4318".
QByteArray listenText(const QHostAddress& address, quint16 port)
{
    const QByteArray ip = address.toString().toLatin1();
    return (address.protocol() == QAbstractSocket::IPv6Protocol ? '[' + ip + ']' : ip) + ':' +
           QByteArray::number(port);
}

/// "http://host[:port]" of an absolute-form target; nullopt for origin-form ("/v1/traces").
std::optional<QByteArray> targetAuthority(const QByteArray& target)
{
    const QByteArray lower = target.left(8).toLower();
    qsizetype start = -1;
    if (lower.startsWith("http://"))
        start = 7;
    else if (lower.startsWith("https://"))
        start = 8;
    if (start < 0)
        return std::nullopt;
    qsizetype end = start;
    while (end < target.size() && target[end] != '/' && target[end] != '?' && target[end] != '#')
        ++end;
    return target.mid(start, end - start);
}

} // namespace

RequestPolicy::RequestPolicy(const QHostAddress& listenAddress, quint16 listenPort,
                             const QStringList& corsOrigins, const QStringList& allowedHosts)
    : m_listenAddress(listenAddress), m_listenPort(listenPort)
{
    m_anyAddress = listenAddress == QHostAddress::Any || listenAddress == QHostAddress::AnyIPv4 ||
                   listenAddress == QHostAddress::AnyIPv6;
    for (const QString& entry : corsOrigins) {
        const QString origin = normalizeOrigin(entry);
        if (origin == QLatin1String("*"))
            m_anyOrigin = true;
        else if (!origin.isEmpty())
            m_origins.append(origin);
    }
    for (const QString& entry : allowedHosts)
        if (const auto host = parseAuthority(entry.trimmed().toUtf8()))
            m_hosts.push_back(*host);
}

QString RequestPolicy::normalizeOrigin(const QString& origin)
{
    QString o = origin.trimmed().toLower();
    if (o == QLatin1String("*") || o == QLatin1String("null"))
        return o;
    if (o.endsWith(QLatin1Char('/')))
        o.chop(1);
    const qsizetype sep = o.indexOf(QLatin1String("://"));
    if (sep <= 0)
        return {};
    for (qsizetype i = 0; i < sep; ++i) {
        const QChar c = o.at(i);
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                        (i > 0 && ((c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
                                   c == QLatin1Char('+') || c == QLatin1Char('-') || c == QLatin1Char('.')));
        if (!ok)
            return {};
    }
    const QString scheme = o.left(sep);
    // What follows the scheme is an authority, nothing else: a path, user info or query in the setting
    // would never equal what a browser sends.
    const auto authority = parseAuthority(o.mid(sep + 3).toUtf8());
    if (!authority)
        return {};
    // Browsers leave the scheme's default port out of Origin.
    if ((scheme == QLatin1String("http") && authority->port == 80) ||
        (scheme == QLatin1String("https") && authority->port == 443))
        o = o.left(o.lastIndexOf(QLatin1Char(':')));
    return o;
}

std::optional<RequestPolicy::Authority> RequestPolicy::parseAuthority(const QByteArray& text)
{
    const QByteArray t = text.toLower();
    Authority a;
    QByteArray name;
    QByteArray rest; // ":port" or empty
    if (t.startsWith('[')) {
        const qsizetype close = t.indexOf(']');
        if (close < 0)
            return std::nullopt;
        QHostAddress ip;
        if (!ip.setAddress(QString::fromLatin1(t.mid(1, close - 1))) ||
            ip.protocol() != QAbstractSocket::IPv6Protocol)
            return std::nullopt;
        a.ip = ip;
        a.name = ip.toString();
        rest = t.mid(close + 1);
    } else {
        const qsizetype colon = t.indexOf(':');
        if (colon >= 0 && t.indexOf(':', colon + 1) >= 0)
            return std::nullopt; // a bare IPv6 address, or junk
        name = colon < 0 ? t : t.left(colon);
        rest = colon < 0 ? QByteArray() : t.mid(colon);
        if (name.isEmpty() || !std::all_of(name.begin(), name.end(), isNameChar))
            return std::nullopt;
        QHostAddress ip;
        if (ip.setAddress(QString::fromLatin1(name)) && ip.protocol() == QAbstractSocket::IPv4Protocol) {
            a.ip = ip;
            a.name = ip.toString();
        } else {
            a.name = QString::fromLatin1(name);
        }
    }
    if (!rest.isEmpty()) {
        if (!rest.startsWith(':'))
            return std::nullopt;
        a.port = parsePort(rest.mid(1));
        if (a.port < 0)
            return std::nullopt;
    }
    return a;
}

bool RequestPolicy::checkOrigin(const QByteArray& origin) const
{
    const QString o = QString::fromLatin1(origin).trimmed().toLower();
    if (o.isEmpty())
        return false;
    if (m_origins.contains(o))
        return true;
    // "null" is shared by every sandboxed frame and file: page: "*" does not cover it.
    return m_anyOrigin && o != QLatin1String("null");
}

bool RequestPolicy::checkHost(const QByteArray& host) const
{
    const auto a = parseAuthority(host.trimmed());
    if (!a || m_listenPort == 0)
        return false;
    // Without a port the name alone is checked: a browser always sends the port unless it is the
    // scheme's default, and only the name can be chosen by a rebinding page.
    const bool portMatches = a->port < 0 || a->port == m_listenPort;
    if (!a->ip.isNull()) {
        // An IP literal is what the client connected to, never a name someone else resolves.
        if (portMatches &&
            (m_anyAddress || a->ip.isEqual(m_listenAddress, QHostAddress::ConvertV4MappedToIPv4)))
            return true;
    } else if (a->name == QLatin1String("localhost")) {
        if (portMatches && (m_anyAddress || m_listenAddress.isLoopback()))
            return true;
    }
    for (const Authority& allowed : m_hosts) {
        const bool sameName = allowed.ip.isNull()
                                  ? a->ip.isNull() && allowed.name == a->name
                                  : allowed.ip.isEqual(a->ip, QHostAddress::ConvertV4MappedToIPv4);
        // An allowed name without a port is that name at any port (a proxy in front has its own).
        if (sameName && (allowed.port < 0 || a->port < 0 || allowed.port == a->port))
            return true;
    }
    return false;
}

PolicyVerdict RequestPolicy::check(const HttpRequest& request) const
{
    PolicyVerdict v;
    auto refuse = [&v](int status, const QByteArray& message) {
        v.allowed = false;
        v.status = status;
        v.message = message;
        v.allowOrigin.clear();
        return v;
    };
    QList<QByteArray> hosts, origins;
    for (const auto& [name, value] : request.headers) {
        if (name == "host")
            hosts.append(value);
        else if (name == "origin")
            origins.append(value);
    }
    if (hosts.size() > 1)
        return refuse(400, "more than one Host header");
    if (origins.size() > 1)
        return refuse(403, "more than one Origin header");

    std::optional<QByteArray> authority = targetAuthority(request.target);
    if (!authority && !hosts.isEmpty())
        authority = hosts.front();
    if (authority && !checkHost(*authority))
        return refuse(421, "Host '" + *authority + "' does not name this receiver (" +
                               listenText(m_listenAddress, m_listenPort) +
                               "): refused, as a page whose DNS name was pointed here would be. To reach "
                               "it by that name: seam serve --allow-host NAME[:PORT] (in Seam: Live > "
                               "Allowed Host Names)");
    if (!origins.isEmpty()) {
        if (!checkOrigin(origins.front()))
            return refuse(403, "origin '" + origins.front() +
                                   "' may not send data here: nothing was stored. To let its pages post: "
                                   "seam serve --cors-origin " +
                                   origins.front() + " (in Seam: Live > Allowed Browser Origins)");
        v.allowOrigin = origins.front();
    }
    return v;
}

} // namespace seam::live
