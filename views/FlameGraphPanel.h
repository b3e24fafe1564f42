#pragma once

#include <QWidget>
#include <memory>

class QLabel;
class QToolButton;

namespace seam {

class FlameGraphData;
class FlameGraphView;
struct PageLoadTraces;

/// The flamegraph of the selected page load's backend traces under a one-line header saying whose
/// they are (route, load time, services reached), so the graph is never read out of context.
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
    QToolButton* byTimeButton() const { return m_byTime; }
    QToolButton* aggregatedButton() const { return m_aggregatedButton; }
    bool isAggregated() const { return m_aggregated; }

    /// Empties the graph and shows `message` in the header (nothing selected, loading, an error).
    void showMessage(const QString& message);
    /// Shows `graph`, the flamegraph of `traces`, under a header saying whose it is.
    void showPageLoad(const PageLoadTraces& traces, std::shared_ptr<const FlameGraphData> graph);
    /// Switches between the aggregated and the by-time layout of the page load shown.
    void setAggregated(bool aggregated);

private:
    void showLayout();

    QLabel* m_header;
    QToolButton* m_byTime;
    QToolButton* m_aggregatedButton;
    FlameGraphView* m_view;
    std::shared_ptr<const FlameGraphData> m_graph;  // by time
    std::shared_ptr<const FlameGraphData> m_merged; // aggregated
    bool m_aggregated = false;
};

} // namespace seam
