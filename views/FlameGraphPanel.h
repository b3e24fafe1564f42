#pragma once

#include <QWidget>
#include <memory>

class QLabel;

namespace seam {

class FlameGraphData;
class FlameGraphView;
struct PageLoadTraces;

/// The flamegraph of the selected page load's backend traces under a one-line header saying whose
/// they are (route, load time, services reached), so the graph is never read out of context.
class FlameGraphPanel : public QWidget
{
    Q_OBJECT

public:
    explicit FlameGraphPanel(QWidget* parent = nullptr);

    FlameGraphView* view() const { return m_view; }
    QLabel* header() const { return m_header; }

    /// Empties the graph and shows `message` in the header (nothing selected, loading, an error).
    void showMessage(const QString& message);
    /// Shows `graph`, the flamegraph of `traces`, under a header saying whose it is.
    void showPageLoad(const PageLoadTraces& traces, std::shared_ptr<const FlameGraphData> graph);

private:
    QLabel* m_header;
    FlameGraphView* m_view;
};

} // namespace seam
