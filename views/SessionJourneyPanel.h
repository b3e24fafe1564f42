#pragma once

#include "SessionJourneyLoader.h"

#include <QWidget>
#include <memory>

class QLabel;

namespace seam {

class Investigation;
class SessionJourneyView;

/// The session journey of the selected page load: a one-line header with the session's facts (user,
/// browser, OS, device, country, app version, start, length, counts, what the caps left out) over the
/// strip of its page views, actions, failed requests and JS errors.
///
/// Observes the Investigation: a page load of the session already shown only moves the highlight; one
/// of another session (or outside the steps kept) loads that session off the GUI thread. A click on a
/// step (or Left / Right) navigates the Investigation to it in one history step.
class SessionJourneyPanel : public QWidget
{
    Q_OBJECT

public:
    SessionJourneyPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~SessionJourneyPanel() override;

    SessionJourneyView* view() const { return m_view; }
    QLabel* header() const { return m_header; }
    /// What the strip's markers mean, under it.
    QWidget* legend() const { return m_legend; }
    SessionJourneyLoader* loader() const { return m_loader; }

    /// The header text for `journey`.
    static QString describe(const SessionJourney& journey);

public slots:
    /// Reads the selected page load's session again (after an import added to it).
    void reload();

private:
    void onInvestigationChanged(int changes);
    void onLoaded(std::shared_ptr<const SessionJourney> journey);
    void showMessage(const QString& message);

    Investigation* m_investigation;
    QLabel* m_header;
    QWidget* m_legend;
    SessionJourneyView* m_view;
    SessionJourneyLoader* m_loader;
};

} // namespace seam
