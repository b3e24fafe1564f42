#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for replaying a remote back-end's answers (recorded or built
// from the same telemetry) to Seam's clients: one answer per request, then the connection closes.
// Runs in its own thread so a client blocking the test's thread still gets answers.

#include <QByteArray>
#include <QHostAddress>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <functional>

namespace seam::test {

struct HttpReply
{
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; ///< more header lines (Content-Encoding, ...)
};

struct HttpRequestSeen
{
    QByteArray method, path;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

class LoopbackHttpServer
{
public:
    using Handler = std::function<HttpReply(const HttpRequestSeen&)>;

    explicit LoopbackHttpServer(Handler handler) : m_handler(std::move(handler))
    {
        m_context.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            &m_context, [this] { start(); }, Qt::BlockingQueuedConnection);
    }
    ~LoopbackHttpServer()
    {
        QMetaObject::invokeMethod(
            &m_context, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }
    int requests() const
    {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }

private:
    struct Context : QObject
    {};
    void start()
    {
        m_server = new QTcpServer;
        m_server->listen(QHostAddress::LocalHost, 0);
        m_port = m_server->serverPort();
        QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] {
            while (QTcpSocket* socket = m_server->nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    *buffer += socket->readAll();
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    HttpRequestSeen request;
                    const QList<QByteArray> lines = buffer->left(end).split('\n');
                    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                    request.method = first.value(0);
                    request.path = first.value(1);
                    for (qsizetype i = 1; i < lines.size(); ++i) {
                        const qsizetype colon = lines[i].indexOf(':');
                        if (colon > 0)
                            request.headers.append(
                                {lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
                    }
                    {
                        QMutexLocker lock(&m_mutex);
                        ++m_requests;
                    }
                    const HttpReply reply = m_handler(request);
                    QByteArray extra;
                    for (const auto& [name, value] : reply.headers)
                        extra += name + ": " + value + "\r\n";
                    socket->write("HTTP/1.1 " + QByteArray::number(reply.status) +
                                  " X\r\nContent-Type: " + reply.contentType +
                                  "\r\nContent-Length: " + QByteArray::number(reply.body.size()) + "\r\n" +
                                  extra + "Connection: close\r\n\r\n" + reply.body);
                    socket->disconnectFromHost();
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    Handler m_handler;
    QThread m_thread;
    Context m_context;
    QTcpServer* m_server = nullptr;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    int m_requests = 0;
};

} // namespace seam::test
