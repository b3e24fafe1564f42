#pragma once

#include <QWidget>
#include <memory>
#include <vector>

class QLabel;
class QLineEdit;
class QToolButton;

namespace seam {

class FlameGraphData;
class FlameGraphOverview;
class FlameGraphView;
struct PageLoadTraces;

/// The flamegraph of the selected page load's backend traces under a one-line header saying whose
/// they are (route, load time, services reached), so the graph is never read out of context. Ctrl+F
/// in the pane (showSearch) opens a search line: matching frames keep their colour, the others dim,
/// "3 of 12" counts them, Enter / Shift+Enter (or the arrows) select the next / previous match. While
/// zoomed, a strip under the graph (FlameGraphOverview) shows where the view is.
///
/// Two ways to look at it (the toggle at the right of the header): "by time", the traces on one time
/// axis, and "aggregated", stacks merged by service/operation path with widths in time
/// (FlameGraphData::aggregated). A page load's traces spread over seconds leave a time axis mostly
/// empty, so each new page load opens aggregated when its traces are busy for less than half of
/// their combined extent, by time otherwise; the toggle then applies to that load.
class FlameGraphPanel : public QWidget
{
    Q_OBJECT

public:
    explicit FlameGraphPanel(QWidget* parent = nullptr);

    FlameGraphView* view() const { return m_view; }
    QLabel* header() const { return m_header; }
    QLineEdit* searchEdit() const { return m_search; }
    /// "3 of 12", "no match"; empty without a search.
    QLabel* searchHits() const { return m_hits; }
    FlameGraphOverview* overview() const { return m_overview; }
    QToolButton* byTimeButton() const { return m_byTime; }
    QToolButton* aggregatedButton() const { return m_aggregatedButton; }
    bool isAggregated() const { return m_aggregated; }

    /// Empties the graph and shows `message` in the header (nothing selected, loading, an error).
    void showMessage(const QString& message);
    /// Shows `graph`, the flamegraph of `traces`, under a header saying whose it is.
    void showPageLoad(const PageLoadTraces& traces, std::shared_ptr<const FlameGraphData> graph);
    /// Switches between the aggregated and the by-time layout of the page load shown.
    void setAggregated(bool aggregated);

public slots:
    /// Shows the search line and puts the keyboard in it, its text selected.
    void showSearch();
    /// Hides the search line and clears the search (all frames in colour again).
    void closeSearch();
    /// Selects the next (step 1) or previous (-1) match, wrapping around.
    void goToMatch(int step);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void searchChanged();
    void updateHits();
    void showLayout();

    QLabel* m_header;
    QToolButton* m_byTime;
    QToolButton* m_aggregatedButton;
    FlameGraphView* m_view;
    FlameGraphOverview* m_overview;
    QWidget* m_searchBar;
    QLineEdit* m_search;
    QLabel* m_hits;
    QToolButton* m_previous;
    QToolButton* m_next;
    std::vector<int> m_matches; // frame indexes, in layout order
    int m_current = -1;         // index into m_matches of the selected match
    std::shared_ptr<const FlameGraphData> m_graph;  // by time
    std::shared_ptr<const FlameGraphData> m_merged; // aggregated
    bool m_aggregated = false;
};

} // namespace seam
