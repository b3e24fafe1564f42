#pragma once

#include "BackgroundLoader.h"
#include "PageLoadScatterData.h"

#include <QObject>

namespace seam {

/// Reads a page load's scatter point alone, for a selection the decimation left out (0 cancels).
using PageLoadPointLoader = BackgroundLoader<PageLoadScatterPoint, qint64>;

/// Reads the page-load scatter's points off the GUI thread (load(), loaded()): a superseded filter's
/// scan is interrupted mid-statement. Beside it, locate() reads one page load's point alone on a
/// second worker, so a selection never waits behind a long scan.
class PageLoadScatterLoader : public BackgroundLoader<PageLoadScatterData, PageLoadScatterRequest>
{
    Q_OBJECT

public:
    explicit PageLoadScatterLoader(const QString& cachePath, QObject* parent = nullptr);

    /// Reads the point of `pageLoadId`; located() follows unless it has no load time. 0 cancels.
    void locate(qint64 pageLoadId) { m_locator->load(pageLoadId); }

signals:
    /// The point of the page load asked for with locate().
    void located(const seam::PageLoadScatterPoint& point);

private:
    PageLoadPointLoader* m_locator; // a child: its thread stops when QObject deletes it
};

} // namespace seam
