#pragma once

#include "PageLoadSourcesData.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace seam {

class Investigation;

/// The "Sources" details tab: which sources reported the selected page load and the value each gave
/// (the canonical one first, as `seam pageload ID --json` lists them), its JS and network errors, each
/// of its calls with the sources that reported it (`resources[].reports` in the JSON), and below, the
/// investigation's propagation health (`seam propagation`): where the browser's trace context does not reach
/// the backend, why, and the fix.
class PageLoadSourcesPanel : public QWidget
{
    Q_OBJECT

public:
    PageLoadSourcesPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    /// Reads the propagation health again (after an import).
    void refresh();

private:
    void pageLoadChanged();
    void showSources(const PageLoadSourcesData& data);
    void showPropagation(const PropagationHealthData& data);

    Investigation* m_investigation;
    PageLoadSourcesLoader* m_sourcesLoader;
    PropagationHealthLoader* m_propagationLoader;
    QLabel* m_summary;
    QTableWidget* m_sources;
    QTableWidget* m_calls;
    QTableWidget* m_propagation;
    int m_generation = 0;
};

} // namespace seam
