#pragma once
// The diff flamegraph's colours (ComparePanel): red where B grew, blue where it shrank, the stronger
// the larger the relative change (full at +100% / -50% and beyond, or for a node only one side
// has), neutral grey where nothing changed; a corner triangle on nodes whose change is significant
// (Benjamini-Hochberg q <= 0.05). The mapping is the legend's text (legendText()).

#include "CompareData.h"
#include "FlameColourSource.h"

#include <memory>

namespace seam {

class DiffColourSource : public FlameColourSource
{
public:
    explicit DiffColourSource(std::shared_ptr<const CompareData> data);

    void prepare(const FlameGraphData& data, const QPalette& palette) override;
    QColor fill(const FlameGraphData& data, int index) const override;
    bool marked(const FlameGraphData& data, int index) const override;
    QString describe(const FlameGraphData& data, int index) const override;

    /// How strongly a change shows, 0..1 (what the colour's intensity encodes); sign: grew > 0.
    static double intensity(const DiffNode& node);
    /// The legend: what red, blue, intensity, width and the triangle mean (plain text).
    static QString legendText();

private:
    std::shared_ptr<const CompareData> m_data;
    QColor m_neutral, m_grew, m_shrank;
};

} // namespace seam
