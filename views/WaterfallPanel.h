#pragma once

#include <QWidget>
#include <memory>

class QCheckBox;
class QLabel;

namespace seam {

class WaterfallLegend;
class WaterfallView;
struct WaterfallData;

/// The waterfall of the selected page load under a one-line header (route, load time, how many of
/// its calls reached a known backend trace), as FlameGraphPanel frames the flamegraph, and a line with
/// the critical-path toggle and the colour legend.
class WaterfallPanel : public QWidget
{
    Q_OBJECT

public:
    explicit WaterfallPanel(QWidget* parent = nullptr);

    WaterfallView* view() const { return m_view; }
    QLabel* header() const { return m_header; }
    /// Shows or hides the critical path in the view (on by default).
    QCheckBox* criticalPathToggle() const { return m_critical; }
    WaterfallLegend* legend() const { return m_legend; }

    /// Empties the waterfall and shows `message` in the header (nothing selected, loading, an error).
    void showMessage(const QString& message);
    void showData(std::shared_ptr<const WaterfallData> data);

private:
    QLabel* m_header;
    WaterfallView* m_view;
    QCheckBox* m_critical;
    WaterfallLegend* m_legend;
};

} // namespace seam
