#pragma once

#include "IncidentsLoader.h"
#include "Investigation.h"

#include <QElapsedTimer>
#include <QWidget>
#include <memory>

class QLabel;
class QScrollArea;
class QStackedWidget;
class QTimer;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace seam {

class IncidentTimeline;

/// What happened, on the first screen of an investigation: the incident windows of every backend
/// service (detectAnomalies) as a timeline strip on the investigation's time axis and as a compact
/// list (service, what, when, how bad: peak vs normal, affected sessions, lost conversions), the likely
/// origin of each incident first. The windows come first; their impact follows from a second read,
/// both off the GUI thread (IncidentsLoader). Opening an incident (click, or Enter in the list) brushes
/// its window into the Investigation's time range, filters the page loads that reached the service
/// (`service:NAME`) and emits whyRequested(). Collapsible to its header line, to leave room at 1366x768.
/// The conversion definition is edited here (ConversionDialog) and saved in the investigation file.
class IncidentsPanel : public QWidget
{
    Q_OBJECT

public:
    IncidentsPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~IncidentsPanel() override;

    bool isLoading() const;
    /// The last data shown (nullptr before any).
    const IncidentsData* data() const { return m_data.get(); }
    QTreeWidget* list() const { return m_list; }
    IncidentTimeline* timeline() const { return m_timeline; }
    QScrollArea* timelineScroll() const { return m_timelineScroll; }
    QLabel* summary() const { return m_summary; }
    QToolButton* conversionButton() const { return m_conversionButton; }
    QToolButton* collapseButton() const { return m_collapse; }
    /// The text shown instead of the list (loading, no incidents, an error); empty while the list shows.
    QString message() const;

    bool isCollapsed() const { return m_collapsed; }
    void setCollapsed(bool collapsed);

    /// Opens row `row` of the list (as a click or Enter does).
    void openIncident(int row);
    /// Saves `conversion` in the investigation file on a worker thread, then re-reads the impact.
    void saveConversion(const SavedConversion& conversion);
    /// Opens the conversion dialog (the button's action).
    void editConversion();

    /// Live imports commit every second or so: the incidents are read again at most once per this
    /// interval (default 10 s); the refreshes in between fold into one at its end.
    void setMinimumRefreshInterval(int ms) { m_minimumIntervalMs = ms; }
    /// Reads of the incidents started so far (the first one included).
    int readsStarted() const { return m_readsStarted; }

public slots:
    /// Re-reads the incidents (after an import committed more data), rate-limited (see
    /// setMinimumRefreshInterval); windows whose data did not change keep their impact (IncidentsRequest).
    void refresh();

signals:
    /// An incident was opened: the Investigation now shows its window and its page loads; the "Why?"
    /// pane can explain them.
    void whyRequested();
    /// New data is in the list (windows, or windows with impact).
    void dataShown();
    /// The conversion was saved (or could not be: `error` non-empty).
    void conversionSaved(const QString& error);

private:
    void showData(std::shared_ptr<const IncidentsData> data);
    void showMessage(const QString& text);
    void fillRow(QTreeWidgetItem* item, const IncidentRow& row) const;
    void onInvestigationChanged(Investigation::Changes changes);
    void reload();

    QString m_cachePath;
    Investigation* m_investigation;
    IncidentsLoader* m_loader;
    QLabel* m_title;
    QLabel* m_summary;
    QToolButton* m_conversionButton;
    QToolButton* m_collapse;
    QWidget* m_body;
    QStackedWidget* m_stack;
    QLabel* m_message;
    IncidentTimeline* m_timeline;
    QScrollArea* m_timelineScroll;
    QTreeWidget* m_list;
    std::shared_ptr<const IncidentsData> m_data;
    std::shared_ptr<const IncidentsData> m_lastImpact; ///< the last data with impact
    QElapsedTimer m_sinceRead;
    QTimer* m_pendingRead;
    int m_minimumIntervalMs = 10'000;
    int m_readsStarted = 0;
    int m_generation = 1;
    bool m_collapsed = false;
};

} // namespace seam
