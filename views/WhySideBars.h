#pragma once

#include <QString>
#include <QWidget>
#include <array>

namespace seam {

/// "Where the extra time went": critical-path time per side (frontend, network, backend) of the
/// subject (one page load, or the median slow load) against the normal (the route's normal loads,
/// or the baseline), as two bars per side on one scale with the difference in words.
class WhySideBars : public QWidget
{
    Q_OBJECT

public:
    explicit WhySideBars(QWidget* parent = nullptr);

    /// ms per CriticalSide; `subject` and `normal` name the two bars in the legend and tooltip.
    void setValues(const std::array<double, 3>& subjectMs, const std::array<double, 3>& normalMs,
                   const QString& subject, const QString& normal);
    void clear();
    bool hasValues() const { return m_hasValues; }
    const std::array<double, 3>& subjectMs() const { return m_subject; }
    const std::array<double, 3>& normalMs() const { return m_normal; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::array<double, 3> m_subject{}, m_normal{};
    QString m_subjectName, m_normalName;
    bool m_hasValues = false;
};

} // namespace seam
