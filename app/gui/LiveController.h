#pragma once

#include "LiveReceiver.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

class QTimer;

namespace seam {

class StoreWriter;

/// The GUI's Live mode: an OTLP/HTTP receiver (the same LiveReceiver as `seam serve`) writing into the
/// open investigation's cache while the views read it. It owns the cache's writer for as long as it
/// listens. Commits are turned into at most one refresh() request a second, so a flood of data moves
/// the views along without drowning the GUI thread; the status text says what arrives.
class LiveController : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 4318;
        QStringList corsOrigins;
        QStringList allowedHosts; // LiveOptions::allowedHosts
    };

    explicit LiveController(QObject* parent = nullptr);
    ~LiveController() override;

    /// Starts receiving into `cachePath`; false with errorString() when the address is taken or the
    /// cache cannot be written.
    bool start(const QString& cachePath, const Settings& settings);
    /// Stops accepting, answers and commits what is in flight, closes the writer.
    void stop();
    bool isRunning() const { return m_receiver != nullptr; }
    const QString& cachePath() const { return m_cachePath; }
    QString errorString() const { return m_error; }
    /// "Live on 127.0.0.1:4318 · 1,204 spans/s · 52,311 records · 0 rejected · queue 0"
    QString statusText() const;
    QString listenUrl() const;
    /// The latest counters (what statusText() says).
    const LiveStats& stats() const { return m_stats; }
    /// Requests refused and records rejected, with their reasons, latest last (LiveReceiver::rejections).
    std::vector<LiveRejection> rejections() const;

    static Settings loadSettings();
    static void saveSettings(const Settings& settings);

signals:
    /// New data was committed: the views should re-read what they list (coalesced, <= 1/s).
    void refreshWanted();
    void statusChanged(const QString& text);
    void stopped();

private:
    void statsArrived(const LiveStats& stats);

    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<LiveReceiver> m_receiver;
    QTimer* m_refresh;
    bool m_pendingRefresh = false;
    LiveStats m_stats;
    QString m_cachePath;
    QString m_error;
};

} // namespace seam
