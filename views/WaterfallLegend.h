#pragma once

#include <QColor>
#include <QString>
#include <QWidget>
#include <vector>

namespace seam {

/// One line under the waterfall's header naming its colours: the Resource Timing phases, long tasks,
/// and, while shown, the critical path's sides. Painted (no child widgets): it costs one row.
class WaterfallLegend : public QWidget
{
    Q_OBJECT

public:
    explicit WaterfallLegend(QWidget* parent = nullptr);

    void setCriticalPathShown(bool shown);
    /// The names shown, in order (tests).
    QStringList names() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Entry
    {
        QString name;
        QColor colour;
    };
    std::vector<Entry> entries() const;

    bool m_critical = true;
};

} // namespace seam
