#pragma once

#include "LatestRequestWorker.h"
#include "SessionJourney.h"

#include <QObject>
#include <memory>
#include <string>

namespace seam {

/// What one SessionJourneyLoader job reads.
struct SessionJourneyRequest
{
    qint64 pageLoadId = 0;
    SessionJourney::Limits limits;
};

/// Reads the session journey of a page load off the GUI thread, as WaterfallLoader reads a waterfall:
/// one worker serving the latest request only, results of superseded requests dropped (generation
/// counter), and a read-only connection of its own per job.
class SessionJourneyLoader : public QObject
{
    Q_OBJECT

public:
    explicit SessionJourneyLoader(const QString& cachePath, QObject* parent = nullptr);
    /// Waits for a running job (bounded by the limits: milliseconds).
    ~SessionJourneyLoader() override;

    /// The caps applied to the following loads.
    void setLimits(SessionJourney::Limits limits) { m_limits = limits; }
    SessionJourney::Limits limits() const { return m_limits; }

    /// Starts loading the journey of the session of `pageLoadId`; 0 cancels whatever was asked before.
    void load(qint64 pageLoadId);
    bool isLoading() const { return m_loading; }

    /// The work of one job, on the calling thread. Throws SqliteError.
    static SessionJourney loadNow(const std::string& cachePath, qint64 pageLoadId,
                                  SessionJourney::Limits limits = {});

signals:
    void loaded(std::shared_ptr<const seam::SessionJourney> journey);
    void failed(qint64 pageLoadId, const QString& message);

private:
    void work(quint64 generation, const SessionJourneyRequest& request); // on the worker thread
    void deliver(quint64 generation, qint64 pageLoadId, std::shared_ptr<const SessionJourney> result,
                 const QString& error);

    const std::string m_cachePath;
    SessionJourney::Limits m_limits;
    quint64 m_generation = 0; // GUI thread: the request whose result is wanted
    bool m_loading = false;

    LatestRequestWorkerOf<SessionJourneyRequest> m_worker; // last: its thread starts once the rest exists
};

} // namespace seam
