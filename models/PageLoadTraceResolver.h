#pragma once

#include "Investigation.h"
#include "PageLoadTracesLoader.h"

#include <QObject>
#include <memory>

namespace seam {

/// Keeps an Investigation's selected traces in step with its selected page load: as soon as the page
/// load changes, its backend traces are resolved off the GUI thread and published with
/// Investigation::setSelectedTraces(), so every view that needs them (service rates, details, errors,
/// the flamegraph) starts from that one fact at the same moment, and none waits for another to draw.
class PageLoadTraceResolver : public QObject
{
    Q_OBJECT

public:
    PageLoadTraceResolver(const QString& cachePath, Investigation* investigation, QObject* parent = nullptr);

    /// True while the selected page load's traces are being resolved.
    bool isLoading() const { return m_loader->isLoading(); }
    /// What was resolved for the selected page load; nullptr while resolving or with none selected.
    const std::shared_ptr<const PageLoadTraces>& current() const { return m_current; }

signals:
    /// The selected page load's traces are known (and already published to the Investigation).
    void resolved(std::shared_ptr<const seam::PageLoadTraces> traces);
    void failed(qint64 pageLoadId, const QString& message);

private:
    void investigationChanged(Investigation::Changes changes);
    void publish(std::shared_ptr<const PageLoadTraces> traces);

    Investigation* m_investigation;
    PageLoadTracesLoader* m_loader; // a child: its thread stops when QObject deletes it
    std::shared_ptr<const PageLoadTraces> m_current;
};

} // namespace seam
