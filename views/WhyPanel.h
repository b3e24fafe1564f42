#pragma once

#include "Investigation.h"
#include "WhyLoader.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace seam {

class WhySideBars;
class WhyStoreSection;

/// "Why is this slow?" for what the Investigation focuses on:
///   - a selected page load: its critical path by side against the normal loads of its route (where
///     the extra time went), the verdict for it, and the cohort answer for the route's slow loads;
///   - no page load (a brushed range, a filter, or nothing): the cohort answer for the slow loads (or
///     the failed ones, the choice offered when the filter asks for errors) against the others.
/// Causes are ranked with their evidence (selection vs baseline share, time explained, q-value),
/// consequences folded under them. Clicking a cause applies it as a filter term; Compare asks for the
/// comparison of the selection (or the chosen cause) with the rest.
///
/// The answer is read by a WhyLoader off the GUI thread, only while the pane is visible (a hidden tab
/// costs nothing per click); a result for an old focus is dropped; a busy bar appears when the
/// answer takes longer than kProgressDelayMs.
class WhyPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kProgressDelayMs = 200;

    WhyPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);

    WhyLoader* loader() const { return m_loader; }
    bool isLoading() const;
    const std::shared_ptr<const WhyData>& data() const { return m_data; }
    /// What the pane asks for the current focus (public for tests).
    WhyRequest currentRequest() const;

    QLabel* header() const { return m_header; }
    QLabel* verdict() const { return m_verdict; }
    QLabel* cohortVerdict() const { return m_cohortVerdict; }
    WhySideBars* sideBars() const { return m_sides; }
    QTreeWidget* causes() const { return m_causes; }
    QComboBox* criterion() const { return m_criterion; }
    QPushButton* compareButton() const { return m_compare; }
    QProgressBar* progress() const { return m_progress; }
    /// "Across the store": the terms' counts over the cache and its remote store, on demand.
    WhyStoreSection* storeSection() const { return m_store; }

    /// The filter term a cause row applies ("" when none), by top-level and consequence row.
    static QString termOf(const QTreeWidgetItem* item);

signals:
    /// The comparison of two cohorts, each a filter of the filter language.
    void compareRequested(const QString& filterA, const QString& filterB);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void investigationChanged(Investigation::Changes changes);
    void reload();
    void showData(std::shared_ptr<const WhyData> data);
    void showCauses(const WhyData& data);
    void applyCause(QTreeWidgetItem* item);
    void compare();
    void setBusy(bool busy);
    void updateStoreScope();

    Investigation* m_investigation;
    WhyLoader* m_loader;
    std::shared_ptr<const WhyData> m_data;
    QLabel* m_header;
    QLabel* m_verdict;
    WhySideBars* m_sides;
    QLabel* m_cohortVerdict;
    QTreeWidget* m_causes;
    QComboBox* m_criterion;
    QPushButton* m_compare;
    QProgressBar* m_progress;
    WhyStoreSection* m_store;
    QTimer* m_progressDelay;
    bool m_stale = true; // the focus changed while hidden: read it when shown
};

} // namespace seam
