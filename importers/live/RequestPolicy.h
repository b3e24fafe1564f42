#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace seam::live {

struct HttpRequest;

/// What RequestPolicy says about one request.
struct PolicyVerdict
{
    bool allowed = true;
    int status = 0;         // when refused: 400 (ambiguous headers), 403 (Origin) or 421 (Host)
    QByteArray message;     // when refused: why, and what setting would let it in
    QByteArray allowOrigin; // when allowed with an Origin: the value for Access-Control-Allow-Origin
};

/// Who may write into the cache through the receiver, decided from the request's headers alone (no
/// I/O, no state), before its body is read.
///
/// Browsers are the threat: any page the user visits can POST a CORS "simple" request (text/plain,
/// no preflight) to a loopback port, and a page whose DNS name is rebound to 127.0.0.1 is even
/// same-origin with it. Browsers send Origin on every cross-origin POST and the page's own host name
/// in Host, and a page cannot forge either; exporters, curl and collectors send no Origin and a Host
/// that names the receiver. So:
/// - Origin, when present, must be one of the allowed origins ("*": any but "null", which sandboxed
///   frames, file: pages and privacy redirects send; it has to be listed itself).
/// - Host, when present, must name the listening address: its IP (any IP when listening on all
///   addresses), localhost when that reaches it (loopback or all addresses), or an allowed host name.
///   A port, when given, must be the listening port (or the allowed name's port). Without Host
///   (HTTP/1.0) the request is let through: browsers always send one.
class RequestPolicy
{
public:
    /// A name or IP literal with an optional port, as in Host or `--allow-host`.
    struct Authority
    {
        QString name;    // lower-case host name, or the IP's canonical text (IPv6 without brackets)
        QHostAddress ip; // null for a name
        int port = -1;   // -1: none given
    };

    /// Refuses every Origin and every Host (a server that has not listened yet knows no address).
    RequestPolicy() = default;
    /// Entries of `corsOrigins` and `allowedHosts` that do not parse are ignored (they could never
    /// match); the command line and the GUI check them first with normalizeOrigin / parseAuthority.
    RequestPolicy(const QHostAddress& listenAddress, quint16 listenPort, const QStringList& corsOrigins,
                  const QStringList& allowedHosts);

    /// `origin`: the value of a request's Origin header (the header is present).
    bool checkOrigin(const QByteArray& origin) const;
    /// `host`: the value of a request's Host header, "name[:port]" (the header is present).
    bool checkHost(const QByteArray& host) const;
    /// Both checks on a request's headers; also refuses repeated Host or Origin headers (which one a
    /// proxy in front would have looked at is anyone's guess) and checks the authority of an
    /// absolute-form target ("POST http://host:port/v1/traces") instead of Host, as RFC 9112 says.
    PolicyVerdict check(const HttpRequest& request) const;

    /// "scheme://host[:port]" lower-cased, without a trailing slash or a default port (as browsers
    /// send it), or "*" or "null"; empty when `origin` is none of these.
    static QString normalizeOrigin(const QString& origin);
    /// "name", "name:port", "1.2.3.4:port", "[v6]:port" (port 1-65535); nullopt otherwise.
    static std::optional<Authority> parseAuthority(const QByteArray& text);

private:
    QHostAddress m_listenAddress;
    quint16 m_listenPort = 0;
    bool m_anyAddress = false;
    bool m_anyOrigin = false;
    QStringList m_origins; // normalized
    std::vector<Authority> m_hosts;
};

} // namespace seam::live
