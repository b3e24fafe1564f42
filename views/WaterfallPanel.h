#pragma once

#include <QWidget>
#include <memory>

class QLabel;

namespace seam {

class WaterfallView;
struct WaterfallData;

/// The waterfall of the selected page load under a one-line header (route, load time, how many of
/// its calls reached a known backend trace), as FlameGraphPanel frames the flamegraph.
class WaterfallPanel : public QWidget
{
    Q_OBJECT

public:
    explicit WaterfallPanel(QWidget* parent = nullptr);

    WaterfallView* view() const { return m_view; }
    QLabel* header() const { return m_header; }

    /// Empties the waterfall and shows `message` in the header (nothing selected, loading, an error).
    void showMessage(const QString& message);
    void showData(std::shared_ptr<const WaterfallData> data);

private:
    QLabel* m_header;
    WaterfallView* m_view;
};

} // namespace seam
