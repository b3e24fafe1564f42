#include "SessionJourneyPanel.h"

#include "Format.h"
#include "Investigation.h"
#include "PanelHeader.h"
#include "SessionJourneyLoader.h"
#include "SessionJourneyView.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QStringList>
#include <QVBoxLayout>

namespace seam {

SessionJourneyPanel::SessionJourneyPanel(const QString& cachePath, Investigation* investigation,
                                         QWidget* parent)
    : QWidget(parent), m_investigation(investigation), m_header(makePanelHeader()), m_legend(new QWidget),
      m_view(new SessionJourneyView), m_loader(new SessionJourneyLoader(cachePath, this))
{
    layOutPanel(this, m_header, m_view);
    // The markers are shapes, not words: say once what each means.
    auto* legend = new QHBoxLayout(m_legend);
    legend->setContentsMargins(6, 0, 6, 2);
    legend->setSpacing(4);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    const auto entry = [&](JourneyStep::Kind kind, bool variant, const QString& text) {
        auto* glyph = new QLabel;
        glyph->setPixmap(m_view->legendGlyph(kind, variant));
        auto* label = new QLabel(text);
        label->setFont(small);
        label->setForegroundRole(QPalette::PlaceholderText);
        legend->addWidget(glyph);
        legend->addWidget(label);
        legend->addSpacing(8);
    };
    entry(JourneyStep::Kind::Action, false, tr("action"));
    entry(JourneyStep::Kind::Action, true, tr("frustrated (rage, dead, error click)"));
    entry(JourneyStep::Kind::FailedResource, false, tr("failed request"));
    entry(JourneyStep::Kind::FailedResource, true, tr("no response"));
    entry(JourneyStep::Kind::JsError, false, tr("JS error"));
    legend->addStretch(1);
    m_legend->setMinimumWidth(1); // cut on a narrow pane rather than widen the window
    static_cast<QVBoxLayout*>(layout())->addWidget(m_legend);
    m_loader->onLoaded(this, [this](std::shared_ptr<const SessionJourney> journey) { onLoaded(journey); });
    connect(m_loader, &SessionJourneyLoader::failed, this, [this](const QString& message) {
        showMessage(tr("Could not read the session: %1").arg(message));
    });
    connect(m_view, &SessionJourneyView::stepActivated, this, [this](qint64 pageLoad, qint64 resource) {
        m_investigation->navigate(Investigation::Selection{pageLoad, resource, 0});
    });
    connect(m_investigation, &Investigation::changed, this,
            [this](Investigation::Changes changes) { onInvestigationChanged(int(changes)); });
    reload();
}

SessionJourneyPanel::~SessionJourneyPanel() = default;

void SessionJourneyPanel::showMessage(const QString& message)
{
    m_header->setText(message);
    m_view->setJourney(nullptr);
}

void SessionJourneyPanel::reload()
{
    const qint64 pageLoad = m_investigation->selectedPageLoad();
    m_loader->load(pageLoad);
    if (pageLoad == 0) {
        showMessage(tr("Select a page load to see its session's journey."));
        return;
    }
    // The strip shown stays until the new one replaces it (milliseconds: no flicker), without a
    // highlight: the selection is not on it.
    m_view->setSelection(pageLoad, m_investigation->selectedResource());
    m_header->setText(tr("Reading the session of the selected page load…"));
}

void SessionJourneyPanel::onInvestigationChanged(int changes)
{
    if (!(changes & (Investigation::PageLoadChanged | Investigation::ResourceChanged)))
        return;
    const qint64 pageLoad = m_investigation->selectedPageLoad();
    const auto& journey = m_view->journey();
    if (pageLoad != 0 && journey && journey->pageViewStep(pageLoad) >= 0) {
        // The same session: no reading, the highlight moves (a pending read of another one is dropped).
        m_loader->load(0);
        m_header->setText(describe(*journey));
        m_view->setSelection(pageLoad, m_investigation->selectedResource());
        return;
    }
    if (!(changes & Investigation::PageLoadChanged) && pageLoad != 0 && m_loader->isLoading())
        return; // the resource of a page load whose session is on its way
    reload();
}

void SessionJourneyPanel::onLoaded(std::shared_ptr<const SessionJourney> journey)
{
    if (!journey || journey->pageLoadId == 0) {
        showMessage(tr("This page load is no longer in the cache."));
        return;
    }
    m_header->setText(describe(*journey));
    m_view->setJourney(journey);
    m_view->setSelection(m_investigation->selectedPageLoad(), m_investigation->selectedResource());
}

QString SessionJourneyPanel::describe(const SessionJourney& j)
{
    const JourneySession& s = j.session;
    QStringList parts;
    if (s.id == 0) {
        parts << tr("Page load without a session");
    } else {
        parts << (s.userId.isEmpty() ? tr("Session (anonymous user)") : tr("Session of %1").arg(s.userId));
        const QString browser =
            s.browserVersion.isEmpty() ? s.browser : s.browser + QLatin1Char(' ') + s.browserVersion;
        for (const QString& fact : {browser, s.os, s.device, s.country})
            if (!fact.trimmed().isEmpty())
                parts << fact;
        if (!s.appVersion.isEmpty())
            parts << tr("app %1").arg(s.appVersion);
        if (s.start)
            parts << QDateTime::fromMSecsSinceEpoch(*s.start / 1'000'000)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        if (const auto length = s.length())
            parts << formatDuration(*length);
        parts << tr("%n page view(s)", nullptr, s.pageLoadCount);
        parts << tr("%n error(s)", nullptr, s.errorCount);
    }
    const int omittedViews = j.omittedPageViewsBefore + j.omittedPageViewsAfter;
    if (omittedViews > 0) {
        int shown = 0;
        for (const JourneyStep& step : j.steps)
            shown += step.kind == JourneyStep::Kind::PageView;
        parts << tr("showing %1 of %n page view(s)", nullptr, shown + omittedViews).arg(shown);
    }
    if (j.omittedEvents > 0)
        parts << tr("%n event(s) not shown", nullptr, j.omittedEvents);
    return parts.join(QStringLiteral("  ·  "));
}

} // namespace seam
