#pragma once

#include "CompareLoader.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;

namespace seam {

class FlameGraphView;

/// Two cohorts of page loads compared (CohortCompare): one FlameGraphView in diff mode (a
/// DiffColourSource: red grew, blue shrank, a triangle on significant changes) under a header naming
/// both cohorts, the weight (critical path or self time), a summary line and the colour legend. The
/// comparison runs off the GUI thread (CompareLoader); a newer request drops an older result.
/// Clicking a backend frame emits operationChosen (browser frames have no operation to narrow to).
class ComparePanel : public QWidget
{
    Q_OBJECT

public:
    explicit ComparePanel(const QString& cachePath, QWidget* parent = nullptr);

    /// Compares the page loads matching `filterA` with those matching `filterB` (filter language).
    void compare(const QString& filterA, const QString& filterB);
    /// Compares what `request` names: two cohorts (each with its own window), two page loads or two
    /// traces (two bookmarks of the review). Its weight is the one chosen here.
    void compare(CompareRequest request);
    const CompareRequest& request() const { return m_request; }
    void setWeight(DiffWeight weight);
    DiffWeight weight() const { return m_request.weight; }

    FlameGraphView* view() const { return m_view; }
    QLabel* header() const { return m_header; }
    QLabel* summary() const { return m_summary; }
    QLabel* legend() const { return m_legend; }
    QComboBox* weightChoice() const { return m_weight; }
    const std::shared_ptr<const CompareData>& data() const { return m_data; }
    bool isLoading() const { return m_loader->isLoading(); }

signals:
    /// The user clicked the frame of `operation` of backend `service`.
    void operationChosen(const QString& service, const QString& operation);

private:
    void reload();
    void loaded(std::shared_ptr<const CompareData> data);
    void showMessage(const QString& message);
    void frameClicked(qint64 spanId);

    CompareLoader* m_loader;
    CompareRequest m_request;
    bool m_hasRequest = false;
    std::shared_ptr<const CompareData> m_data;
    QLabel* m_header;
    QComboBox* m_weight;
    QLabel* m_summary;
    QLabel* m_legend;
    FlameGraphView* m_view;
};

} // namespace seam
