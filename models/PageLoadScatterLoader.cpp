#include "PageLoadScatterLoader.h"

namespace seam {

PageLoadScatterLoader::PageLoadScatterLoader(const QString& cachePath, QObject* parent)
    : BackgroundLoader(cachePath, parent), m_locator(new PageLoadPointLoader(cachePath, this))
{
    // A point that cannot be read is simply not ringed; the scan reports a broken cache.
    m_locator->onLoaded(this, [this](std::shared_ptr<const PageLoadScatterPoint> point) {
        if (point->id != 0)
            emit located(*point);
    });
}

} // namespace seam
