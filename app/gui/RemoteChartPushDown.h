#pragma once

// Push-down of the service charts in the window: when a page load is selected in an investigation
// pulled from ClickHouse, the ranges its charts read that the cache's rollups lack are asked of the
// store as server-side rollups (one background job, with progress and Cancel), written into the
// investigation, and the views refreshed. Credentials come from the environment, from a pull of this
// window session, or are asked once per store and window session; they are kept in memory only.

#include "BackgroundJob.h"
#include "RemoteRollupGaps.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <functional>

class QWidget;

namespace seam {

class Investigation;

class RemoteChartPushDown : public QObject
{
    Q_OBJECT

public:
    struct Hooks
    {
        std::function<bool()> busy; ///< another job (or live mode) holds the window
        std::function<void(const QString& label, BackgroundJob::Job, std::function<void()> done)> startJob;
        std::function<void()> refresh; ///< the views re-read the cache
    };

    RemoteChartPushDown(QWidget* window, Hooks hooks);

    /// Watches the selection of `investigation` on `cachePath`; nullptr stops watching.
    void follow(const QString& cachePath, Investigation* investigation);
    /// Credentials typed for a store in this window session (Connect dialog), by its display URL.
    void rememberCredentials(const QString& source, const QString& user, const QString& password);
    /// The credentials of a store for another push-down of this window (the Why? pane's store check):
    /// remembered, from the environment, or asked once with `reason`; false when the user declined.
    bool credentials(const QString& source, QString& user, QString& password, const QString& reason);

signals:
    /// The selected load's chart range was checked: `stores` remote stores lack some of it.
    void checked(int stores);
    /// A push-down finished: the status-bar line (or the error).
    void finished(const QString& summary);

private:
    struct Credentials
    {
        QString user, password;
    };
    void gapsLoaded(const RemoteRollupGaps& gaps);
    bool credentialsFor(const QString& source, Credentials& out, const QString& reason);

    QWidget* m_window;
    Hooks m_hooks;
    QString m_cachePath;
    QPointer<Investigation> m_investigation;
    QMetaObject::Connection m_selection;
    RemoteRollupGapsLoader* m_loader = nullptr;
    QHash<QString, Credentials> m_credentials; // never written anywhere
    QSet<QString> m_declined;                  // stores whose password the user would not give
};

} // namespace seam
