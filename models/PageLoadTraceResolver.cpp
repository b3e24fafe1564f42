#include "PageLoadTraceResolver.h"

namespace seam {

PageLoadTraceResolver::PageLoadTraceResolver(const QString& cachePath, Investigation* investigation,
                                             QObject* parent)
    : QObject(parent), m_investigation(investigation), m_loader(new PageLoadTracesLoader(cachePath, this))
{
    m_loader->onLoaded(this, [this](std::shared_ptr<const PageLoadTraces> traces) { publish(traces); });
    connect(m_loader, &PageLoadTracesLoader::failed, this,
            [this](const QString& message) { emit failed(m_investigation->selectedPageLoad(), message); });
    connect(m_investigation, &Investigation::changed, this, &PageLoadTraceResolver::investigationChanged);
    if (m_investigation->selectedPageLoad() != 0)
        investigationChanged(Investigation::PageLoadChanged);
}

void PageLoadTraceResolver::investigationChanged(Investigation::Changes changes)
{
    if (!(changes & Investigation::PageLoadChanged))
        return;
    // The Investigation has already dropped the old page load's traces.
    m_current.reset();
    m_loader->load(m_investigation->selectedPageLoad());
}

void PageLoadTraceResolver::publish(std::shared_ptr<const PageLoadTraces> traces)
{
    // The loader delivers the latest request only, and every page-load change makes a new one.
    if (traces->pageLoadId != m_investigation->selectedPageLoad())
        return;
    m_current = traces;
    m_investigation->setSelectedTraces(traces->traces);
    emit resolved(std::move(traces));
}

} // namespace seam
