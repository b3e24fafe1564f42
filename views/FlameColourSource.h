#pragma once
// Where FlameGraphView's colours come from. The view paints boxes; what a box's colour means is the
// source's business: by service (the default, the same hue as in every other view), or by change
// between two sides (DiffColourSource, for ComparePanel). One view, several meanings: no second widget.

#include <QColor>
#include <QString>
#include <vector>

class QPalette;

namespace seam {

class FlameGraphData;

class FlameColourSource
{
public:
    virtual ~FlameColourSource() = default;
    /// Called before painting whenever the data or the palette changed: precompute here, so fill()
    /// stays an index lookup (it runs once per painted box).
    virtual void prepare(const FlameGraphData& data, const QPalette& palette) = 0;
    /// The fill of frame `index` (a merged block of tiny frames takes its first frame's).
    virtual QColor fill(const FlameGraphData& data, int index) const = 0;
    /// Frames that carry a marker (a corner triangle): e.g. a significant change.
    virtual bool marked(const FlameGraphData& /*data*/, int /*index*/) const { return false; }
    /// Extra tooltip lines (HTML) for frame `index`; empty for none.
    virtual QString describe(const FlameGraphData& /*data*/, int /*index*/) const { return {}; }
};

/// Colour by service, as every view colours services (ServiceColours.h).
class ServiceColourSource : public FlameColourSource
{
public:
    void prepare(const FlameGraphData& data, const QPalette& palette) override;
    QColor fill(const FlameGraphData& data, int index) const override;

private:
    std::vector<QColor> m_colours; // per service index + 1 (slot 0: unknown service)
};

} // namespace seam
